"""Validation in place: the check plan as set-based SQL, run where the data lives.

Per relation, one streaming scan computes for every cell "surely clean" (``expr.clean``:
accepted silently, its value is the raw one) and for every row whether its ``x-rules``
surely hold; only the rows where something is not surely clean leave the database, with
the cells' flags. The reference engine (``engine.check_row``) explains them, re-checking
only the cells that were not cleared, so every message is the file validator's.

Keys are set-based too, on the *cell* flags: ``x-unique`` is one ``GROUP BY … HAVING
COUNT(*) > 1`` over the cells that are clean, foreign keys (within a relation, across
relations of one database, across files and ``--reference`` files) are anti-joins; the
few explained rows whose key cell was not clean carry their normalised value (a padded
code still collides, a label still finds its target), merged in through a small key
table. The result is a ``FileReport``: the same text/JSON report as ``validate``.

Values never become SQL text: identifiers are quoted by sqlglot, keys the merge needs
are loaded into a temporary table by the driver (bound parameters, in bulk).
"""

from __future__ import annotations

import contextlib
import difflib
import itertools
import queue
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from sqlglot import exp

from ..checkplan import Plan, RecordPlan, plan_for
from ..errors import InfostdError
from ..model import Catalog
from ..validate.cells import today
from ..validate.engine import (
    RecordContext,
    check_row,
    exempt_issues,
    key_issue,
    unchecked_issue,
    where_issue,
)
from ..validate.issues import FileReport, Issue
from ..validate.readers import clean_header, column_letter, header_names
from . import expr
from .expr import Column

ROW = "__infostd_row"
CLEAN = "__infostd_clean"
ONCE = "__infostd_once"  # + n: a value computed once per row (``expr.once``)


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
    header_row: int | None = None  # where a file-wide warning points (a CSV's header line)


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


OK = "__infostd_ok"  # + field index: the cell's "surely clean" flag
_names = itertools.count()  # temporary key tables: one name per load


def _rule_fields(params: Any) -> set[str]:
    """Every field name a rule's parameters mention (any rule kind: strings, nested)."""
    if isinstance(params, dict):
        return set().union(*(_rule_fields(v) for v in params.values()))
    if isinstance(params, list):
        return set().union(*(_rule_fields(v) for v in params))
    return {params} if isinstance(params, str) else set()


def key_fields(catalog: Catalog, rec: RecordPlan) -> set[str]:
    """Fields whose normalised values keys compare: unique groups, foreign keys and the
    fields foreign keys (of any record) point at."""
    keyed = {k for g in rec.unique for k in g} | {fk["field"] for fk in rec.foreign_keys}
    return keyed | {
        k
        for s in catalog.schemas.values()
        for fk in s.foreign_keys
        if fk.record == rec.key
        for k in (fk.ref, fk.where_field)  # a condition's field is compared too
        if k is not None
    }


def compared_fields(catalog: Catalog, rec: RecordPlan) -> set[str]:
    """Fields whose normalised value a key or a rule reads (a label is not clean there)."""
    return key_fields(catalog, rec) | {k for r in rec.rules for k in _rule_fields(r.params)}


@dataclass
class Checked:
    """One relation after its own checks, with what keys across relations need."""

    src: Source
    rec: RecordPlan
    ctx: RecordContext
    cols: dict[str, Column]
    oks: dict[str, exp.Expression]  # field → the cell is accepted silently, value = raw
    base: exp.Select  # the relation's columns and row numbers
    rows: int
    issues: list[Issue]
    # explained rows where a key cell was not clean: row → (key values, the unclean keys)
    explained: dict[int, tuple[dict[str, Any], set[str]]]

    def sql_key(self, key: str) -> bool:
        """Whether SQL compares this field's clean cells (text in a text column); other
        key cells are never clean, so every row holding one is explained."""
        col = self.cols.get(key)
        field = next(f for f in self.rec.fields if f.key == key)
        return col is not None and col.kind == expr.TEXT and field.type == "string"

    def filled(self, key: str, table: str | None = None) -> exp.Expression:
        """The cell is clean and not empty (columns qualified by ``table`` when given)."""
        ok = exp.and_(self.oks[key].copy(), exp.not_(expr.is_empty(self.cols[key])))
        if table is not None:
            for c in ok.find_all(exp.Column):
                c.set("table", exp.to_identifier(table, quoted=True))
        return ok

    def ref(self, key: str, table: str) -> exp.Column:
        return exp.column(self.cols[key].name, table, quoted=True)

    def normal(self, key: str) -> dict[int, Any]:
        """Explained rows' normalised values of a key whose cell was not clean."""
        return {
            n: v[key] for n, (v, unsure) in self.explained.items()
            if key in unsure and v.get(key) is not None
        }  # fmt: skip

    def query(self, select: exp.Expression) -> list[Sequence[Any]]:
        return list(self.src.engine.rows(select.sql(dialect=self.src.engine.dialect)))


