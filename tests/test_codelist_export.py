"""Code lists as CSV and xlsx downloads: read back as Excel would, hostile codes stay text."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from openpyxl import load_workbook

from generators.codelist_export import HEADERS, codelist_sheet_name, csv_bytes, xlsx_bytes
from generators.model import Catalog, CodeEntry, CodeList

HOSTILE = CodeList(
    "evil",
    "恶意[代码]表:*?/\\" + "长" * 40,
    [
        CodeEntry("=1+1", '=HYPERLINK("http://x")'),
        CodeEntry("02", "@SUM(A1)", description="-2+3", parent="=1+1", deprecated=True),
        CodeEntry("0003", "<script>x</script>"),
    ],
)


def test_csv_has_bom_and_neutralised_formulas() -> None:
    data = csv_bytes(HOSTILE)
    assert data.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0] == HEADERS
    assert rows[1][:2] == ["'=1+1", '\'=HYPERLINK("http://x")']
    assert rows[2] == ["02", "'@SUM(A1)", "'=1+1", "'-2+3", "停用", ""]
    assert rows[3][1] == "<script>x</script>"


def test_xlsx_cells_are_text_as_written() -> None:
    book = load_workbook(io.BytesIO(xlsx_bytes(HOSTILE)))
    sheet = book.worksheets[0]
    assert sheet.title == codelist_sheet_name(HOSTILE) and len(sheet.title) <= 31
    assert not set(sheet.title) & set("[]:*?/\\")
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert values[0] == HEADERS
    assert values[1][0] == "=1+1" and sheet.cell(2, 1).data_type == "s"  # text, not a formula
    assert values[3][0] == "0003"  # leading zeros kept
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref


def test_build_publishes_every_code_list(shipped_site: Path, shipped_catalog: Catalog) -> None:
    folder = shipped_site / "downloads" / "codelists"
    for key, codelist in shipped_catalog.codelists.items():
        rows = list(csv.reader(io.StringIO((folder / f"{key}.csv").read_text("utf-8-sig"))))
        assert [r[0] for r in rows[1:]] == codelist.codes
        book = load_workbook(folder / f"{key}.xlsx", read_only=True)
        assert [r[0] for r in book.worksheets[0].iter_rows(min_row=2, values_only=True)] == (
            codelist.codes
        )
    page = (shipped_site / "catalog" / "downloads" / "index.html").read_text(encoding="utf-8")
    assert "downloads/codelists/region.xlsx" in page and "downloads/codelists/region.csv" in page
