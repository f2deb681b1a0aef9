"""The reference engine: one row at a time, exactly as the rules say.

``validate_rows`` is the semantics every other path must reproduce (the fast
column-wise engine in ``fast.py`` and the generated validators are tested
against it). Order of issues: by row, then by field order in the schema, and
per field: the cell's own issues, then ``unique``, ``foreign-key``, ``rule:…``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from ..masking import mask
from ..model import Catalog, Field, Schema
from ..rules import check_rule, error_field, exempt
from .cells import check_cell, display, make_issue, today
from .issues import Issue
from .messages import render

PHASES = {"unique": 1, "foreign-key": 2, "foreign-key-where": 2}


@dataclass
class RecordContext:
    """What a check of one record needs, computed once."""

    catalog: Catalog
    schema: Schema
    lang: str = "zh"
    sheet: str | None = None
    columns: Mapping[str, str] = field(default_factory=dict)  # field key → column label
    as_of: str = field(default_factory=today)  # withdrawn codes are judged at this date

    def __post_init__(self) -> None:
        self.codelists = self.catalog.codelists
        self.order = {f.key: i for i, f in enumerate(self.schema.fields)}
        self.exempt: dict[str, int] = {}  # rule id → rows before its effective date

    def locate(self, issue: Issue, row: int | None) -> Issue:
        i = issue
        column = self.columns.get(i.field or "")
        return Issue(self.sheet, row, column, i.field, i.rule, i.message, i.value, i.severity)

    def sort_key(self, issue: Issue) -> tuple[int, int, int]:
        phase = 3 if issue.rule.startswith("rule:") else PHASES.get(issue.rule, 0)
        return (issue.row or 0, self.order.get(issue.field or "", -1), phase)


def check_row(
    ctx: RecordContext,
    number: int,
    row: Mapping[str, Any],
    known: Mapping[str, Any] | None = None,
) -> tuple[dict, list[Issue]]:
    """Cells, required and x-rules of one row → (normalised values, issues).

    Values of cells with an error are None; rules then treat them as absent,
    so one mistake is reported once. ``known``: cells already proven clean
    (by the fast path) with their normalised value; they are not checked again."""
    values: dict[str, Any] = {}
    issues: list[Issue] = []
    broken: set[str] = set()
    for f in ctx.schema.fields:
        if known is not None and f.key in known:
            values[f.key] = known[f.key]
            continue
        value, found = check_cell(f, row.get(f.key), ctx.codelists, ctx.lang, ctx.as_of)
        if any(i.severity == "error" for i in found):
            broken.add(f.key)
        elif value is None and f.required:
            found = [*found, make_issue(f, "required", "required", None, ctx.lang)]
            broken.add(f.key)
        issues.extend(ctx.locate(i, number) for i in found)
        values[f.key] = value
    for rule in ctx.schema.rules:
        if exempt(rule, values):
            ctx.exempt[rule.id] = ctx.exempt.get(rule.id, 0) + 1
        elif not check_rule(rule, values, ctx):
            target = ctx.schema.field_by_key[error_field(rule)]
            raw = row.get(target.key)
            issues.append(ctx.locate(rule_issue(ctx, rule, target, raw), number))
    return values, issues


def rule_issue(ctx: RecordContext, rule, target: Field, raw: Any) -> Issue:
    text = display(raw)
    shown = mask(text, target.mask) if target.sensitive and text is not None else text
    message = render("rule", ctx.lang, message=rule.message, id=rule.id, title=target.title)
    return Issue(None, 0, None, target.key, f"rule:{rule.id}", message, shown)


def key_issue(ctx: RecordContext, rule: str, f: Field, value: Any, row: int, **params) -> Issue:
    text = display(value)
    return ctx.locate(make_issue(f, rule, rule, text, ctx.lang, **params), row)


class UniqueTracker:
    """``x-unique``: the first row holding a value wins, later ones are reported."""

    def __init__(self, ctx: RecordContext):
        self.ctx = ctx
        self.seen: list[dict[tuple, int]] = [{} for _ in ctx.schema.unique]

    def add(self, number: int, values: Mapping[str, Any]) -> list[Issue]:
        issues = []
        for group, seen in zip(self.ctx.schema.unique, self.seen, strict=True):
            key = tuple(values.get(k) for k in group)
            if any(v is None for v in key):
                continue
            first = seen.setdefault(key, number)
            if first != number:
                f = self.ctx.schema.field_by_key[group[0]]
                issues.append(key_issue(self.ctx, "unique", f, key[0], number, first_row=first))
        return issues


def foreign_key_issues(
    ctx: RecordContext,
    keys: list[tuple[int, dict[str, Any]]],
    targets: Mapping[str, set],
) -> list[Issue]:
    """Rows whose foreign-key value is missing from the target table (when it was given)."""
    issues = []
    for fk in ctx.schema.foreign_keys:
        known = targets.get(fk.target)
        if known is None:
            continue
        f = ctx.schema.field_by_key[fk.field]
        target = ctx.catalog.schemas[fk.record].title
        held = condition_values(targets.get(fk.condition or "", ()))
        for number, values in keys:
            value = values.get(fk.field)
            if value is None:
                continue
            if value not in known:
                issues.append(key_issue(ctx, "foreign-key", f, value, number, target=target))
            elif fk.condition is not None and not held.get(value, set()) & set(fk.where_in):
                issues.append(where_issue(ctx, fk, f, value, number, held.get(value, {None})))
    return issues


def condition_values(pairs) -> dict[Any, set]:
    """(target value, its condition field's value) pairs → value → the condition values
    its rows hold (a value on two rows — a uniqueness error there — holds both)."""
    out: dict[Any, set] = {}
    for value, held in pairs:
        out.setdefault(value, set()).add(held)
    return out


def where_issue(ctx: RecordContext, fk, f: Field, value: Any, row: int, held: set) -> Issue:
    """The target exists but does not meet the key's condition: name what it holds."""
    target = ctx.catalog.schemas[fk.record]
    shown = sorted(display(h) or "" for h in held)
    params = {
        "target": target.title,
        "ref": target.field_by_key[fk.ref].title,
        "where": target.field_by_key[fk.where_field].title,
        "actual": "、".join(shown),
        "allowed": "、".join(display(v) or "" for v in fk.where_in),
    }
    message_id = "foreign-key-where:empty" if shown == [""] else "foreign-key-where"
    return ctx.locate(
        make_issue(f, "foreign-key-where", message_id, display(value), ctx.lang, **params), row
    )


def unchecked_foreign_keys(
    ctx: RecordContext,
    keys: list[tuple[int, dict[str, Any]]],
    targets: Mapping[str, set],
    row: int | None = None,
) -> list[Issue]:
    """One warning per foreign key whose target table was not given although some
    row fills it: validated alone, a file must not read as "the codes exist"."""
    issues = []
    for fk in ctx.schema.foreign_keys:
        if fk.target in targets:
            continue
        if not any(values.get(fk.field) is not None for _, values in keys):
            continue
        issues.append(ctx.locate(unchecked_issue(ctx, fk), row))
    return issues


def unchecked_issue(ctx: RecordContext, fk) -> Issue:
    """The warning of a foreign key whose target was not given (every engine's words)."""
    f = ctx.schema.field_by_key[fk.field]
    target = ctx.catalog.schemas[fk.record]
    if fk.where_field is None:
        message = render("foreign-key-unchecked", ctx.lang, title=f.title, target=target.title)
    else:  # validated alone, the condition is not checked either: say which
        message = render(
            "foreign-key-unchecked:where",
            ctx.lang,
            title=f.title,
            target=target.title,
            where=target.field_by_key[fk.where_field].title,
            allowed="、".join(display(v) or "" for v in fk.where_in),
        )
    return Issue(None, 0, None, f.key, "foreign-key-unchecked", message, None, "warning")


def exempt_issues(
    ctx: RecordContext, counts: Mapping[str, int], row: int | None = None
) -> list[Issue]:
    """One warning per rule that rows were exempt from (dated before its ``from``): a
    reader must see that history was not judged by it, and how much."""
    issues = []
    for rule in ctx.schema.rules:
        if not counts.get(rule.id):
            continue
        since = rule.params["from"]
        f = ctx.schema.field_by_key[since["field"]]
        message = render(
            "rule-exempt", ctx.lang, count=counts[rule.id], date=since["date"], id=rule.id,
            title=f.title,
        )  # fmt: skip
        issue = Issue(None, 0, None, f.key, "rule-exempt", message, None, "warning")
        issues.append(ctx.locate(issue, row))
    return issues


def key_columns(schema: Schema) -> set[str]:
    return {fk.field for fk in schema.foreign_keys}


def target_columns(catalog: Catalog, records: Iterable[str]) -> dict[str, set[str]]:
    """For each record, the fields other records' foreign keys point at."""
    wanted: dict[str, set[str]] = {}
    for key in records:
        for fk in catalog.schemas[key].foreign_keys:
            wanted.setdefault(fk.record, set()).add(fk.ref)
            if fk.where_field is not None:  # (value, condition value) pairs: "ref?field"
                wanted[fk.record].add(f"{fk.ref}?{fk.where_field}")
    return wanted


def collect(own: dict[str, set], values: Mapping[str, Any]) -> None:
    """Add one row's values to what other tables may refer to: ``ref`` → values,
    ``ref?field`` → (value, field's value) pairs."""
    for ref, bucket in own.items():
        key, _, held = ref.partition("?")
        if values.get(key) is not None:
            bucket.add((values[key], values.get(held)) if held else values[key])


def validate_rows(
    catalog: Catalog,
    key: str,
    rows: Iterable[Mapping[str, Any]],
    *,
    lang: str = "zh",
    first_row: int = 1,
    sheet: str | None = None,
    columns: Mapping[str, str] | None = None,
    as_of: str | None = None,
) -> list[Issue]:
    """Every issue of ``rows`` (dicts field key → raw value) as record ``key``.

    Row numbers run first_row, first_row + 1, … in order. Uniqueness is checked
    within the given rows; foreign keys only when they point at this same record.
    ``as_of`` (YYYY-MM-DD, default today): the date withdrawn codes are judged at."""
    ctx = RecordContext(catalog, catalog.records[key], lang, sheet, columns or {}, as_of or today())
    issues, fk_rows, own = run_rows(ctx, enumerate(rows, start=first_row))
    targets = {f"{key}.{ref}": vals for ref, vals in own.items()}
    issues += foreign_key_issues(ctx, fk_rows, targets)
    return sorted(issues, key=ctx.sort_key) + exempt_issues(ctx, ctx.exempt)


def run_rows(
    ctx: RecordContext,
    numbered: Iterable[tuple[int, Mapping[str, Any]]],
    refs: set[str] | None = None,
) -> tuple[list[Issue], list[tuple[int, dict]], dict[str, set]]:
    """Cells, rules and uniqueness of every row; returns the issues, the foreign-key
    values to check later, and the sets of values other tables may refer to."""
    tracker = UniqueTracker(ctx)
    fk_fields = key_columns(ctx.schema)
    wanted = (refs or set()) | {
        fk.ref for fk in ctx.schema.foreign_keys if fk.record == ctx.schema.key
    }
    own: dict[str, set] = {ref: set() for ref in wanted}
    fk_rows: list[tuple[int, dict]] = []
    issues: list[Issue] = []
    for number, row in numbered:
        values, found = check_row(ctx, number, row)
        issues += found
        issues += tracker.add(number, values)
        if fk_fields:
            fk_rows.append((number, {k: values[k] for k in fk_fields}))
        collect(own, values)
    return issues, fk_rows, own
