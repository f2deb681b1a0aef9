"""Raw cell grids from ledger files, before anything is known about them.

Ledgers are read as departments keep them: any sheet, any header row, merged
cells. This module only turns a file into grids of raw values; finding the
header and the data rows is ``ledger.py``'s job, type conversion and checks
are the validator's.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import InfostdError
from ..limits import Unreadable, check_xlsx, is_panic
from ..model import display_path
from ..validate.readers import csv_records, detect_encoding

EXCEL_SUFFIXES = {".xlsx", ".xlsm", ".xls"}
CSV_SUFFIXES = {".csv", ".txt"}


class LedgerReadError(InfostdError):
    """A ledger that cannot be read at all (exit 2)."""


@dataclass
class Grid:
    path: Path
    sheet: str | None  # None for CSV
    cells: list[list[Any]]
    # merged ranges, 0-based inclusive (first_row, first_col, last_row, last_col)
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)


def cell_text(value: Any) -> str:
    """What a person sees in the cell, as text: integers without ".0", dates ISO."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0, 0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    return str(value).strip()


def read_grids(path: Path) -> list[Grid]:
    path = Path(path)
    if path.is_dir():
        raise LedgerReadError(f"{display_path(path)}: 是目录，请给出台账文件")
    if not path.is_file():
        raise LedgerReadError(f"{display_path(path)}: 文件不存在")
    suffix = path.suffix.lower()
    if suffix in EXCEL_SUFFIXES:
        return _excel_grids(path)
    if suffix in CSV_SUFFIXES:
        return [_csv_grid(path)]
    raise LedgerReadError(
        f"{display_path(path)}: 不支持的台账格式“{path.suffix}”（支持 .xlsx、.xls、.csv）"
    )


def _excel_grids(path: Path) -> list[Grid]:
    from python_calamine import CalamineError, CalamineWorkbook

    if path.suffix.lower() != ".xls":
        try:
            check_xlsx(path)  # sizes and cells within the limits before calamine allocates them
        except Unreadable as exc:
            raise LedgerReadError(
                f"{display_path(path)}: 无法读取 Excel 文件（{exc.reason}）"
            ) from exc
    try:
        book = CalamineWorkbook.from_path(str(path))
        grids = []
        for name in book.sheet_names:
            sheet = book.get_sheet_by_name(name)
            cells = sheet.to_python(skip_empty_area=False)
            merged = [(r0, c0, r1, c1) for (r0, c0), (r1, c1) in (sheet.merged_cell_ranges or [])]
            grids.append(Grid(path, name, cells, merged))
        return grids
    except (CalamineError, ValueError, OSError) as exc:
        raise LedgerReadError(f"{display_path(path)}: 无法读取 Excel 文件（{exc}）") from exc
    except BaseException as exc:  # a Rust panic (pyo3 PanicException is a BaseException)
        if not is_panic(exc):
            raise
        raise LedgerReadError(f"{display_path(path)}: 工作簿中有无法读取的单元格") from None


def _csv_grid(path: Path) -> Grid:
    text = path.read_text(encoding=detect_encoding(path))  # the validator's rule: never a guess
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t|")
    except csv.Error:
        dialect = csv.excel
    cells = [list(row) for row in csv_records(path, io.StringIO(text, newline=""), dialect)]
    return Grid(path, None, cells)
