"""Validation in place: the check plan as set-based SQL, run where the data lives.

One query per table marks each row "surely clean" (``expr.clean`` for every field,
``expr.rule_holds`` for every ``x-rules`` entry). Only the other rows leave the
database; the reference engine (``engine.check_row``) explains them, so every message
is the file validator's. Uniqueness and self-referencing foreign keys are found by
``GROUP BY``/anti-joins over the clean rows, merged with the normalised values of
the explained rows (a value the reference normalises, such as a padded code, still
collides). The result is a ``FileReport``: the same text/JSON report as ``validate``.

Values never become SQL text: identifiers are quoted by sqlglot, keys the merge needs
are loaded into a temporary table by the driver (bound parameters).
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from sqlglot import exp

from ..checkplan import Plan, RecordPlan, plan_for
from ..errors import InfostdError
from ..model import Catalog
from ..validate.engine import RecordContext, check_row, exempt_issues, key_issue
from ..validate.issues import FileReport, Issue
from ..validate.readers import clean_header, column_letter, header_names
from . import expr
from .expr import Column

ROW = "__infostd_row"
CLEAN = "__infostd_clean"


class Engine(Protocol):
    """What validation in place needs from a database (see ``engines.py``)."""

    dialect: str
    name: str  # for messages: "DuckDB", "PostgreSQL", "Spark"

    def columns(self, relation: exp.Table) -> list[Column]: ...

    def rows(self, sql: str) -> Iterable[Sequence[Any]]: ...

    def load_keys(self, name: str, columns: list[str], rows: list[tuple]) -> exp.Table: ...


@dataclass
class Source:
    """A relation to check: the engine, the relation and how its rows are numbered."""

    engine: Engine
    relation: exp.Table
    label: str  # what the report calls it ("postgresql://…/db#customer", a file path)
    row_number: exp.Expression | None = None  # None: ROW_NUMBER() in key order
    letters: bool = False  # name columns by letter (A, B, …) as the file validator does for CSV


def _record_plan(plan: Plan, key: str) -> RecordPlan:
    return next(r for r in plan.records if r.key == key)


def match_columns(
    catalog: Catalog, record: str, columns: list[Column], where: str
) -> dict[str, Column]:
    """Field key → column; a column that names no field, or a missing required field,
    is an error naming it and the closest names (exit 2)."""
    schema = catalog.records[record]
    names = header_names(schema)
    found: dict[str, Column] = {}
    unknown = []
    for col in columns:
        if col.name.startswith("__infostd"):
            continue  # added by the engine (row numbers)
        key = names.get(clean_header(col.name))
        if key is None:
            unknown.append(col.name)
        elif key not in found:
            found[key] = col
    if unknown:
        near = difflib.get_close_matches(unknown[0], [f.key for f in schema.fields], 3, 0.5)
        hint = f"（最接近：{'、'.join(near)}）" if near else ""
        raise InfostdError(
            f"{where}：列“{unknown[0]}”不是记录“{schema.title}”({record}) 的字段{hint}"
        )
    missing = [f for f in schema.fields if f.required and f.key not in found]
    if missing:
        near = difflib.get_close_matches(missing[0].key, [c.name for c in columns], 3, 0.5)
        hint = f"（最接近的列：{'、'.join(near)}）" if near else ""
        raise InfostdError(
            f"{where}：缺少必填字段“{missing[0].title}”({missing[0].key}) 的列{hint}"
        )
    return found


FLAGS = "__infostd_flags"


def flagged_query(rec: RecordPlan, cols: dict[str, Column], plan: Plan, src: Source) -> exp.Select:
    """The numbered source with its CLEAN flag (rendered once, used as a CTE)."""
    fields = {f.key: f for f in rec.fields}
    # keys compare normalised values: only text keys are compared in SQL (as the fast path)
    keyed = {k for g in rec.unique for k in g} | {fk["field"] for fk in rec.foreign_keys}
    keyed |= {fk["ref"] for fk in rec.foreign_keys if fk["record"] == rec.key}
    compared = keyed | {k for r in rec.rules for k in _rule_fields(r.params)}
    checks = [
        expr.FALSE()
        if f.key in keyed and f.type != "string"
        else expr.clean(f, cols.get(f.key), plan, labels=f.key not in compared)
        for f in rec.fields
    ]
    guard = expr.all_of([c.copy() for c in checks])
    for rule in rec.rules:
        holds = expr.rule_holds(rule, fields, cols, plan)
        checks.append(expr.when(guard.copy(), holds))
    order = [exp.Ordered(this=c.ref, nulls_first=False) for c in _order_columns(rec, cols)]
    number = src.row_number or exp.Window(this=exp.RowNumber(), order=exp.Order(expressions=order))
    selected = [c.ref.as_(c.name, quoted=True) for c in cols.values()]
    base = exp.select(*selected, exp.alias_(number, ROW, quoted=True), copy=False)
    base = base.from_(src.relation.copy(), copy=False)
    flag = exp.alias_(expr.all_of(checks), CLEAN, quoted=True)
    return exp.select(exp.Star(), flag, copy=False).from_(
        base.subquery("src", copy=False), copy=False
    )


def _rule_fields(params: Any) -> set[str]:
    """Every field name a rule's parameters mention (any rule kind: strings, nested)."""
    if isinstance(params, dict):
        return set().union(*(_rule_fields(v) for v in params.values()))
    if isinstance(params, list):
        return set().union(*(_rule_fields(v) for v in params))
    return {params} if isinstance(params, str) else set()


