"""Shared fixtures: standards trees in tmp dirs, the fixture catalog and the shipped catalog.

Tool tests run on fixture catalogs (``tests/fixtures/``): ``mini``, ``portal`` and ``catalog``,
a frozen copy of the shipped standards with its project settings. The shipped content
(``standards/``) is judged only by ``check``, ``schemas --check``, ``build`` and invariants
that hold for any valid catalog (``shipped_catalog``, ``shipped_site``), so a committee's
valid edit never turns a tool test red (DESIGN "Tests vs content")."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from hypothesis import settings

from generators.config import load_config
from generators.loader import load_catalog
from generators.model import Catalog

from .browser import browser  # noqa: F401 - the session's Chromium, a fixture for every module
from .sql_support import postgres_url, spark  # noqa: F401 - a PostgreSQL cluster, a Spark session

# In CI (CI=true) every property-based test draws the same examples each run: a red run
# must point at a change, not at luck. Locally they explore new examples each time.
settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")

FIXTURES = Path(__file__).parent / "fixtures"
REPO = Path(__file__).parent.parent
CATALOG = FIXTURES / "catalog"  # a project: pyproject.toml (teams), standards/, CODEOWNERS


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


def catalog_project(tmp_path: Path) -> Path:
    """A writable copy of the fixture catalog's project (settings, standards, CODEOWNERS)."""
    root = tmp_path / "catalog"
    shutil.copytree(CATALOG, root)
    shutil.copy(REPO / "mkdocs.yml", root / "mkdocs.yml")
    return root


@pytest.fixture(scope="session")
def fixture_catalog() -> Catalog:
    """The frozen copy of the shipped standards: what tool tests pin specifics on."""
    return load_catalog(config=load_config(CATALOG))


@pytest.fixture(scope="session")
def shipped_catalog() -> Catalog:
    """The live standards: only for invariants that hold for any valid catalog."""
    return load_catalog(config=load_config(REPO))


def build_site(root: Path, out: Path) -> Path:
    """``infostd build -o out`` on a project, as a user runs it; returns the site folder."""
    from click.testing import CliRunner

    from generators.cli import cli

    result = CliRunner().invoke(cli, ["--root", str(root), "build", "-o", str(out)])
    assert result.exit_code == 0, result.output
    return out


@pytest.fixture(scope="session")
def shipped_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The portal of the shipped standards, built once per test session."""
    return build_site(REPO, tmp_path_factory.mktemp("shipped") / "site")


@pytest.fixture(scope="session")
def fixture_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The portal of the fixture catalog, built once per test session."""
    root = catalog_project(tmp_path_factory.mktemp("fixture-catalog"))
    return build_site(root, root / "site")


@pytest.fixture(scope="session")
def portal_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The portal of tests/fixtures/portal (mini + a pilot policy with mermaid and a
    record whose schema text carries planted scripts)."""
    root = make_project(tmp_path_factory.mktemp("portal"), FIXTURES / "portal")
    return build_site(root, root / "site")
