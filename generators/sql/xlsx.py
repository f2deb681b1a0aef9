"""The xlsx report of validation in place: there is no input workbook to annotate, so
the findings are one sheet (typed string cells only: nothing read becomes a formula)."""

from __future__ import annotations

import io
from pathlib import Path

from ..fsutil import atomic_write_bytes
from ..validate.issues import Report

HEADERS = {
    "zh": ("来源", "行", "列", "字段", "规则", "说明", "值", "级别"),
    "en": ("source", "row", "column", "field", "rule", "message", "value", "severity"),
}


def write_issue_list(report: Report, out: Path, lang: str = "zh") -> None:
    import xlsxwriter

    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet("校验结果" if lang == "zh" else "findings")
    bold = book.add_format({"bold": True})
    for c, title in enumerate(HEADERS.get(lang, HEADERS["zh"])):
        sheet.write_string(0, c, title, bold)
    r = 1
    for f in report.files:
        for i in f.issues:
            cells = (f.path, i.row, i.column, i.field, i.rule, i.message, i.value, i.severity)
            for c, value in enumerate(cells):
                if isinstance(value, int):
                    sheet.write_number(r, c, value)
                elif value is not None:
                    sheet.write_string(r, c, str(value))
            r += 1
    sheet.freeze_panes(1, 0)
    sheet.autofilter(0, 0, max(r - 1, 1), 7)
    book.close()
    atomic_write_bytes(out, buffer.getvalue())
