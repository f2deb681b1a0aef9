"""The limits every reader enforces BEFORE the work, so memory and time stay bounded
whatever a file claims to contain. One table (``LIMITS``), documented in SECURITY.md
and README; each refusal is exit 2 with a Chinese line naming the limit."""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from .errors import InfostdError
from .model import display_path


@dataclass(frozen=True)
class Limit:
    value: int
    unit: str
    what: str  # the limit's name in the refusal and in SECURITY.md


LIMITS: dict[str, Limit] = {
    "xlsx_bytes": Limit(512 << 20, "字节", "xlsx 解压后的总大小（512 MiB）"),
    "xlsx_cells": Limit(20_000_000, "个", "一个工作表的单元格数（含空单元格，2000 万）"),
    "cell_chars": Limit(32_767, "个字符", "一个单元格的长度（32767 个字符，与 Excel 相同）"),
    "number_digits": Limit(4_300, "位", "一个数字的位数（4300 位）"),
    "json_depth": Limit(100, "层", "JSON 与 schema 块的嵌套层数（100 层）"),
    "yaml_aliases": Limit(50, "个", "YAML 别名（*引用）的个数（50 个）"),
    "yaml_depth": Limit(50, "层", "YAML 的嵌套层数（50 层）"),
    "sheet_rows": Limit(50_000, "行", "sheet import 读取的字段表或代码表的行数（5 万行）"),
}
XLSX_BYTES = LIMITS["xlsx_bytes"].value
XLSX_CELLS = LIMITS["xlsx_cells"].value
CELL_CHARS = LIMITS["cell_chars"].value
NUMBER_DIGITS = LIMITS["number_digits"].value
JSON_DEPTH = LIMITS["json_depth"].value
YAML_ALIASES = LIMITS["yaml_aliases"].value
YAML_DEPTH = LIMITS["yaml_depth"].value
SHEET_ROWS = LIMITS["sheet_rows"].value


class LimitExceeded(InfostdError):
    """Input beyond one of ``LIMITS`` (exit 2); the message names the limit."""

    def __init__(self, where: str, name: str, detail: str = "", line: int | None = None):
        self.reason = f"超过上限：{LIMITS[name].what}{detail}"
        super().__init__(where + (f"第 {line} 行：" if line else "") + self.reason)
        self.limit, self.line = name, line


class Unreadable(InfostdError):
    """An xlsx refused for what it is, not its size (broken zip, DTD, impossible date)."""

    def __init__(self, where: str, reason: str):
        super().__init__(f"{where}：{reason}")
        self.reason = reason


# ── JSON ─────────────────────────────────────────────────────────────────
_JSON_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}]')


def json_depth_line(text: str, limit: int = JSON_DEPTH) -> int | None:
    """The line where ``text``'s nesting first goes deeper than ``limit``, else None.
    Strings are skipped, so brackets inside them do not count. Python's json module
    recurses per level (RecursionError near 1000), so this runs before it."""
    if text.count("[") + text.count("{") <= limit:
        return None
    depth = 0
    for match in _JSON_TOKEN.finditer(text):
        token = match.group()
        if token in "[{":
            depth += 1
            if depth > limit:
                return text.count("\n", 0, match.start()) + 1
        elif token in "]}":
            depth -= 1
    return None


def check_json_depth(text: str, where: str, first_line: int = 1) -> None:
    """Refuse ``text`` nested deeper than the limit; ``where`` names the file."""
    line = json_depth_line(text)
    if line is not None:
        raise LimitExceeded(f"{where}：", "json_depth", line=first_line + line - 1)


def json_loads(text: str, where: str) -> Any:
    """``json.loads`` within the limits: depth checked first; a number with more digits
    than Python converts (ValueError, not JSONDecodeError) is refused, not a crash."""
    import json

    check_json_depth(text, where)
    try:
        return json.loads(text)
    except ValueError as exc:
        if isinstance(exc, json.JSONDecodeError):
            raise
        raise LimitExceeded(f"{where}：", "number_digits") from exc


# ── YAML ─────────────────────────────────────────────────────────────────
class _LimitedLoader(yaml.SafeLoader):
    """PyYAML's safe loader that counts aliases and nesting while composing: an alias
    bomb (``b: [*a, *a, …]``) costs nothing to compose but explodes when walked."""

    def __init__(self, stream: str):
        super().__init__(stream)
        self._aliases = 0
        self._depth = 0

    def compose_node(self, parent, index):  # type: ignore[override]
        if self.check_event(yaml.AliasEvent):
            self._aliases += 1
            if self._aliases > YAML_ALIASES:
                raise _YamlLimit("yaml_aliases", self.peek_event().start_mark)
        self._depth += 1
        try:
            if self._depth > YAML_DEPTH:
                raise _YamlLimit("yaml_depth", self.peek_event().start_mark)
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


