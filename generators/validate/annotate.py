"""``--format xlsx``: an annotated copy of the input, never the input itself.

Each bad cell is filled red (yellow for warnings) with a comment holding the
messages; each bad row gets a red "校验结果" cell at its end; a summary sheet
lists the counts per rule and every issue with a link to its cell. Values of
``x-sensitive`` fields are masked, and report text that a spreadsheet would
run as a formula is neutralised.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.comments import Comment
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import column_index_from_string, get_column_letter, quote_sheetname
from openpyxl.worksheet.worksheet import Worksheet

from ..fsutil import atomic_write_bytes, workbook_bytes
from ..masking import mask
from ..model import Catalog
from .cells import display
from .issues import FileReport, Issue, Report
from .readers import InputError, Table
from .reports import neutralise

RED = PatternFill("solid", fgColor="FFC7CE")
YELLOW = PatternFill("solid", fgColor="FFEB9C")
SUMMARY = "校验汇总"
FLAG_TITLE = "校验结果"


def write_annotated(
    catalog: Catalog, tables: list[Table], report: Report, out: Path, lang: str = "zh"
) -> None:
    if len(tables) == 1 and tables[0].kind == "xlsx":
        book = _open(tables[0].path)
        sheets = [book[tables[0].sheet]]
        for ws in sheets:
            for merged in list(ws.merged_cells.ranges):  # a merged cell takes no comment
                ws.unmerge_cells(str(merged))
            _mask_sensitive(catalog, tables[0], ws, from_table=False)
    else:
        book = Workbook()
        book.remove(book.active)
        sheets = [_rebuild(catalog, book, t, i) for i, t in enumerate(tables)]
    for ws, table, file in zip(sheets, tables, report.files, strict=True):
        _annotate(ws, table, file)
    _summary(book, sheets, tables, report)
    atomic_write_bytes(out, workbook_bytes(book, out))


def _open(path: Path) -> Workbook:
    """The input workbook for the annotated copy (the validator already read it with
    calamine; openpyxl parses parts calamine skips, e.g. document properties)."""
    try:
        return load_workbook(path)
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many types for odd files
        raise InputError(path, f"无法生成带批注的副本：openpyxl 无法解析该工作簿（{exc}）") from exc


def _rebuild(catalog: Catalog, book: Workbook, table: Table, index: int) -> Worksheet:
    """A sheet holding a non-xlsx input at the same rows and columns a person saw."""
    title = catalog.records[table.record].title
    ws = book.create_sheet(title if index == 0 else f"{title}{index + 1}")
    header = max(table.header_row, 1)
    for c, text in enumerate(table.headers, start=1):
        _set_text(ws.cell(header, c), text)
    for number, cells in table.raw_rows():
        row = number if table.kind != "json" and table.kind != "jsonl" else number + header
        for c, value in enumerate(cells, start=1):
            if value is not None:
                _set_text(ws.cell(row, c), value)
    _mask_sensitive(catalog, table, ws, from_table=True)
    return ws


def _set_text(cell, value: Any) -> None:
    """Data goes in as typed values; text is stored as text, never as a formula."""
    if isinstance(value, str):
        cell.value = value
        cell.data_type = "s"
    else:
        cell.value = value


def _mask_sensitive(catalog: Catalog, table: Table, ws: Worksheet, from_table: bool) -> None:
    schema = catalog.records[table.record]
    for index, key in enumerate(table.columns):
        if key is None or not schema.field_by_key[key].sensitive:
            continue
        kind = schema.field_by_key[key].mask
        for number, _ in table.raw_rows():
            row = _sheet_row(table, number)
            cell = ws.cell(row, index + 1)
            text = display(cell.value)
            if text:
                _set_text(cell, mask(text, kind))


def _sheet_row(table: Table, number: int) -> int:
    return number + max(table.header_row, 1) if table.kind in ("json", "jsonl") else number


def _annotate(ws: Worksheet, table: Table, file: FileReport) -> None:
    by_cell: dict[tuple[int, int], list[Issue]] = defaultdict(list)
    by_row: dict[int, list[Issue]] = defaultdict(list)
    for issue in file.issues:
        if issue.row is None:
            continue
        row = _sheet_row(table, issue.row) if issue.field else issue.row
        by_row[row].append(issue)
        if issue.column and issue.field:
            by_cell[(row, _column_index(table, issue.column))].append(issue)
        elif issue.column:
            by_cell[(issue.row, _column_index(table, issue.column))].append(issue)
    for (row, col), issues in by_cell.items():
        cell = ws.cell(row, col)
        errors = any(i.severity == "error" for i in issues)
        cell.fill = RED if errors else YELLOW
        text = "\n".join(f"[{i.rule}] {i.message}" for i in issues)
        cell.comment = Comment(text, "infostd", width=320, height=120)
    flag_col = max(ws.max_column, len(table.columns)) + 1
    header = ws.cell(max(table.header_row, 1), flag_col, FLAG_TITLE)
    header.font = Font(bold=True)
    for row, issues in by_row.items():
        errors = [i for i in issues if i.severity == "error"]
        if not errors:
            continue
        cell = ws.cell(row, flag_col)
        _set_text(cell, f"✗ {len(errors)} 个错误：" + "；".join(sorted({i.rule for i in errors})))
        cell.fill = RED
        cell.font = Font(color="9C0006", bold=True)


def _column_index(table: Table, label: str) -> int:
    if label in table.labels:
        return table.labels.index(label) + 1
    return column_index_from_string(label)


def _summary(book: Workbook, sheets: list[Worksheet], tables: list[Table], report: Report) -> None:
    ws = book.create_sheet(SUMMARY, 0)
    ws.append(["文件", "记录", "行数", "有错误的行", "错误", "警告"])
    for file in report.files:
        ws.append(
            [neutralise(file.path), file.record, file.rows, file.invalid_rows,
             len(file.errors), len(file.warnings)]
        )  # fmt: skip
    ws.append([])
    ws.append(["规则", "次数"])
    for rule, n in Counter(i.rule for f in report.files for i in f.issues).most_common():
        ws.append([rule, n])
    ws.append([])
    ws.append(["文件", "工作表", "行", "列", "字段", "规则", "级别", "说明", "值", "位置"])
    for sheet, table, file in zip(sheets, tables, report.files, strict=True):
        for issue in file.issues:
            ws.append(
                [neutralise(file.path), sheet.title, issue.row, issue.column, issue.field,
                 issue.rule, "错误" if issue.severity == "error" else "警告",
                 neutralise(issue.message), neutralise(issue.value)]
            )  # fmt: skip
            if issue.row is not None and issue.column:
                link = ws.cell(ws.max_row, 10, "转到单元格")
                row = _sheet_row(table, issue.row) if issue.field else issue.row
                target = f"{get_column_letter(_column_index(table, issue.column))}{row}"
                link.hyperlink = f"#{quote_sheetname(sheet.title)}!{target}"
                link.font = Font(color="0563C1", underline="single")
    for col in range(1, 11):
        ws.column_dimensions[get_column_letter(col)].width = 14 if col != 8 else 60
    for row in ws.iter_rows():
        for cell in row:
            if isinstance(cell.value, str):
                cell.data_type = "s"
