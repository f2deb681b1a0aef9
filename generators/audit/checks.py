"""The audit's only door to validation: rows already mapped to field keys, and
migrated files, go to the reference validator (``generators.validate``), which
owns every check, message and mask."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..model import Catalog
from ..validate import validate_paths, validate_rows

MappedRow = tuple[int, dict[str, Any]]  # (ledger row number, {field key: raw value})


@dataclass(frozen=True)
class Issue:
    row: int
    field: str
    rule: str
    message: str
    value: Any = None  # as the validator shows it: masked for x-sensitive fields


def row_issues(catalog: Catalog, key: str, rows: list[MappedRow]) -> list[Issue]:
    """Every error the validator finds in ``rows`` of record ``key``, on the ledger's
    own row numbers (warnings such as stray spaces are not errors: left out)."""
    numbers = [number for number, _ in rows]
    found = validate_rows(catalog, key, [values for _, values in rows], first_row=1)
    return [
        Issue(numbers[i.row - 1], i.field, i.rule, i.message, i.value)
        for i in found
        if i.severity == "error" and i.row is not None and i.field is not None
    ]


def file_issues(catalog: Catalog, key: str, path: Path) -> list[Issue]:
    """The errors ``infostd validate`` reports for a written file (row 0: the whole file)."""
    report = validate_paths(catalog, [path], record=key)
    return [
        Issue(i.row or 0, i.field or "", i.rule, i.message, i.value)
        for f in report.files
        for i in f.errors
    ]
