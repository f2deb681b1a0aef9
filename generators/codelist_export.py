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
from .model import Catalog, CodeList
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