def cell_flags(
    catalog: Catalog, rec: RecordPlan, cols: dict[str, Column], plan: Plan
) -> dict[str, exp.Expression]:
    """Field → "surely clean" for its cells. A dropdown label counts as clean only where
    no key or rule compares the normalised value; keys of other types than text are
    never clean (as the fast path)."""
    keyed, compared = key_fields(catalog, rec), compared_fields(catalog, rec)
    return {
        f.key: expr.FALSE()
        if f.key in keyed and f.type != "string"
        else expr.clean(f, cols.get(f.key), plan, labels=f.key not in compared)
        for f in rec.fields
    }


def numbered(rec: RecordPlan, cols: dict[str, Column], src: Source) -> exp.Select:
    """The relation's matched columns and the row number (ROW)."""
    order = [exp.Ordered(this=c.ref, nulls_first=False) for c in _order_columns(rec, cols)]
    number = src.row_number or exp.Window(this=exp.RowNumber(), order=exp.Order(expressions=order))
    selected = [c.ref.as_(c.name, quoted=True) for c in cols.values()]
    base = exp.select(*selected, exp.alias_(number, ROW, quoted=True), copy=False)
    return base.from_(src.relation.copy(), copy=False)


def flagged_query(
    rec: RecordPlan, cols: dict[str, Column], plan: Plan, src: Source,
    oks: dict[str, exp.Expression],
) -> exp.Select:  # fmt: skip
    """ROW, the matched columns and each field's flag, for the rows where a cell is not
    surely clean or a rule does not surely hold: one streaming scan. The checks are the
    filter, so each is evaluated once per row and the flags only for the rows it keeps
    (a few per cent); computing the flags for every row below the filter cost ≈ 10 %."""
    fields = {f.key: f for f in rec.fields}
    checks = [ok.copy() for ok in oks.values()]
    for rule in rec.rules:
        held = expr.rule_holds(rule, fields, cols, plan)
        if held.find(exp.Cast) is not None:  # a cast reads clean cells only: never fails
            guard = [oks[k].copy() for k in sorted(_rule_fields(rule.params)) if k in oks]
            held = expr.when(expr.all_of(guard), held)
        checks.append(held)  # a row with an unclean cell is kept by that cell's check
    flags = [exp.alias_(ok.copy(), f"{OK}{i}", quoted=True) for i, ok in enumerate(oks.values())]
    condition = exp.not_(expr.all_of(checks))
    base = numbered(rec, cols, src)
    _hoist([condition, *flags], base)
    selected = [exp.column(ROW, quoted=True), *[c.ref for c in cols.values()], *flags]
    query = exp.select(*selected, copy=False).from_(base.subquery("src", copy=False), copy=False)
    return query.where(condition, copy=False)


def _hoist(trees: list[exp.Expression], base: exp.Select) -> None:
    """Every value marked ``expr.once`` in ``trees`` becomes one column of ``base`` (the
    same value mentioned again reads that column): computed once per row."""
    names: dict[str, str] = {}
    for tree in trees:
        for node in [n for n in tree.find_all(exp.Expression) if n.meta.get("once")]:
            text = node.sql()
            if text not in names:
                names[text] = f"{ONCE}{len(names)}"
                base.select(exp.alias_(node.copy(), names[text], quoted=True), copy=False)
            node.replace(exp.column(names[text], quoted=True))


def _order_columns(rec: RecordPlan, cols: dict[str, Column]) -> list[Column]:
    """Rows are numbered in key order (the DDL's primary key), then by every column."""
    first = [cols[k] for k in (rec.unique[0] if rec.unique else []) if k in cols]
    return first + [c for k, c in cols.items() if c not in first]


