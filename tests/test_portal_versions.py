"""Versioned portal with mike on a real local git repository (no push): two releases
side by side, a `latest` alias and versions.json for the version selector."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

MIKE = Path(sys.executable).parent / "mike"

MKDOCS = """site_name: 企业信息管理标准
theme:
  name: material
  language: zh
extra:
  version:
    provider: mike
    default: latest
"""


def run(root: Path, *args: str) -> str:
    env = {
        **os.environ,
        "PATH": f"{MIKE.parent}{os.pathsep}{os.environ.get('PATH', '')}",  # mike runs `mkdocs`
        "GIT_AUTHOR_NAME": "ci",
        "GIT_AUTHOR_EMAIL": "ci@example.test",
        "GIT_COMMITTER_NAME": "ci",
        "GIT_COMMITTER_EMAIL": "ci@example.test",
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_CONFIG_GLOBAL": str(root.parent / "gitconfig"),
    }
    done = subprocess.run(args, cwd=root, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def test_mike_deploys_two_versions_and_the_latest_alias(tmp_path: Path) -> None:
    root = tmp_path / "portal"
    (root / "docs").mkdir(parents=True)
    (root / "mkdocs.yml").write_text(MKDOCS, encoding="utf-8")
    (root / "docs" / "index.md").write_text("# 标准 1.0\n", encoding="utf-8")
    run(root, "git", "init", "-q", "-b", "main")
    run(root, "git", "add", "-A")
    run(root, "git", "commit", "-qm", "门户")

    run(root, str(MIKE), "deploy", "--update-aliases", "1.0", "latest")
    (root / "docs" / "index.md").write_text("# 标准 1.1\n", encoding="utf-8")
    run(root, "git", "commit", "-qam", "1.1")
    run(root, str(MIKE), "deploy", "--update-aliases", "1.1", "latest")
    run(root, str(MIKE), "set-default", "latest")

    versions = json.loads(run(root, "git", "show", "gh-pages:versions.json"))
    assert versions == [
        {"version": "1.1", "title": "1.1", "aliases": ["latest"]},
        {"version": "1.0", "title": "1.0", "aliases": []},
    ]
    files = set(run(root, "git", "ls-tree", "-r", "--name-only", "gh-pages").split())
    assert {"1.0/index.html", "1.1/index.html", "index.html"} <= files
    assert "标准 1.0" in run(root, "git", "show", "gh-pages:1.0/index.html")
    assert "标准 1.1" in run(root, "git", "show", "gh-pages:1.1/index.html")
    # mike's default alias is a symlink: latest → 1.1
    assert run(root, "git", "ls-tree", "gh-pages", "latest").startswith("120000 blob")
    assert run(root, "git", "show", "gh-pages:latest") == "1.1"
    assert "latest/" in run(root, "git", "show", "gh-pages:index.html")  # redirect to the alias
    assert run(root, "git", "branch", "--show-current").strip() == "main"  # working tree untouched
    assert "1.0" in run(root, str(MIKE), "list")


def test_the_real_portal_deploys_as_versions_with_a_selector(tmp_path: Path) -> None:
    """The project's own mkdocs.yml and plugin under mike: two releases, and each page
    carries mkdocs-material's version-selector configuration."""

    from .conftest import catalog_project

    root = catalog_project(tmp_path)  # the fixture catalog with the project's mkdocs.yml
    run(root, "git", "init", "-q", "-b", "main")
    run(root, "git", "add", "-A")
    run(root, "git", "commit", "-qm", "v1")
    run(root, str(MIKE), "deploy", "--update-aliases", "1.0.0", "latest")
    customer = root / "standards" / "records" / "customer.md"
    customer.write_text(customer.read_text(encoding="utf-8") + "\n补充说明。\n", encoding="utf-8")
    run(root, "git", "commit", "-qam", "v1.1")
    run(root, str(MIKE), "deploy", "--update-aliases", "1.1.0", "latest")

    versions = json.loads(run(root, "git", "show", "gh-pages:versions.json"))
    assert [v["version"] for v in versions] == ["1.1.0", "1.0.0"]
    assert versions[0]["aliases"] == ["latest"]
    page = run(root, "git", "show", "gh-pages:1.1.0/records/customer/index.html")
    assert "补充说明" in page
    assert '"provider": "mike"' in page or '"provider":"mike"' in page
    assert "补充说明" not in run(root, "git", "show", "gh-pages:1.0.0/records/customer/index.html")
