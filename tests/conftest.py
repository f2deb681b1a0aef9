"""Shared fixtures: small hand-written standards trees in tmp dirs, and the shipped catalog."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from generators.config import load_config
from generators.loader import load_catalog
from generators.model import Catalog

FIXTURES = Path(__file__).parent / "fixtures"
REPO = Path(__file__).parent.parent


def make_project(tmp_path: Path, standards: Path = FIXTURES / "mini") -> Path:
    """A project folder: pyproject.toml with [tool.infostd], the portal's mkdocs.yml and a
    copy of ``standards``."""
    root = tmp_path / "project"
    shutil.copytree(standards, root / "standards")
    shutil.copy(REPO / "mkdocs.yml", root / "mkdocs.yml")
    (root / "pyproject.toml").write_text(
        '[tool.infostd]\nbase_url = "https://example.test/schemas"\n', encoding="utf-8"
    )
    return root


@pytest.fixture
def mini_project(tmp_path: Path) -> Path:
    return make_project(tmp_path)


@pytest.fixture
def mini_catalog(mini_project: Path) -> Catalog:
    return load_catalog(config=load_config(mini_project))


@pytest.fixture(scope="session")
def shipped_catalog() -> Catalog:
    return load_catalog(config=load_config(REPO))