def check_source(
    catalog: Catalog,
    plan: Plan,
    src: Source,
    record: str,
    lang: str = "zh",
    as_of: str | None = None,
) -> Checked:
    """Cells, rules and uniqueness of one relation (foreign keys: ``foreign_key_issues``).
    ``plan`` = ``clean_plan``: retired codes are never "surely clean", the reference
    explains them (a warning, or an error after the withdrawal date ``as_of``)."""
    rec = _record_plan(plan, record)
    described = src.engine.columns(src.relation)
    cols = match_columns(catalog, record, described, src.label)
    columns = {k: c.name for k, c in cols.items()}
    if src.letters:
        columns = {k: column_letter(described.index(c)) for k, c in cols.items()}
    ctx = RecordContext(catalog, catalog.records[record], lang, None, columns, as_of or today())
    oks = cell_flags(catalog, rec, cols, plan)
    count = exp.select(exp.Count(this=exp.Star()), copy=False).from_(src.relation.copy())
    total = int(next(iter(src.engine.rows(count.sql(dialect=src.engine.dialect))))[0])
    # a cleared cell is not checked again; its value matters only where a key or rule
    # reads it, and there (no labels accepted) a cleared text cell's value is its raw text
    compared = compared_fields(catalog, rec)
    exact = {
        f.key for f in rec.fields
        if f.key not in compared
        or (f.type == "string" and (f.key not in cols or cols[f.key].kind == expr.TEXT))
    }  # fmt: skip
    keys, flagged = list(cols), list(oks)
    keyed = key_fields(catalog, rec)
    issues: list[Issue] = []
    explained: dict[int, tuple[dict[str, Any], set[str]]] = {}
    query = flagged_query(rec, cols, plan, src, oks).sql(dialect=src.engine.dialect)
    for found in prefetched(
        src.engine.rows(query), interrupt=getattr(src.engine, "interrupt", None)
    ):
        number = int(found[0])
        row = dict(zip(keys, found[1 : 1 + len(keys)], strict=True))
        cleared = {k for k, ok in zip(flagged, found[1 + len(keys) :], strict=True) if ok}
        known = {k: None if row.get(k) in (None, "") else row[k] for k in cleared & exact}
        values, seen = check_row(ctx, number, row, known)
        issues += seen
        unsure = {k for k in keyed - cleared if values.get(k) is not None}
        if unsure:
            explained[number] = ({k: values.get(k) for k in keyed}, unsure)
    checked = Checked(src, rec, ctx, cols, oks, numbered(rec, cols, src), total, issues, explained)
    checked.issues += _unique_issues(checked)
    return checked


def prefetched(
    rows: Iterable[Sequence[Any]],
    depth: int = 4,
    interrupt: Callable[[], None] | None = None,
) -> Iterator[Sequence[Any]]:
    """``rows`` read by a background thread in batches while the caller works on the
    batches already read: the database goes on scanning instead of waiting for Python
    (a DuckDB stream pauses when its buffer is full; the drivers release the GIL while
    they wait). Errors reach the caller; a caller that stops early (Ctrl-C, an error)
    stops the reader, and ``interrupt`` cancels the query it may be waiting on, so
    stopping never waits for the rest of a long scan."""
    batches: queue.Queue = queue.Queue(depth)
    stop = threading.Event()
    done = object()

    def put(item: Any) -> bool:
        while not stop.is_set():
            try:
                batches.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def read() -> None:
        batch: list[Sequence[Any]] = []
        try:
            for row in rows:
                batch.append(row)
                if len(batch) == 5_000:
                    if not put(batch):
                        return
                    batch = []
            if put(batch):
                put(done)
        except BaseException as exc:  # noqa: BLE001 - handed to the caller, raised there
            if put(batch):  # the rows read before the error first
                put(exc)

    reader = threading.Thread(target=read, name="infostd-prefetch", daemon=True)
    reader.start()
    try:
        while True:
            try:  # a timeout, so that Ctrl-C is seen while the scan has nothing yet
                item = batches.get(timeout=0.2)
            except queue.Empty:
                continue
            if item is done:
                break
            if isinstance(item, BaseException):
                raise item
            yield from item
    finally:
        stop.set()
        if reader.is_alive() and interrupt is not None:
            with contextlib.suppress(Exception):  # already stopping: the first error counts
                interrupt()
        reader.join()


