"""Migrate a ledger into the standard: apply the reviewed mapping (columns and
values), write a filled template, check it with the validator, and list every
row that cannot go in as it is — with the reason, never dropped silently."""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import InfostdError
from ..formats import CHINA_TZ, parse_date, parse_datetime
from ..fsutil import atomic_write_bytes, workbook_bytes
from ..model import Catalog, Field, Schema, display_path
from . import read_tables
from .checks import file_issues
from .grid import cell_text
from .ledger import LedgerTable
from .mapping import LedgerMapping, MappingError, field_codelist
from .profile import apply_mapping, missing_columns

FIRST_DATA_ROW = 3  # template layout: titles on row 1, field keys on row 2


@dataclass
class RowProblem:
    ledger: str  # table name
    ledger_row: int
    out_row: int
    field: str
    message: str


@dataclass
class MigrationResult:
    out: Path
    record: str
    written: int
    problems: list[RowProblem] = field(default_factory=list)
    skipped: list[tuple[str, int, str]] = field(default_factory=list)  # (table, row, reason)
    notes: list[str] = field(default_factory=list)

    @property
    def problem_rows(self) -> list[tuple[str, int, int]]:
        return sorted(
            {(p.ledger, p.ledger_row, p.out_row) for p in self.problems}, key=lambda r: r[2]
        )


def _number(text: str) -> float | int | None:
    try:
        number = float(text.replace(",", "").replace("，", ""))
    except ValueError:
        return None
    return int(number) if number.is_integer() and abs(number) < 1e15 else number


def output_value(catalog: Catalog, f: Field, value: Any) -> tuple[Any, str | None]:
    """The value to write for a field, and why it cannot be migrated as it is (or None)."""
    text = cell_text(value)
    if not text:
        return None, None
    codelist = field_codelist(catalog, f)
    if codelist is not None:
        code = codelist.normalise(text)
        if code is None:
            return text, f"{f.title}“{text}”在映射文件中没有对应代码（请在 values 中补充）"
        return (codelist.label(code) if f.codelist else code), None
    if f.type in ("number", "integer"):
        number = _number(text)
        return (number if number is not None else text), None
    # the template formats date columns as dates: write real dates (China time)
    if f.format == "date" and (day := parse_date(text)) is not None:
        return day, None
    if f.format == "date-time" and (moment := parse_datetime(text)) is not None:
        return moment.astimezone(CHINA_TZ).replace(tzinfo=None), None
    return text, None


def _matching(tables: list[LedgerTable], mappings: list[LedgerMapping], path: Path):
    pairs = []
    for table in tables:
        m = next((m for m in mappings if m.matches(table)), None)
        if m is not None:
            pairs.append((table, m))
    if not pairs:
        raise MappingError(
            f"{display_path(path)}: 映射文件中没有该台账（file: {path.name}）的映射；若台账改了文件名，请修改映射文件中的 file"
        )
    records = {m.record for _, m in pairs}
    if len(records) > 1:
        raise MappingError(
            f"{display_path(path)}: 各工作表对应不同的记录（{'、'.join(sorted(records))}），请分别迁移"
        )
    for table, m in pairs:
        if missing := missing_columns(m, table):
            raise MappingError(f"{table.name}: 映射文件中的列“{'、'.join(missing)}”在台账中不存在")
    return pairs


def _workbook(
    catalog: Catalog, schema: Schema, rows: list[list[Any]], version: str, out: Path
) -> bytes:
    """The standard's Excel template (``generators/excel.py``: dropdowns, validations,
    guide, ``_meta``) with the migrated rows written from row 3."""
    from openpyxl import load_workbook

    from ..excel import FIRST_DATA_ROW as FIRST
    from ..excel import sheet_name, template_bytes

    book = load_workbook(io.BytesIO(template_bytes(catalog, schema.key, version)))
    sheet = book[sheet_name(schema.title)]
    for r, row in enumerate(rows, FIRST + 1):
        for c, value in enumerate(row, 1):
            if value is not None:
                cell = sheet.cell(r, c, value)
                if isinstance(value, str):
                    cell.data_type = "s"  # openpyxl reads "=…" as a formula: data stays text
    return workbook_bytes(book, out)


def migrate(
    catalog: Catalog,
    ledger: Path,
    mappings: list[LedgerMapping],
    out: Path,
    version: str = "0.0.0+unknown",
) -> MigrationResult:
    """Write ``out`` (the record's template filled from ``ledger``) and list what needs fixing."""
    ledger, out = Path(ledger), Path(out)
    if out.suffix.lower() != ".xlsx":
        raise InfostdError(f"{display_path(out)}: 迁移结果须为 .xlsx 文件")
    if out.exists() and out.resolve() == ledger.resolve():
        raise InfostdError(f"{display_path(out)}: 不能覆盖原台账，请换一个输出文件名")
    tables, notes = read_tables(catalog, [ledger])
    pairs = _matching(tables, mappings, ledger)
    schema = catalog.records[pairs[0][1].record]
    result = MigrationResult(out, schema.key, 0, notes=notes)
    out_rows: list[list[Any]] = []
    origin: dict[int, tuple[str, int]] = {}
    for table, mapping in pairs:
        result.skipped += [(table.name, n, why) for n, why in table.skipped if why != "空行"]
        for column in table.columns:
            if column not in mapping.columns:
                result.notes.append(f"{table.name}: 列“{column}”不在映射文件中，未迁移")
        for number, values in apply_mapping(mapping, table):
            out_row = FIRST_DATA_ROW + len(out_rows)
            origin[out_row] = (table.name, number)
            row = []
            for f in schema.template_fields:
                value, problem = output_value(catalog, f, values.get(f.key))
                if problem:
                    result.problems.append(RowProblem(table.name, number, out_row, f.key, problem))
                row.append(value)
            out_rows.append(row)
    atomic_write_bytes(out, _workbook(catalog, schema, out_rows, version, out))
    result.written = len(out_rows)
    listed = {(p.out_row, p.field) for p in result.problems}
    for issue in file_issues(catalog, schema.key, out):  # what `infostd validate` will say
        if issue.row not in origin:  # a file-level remark, not about a migrated row
            result.notes.append(issue.message)
            continue
        if (issue.row, issue.field) not in listed:
            name, number = origin[issue.row]
            result.problems.append(RowProblem(name, number, issue.row, issue.field, issue.message))
    result.problems.sort(key=lambda p: (p.out_row, p.field))
    return result
