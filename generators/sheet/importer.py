"""``infostd sheet import``: a sheet made by ``sheet export`` written back into its standard.

Three gates, each refusing with located Chinese lines and writing nothing:
1. the file (limits, a workbook, ours, for a schema that still reads as exported);
2. every cell (no formula, the column's type, dropdown values, keys, duplicates);
3. the edited catalog, proved in memory by the one loader and the rest of what
   ``infostd check`` runs; its problems inside the block are said as the sheet's cells.
Only then the Markdown is written (atomically), the block rewritten by ``jsonedit``.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from xlsxwriter.utility import xl_col_to_name

from ..authoring import block_text
from ..config import Config
from ..errors import ProblemsError
from ..fsutil import atomic_write_text
from ..jsonpos import value_offsets
from ..limits import SHEET_ROWS, LimitExceeded, Unreadable, check_xlsx
from ..loader import load_catalog
from ..model import Catalog, Schema, StandardError, display_path
from ..vocabulary import FIELD_KEY_PATTERN
from .columns import (
    CODE_ORDER,
    FIELD_ORDER,
    KEY,
    MASK,
    OTHER,
    REQUIRED,
    CellError,
    Column,
    value_of,
)
from .export import DATA_SHEETS, MARK, META_SHEET, SheetError, block_sha256, layout_of, schema_of
from .jsonedit import rewrite

MAX_PROBLEMS = 100  # a wrong file would otherwise print a line per cell


class SheetProblems(ProblemsError):
    """Cells that cannot be read (exit 2: the input is unusable as it is)."""

    exit_code = 2


@dataclass
class Cell:
    row: int  # 1-based, as Excel shows it
    col: int  # 0-based
    value: Any
    formula: bool = False


@dataclass
class Sheet:
    """The data sheet as read: header name → column number, rows of cells."""

    path: Path
    name: str
    columns: dict[str, int]
    rows: list[list[Cell]]

    def where(self, row: int, header: str | None) -> str:
        col = "" if header is None else xl_col_to_name(self.columns[header])
        what = f"（{header}）" if header else ""
        return f"{display_path(self.path)}：工作表“{self.name}”{col}{row}{what}"


@dataclass
class Outcome:
    path: Path  # the Markdown file
    changed: bool
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    edited: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


# ── gate 1: the file ─────────────────────────────────────────────────────────
def read_workbook(path: Path) -> dict[str, list[list[Cell]]]:
    """The cells (values and whether each is a formula) of ``_meta`` and the data sheets,
    after the limits; other sheets (填写说明, the dropdown lists) are not read."""
    where = display_path(path)
    if path.is_dir():
        raise SheetError(f"{where}：是文件夹，请给出 sheet export 导出的 .xlsx 文件")
    if not path.is_file():
        raise SheetError(f"{where}：文件不存在")
    try:
        check_xlsx(path)
    except Unreadable as exc:
        raise SheetError(f"{where}：{exc.reason}") from exc
    except LimitExceeded as exc:
        raise SheetError(str(exc)) from exc
    import openpyxl

    wanted = {META_SHEET, *DATA_SHEETS.values()}
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl's notes on extensions it skips
            book = openpyxl.load_workbook(path, read_only=True, data_only=False)
            try:
                return {
                    ws.title: _cells(ws, where)
                    for ws in book.worksheets
                    if ws.title in wanted and hasattr(ws, "iter_rows")
                }
            finally:
                book.close()
    except LimitExceeded as exc:
        raise SheetError(str(exc)) from exc
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many types for broken files
        raise SheetError(f"{where}：无法打开工作簿：已损坏或不是有效的 xlsx 文件") from exc


def _cells(ws, where: str) -> list[list[Cell]]:
    rows: list[list[Cell]] = []
    for row in ws.iter_rows():
        if len(rows) >= SHEET_ROWS:
            raise LimitExceeded(f"{where}（工作表“{ws.title}”）：", "sheet_rows")
        rows.append(
            [
                Cell(cell.row, cell.column - 1, cell.value, cell.data_type == "f")
                for cell in row
                if getattr(cell, "column", None) is not None  # EmptyCell of read-only rows
            ]
        )
    return rows


def read_meta(path: Path, sheets: dict[str, list[list[Cell]]]) -> dict[str, str]:
    where = display_path(path)
    rows = sheets.get(META_SHEET)
    meta = {
        str(r[0].value): str(r[1].value)
        for r in rows or []
        if len(r) >= 2 and r[0].value is not None and r[1].value is not None
    }
    if meta.get("template") == "infostd":
        raise SheetError(
            f"{where}：这是数据填写模板（infostd template），不是字段表；"
            "请用 infostd sheet export KEY 导出字段表"
        )
    if meta.get("template") != MARK or not meta.get("key"):
        raise SheetError(
            f"{where}：不是 infostd sheet export 导出的文件（缺少隐藏工作表 {META_SHEET} 或其内容）"
        )
    return meta


def schema_for(catalog: Catalog, path: Path, meta: dict[str, str], key: str | None) -> Schema:
    """The schema the sheet was exported from, unchanged since (else the import would
    silently undo whatever was edited in the Markdown meanwhile)."""
    where = display_path(path)
    if key is not None and key != meta["key"]:
        raise SheetError(f"{where}：这是“{meta['key']}”的表，不是“{key}”的")
    try:
        schema = schema_of(catalog, meta["key"])
    except SheetError as exc:
        raise SheetError(f"{where}：{exc}") from None
    standard = catalog.standard_of(schema)
    if meta.get("kind") != schema.kind or meta.get("path") != standard.path.as_posix():
        raise SheetError(
            f"{where}：文件记载的是 {meta.get('path')} 中的“{meta['key']}”，"
            f"与当前的 {standard.path.as_posix()} 不符；请重新导出"
        )
    if meta.get("block_sha256") != block_sha256(catalog, schema):
        raise SheetError(
            f"{where}：导出后 {standard.path.as_posix()} 中“{meta['key']}”的 schema 块已被修改；"
            "为免覆盖这些修改，请重新导出（infostd sheet export）后再改"
        )
    return schema


def data_sheet(path: Path, sheets: dict[str, list[list[Cell]]], kind: str) -> Sheet:
    """The data sheet with its header row checked against the layout."""
    layout = layout_of(kind)
    where = display_path(path)
    if layout.sheet not in sheets:
        raise SheetError(f"{where}：缺少工作表“{layout.sheet}”")
    rows = sheets[layout.sheet]
    header_cells = rows[0] if rows else []
    columns: dict[str, int] = {}
    problems: list[str] = []
    for cell in header_cells:
        if cell.value is None or (isinstance(cell.value, str) and not cell.value.strip()):
            continue
        name = str(cell.value).strip()
        ref = f"{where}：工作表“{layout.sheet}”{xl_col_to_name(cell.col)}1"
        if name not in {c.header for c in layout.columns}:
            problems.append(f"{ref}：未知的列“{name}”（请删除这一列，或恢复原来的列名）")
        elif name in columns:
            problems.append(f"{ref}：列“{name}”重复")
        else:
            columns[name] = cell.col
    for column in layout.columns:
        if column.header not in columns:
            problems.append(f"{where}：工作表“{layout.sheet}”第 1 行：缺少列“{column.header}”")
    if problems:
        raise SheetProblems(problems)
    return Sheet(path, layout.sheet, columns, rows[1:])


# ── gate 2: the cells ────────────────────────────────────────────────────────
@dataclass
class Row:
    number: int
    values: dict[str, Any]  # column header → value (None when empty)
    bad: set[str] = field(default_factory=set)  # headers whose cell could not be read


def read_rows(
    sheet: Sheet, columns: list[Column], catalog: Catalog, problems: list[str]
) -> list[Row]:
    """Every non-empty row's values; a cell that cannot be read adds a problem and is
    marked ``bad`` (so the row is not also said to lack it)."""
    rows: list[Row] = []
    by_col = {number: header for header, number in sheet.columns.items()}
    for cells in sheet.rows:
        filled = [c for c in cells if c.value not in (None, "")]
        present = [c for c in filled if c.col in by_col]
        for cell in filled:
            if cell.col not in by_col:  # would be dropped without a word
                ref = f"{display_path(sheet.path)}：工作表“{sheet.name}”{xl_col_to_name(cell.col)}{cell.row}"
                problems.append(f"{ref}：这一列没有列名，内容无法写回标准（请移到对应的列或删除）")
        if not present:
            continue
        number = present[0].row
        values: dict[str, Any] = {}
        bad: set[str] = set()
        for cell in present:
            header = by_col[cell.col]
            column = next(c for c in columns if c.header == header)
            if cell.formula:
                problems.append(f"{sheet.where(number, header)}：单元格是公式，请改为直接填写的值")
                bad.add(header)
                continue
            try:
                values[header] = value_of(column, cell.value, catalog)
            except CellError as exc:
                problems.append(f"{sheet.where(number, header)}：{exc}")
                bad.add(header)
        rows.append(Row(number, values, bad))
        if len(problems) >= MAX_PROBLEMS:
            break
    return rows


def _keywords(sheet: Sheet, row: Row, columns: list[Column], problems: list[str]) -> dict:
    """The keywords one row says, with 其他（JSON） merged in (a keyword in both is an error)."""
    values = row.values
    said: dict[str, Any] = {}
    for column in columns:
        if column.keyword and values.get(column.header) is not None:
            said[column.keyword] = values[column.header]
    mask = values.get(MASK.header)
    if mask is not None:
        if "x-sensitive" not in said:
            problems.append(f"{sheet.where(row.number, MASK.header)}：选了脱敏方式，须同时选“敏感”")
        else:
            said["x-sensitive"] = {"level": said["x-sensitive"], "mask": mask}
    for keyword, value in (values.get(OTHER.header) or {}).items():
        if keyword in said:
            problems.append(
                f"{sheet.where(row.number, OTHER.header)}：关键字 {keyword} 已由其所在的列给出，"
                "不得在 JSON 中重复"
            )
        said[keyword] = value
    return said


def merged(old: dict | None, said: dict, order: list[str]) -> dict:
    """``said`` in the order of ``old`` (a keyword it gains goes where the shipped order puts
    it), so an unchanged row compares equal and a changed one moves nothing else."""
    if old is None:
        rank = {k: i for i, k in enumerate(order)}
        return dict(sorted(said.items(), key=lambda kv: rank.get(kv[0], len(order))))
    result = {k: said[k] for k in old if k in said}
    rank = {k: i for i, k in enumerate(order)}
    for keyword in said:
        if keyword in result:
            continue
        items = list(result.items())
        mine = rank.get(keyword, len(order))
        at = max(
            (i + 1 for i, (k, _) in enumerate(items) if rank.get(k, len(order)) <= mine),
            default=0,
        )
        items.insert(at, (keyword, said[keyword]))
        result = dict(items)
    return result


def record_raw(
    sheet: Sheet, rows: list[Row], schema: Schema, problems: list[str]
) -> tuple[dict, dict[str, int]]:
    """The record's new schema (root order kept) and the sheet row of each field."""
    from .columns import FIELD_COLUMNS

    raw = schema.raw
    props: dict[str, dict] = {}
    where: dict[str, int] = {}
    required: list[str] = []
    for row in rows:
        key = row.values.get(KEY.header)
        if key is None and KEY.header in row.bad:
            continue
        if key is None:
            problems.append(f"{sheet.where(row.number, KEY.header)}：字段键不能为空")
            continue
        if not re.match(FIELD_KEY_PATTERN, key):
            problems.append(
                f"{sheet.where(row.number, KEY.header)}：字段键“{key}”须为小写英文字母开头，"
                "只含小写字母、数字和下划线"
            )
            continue
        if key in where:
            problems.append(
                f"{sheet.where(row.number, KEY.header)}：字段键“{key}”重复（第 {where[key]} 行已有）"
            )
            continue
        where[key] = row.number
        said = _keywords(sheet, row, FIELD_COLUMNS, problems)
        props[key] = merged(raw["properties"].get(key), said, FIELD_ORDER)
        if row.values.get(REQUIRED.header):
            required.append(key)
    if not props and not problems:
        problems.append(f"{sheet.where(2, KEY.header)}：至少要有一个字段")
    if problems:
        raise SheetProblems(problems[:MAX_PROBLEMS])
    old_required = list(raw.get("required", []))
    if set(old_required) != set(required):
        kept = [k for k in old_required if k in required]
        required = kept + [k for k in required if k not in kept]
    else:
        required = old_required
    new = dict(raw)
    new["properties"] = props
    if required:
        new = _with(new, "required", required, after="properties")
    else:
        new.pop("required", None)
    return new, where


