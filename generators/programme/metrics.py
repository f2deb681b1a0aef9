"""Metrics are computed, never typed: data-quality figures from a validation run,
programme figures from the ledger inventory, the feedback register and the training
records as of a date. Pure functions over the model, the report and the rows."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..model import Catalog, display_path
from ..rules import RuleContext, check_rule
from ..validate.issues import FileReport
from ..validate.readers import Table
from .data import ELECTRONIC, Programme, Row, as_date

DATA_METRICS = ("完整性", "有效性", "唯一性", "及时性")
COUNT_METRICS = ("未关闭问题数",)
METRICS = (*DATA_METRICS, "电子化存储率", "未关闭问题数", "培训覆盖率")
CLOSED = {"已解决", "不予采纳"}


@dataclass(frozen=True)
class Figure:
    """One measured value with the counts it was computed from (reviewable)."""

    measured_on: str  # ISO date
    department: str | None  # None: the whole company
    record: str | None  # None: not about one record, or all records of the scope
    metric: str
    numerator: int
    denominator: int
    source: str

    @property
    def value(self) -> float | None:
        if self.metric in COUNT_METRICS:
            return float(self.numerator)
        if not self.denominator:
            return None
        return round(100 * self.numerator / self.denominator, 1)

    @property
    def key(self) -> tuple[str, str | None, str | None, str]:
        return (self.measured_on, self.department, self.record, self.metric)


def combine(figures: Sequence[Figure], **where) -> Figure | None:
    """Several figures of one metric as one: counts summed (a weighted mean, not a mean of %)."""
    if not figures:
        return None
    first = figures[0]
    return Figure(
        measured_on=max(f.measured_on for f in figures),
        department=where.get("department", first.department),
        record=where.get("record", first.record),
        metric=first.metric,
        numerator=sum(f.numerator for f in figures),
        denominator=sum(f.denominator for f in figures),
        source="、".join(dict.fromkeys(f.source for f in figures)),
    )


# ---- data quality from a validation run ---------------------------------------------


def run_figures(
    catalog: Catalog,
    tables: Sequence[Table],
    files: Sequence[FileReport],
    department: str,
    day: dt.date,
    source: Callable[[Path], str] = display_path,
) -> list[Figure]:
    """Completeness, validity, uniqueness and timeliness per record of one department's run."""
    by_record: dict[str, list[Figure]] = {}
    for table, report in zip(tables, files, strict=True):
        for metric, num, den in file_counts(catalog, table, report):
            by_record.setdefault(table.record, []).append(
                Figure(
                    day.isoformat(), department, table.record, metric, num, den, source(table.path)
                )
            )
    figures = []
    for record, found in by_record.items():
        for metric in DATA_METRICS:
            same = [f for f in found if f.metric == metric]
            if same:
                figures.append(combine(same, record=record))
    return figures  # type: ignore[return-value]


def audit_figures(
    profiles: Sequence,
    department: str,
    day: dt.date,
    source: Callable[[Path], str] = display_path,
) -> list[Figure]:
    """Completeness, validity and uniqueness of legacy ledgers from an ``infostd audit`` run
    (the reviewed mapping says which column is which field). Validity here is the audit's
    accuracy: filled values without a value-level error; timeliness needs the standard's
    template and is measured by validation runs only."""
    by_record: dict[str, list[Figure]] = {}
    for p in profiles:
        rows = p.fields[0].rows if p.fields else 0
        counted = [f for f in p.fields if f.required or f.column]
        repeated = len({n for d in p.duplicates for n in d.rows[1:]})
        counts = [
            ("完整性", sum(f.filled for f in counted if f.column), rows * len(counted)),
            ("有效性", sum(f.passed for f in p.fields), sum(f.checked for f in p.fields)),
            ("唯一性", rows - repeated, rows),
        ]
        name = source(p.table.path)
        for metric, num, den in counts:
            by_record.setdefault(p.mapping.record, []).append(
                Figure(day.isoformat(), department, p.mapping.record, metric, num, den, name)
            )
    return [
        combine([f for f in found if f.metric == metric], record=record)  # type: ignore[misc]
        for record, found in by_record.items()
        for metric in ("完整性", "有效性", "唯一性")
    ]