def _joined(left: list[exp.Column], right: list[exp.Column]) -> exp.Expression:
    return exp.and_(*[exp.EQ(this=a, expression=b) for a, b in zip(left, right, strict=True)])


def _key_table(ch: Checked, rows: list[tuple]) -> tuple[exp.Table, list[str]]:
    """The values as a temporary table of text columns (bound in bulk by the driver)."""
    names = [f"__infostd_k{i}" for i in range(len(rows[0]))]
    return ch.src.engine.load_keys(f"__infostd_keys_{next(_names)}", names, rows), names


def _unique_issues(ch: Checked) -> list[Issue]:
    """``x-unique``: the first row holding a value wins, later ones are reported. One
    ``GROUP BY`` per group over the clean cells; the rows of values held more than twice
    or by explained rows are fetched through a small key table."""
    issues: list[Issue] = []
    for group in ch.rec.unique:
        if any(k not in ch.cols for k in group):
            continue  # an absent column is empty in every row: nothing collides
        occurrences: dict[tuple, set[int]] = {}
        theirs = {
            n: tuple(v[k] for k in group) for n, (v, unsure) in ch.explained.items()
            if unsure & set(group) and all(v.get(k) is not None for k in group)
        }  # fmt: skip
        if all(ch.sql_key(k) for k in group):
            occurrences = _sql_duplicates(ch, group, set(theirs.values()))
        for n, key in theirs.items():
            occurrences.setdefault(key, set()).add(n)
        f = ch.ctx.schema.field_by_key[group[0]]
        for key, numbers in occurrences.items():
            first, *later = sorted(numbers)
            issues += [key_issue(ch.ctx, "unique", f, key[0], r, first_row=first) for r in later]
    return issues


def _sql_duplicates(ch: Checked, group: list[str], wanted: set[tuple]) -> dict[tuple, set[int]]:
    """Rows of the values clean cells hold more than once (and of ``wanted`` values). The
    ``GROUP BY`` runs on raw values (no flag to compute over every row); the cells' flags
    are then computed on the few rows of the values held more than once."""
    refs = [exp.column(ch.cols[k].name, quoted=True) for k in group]
    filled = expr.all_of([exp.not_(expr.is_empty(ch.cols[k])) for k in group])
    dup = exp.select(*refs, copy=False).from_(ch.base.subquery("c"), copy=False)
    dup = dup.where(filled, copy=False).group_by(*[r.copy() for r in refs], copy=False)
    dup = dup.having(exp.GT(this=exp.Count(this=exp.Star()), expression=expr.lit(1)), copy=False)
    wanted = wanted | {tuple(values) for values in ch.query(dup)}
    found: dict[tuple, set[int]] = {}
    if wanted:
        table, names = _key_table(ch, sorted(wanted))
        select = [exp.column(ROW, "c", quoted=True), *[ch.ref(k, "c") for k in group]]
        keys = [exp.column(n, "k", quoted=True) for n in names]
        on = _joined([ch.ref(k, "c") for k in group], keys)
        rows = exp.select(*select, copy=False).from_(ch.base.subquery("c"), copy=False)
        rows = rows.join(exp.alias_(table, "k"), on=on, copy=False)
        rows = rows.where(expr.all_of([ch.filled(k, "c") for k in group]), copy=False)
        for values in ch.query(rows):
            found.setdefault(tuple(values[1:]), set()).add(int(values[0]))
    return found


def _target_rows(
    t: Checked, alias: str, ref: str, value: exp.Expression, condition: exp.Expression
) -> exp.Select:
    """``SELECT 1 FROM target AS alias WHERE alias.ref = value AND condition``."""
    held = exp.select(expr.lit(1), copy=False).from_(
        exp.alias_(t.src.relation.copy(), alias), copy=False
    )
    match = exp.EQ(this=t.ref(ref, alias), expression=value)
    return held.where(exp.and_(match, condition), copy=False)


