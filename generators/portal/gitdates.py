"""When each file last changed, from git: one ``git log`` for the whole folder
(one call per page would cost seconds on a large catalog)."""

from __future__ import annotations

import subprocess
from pathlib import Path


def last_changes(folder: Path) -> dict[Path, str]:
    """Resolved file path → commit date (``YYYY-MM-DD``) of its newest commit. Files
    never committed, or a folder outside git, are simply absent."""
    try:
        top = subprocess.run(
            ["git", "rev-parse", "--show-toplevel"],
            cwd=folder,
            capture_output=True,
            text=True,
            timeout=30,
        )
        if top.returncode != 0:
            return {}
        log = subprocess.run(
            ["git", "log", "--format=@%cs", "--name-only", "--no-renames", "--", "."],
            cwd=folder,
            capture_output=True,
            text=True,
            timeout=120,
        )
    except (OSError, subprocess.TimeoutExpired):
        return {}
    root = Path(top.stdout.strip())
    dates: dict[Path, str] = {}
    date = ""
    for line in log.stdout.splitlines():
        if line.startswith("@"):
            date = line[1:]
        elif line:
            dates.setdefault((root / line).resolve(), date)
    return dates
