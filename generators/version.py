"""The release version of the standards.

The committed release record (``releases/vX.Y.Z.yaml``, written by ``infostd release``)
is the source: a clone without tags still shows the released version. Commits after
the release add ``+dev.N.gSHA`` (N counted from the commit that added the record).
Projects without release records fall back to ``vX.Y.Z`` tags.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

UNKNOWN = "0.0.0+unknown"
RELEASES = "releases"


def project_version(root: Path) -> str:
    """``1.2.0`` at the release commit; ``1.2.0+dev.3.gabc1234`` after it; ``0.0.0+dev.gabc1234``
    before the first release; ``.dirty`` marks local edits of tracked files."""
    recorded = _recorded(root)
    if recorded:
        version, path = recorded
        commit = _git(root, "log", "-1", "--format=%H", "--", path)
        if not commit:  # not committed yet (or no git): the record is still the release
            return version
        count = _git(root, "rev-list", "--count", f"{commit}..HEAD") or "0"
        dirty = _git(root, "status", "--porcelain", "--untracked-files=no") != ""
        if count != "0" or dirty:
            short = _git(root, "rev-parse", "--short", "HEAD")
            version += f"+dev.{count}.g{short}" + (".dirty" if dirty else "")
        return version
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


def _recorded(root: Path) -> tuple[str, str] | None:
    """The newest release record's version and its path relative to ``root``."""
    from .release.records import record_versions

    versions = record_versions(root)
    if not versions:
        return None
    return str(versions[-1]), f"{RELEASES}/{versions[-1].tag}.yaml"


def _git(root: Path, *args: str) -> str:
    try:
        done = subprocess.run(["git", *args], cwd=root, capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return ""
    return done.stdout.strip() if done.returncode == 0 else ""
