"""The release version of the standards, from git (a tag ``vX.Y.Z`` is a release)."""

from __future__ import annotations

import subprocess
from pathlib import Path

UNKNOWN = "0.0.0+unknown"


def project_version(root: Path) -> str:
    """``1.2.0`` on a release tag; ``1.2.0+dev.3.gabc1234`` after it; ``0.0.0+dev.gabc1234``
    before the first release; ``0.0.0+unknown`` outside git. ``.dirty`` marks local edits."""
    described = _git(root, "describe", "--tags", "--match", "v[0-9]*", "--dirty=-dirty", "--long")
    if described:
        dirty = described.endswith("-dirty")
        tag, count, commit = described.removesuffix("-dirty").rsplit("-", 2)
        version = tag.removeprefix("v")
        if count != "0" or dirty:
            version += f"+dev.{count}.{commit}" + (".dirty" if dirty else "")
        return version
    commit = _git(root, "rev-parse", "--short", "HEAD")
    return f"0.0.0+dev.g{commit}" if commit else UNKNOWN


def _git(root: Path, *args: str) -> str:
    try:
        done = subprocess.run(["git", *args], cwd=root, capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return ""
    return done.stdout.strip() if done.returncode == 0 else ""
