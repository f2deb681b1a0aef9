"""Code lists as files people open in Excel: ``downloads/codelists/<key>.csv`` and ``.xlsx``.

Office staff look a code up, filter it, paste it into another system: the portal's table
is for reading, these files are for working. Both come from the same rows. Everything is
data: the CSV neutralises a leading ``= + - @`` as the validator's reports do (Excel would
run it as a formula), the workbook is written with ``write_string`` only.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import xlsxwriter

from .fsutil import atomic_write_bytes
from .model import Catalog, CodeEntry, CodeList
from .validate.reports import neutralise

FOLDER = "codelists"
# 撤销日期: the last day a withdrawn code may be used (``x-withdrawn``)
HEADERS = ["代码", "名称", "上级代码", "说明", "状态", "撤销日期"]


def rows(codelist: CodeList) -> list[list[str]]:
    return [
        [e.code, e.title, e.parent or "", e.description, e.state, e.withdrawn or ""]
        for e in codelist.entries
    ]


def csv_bytes(codelist: CodeList) -> bytes:
    """UTF-8 with a BOM (Excel opens it as UTF-8), one line per code."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(HEADERS)
    writer.writerows([neutralise(cell) or "" for cell in row] for row in rows(codelist))
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def xlsx_bytes(codelist: CodeList) -> bytes:
    """One sheet named after the list, header frozen and filterable, codes as text."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_numbers": False})
    sheet = book.add_worksheet(codelist_sheet_name(codelist))
    bold = book.add_format({"bold": True})
    text = book.add_format({"num_format": "@"})
    for c, header in enumerate(HEADERS):
        sheet.write_string(0, c, header, bold)
    data = rows(codelist)
    for r, row in enumerate(data, start=1):
        for c, value in enumerate(row):
            sheet.write_string(r, c, value, text)
    sheet.freeze_panes(1, 0)
    sheet.autofilter(0, 0, max(len(data), 1), len(HEADERS) - 1)
    for c, width in enumerate([12, 28, 10, 40, 6, 12]):
        sheet.set_column(c, c, width)
    book.close()
    return buffer.getvalue()


def codelist_sheet_name(codelist: CodeList) -> str:
    """Excel sheet names: at most 31 characters, none of ``[]:*?/\\``."""
    name = "".join(ch for ch in codelist.title if ch not in "[]:*?/\\'")[:31]
    return name or "代码表"


def generate(catalog: Catalog, out_dir: Path) -> list[Path]:
    written = []
    for key, codelist in catalog.codelists.items():
        for suffix, data in ((".csv", csv_bytes(codelist)), (".xlsx", xlsx_bytes(codelist))):
            path = out_dir / f"{key}{suffix}"
            atomic_write_bytes(path, data)
            written.append(path)
    return written


# ── reading a published list back (``infostd validate --reference``) ──────
def published_key(catalog: Catalog, path: Path, first_row: list[str]) -> str | None:
    """The code list a file published by the portal holds: None when its first row is not
    the published header; the key from the file name (``<key>.csv``) or the sheet title."""
    header = [str(c or "").strip() for c in first_row]
    while header and not header[-1]:
        header.pop()
    if header not in (HEADERS, HEADERS[:-1]):  # files downloaded before 撤销日期 existed too
        return None
    if path.stem in catalog.codelists:
        return path.stem
    return None


def read_published(catalog: Catalog, path: Path) -> CodeList | None:
    """A published code list (``downloads/codelists/<key>.csv|.xlsx``, possibly newer than
    the one built in) as a ``CodeList``, or None when the file is not one. Every row is
    checked as ``check`` checks a list (code rule, duplicates, parents, states, dates):
    anything else is a located error, exit 2."""
    from .formats import parse_date
    from .validate.readers import InputError, spreadsheet_rows

    reader = spreadsheet_rows(path)
    head = next(reader, None)
    if head is None or published_key(catalog, path, head) is None:
        if head is not None and [str(c or "").strip() for c in head[:2]] == HEADERS[:2]:
            raise InputError(
                path,
                f"看起来是代码表文件，但文件名“{path.name}”不是代码表的键"
                f"（可选：{'、'.join(f'{k}{path.suffix}' for k in catalog.codelists)}）",
            )
        return None
    builtin = catalog.codelists[path.stem]
    entries: list[CodeEntry] = []
    seen: dict[str, int] = {}
    for number, row in enumerate(reader, start=2):
        cells = [str(c).strip() if c is not None else "" for c in row] + [""] * len(HEADERS)
        code, title, parent, description, state, withdrawn = cells[: len(HEADERS)]
        if not any(cells):
            continue

        def bad(message: str, number: int = number) -> InputError:
            return InputError(path, f"第 {number} 行：{message}")

        if not code or not title:
            raise bad("代码和名称不能为空")
        if code in seen:
            raise bad(f"代码 {code} 重复（第 {seen[code]} 行已有）")
        seen[code] = number
        rule = builtin.code_rule
        if rule is not None and rule.split(code, catalog.codelists) is None:
            raise bad(f"代码 {code} 不符合{builtin.title}的编码规则（{rule.describe()}）")
        if state not in ("有效", "停用", "撤销"):
            raise bad(f"状态“{state}”应为 有效、停用 或 撤销")
        if withdrawn and parse_date(withdrawn) is None:
            raise bad(f"撤销日期“{withdrawn}”不是有效日期（YYYY-MM-DD）")
        if state == "撤销" and not withdrawn:
            raise bad("状态为撤销的代码须有撤销日期")
        entries.append(
            CodeEntry(
                code, title, description, parent or None, deprecated=state == "停用",
                withdrawn=withdrawn or None,
            )
        )  # fmt: skip
    codes = {e.code for e in entries}
    for e in entries:
        if e.parent is not None and e.parent not in codes:
            raise InputError(path, f"第 {seen[e.code]} 行：上级代码 {e.parent} 不在本代码表中")
    if not entries:
        raise InputError(path, "代码表文件中没有代码")
    return CodeList(builtin.key, builtin.title, entries, builtin.code_rule)