def codelist_raw(
    sheet: Sheet, rows: list[Row], schema: Schema, problems: list[str]
) -> tuple[dict, dict[int, int]]:
    """The code list's new schema and the sheet row of each entry (by position)."""
    from .columns import CODE_COLUMNS

    raw = schema.raw
    old_by_code = {e.get("const"): e for e in raw["oneOf"]}
    entries: list[dict] = []
    rows_of: dict[int, int] = {}
    seen: dict[str, int] = {}
    for row in rows:
        said = _keywords(sheet, row, CODE_COLUMNS, problems)
        code = said.get("const")
        if code is None and "代码" in row.bad:
            continue
        if code is None:
            problems.append(f"{sheet.where(row.number, '代码')}：代码不能为空")
            continue
        if code in seen:
            problems.append(
                f"{sheet.where(row.number, '代码')}：代码“{code}”重复（第 {seen[code]} 行已有）"
            )
            continue
        seen[code] = row.number
        rows_of[len(entries)] = row.number
        entries.append(merged(old_by_code.get(code), said, CODE_ORDER))
    if not entries and not problems:
        problems.append(f"{sheet.where(2, '代码')}：至少要有一个代码")
    if problems:
        raise SheetProblems(problems[:MAX_PROBLEMS])
    new = dict(raw)
    new["oneOf"] = entries
    return new, rows_of