def file_counts(catalog: Catalog, table: Table, report: FileReport) -> list[tuple[str, int, int]]:
    """(metric, numerator, denominator) of one validated file."""
    schema = catalog.records[table.record]
    rows = report.rows
    required = [f for f in schema.fields if f.required]
    missing = sum(1 for i in report.errors if i.rule == "required")
    cells = rows * len(required)
    duplicated = len({i.row for i in report.errors if i.rule == "unique"})
    counts = [
        ("完整性", cells - missing, cells),
        ("有效性", rows - report.invalid_rows, rows),
        ("唯一性", rows - duplicated, rows),
    ]
    timed = [r for r in schema.rules if r.type in ("max-interval", "max-workdays")]
    # 及时性 measures the deadline itself, also on rows dated before a rule's effective
    # date (``from``): the pilot measures behaviour before the standard takes effect,
    # while the validation report only exempts such history from errors.
    applicable = late = 0
    ctx = RuleContext(schema, catalog.codelists)
    for _, row in table.rows:
        subject = [
            r for r in timed if _filled(row, r.params["start"]) and _filled(row, r.params["end"])
        ]
        if subject:
            applicable += 1
            late += any(not check_rule(r, _moments(r, row), ctx) for r in subject)
    if applicable:
        counts.append(("及时性", applicable - late, applicable))
    return counts


def _moments(rule, row: Row) -> dict[str, Any]:
    """The two moments of a deadline as text (a spreadsheet's date cell as a CSV holds it)."""
    out = {}
    for key in (rule.params["start"], rule.params["end"]):
        value = row.get(key)
        if isinstance(value, dt.datetime):
            value = value.isoformat(sep=" ")
        elif isinstance(value, dt.date):
            value = value.isoformat()
        out[key] = value.strip() if isinstance(value, str) else value
    return out


def _filled(row: Row, key: str) -> bool:
    value = row.get(key)
    return value is not None and str(value).strip() != ""


# ---- programme figures as of a day ---------------------------------------------------


def programme_figures(programme: Programme, day: dt.date, sources: dict[str, str]) -> list[Figure]:
    """Electronic storage, open problems and training coverage, per department and company-wide.

    Only what had happened by ``day`` counts (ledgers surveyed, conversions done, problems
    raised or closed, trainings held), so a history can be rebuilt for past dates."""
    figures: list[Figure] = []
    iso = day.isoformat()

    def add(metric: str, record: str, pairs: Iterable[tuple[str, int, int]]) -> None:
        per_dept: dict[str, list[int]] = {}
        for dept, num, den in pairs:
            total = per_dept.setdefault(dept, [0, 0])
            total[0] += num
            total[1] += den
        if not per_dept:
            return
        source = sources.get(record, "")
        for dept in sorted(per_dept):
            num, den = per_dept[dept]
            figures.append(Figure(iso, dept, None, metric, num, den, source))
        num = sum(v[0] for v in per_dept.values())
        den = sum(v[1] for v in per_dept.values())
        figures.append(Figure(iso, None, None, metric, num, den, source))

    add(
        "电子化存储率",
        "ledger-inventory",
        (
            (row["department"], int(electronic_on(row, day)), 1)
            for row in programme.rows("ledger-inventory")
            if _on_or_before(row.get("surveyed_on"), day)
        ),
    )
    add(
        "未关闭问题数",
        "feedback",
        (
            (row["raised_by"], int(not closed_on(row, day)), 1)
            for row in programme.rows("feedback")
            if _on_or_before(row.get("raised_on"), day)
        ),
    )
    add(
        "培训覆盖率",
        "training",
        (
            (row["department"], row["attended"], row["expected"])
            for row in programme.rows("training")
            if _on_or_before(row.get("held_on"), day)
        ),
    )
    return figures


def electronic_on(row: Row, day: dt.date) -> bool:
    if row.get("storage_form") not in ELECTRONIC:
        return False
    if row.get("original_form") in ELECTRONIC:
        return True
    return _on_or_before(row.get("converted_on"), day)


def closed_on(row: Row, day: dt.date) -> bool:
    if row.get("status") not in CLOSED:
        return False
    resolved = as_date(row.get("resolved_on"))
    return resolved is None or resolved <= day


def _on_or_before(value, day: dt.date) -> bool:
    found = as_date(value)
    return found is not None and found <= day