class Runner:
    """Queries over the flagged rows: the flag query is rendered once, as a CTE."""

    def __init__(self, src: Source, numbered: exp.Select):
        self.engine = src.engine
        self.dialect = src.engine.dialect
        name = exp.to_identifier(FLAGS, quoted=True).sql(self.dialect)
        self.prefix = f"WITH {name} AS ({numbered.sql(dialect=self.dialect)}) "

    def rows(self, query: exp.Expression) -> Iterable[Sequence[Any]]:
        return self.engine.rows(self.prefix + query.sql(dialect=self.dialect))


def flags(where: exp.Expression | None = None, alias: str | None = None) -> exp.Select:
    """``SELECT * FROM flags [WHERE …]`` (clean rows by default)."""
    where = exp.column(CLEAN, quoted=True) if where is None else where
    return (
        exp.select(exp.Star(), copy=False)
        .from_(exp.table_(FLAGS, quoted=True), copy=False)
        .where(where, copy=False)
    )


def _order_columns(rec: RecordPlan, cols: dict[str, Column]) -> list[Column]:
    """Rows are numbered in key order (the DDL's primary key), then by every column."""
    first = [cols[k] for k in (rec.unique[0] if rec.unique else []) if k in cols]
    return first + [c for k, c in cols.items() if c not in first]


def validate_source(
    catalog: Catalog, src: Source, record: str, lang: str = "zh", version: str = ""
) -> FileReport:
    """Every issue of the relation, as the reference engine would report its rows."""
    plan = plan_for(catalog, version)
    rec = _record_plan(plan, record)
    described = src.engine.columns(src.relation)
    cols = match_columns(catalog, record, described, src.label)
    columns = {k: c.name for k, c in cols.items()}
    if src.letters:
        columns = {k: column_letter(described.index(c)) for k, c in cols.items()}
    ctx = RecordContext(catalog, catalog.records[record], lang, None, columns)
    run = Runner(src, flagged_query(rec, cols, plan, src))
    count = exp.select(exp.Count(this=exp.Star()), copy=False).from_(
        exp.table_(FLAGS, quoted=True), copy=False
    )
    total = next(iter(run.rows(count)))[0]
    keys = list(cols)
    bad = flags(exp.not_(exp.column(CLEAN, quoted=True)))
    bad = bad.select(
        exp.column(ROW, quoted=True), *[c.ref for c in cols.values()], append=False, copy=False
    )
    bad = bad.order_by(exp.column(ROW, quoted=True), copy=False)
    issues: list[Issue] = []
    explained: dict[int, dict[str, Any]] = {}  # row → normalised values
    for found_row in run.rows(bad):
        number, values = int(found_row[0]), dict(zip(keys, found_row[1:], strict=True))
        normal, found = check_row(ctx, number, values)
        issues += found
        explained[number] = normal
    issues += _unique_issues(ctx, rec, cols, run, explained)
    issues += _self_reference_issues(ctx, rec, cols, run, explained)
    issues.sort(key=ctx.sort_key)
    issues += exempt_issues(ctx, ctx.exempt)  # exempt rows were never clean: all counted
    return FileReport(
        path=src.label, record=record, template_version=None, rows=int(total), issues=issues
    )


def _qualified(cols: dict[str, Column], keys: list[str], table: str) -> list[exp.Column]:
    return [exp.column(cols[k].name, table, quoted=True) for k in keys]


def _joined(left: list[exp.Column], right: list[exp.Column]) -> exp.Expression:
    return exp.and_(*[exp.EQ(this=a, expression=b) for a, b in zip(left, right, strict=True)])


