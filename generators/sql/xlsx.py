"""The xlsx report of validation in place: there is no input workbook to annotate, so
the findings are a list (typed string cells only: nothing read becomes a formula).

A 100M-row table at 2 % defects has millions of findings: more than one sheet holds
(Excel's 1,048,576 rows), and more than memory should hold as a workbook. So the list
continues on further sheets (校验结果, 校验结果（2）, …), each with its header, and
XlsxWriter writes it in ``constant_memory`` mode (each row goes to a scratch file as it
is written) into a temp file beside the target, renamed over it when complete."""

from __future__ import annotations

import contextlib
import tempfile
from collections.abc import Iterator
from pathlib import Path

from ..fsutil import atomic_open
from ..validate.issues import Report

HEADERS = {
    "zh": ("来源", "行", "列", "字段", "规则", "说明", "值", "级别"),
    "en": ("source", "row", "column", "field", "rule", "message", "value", "severity"),
}
SHEET_ROWS = 1_048_576 - 1  # findings per sheet: Excel's row limit less the header row


def sheet_name(lang: str, n: int) -> str:
    """The ``n``-th sheet's name (1-based): 校验结果, 校验结果（2）, … / findings, findings (2)."""
    if lang == "zh":
        return "校验结果" if n == 1 else f"校验结果（{n}）"
    return "findings" if n == 1 else f"findings ({n})"


def write_issue_list(report: Report, out: Path, lang: str = "zh") -> None:
    import xlsxwriter
    from xlsxwriter.exceptions import FileCreateError

    with tempfile.TemporaryDirectory(prefix="infostd-xlsx-") as scratch, atomic_open(out) as handle:
        book = xlsxwriter.Workbook(handle, {"constant_memory": True, "tmpdir": scratch})
        try:
            _fill(book, report, lang)
            book.close()
        except FileCreateError as exc:  # XlsxWriter wraps the OSError of the write
            cause = exc.args[0] if exc.args else None
            if isinstance(cause, OSError):
                raise cause from exc
            raise
        finally:
            _close_scratch(book)


def _fill(book, report: Report, lang: str) -> None:
    """Every finding in order, ``SHEET_ROWS`` to a sheet (constant memory: rows go out in
    order, a sheet is never revisited)."""
    headers = HEADERS.get(lang, HEADERS["zh"])
    bold = book.add_format({"bold": True})
    sheet, r = _new_sheet(book, lang, headers, bold), 0
    for cells in _rows(report):
        if r == SHEET_ROWS:
            _finish(sheet, r, headers)
            sheet, r = _new_sheet(book, lang, headers, bold), 0
        r += 1
        for c, value in enumerate(cells):
            if isinstance(value, int):
                sheet.write_number(r, c, value)
            elif value is not None:
                sheet.write_string(r, c, str(value))
    _finish(sheet, r, headers)


def _rows(report: Report) -> Iterator[tuple]:
    for f in report.files:
        for i in f.issues:
            yield (f.path, i.row, i.column, i.field, i.rule, i.message, i.value, i.severity)


def _new_sheet(book, lang: str, headers: tuple[str, ...], bold):
    sheet = book.add_worksheet(sheet_name(lang, len(book.worksheets()) + 1))
    for c, title in enumerate(headers):
        sheet.write_string(0, c, title, bold)
    return sheet


def _finish(sheet, last_row: int, headers: tuple[str, ...]) -> None:
    sheet.freeze_panes(1, 0)
    sheet.autofilter(0, 0, max(last_row, 1), len(headers) - 1)


def _close_scratch(book) -> None:
    """A workbook abandoned half-way still has each sheet's scratch file open."""
    for sheet in book.worksheets():
        handle = getattr(sheet, "row_data_fh", None)
        if handle is not None and not handle.closed:
            with contextlib.suppress(OSError):  # a full disk fails the flush again
                handle.close()