def _unmatched(ch: Checked, field: str, ref: str, targets: list[Checked], qualifying) -> exp.Select:
    """ROW and value of the rows whose clean, filled ``field`` no row of any target
    matches on ``ref`` (``qualifying(target, alias)`` says which target rows count): one
    anti-join (``NOT EXISTS``) per target."""
    query = exp.select(exp.column(ROW, "c", quoted=True), ch.ref(field, "c"), copy=False)
    query = query.from_(ch.base.subquery("c"), copy=False).where(ch.filled(field, "c"))
    for n, t in enumerate(targets):
        alias = f"t{n}"
        held = _target_rows(t, alias, ref, ch.ref(field, "c"), qualifying(t, alias))
        query = query.where(exp.not_(exp.Exists(this=held)), copy=False)
    return query


def foreign_key_issues(ch: Checked, fk: dict[str, str], targets: list[Checked]) -> list[Issue]:
    """Rows whose foreign-key value no target row holds (in a clean cell, or normalised
    in an explained row): an anti-join per target, the explained values by lookup."""
    field, ref = fk["field"], fk["ref"]
    if field not in ch.cols:
        return []
    known: set = set().union(*(t.normal(ref).values() for t in targets))
    in_sql = [t for t in targets if t.sql_key(ref)]
    wrong: list[tuple[int, Any]] = []
    if ch.sql_key(field):
        query = _unmatched(ch, field, ref, in_sql, lambda t, alias: t.filled(ref, alias))
        wrong += [(int(n), v) for n, v in ch.query(query) if v not in known]
    pending = ch.normal(field)
    asked = sorted({v for v in pending.values() if v not in known and isinstance(v, str)})
    if asked:
        table, names = _key_table(ch, [(v,) for v in asked])
        for t in in_sql:
            value = exp.column(names[0], "k", quoted=True)
            held = _target_rows(t, "t", ref, value, t.filled(ref, "t"))
            present = exp.select(value, copy=False).from_(exp.alias_(table, "k"), copy=False)
            known |= {r[0] for r in ch.query(present.where(exp.Exists(this=held), copy=False))}
    wrong += [(n, v) for n, v in pending.items() if v not in known]
    f = ch.ctx.schema.field_by_key[field]
    title = ch.ctx.catalog.schemas[fk["record"]].title
    issues = [key_issue(ch.ctx, "foreign-key", f, v, n, target=title) for n, v in wrong]
    if "where" in fk:
        issues += _where_issues(ch, fk, targets, {n for n, _ in wrong})
    return issues


def _where_issues(
    ch: Checked, fk: dict[str, Any], targets: list[Checked], missing: set[int]
) -> list[Issue]:
    """Rows whose target exists but holds none of the condition's values (``where``):
    SQL keeps the rows no clean qualifying target row matches; explained target rows
    (normalised in Python) clear more; the few left are looked up with their targets'
    condition values and reported as ``engine.where_issue`` words them."""
    field, ref, where = fk["field"], fk["ref"], fk["where"]["field"]
    allowed = fk["where"]["in"]
    in_sql = [t for t in targets if t.sql_key(ref) and t.sql_key(where)]
    candidates: dict[int, Any] = {}
    if ch.sql_key(field):

        def qualifying(t: Checked, alias: str) -> exp.Expression:
            return exp.and_(t.filled(ref, alias), t.filled(where, alias),
                            expr.in_list(t.ref(where, alias), allowed))  # fmt: skip

        query = _unmatched(ch, field, ref, in_sql, qualifying)
        candidates.update((int(n), v) for n, v in ch.query(query))
    candidates.update(ch.normal(field))
    # condition values of target rows SQL did not compare (explained in Python)
    held: dict[Any, set] = {}
    for t in targets:
        sure = t in in_sql
        for values, unsure in t.explained.values():  # rows whose key SQL did not read
            if values.get(ref) is not None and (not sure or ref in unsure):
                held.setdefault(values[ref], set()).add(values.get(where))
    left = {
        n: v for n, v in candidates.items()
        if n not in missing and not held.get(v, set()) & set(allowed)
    }  # fmt: skip
    asked = sorted({v for v in left.values() if isinstance(v, str)})
    if asked:
        table, names = _key_table(ch, [(v,) for v in asked])
        key = exp.column(names[0], "k", quoted=True)
        for t in in_sql:
            rows = exp.select(
                exp.column(ROW, "t", quoted=True), t.ref(ref, "t"), t.ref(where, "t"),
                exp.alias_(t.oks[where].copy(), "ok", quoted=True), copy=False,
            ).from_(t.base.subquery("t"), copy=False)  # fmt: skip
            rows = rows.join(
                exp.alias_(table, "k"), on=exp.EQ(this=t.ref(ref, "t"), expression=key)
            )
            for number, value, raw, ok in t.query(rows.where(t.filled(ref, "t"), copy=False)):
                if ok:
                    held.setdefault(value, set()).add(None if raw in (None, "") else raw)
                else:  # normalised in Python, or None: an error in the condition's cell
                    explained = t.explained.get(int(number), ({}, set()))[0]
                    held.setdefault(value, set()).add(explained.get(where))
    model = next(k for k in ch.ctx.schema.foreign_keys if k.field == field)
    f = ch.ctx.schema.field_by_key[field]
    return [
        where_issue(ch.ctx, model, f, v, n, held.get(v, {None}))
        for n, v in sorted(left.items())
        if not held.get(v, set()) & set(allowed)
    ]


