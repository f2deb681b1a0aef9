"""Atomic writes: a path we cannot write is the user's error (exit 2), located, in Chinese."""

from __future__ import annotations

import pytest

from generators.errors import InfostdError
from generators.fsutil import atomic_write_text


def test_parent_that_is_a_file_is_a_located_error(tmp_path):
    blocker = tmp_path / "data.csv"
    blocker.write_text("keep me", encoding="utf-8")
    with pytest.raises(InfostdError, match="data.csv/out.txt：无法写入") as caught:
        atomic_write_text(blocker / "out.txt", "x")
    assert caught.value.exit_code == 2
    assert blocker.read_text(encoding="utf-8") == "keep me"


def test_directory_as_output_is_a_located_error(tmp_path):
    (tmp_path / "out").mkdir()
    with pytest.raises(InfostdError, match="out：无法写入（是文件夹"):
        atomic_write_text(tmp_path / "out", "x")
    assert list(tmp_path.iterdir()) == [tmp_path / "out"]  # no temporary file left behind


def test_missing_folders_are_created(tmp_path):
    atomic_write_text(tmp_path / "a" / "b" / "c.txt", "好")
    assert (tmp_path / "a" / "b" / "c.txt").read_text(encoding="utf-8") == "好"


def test_new_files_get_the_usual_permissions(tmp_path):
    """Like any file the user creates (umask), not mkstemp's owner-only 0600: a built
    site must be readable by the web server."""
    import os

    umask = os.umask(0o022)
    try:
        atomic_write_text(tmp_path / "new.txt", "x")
        existing = tmp_path / "shared.txt"
        existing.write_text("old", encoding="utf-8")
        existing.chmod(0o664)
        atomic_write_text(existing, "new")
    finally:
        os.umask(umask)
    assert (tmp_path / "new.txt").stat().st_mode & 0o777 == 0o644
    assert existing.stat().st_mode & 0o777 == 0o664  # a replaced file keeps its mode