def _with(raw: dict, key: str, value: Any, after: str) -> dict:
    if key in raw:
        return {**raw, key: value}
    items = list(raw.items())
    at = next((i + 1 for i, (k, _) in enumerate(items) if k == after), len(items))
    items.insert(at, (key, value))
    return dict(items)


# ── gate 3: the catalog ──────────────────────────────────────────────────────
def prove(config: Config, path: Path, text: str, warn: Callable[[str], None]) -> None:
    """Load the catalog with ``path`` replaced by ``text`` and run the checks of
    ``infostd check`` on it; raise their problems (nothing is written)."""
    from .. import codesafety, tables
    from ..programme.data import load_programme
    from ..release import codeowners
    from ..release import records as release_records

    catalog = load_catalog(config=config, sources={path: text})
    codeowners.check(catalog, config)
    release_records.check(catalog, config)
    codesafety.check(catalog, config, warn=warn)
    tables.check(catalog)
    load_programme(catalog, config)


def cell_of_problem(
    problem: Any,
    path: Path,
    first_line: int,
    block: str,
    locate: Callable[[tuple], str | None],
) -> str:
    """A problem of the edited catalog, said as the sheet's cell when it is in the block."""
    if not isinstance(problem, StandardError) or problem.location.path != path:
        return str(problem)
    line = problem.location.line - first_line  # 0-based line inside the block text
    if not 0 <= line <= block.count("\n"):
        return str(problem)
    offsets = value_offsets(block)
    starts = [0] + [i + 1 for i, ch in enumerate(block) if ch == "\n"]
    on_line = [p for p, o in offsets.items() if _line(starts, o) == line]
    candidates = sorted(on_line, key=len, reverse=True)
    if missing := re.search(r"缺少必需的 (\S+)$", problem.message):  # the empty cell is the place
        candidates = [(*p, missing.group(1)) for p in on_line if len(p) == 2] + candidates
    for json_path in candidates:
        if (cell := locate(json_path)) is not None:
            return f"{cell}：{problem.message}"
    return f"{problem}（schema 块中不在表格里的部分）"