def unchecked_warning(ch: Checked, fk: dict[str, str]) -> list[Issue]:
    """One warning when no relation of the target record was given although some row
    fills the foreign key (as the file validator: alone, a file must not read as "the
    codes exist")."""
    field = fk["field"]
    if field not in ch.cols:
        return []
    if not ch.normal(field):
        probe = exp.select(expr.lit(1), copy=False).from_(ch.src.relation.copy(), copy=False)
        if not ch.query(probe.where(ch.filled(field), copy=False).limit(1, copy=False)):
            return []
    model = next(k for k in ch.ctx.schema.foreign_keys if k.field == field)
    return [ch.ctx.locate(unchecked_issue(ch.ctx, model), ch.src.header_row)]


def clean_plan(catalog: Catalog, version: str = "") -> Plan:
    """The plan SQL decides "surely clean" with: the catalog's current codes only
    (``Catalog.active_only``), so a retired code always reaches the reference."""
    return plan_for(catalog.active_only(), version)


def validate_sources(
    catalog: Catalog,
    sources: list[tuple[Source, str]],
    references: Sequence[tuple[Source, str]] = (),
    lang: str = "zh",
    version: str = "",
    as_of: str | None = None,
) -> list[FileReport]:
    """Each (relation, record) as the file validator reports files given together: foreign
    keys resolved across them and the ``references`` (only looked up, not reported on); a
    foreign key whose target record is in neither gets one warning."""
    plan = clean_plan(catalog, version)
    checked = [check_source(catalog, plan, s, r, lang, as_of) for s, r in sources]
    others = [check_source(catalog, plan, s, r, lang, as_of) for s, r in references]
    reports = []
    for ch in checked:
        issues = ch.issues
        for fk in ch.rec.foreign_keys:
            targets = [t for t in checked + others if t.rec.key == fk["record"]]
            if targets:
                issues += foreign_key_issues(ch, fk, targets)
            else:
                issues += unchecked_warning(ch, fk)
        reports.append(_report(ch))
    return reports


def validate_source(
    catalog: Catalog,
    src: Source,
    record: str,
    lang: str = "zh",
    version: str = "",
    as_of: str | None = None,
) -> FileReport:
    """One relation alone, as ``engine.validate_rows`` checks rows: foreign keys only
    when they point at the same record (the differential tests' oracle)."""
    ch = check_source(catalog, clean_plan(catalog, version), src, record, lang, as_of)
    for fk in ch.rec.foreign_keys:
        if fk["record"] == record:
            ch.issues += foreign_key_issues(ch, fk, [ch])
    return _report(ch, alone=True)


def _report(ch: Checked, alone: bool = False) -> FileReport:
    """Rows before a rule's effective date never pass as clean: the reference counted them
    all (``ctx.exempt``); one warning per rule, where the file validator puts it (on the
    header row), or after the rows as ``engine.validate_rows`` does (``alone``)."""
    if not alone:
        ch.issues += exempt_issues(ch.ctx, ch.ctx.exempt, ch.src.header_row)
    ch.issues.sort(key=ch.ctx.sort_key)
    if alone:
        ch.issues += exempt_issues(ch.ctx, ch.ctx.exempt)
    return FileReport(
        path=ch.src.label, record=ch.rec.key, template_version=None, rows=ch.rows,
        issues=ch.issues,
    )  # fmt: skip
