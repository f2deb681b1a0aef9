"""Atomic writes: a reader never sees a half-written file, a failure never
leaves one behind, and ``--check`` modes share the comparison."""

from __future__ import annotations

import errno
import os
import stat
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

from .errors import InfostdError
from .model import display_path

# Why a write failed, in the user's words (the OS text is English).
WRITE_ERRORS = {
    errno.EACCES: "没有写入权限",
    errno.EPERM: "没有写入权限",
    errno.EROFS: "只读文件系统",
    errno.ENOSPC: "磁盘空间不足",
    errno.EISDIR: "是文件夹，请给出文件名",
    errno.ENOTDIR: "上级路径中有一个是文件而不是文件夹",
    errno.EEXIST: "上级路径中有一个是文件而不是文件夹",
    errno.EFBIG: "超过允许的文件大小（磁盘配额或 ulimit -f）",
    errno.EDQUOT: "超出磁盘配额",
}


class OutputError(InfostdError):
    """An output path we cannot write (exit 2)."""


def atomic_write_bytes(path: Path, data: bytes) -> None:
    with atomic_open(path) as handle:
        handle.write(data)


@contextmanager
def atomic_open(path: Path) -> Iterator[BinaryIO]:
    """A binary handle for writing ``path`` piece by piece, with ``atomic_write_bytes``'s
    promise: the target changes only when the block ends without an exception (then the
    pieces replace it at once); on any exception the temp file is removed and the old file
    is untouched. An ``OSError`` in the block is the output's (located, exit 2)."""
    try:
        with _replacing(path) as handle:
            yield handle
    except OSError as exc:
        raise output_error(path, exc) from exc


def write_pieces(handle: BinaryIO, pieces: Iterable[str]) -> None:
    """Text pieces to ``handle`` as UTF-8, never as one whole string."""
    for text in batched(pieces):
        handle.write(text.encode("utf-8"))


def batched(pieces: Iterable[str], size: int = 4096) -> Iterator[str]:
    """Many small pieces (one per report line) joined into few large strings: a million
    pieces are a few hundred writes."""
    pending: list[str] = []
    for piece in pieces:
        pending.append(piece)
        if len(pending) >= size:
            yield "".join(pending)
            pending.clear()
    if pending:
        yield "".join(pending)


def output_error(path: Path, exc: OSError) -> OutputError:
    reason = WRITE_ERRORS.get(exc.errno, exc.strerror or str(exc))
    return OutputError(f"{display_path(path)}：无法写入（{reason}）")


def workbook_bytes(book, path: Path) -> bytes:
    """An openpyxl workbook as bytes for ``path``. openpyxl writes each sheet through a
    temporary file first, so a full disk (or ``ulimit -f``) shows up here: the output's
    error. With lxml installed the failure is lxml's ``SerialisationError("IO_EFBIG")``."""
    import io

    buffer = io.BytesIO()
    failure: OSError | None = None
    try:
        book.save(buffer)
    except OSError as exc:
        failure = exc
    except Exception as exc:  # noqa: BLE001 - lxml's error carries the errno name only
        code = getattr(errno, str(exc).removeprefix("IO_"), None)
        if not isinstance(code, int):
            raise
        failure = OSError(code, os.strerror(code))
    if failure is None:
        return buffer.getvalue()
    _collect_quietly()  # openpyxl's abandoned sheet writers would print "Exception ignored"
    raise output_error(path, failure)


def _collect_quietly() -> None:
    import gc
    import sys

    hook, sys.unraisablehook = sys.unraisablehook, lambda _: None
    try:
        gc.collect()
    finally:
        sys.unraisablehook = hook


@contextmanager
def _replacing(path: Path) -> Iterator[BinaryIO]:
    """Atomic replace for regular files (a symlink's target is replaced, the link kept);
    a device, pipe or terminal (``-o /dev/stdout``) is written in place: renaming a
    temp file over ``/dev/null`` would replace the device itself."""
    real = Path(os.path.realpath(path))
    if _special(real):
        with open(path, "wb") as handle:
            yield handle
        return
    path = real if path.is_symlink() else path
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            yield handle
        os.chmod(tmp, _mode_for(path))  # mkstemp makes 0600; a site must stay readable
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _special(real: Path) -> bool:
    """Not a place for a regular file: an existing non-regular file, or anything under
    /dev or /proc (``/dev/stdout`` → ``/proc/self/fd/1`` → a pipe or a terminal)."""
    if real.parts[1:2] in (("dev",), ("proc",)):
        return True
    try:
        return not stat.S_ISREG(real.stat().st_mode) and not real.is_dir()
    except OSError:
        return False  # does not exist yet: a new regular file


def _mode_for(path: Path) -> int:
    """The mode the file keeps when replaced, or that a new file gets under the umask."""
    try:
        return path.stat().st_mode & 0o777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def atomic_write_text(path: Path, text: str) -> None:
    atomic_write_bytes(path, text.encode("utf-8"))


def is_current(path: Path, data: bytes) -> bool:
    """True when ``path`` already holds exactly ``data``."""
    try:
        return path.read_bytes() == data
    except OSError:
        return False