def _line(starts: list[int], offset: int) -> int:
    import bisect

    return bisect.bisect_right(starts, offset) - 1


def _record_locator(sheet: Sheet, rows: dict[str, int], new: dict) -> Callable[[tuple], str | None]:
    from .columns import FIELD_COLUMNS

    by_keyword = {c.keyword: c.header for c in FIELD_COLUMNS if c.keyword}

    def locate(json_path: tuple) -> str | None:
        if len(json_path) >= 2 and json_path[0] == "properties" and json_path[1] in rows:
            header = KEY.header
            if len(json_path) >= 3:
                header = by_keyword.get(str(json_path[2]), OTHER.header)
            return sheet.where(rows[json_path[1]], header)
        if len(json_path) == 2 and json_path[0] == "required":
            key = new["required"][json_path[1]]
            return sheet.where(rows[key], REQUIRED.header) if key in rows else None
        return None

    return locate


def _codelist_locator(sheet: Sheet, rows: dict[int, int]) -> Callable[[tuple], str | None]:
    from .columns import CODE_COLUMNS

    by_keyword = {c.keyword: c.header for c in CODE_COLUMNS if c.keyword}

    def locate(json_path: tuple) -> str | None:
        if len(json_path) >= 2 and json_path[0] == "oneOf" and json_path[1] in rows:
            header = (
                by_keyword.get(str(json_path[2]), OTHER.header) if len(json_path) >= 3 else "代码"
            )
            return sheet.where(rows[json_path[1]], header)
        return None

    return locate