class _YamlLimit(yaml.YAMLError):
    def __init__(self, name: str, mark):
        super().__init__(name)
        self.limit, self.problem_mark = name, mark


def yaml_load(text: str, where: str, first_line: int = 1) -> Any:
    """``yaml.safe_load`` within the alias and depth limits. ``where`` names the file;
    other YAML errors propagate as ``yaml.YAMLError`` for the caller's own message."""
    loader = _LimitedLoader(text)
    try:
        return loader.get_single_data()
    except _YamlLimit as exc:
        line = first_line + exc.problem_mark.line
        raise LimitExceeded(f"{where}：", exc.limit, line=line) from None
    except RecursionError:  # deeper than the interpreter allows, before our count
        raise LimitExceeded(f"{where}：", "yaml_depth", line=first_line) from None
    finally:
        loader.dispose()


# ── xlsx ─────────────────────────────────────────────────────────────────
# A cell's reference is its r attribute (``<c r="AB12"``); rows are what a reader
# allocates up to, so every cell's row counts. Columns: the widest letters present.
_ROW_REF = {q: re.compile(rb" r=" + q + rb"[A-Z]{1,3}([0-9]{1,7})" + q) for q in (b'"', b"'")}
_LETTERS = [bytes([c]) for c in range(ord("Z"), ord("A") - 1, -1)]


def _widest_column(xml: bytes, quote: bytes) -> int:
    """The largest column referenced: 3- and 2-letter columns by regex (rare), one
    letter by looking for Z, Y, … in turn (``in`` is a fast substring search)."""
    wide = re.findall(rb"<c r=" + quote + rb"([A-Z]{2,3})[0-9]", xml)
    if wide:
        return max(map(_column_number, set(wide)))
    return next((27 - i for i, c in enumerate(_LETTERS) if b"<c r=" + quote + c in xml), 0)


CHUNK = 1 << 20
TAIL_BYTES = 4096  # text after the last tag of a chunk: only its end can start a tag


def check_xlsx(path: Path) -> None:
    """Refuse a workbook whose parts inflate beyond the limit (read from the zip
    directory, then enforced while decompressing: a lying directory is caught by the
    size and CRC checks of ``zipfile``), or a sheet whose cell rectangle (what the
    reader allocates, A1 to the last cell) is beyond the cell limit."""
    where = display_path(path)
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
            declared = sum(i.file_size for i in infos)
            if declared > XLSX_BYTES:
                raise LimitExceeded(
                    f"{where}：", "xlsx_bytes", f"（声明解压后 {declared >> 20} MiB）"
                )
            dates = _date_styles(archive)
            for info in infos:
                if info.filename.startswith("xl/worksheets/") and not info.is_dir():
                    _check_sheet(archive, info, where, dates)
                else:
                    _scan(archive, info, where)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, EOFError) as exc:
        raise Unreadable(where, "无法打开工作簿：已损坏或不是有效的 xlsx 文件") from exc


def _check_sheet(
    archive: zipfile.ZipFile, info: zipfile.ZipInfo, where: str, dates: set[bytes]
) -> None:
    """Cells and the rectangle's extent, from the sheet XML as it streams; a date cell
    whose number no calendar holds (−1e308) is refused here, where calamine panics."""
    extent = _Extent(dates)
    try:
        _scan(archive, info, where, extent.add)
    except _BadDate as bad:
        sheet = info.filename.rsplit("/", 1)[-1]
        raise Unreadable(
            where,
            f"{sheet} 的 {bad.cell} 单元格：日期数值 {bad.value} 超出 Excel 日期范围"
            "（0001-01-01 至 9999-12-31），无法读取",
        ) from None
    if extent.cells() > XLSX_CELLS:
        sheet = info.filename.rsplit("/", 1)[-1]
        raise LimitExceeded(
            f"{where}（{sheet}）：", "xlsx_cells", f"（A1 到 {extent.rows} 行 {extent.cols} 列）"
        )


