"""``--emit``: the normalised rows that passed, ready to import."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from ..errors import InfostdError
from ..fsutil import atomic_write_text
from ..model import Catalog
from .cells import check_cell
from .issues import Report
from .readers import Table
from .reports import FORMULA_START


def clean_rows(catalog: Catalog, table: Table, bad_rows: set[int]):
    """Normalised values of every row without errors, in the schema's field order."""
    schema = catalog.records[table.record]
    for number, row in table.rows:
        if number in bad_rows:
            continue
        yield {f.key: check_cell(f, row.get(f.key), catalog.codelists)[0] for f in schema.fields}


def check_target(tables: list[Table], path: Path) -> None:
    """A CSV has one header, so it takes the rows of one record only."""
    records = sorted({t.record for t in tables})
    if path.suffix.lower() == ".csv" and len(records) > 1:
        raise InfostdError(
            f"{path}：--emit 的 CSV 只能容纳一种记录（这里有 {'、'.join(records)}），"
            "请改用 .jsonl 或分别校验"
        )


def write_clean(
    catalog: Catalog, tables: list[Table], report: Report, path: Path
) -> tuple[int, list[str]]:
    """Write the valid rows of all tables (one record only for CSV); returns the count and,
    for CSV, the field keys whose text starts like a formula (``= + - @``). Import data stays
    byte-exact: such text is written as it is, and the caller warns (a spreadsheet opening
    the file would run it; an importer must not see a changed value)."""
    check_target(tables, path)
    buffer = io.StringIO()
    count = 0
    writer = None
    risky: dict[str, None] = {}
    for table, file in zip(tables, report.files, strict=True):
        bad = {i.row for i in file.errors if i.row is not None}
        if any(i.row is None for i in file.errors):
            continue  # a file-level error (incompatible template): nothing of it is importable
        for values in clean_rows(catalog, table, bad):
            count += 1
            if path.suffix.lower() == ".jsonl":
                buffer.write(json.dumps(values, ensure_ascii=False) + "\n")
                continue
            if writer is None:
                writer = csv.DictWriter(buffer, fieldnames=list(values), lineterminator="\n")
                writer.writeheader()
            writer.writerow({k: _csv(v) for k, v in values.items()})
            risky.update((k, None) for k, v in values.items() if looks_like_formula(v))
    atomic_write_text(path, buffer.getvalue())
    return count, list(risky)


def looks_like_formula(value) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_START)


def _csv(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
