"""Version from git, on a real repository in a tmp dir."""

from __future__ import annotations

import subprocess
from pathlib import Path

from generators.version import UNKNOWN, project_version


def git(root: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.test", *args],
        cwd=root,
        check=True,
        capture_output=True,
    )


def test_version_follows_tags(tmp_path: Path) -> None:
    assert project_version(tmp_path) == UNKNOWN
    git(tmp_path, "init", "-q")
    (tmp_path / "a.txt").write_text("1", encoding="utf-8")
    git(tmp_path, "add", ".")
    git(tmp_path, "commit", "-qm", "one")
    assert project_version(tmp_path).startswith("0.0.0+dev.g")
    git(tmp_path, "tag", "-a", "v1.0.0", "-m", "发布")
    assert project_version(tmp_path) == "1.0.0"
    (tmp_path / "a.txt").write_text("2", encoding="utf-8")
    assert project_version(tmp_path).endswith(".dirty")
    git(tmp_path, "commit", "-qam", "two")
    assert project_version(tmp_path).startswith("1.0.0+dev.1.g")