def _scan(archive: zipfile.ZipFile, info: zipfile.ZipInfo, where: str, seen=None) -> None:
    """Decompress one part in chunks (zipfile stops at the declared size and checks the
    CRC, so a lying directory is caught), cut after the last ``>`` so that no tag
    straddles two pieces."""
    rest = b""
    with archive.open(info) as part:
        while chunk := part.read(CHUNK):
            data = rest + chunk
            cut = data.rfind(b">") + 1
            head, rest = data[:cut], data[cut:][-TAIL_BYTES:]
            if b"<!DOCTYPE" in head or b"<!ENTITY" in head:
                raise Unreadable(
                    where,
                    f"{info.filename} 含有 DTD（<!DOCTYPE/<!ENTITY>），"
                    "xlsx 规范不允许，拒绝读取（可能是实体膨胀或外部实体攻击）",
                )
            if seen is not None:
                seen(head)
    if seen is not None:
        seen(rest)


class _BadDate(Exception):
    def __init__(self, cell: str, value: str):
        self.cell, self.value = cell, value


class _Extent:
    def __init__(self, dates: set[bytes]) -> None:
        self.rows = self.cols = self.row_tags = self.cell_tags = 0
        self.dates = dates

    def add(self, xml: bytes) -> None:
        if self.dates and b"<v>" in xml:
            self._dates(xml)
        self.row_tags += xml.count(b"<row")
        self.cell_tags += xml.count(b"<c ") + xml.count(b"<c>") + xml.count(b"<c/>")
        for quote in (b'"', b"'"):
            if b" r=" + quote in xml:
                self.rows = max(self.rows, _largest(_ROW_REF[quote].findall(xml)))
                self.cols = max(self.cols, _widest_column(xml, quote))

    def _dates(self, xml: bytes) -> None:
        for match in _BIG_VALUE.finditer(xml):
            start = xml.rfind(b"<c", 0, match.start())
            attrs = xml[start : match.start()]
            style = _STYLE.search(attrs)
            if style and style.group(1) in self.dates and not _date_ok(match.group(1)):
                ref = _REF.search(attrs)
                raise _BadDate(ref.group(1).decode() if ref else "?", match.group(1).decode()[:40])

    def cells(self) -> int:
        return max(max(self.rows, self.row_tags) * max(self.cols, 1), self.cell_tags)


def _largest(numbers: list[bytes]) -> int:
    """The largest of decimal numbers as bytes, without converting each (longest, then
    the greatest of the longest)."""
    if not numbers:
        return 0
    width = max(map(len, numbers))
    return int(max(n for n in numbers if len(n) == width))


def _column_number(letters: bytes) -> int:
    n = 0
    for b in letters:
        n = n * 26 + b - 64
    return n


# Serials of 0001-01-01 and 9999-12-31: a date cell beyond them makes calamine panic.
_DATE_RANGE = (-693_593, 2_958_465)
_BIG_VALUE = re.compile(rb"<v>(-?[0-9]{7,}[^<]*|[^<]*[eE][^<]*)</v>")
_STYLE = re.compile(rb"""\bs=["']([0-9]+)["']""")
_REF = re.compile(rb"""\br=["']([A-Z]+[0-9]+)["']""")
_NUM_FMT = re.compile(
    rb"""<(?:\w+:)?numFmt\b[^>]*?numFmtId=["']([0-9]+)["'][^>]*?formatCode=["']([^"']*)["']"""
)
_XF = re.compile(rb"""<(?:\w+:)?xf\b[^>]*?numFmtId=["']([0-9]+)["']""")
_BUILTIN_DATES = {*range(14, 23), *range(27, 37), 45, 46, 47, *range(50, 59)}


def _date_ok(value: bytes) -> bool:
    try:
        return _DATE_RANGE[0] <= float(value) <= _DATE_RANGE[1]
    except ValueError:
        return True


def _date_styles(archive: zipfile.ZipFile) -> set[bytes]:
    """Indexes (as bytes) of the cell styles whose number format is a date or duration,
    decided as calamine does: built-in ids, or a custom code with d/m/y/h/s outside quotes."""
    try:
        xml = archive.read("xl/styles.xml")
    except KeyError:
        return set()
    custom = {int(i) for i, code in _NUM_FMT.findall(xml) if _is_date_code(code)}
    xfs = xml.split(b"cellXfs", 2)[1] if xml.count(b"cellXfs") >= 2 else b""
    return {
        str(n).encode()
        for n, fmt in enumerate(_XF.findall(xfs))
        if int(fmt) in _BUILTIN_DATES or int(fmt) in custom
    }


def _is_date_code(code: bytes) -> bool:
    text = re.sub(rb'"[^"]*"|\\.|\[[^\]]*\]', b"", code.replace(b"&quot;", b'"'))
    return bool(re.search(rb"[dmyhsDMYHS]", text))


def is_panic(exc: BaseException) -> bool:
    """A Rust panic surfaced by pyo3 (not importable by name; derives from BaseException)."""
    return type(exc).__name__ == "PanicException"