# ── the whole import ─────────────────────────────────────────────────────────
def import_sheet(
    config: Config,
    catalog: Catalog,
    path: Path,
    key: str | None = None,
    warn: Callable[[str], None] = lambda _: None,
) -> Outcome:
    sheets = read_workbook(path)
    meta = read_meta(path, sheets)
    schema = schema_for(catalog, path, meta, key)
    layout = layout_of(schema.kind)
    sheet = data_sheet(path, sheets, schema.kind)
    problems: list[str] = []  # every cell's and row's problems, said at once
    rows = read_rows(sheet, layout.columns, catalog, problems)
    if schema.kind == "record":
        new, row_of = record_raw(sheet, rows, schema, problems)
        locate = _record_locator(sheet, row_of, new)
        old_items, new_items = schema.raw["properties"], new["properties"]
    else:
        new, row_of = codelist_raw(sheet, rows, schema, problems)
        locate = _codelist_locator(sheet, row_of)
        old_items = {e.get("const"): e for e in schema.raw["oneOf"]}
        new_items = {e["const"]: e for e in new["oneOf"]}
    block = block_text(catalog, schema)
    new_block = rewrite(block.text, new)
    outcome = Outcome(
        block.path,
        changed=new_block != block.text,
        added=[k for k in new_items if k not in old_items],
        removed=[k for k in old_items if k not in new_items],
        edited=[k for k in new_items if k in old_items and new_items[k] != old_items[k]],
    )
    if not outcome.changed:
        return outcome
    text = block.source[: block.start] + new_block + block.source[block.end :]
    try:
        prove(config, block.path, text, outcome.warnings.append)
    except ProblemsError as exc:
        first_line = schema.location.line + 1
        raise ProblemsError(
            [cell_of_problem(p, block.path, first_line, new_block, locate) for p in exc.problems]
        ) from None
    for line in outcome.warnings:
        warn(line)
    atomic_write_text(block.path, text)
    return outcome


__all__ = ["DATA_SHEETS", "Outcome", "SheetProblems", "import_sheet"]