def _unique_issues(ctx, rec, cols, run: Runner, explained) -> list[Issue]:
    """``x-unique``: the first row holding a value wins, later ones are reported."""
    issues: list[Issue] = []
    for n, group in enumerate(rec.unique):
        if any(k not in cols for k in group):
            continue  # an absent column is empty in every row: nothing collides
        filled = expr.all_of([exp.not_(expr.is_empty(cols[k])) for k in group])
        clean = flags(exp.and_(exp.column(CLEAN, quoted=True), filled))
        refs = [cols[k].ref for k in group]
        dup = exp.select(*refs, copy=False).from_(clean.subquery("c", copy=False), copy=False)
        dup = dup.group_by(*[r.copy() for r in refs], copy=False).having(
            exp.GT(this=exp.Count(this=exp.Star()), expression=expr.lit(1)), copy=False
        )
        select = [exp.column(ROW, "c", quoted=True), *_qualified(cols, group, "c")]
        on = _joined(_qualified(cols, group, "c"), _qualified(cols, group, "d"))
        query = exp.select(*select, copy=False).from_(clean.subquery("c"), copy=False)
        query = query.join(dup.subquery("d", copy=False), on=on, copy=False)
        occurrences: dict[tuple, list[int]] = {}
        for row in run.rows(query):
            occurrences.setdefault(tuple(row[1:]), []).append(int(row[0]))
        # explained rows: their normalised keys may meet clean rows holding the same value
        theirs: dict[tuple, list[int]] = {}
        for number, values in explained.items():
            key = tuple(values.get(k) for k in group)
            if all(v is not None for v in key):
                theirs.setdefault(key, []).append(number)
        if theirs:
            names = [cols[k].name for k in group]
            table = run.engine.load_keys(f"__infostd_keys_{n}", names, list(theirs))
            on = _joined(_qualified(cols, group, "c"), _qualified(cols, group, "k"))
            met = exp.select(*[s.copy() for s in select], copy=False).from_(
                clean.subquery("c"), copy=False
            )
            met = met.join(exp.alias_(table, "k"), on=on, copy=False)
            for row in run.rows(met):
                numbers = occurrences.setdefault(tuple(row[1:]), [])
                if int(row[0]) not in numbers:
                    numbers.append(int(row[0]))
            for key, numbers in theirs.items():
                occurrences.setdefault(key, []).extend(numbers)
        f = ctx.schema.field_by_key[group[0]]
        for key, numbers in occurrences.items():
            first, *later = sorted(set(numbers))
            issues += [key_issue(ctx, "unique", f, key[0], r, first_row=first) for r in later]
    return issues


def _self_reference_issues(ctx, rec, cols, run: Runner, explained) -> list[Issue]:
    """Foreign keys within the table (validate_rows checks those; others need the
    target table, as the file validator needs the other file)."""
    issues: list[Issue] = []
    for fk in rec.foreign_keys:
        if fk["record"] != rec.key or fk["field"] not in cols:
            continue
        field_col, ref_col = cols[fk["field"]], cols.get(fk["ref"])
        known = {v[fk["ref"]] for v in explained.values() if v.get(fk["ref"]) is not None}
        values = flags(exp.and_(exp.column(CLEAN, quoted=True), exp.not_(expr.is_empty(field_col))))
        values = values.select(
            exp.column(ROW, quoted=True), field_col.ref, append=False, copy=False
        )
        if ref_col is not None:
            refs = flags(exp.and_(exp.column(CLEAN, quoted=True), exp.not_(expr.is_empty(ref_col))))
            refs = refs.select(ref_col.ref, append=False, copy=False)
            values = values.where(
                exp.not_(exp.In(this=field_col.ref, query=refs.subquery())), copy=False
            )
        candidates = [(int(r[0]), r[1]) for r in run.rows(values)]
        pending = {
            n: v[fk["field"]] for n, v in explained.items() if v.get(fk["field"]) is not None
        }
        asked = {v for v in pending.values() if v not in known}
        if asked and ref_col is not None:
            table = run.engine.load_keys("__infostd_refs", [ref_col.name], [(v,) for v in asked])
            wanted = exp.select(exp.column(ref_col.name, quoted=True)).from_(table)
            present = flags().select(ref_col.ref, append=False, copy=False)
            present = present.where(exp.In(this=ref_col.ref, query=wanted.subquery()), copy=False)
            known |= {r[0] for r in run.rows(present)}
        f = ctx.schema.field_by_key[fk["field"]]
        target = ctx.catalog.schemas[fk["record"]].title
        wrong = [(n, v) for n, v in candidates if v not in known]
        wrong += [(n, v) for n, v in pending.items() if v not in known]
        issues += [key_issue(ctx, "foreign-key", f, v, n, target=target) for n, v in wrong]
    return issues
