"""Profile and conformance of mapped ledgers: per field, per ledger, and across
ledgers (the same entity described differently by two departments)."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from ..masking import mask
from ..model import Catalog, Field, Schema
from .checks import Issue, MappedRow, row_issues
from .grid import cell_text
from .ledger import LedgerTable
from .mapping import LedgerMapping, field_codelist

TOP_FAILURES = 5
NOT_ACCURACY = {"required", "unique", "foreign-key", "foreign-key-where"}
Progress = Callable[[str, int, int], None]


def shown(f: Field | None, text: str) -> str:
    return mask(text, f.mask) if f is not None and f.sensitive and text else text


def apply_mapping(mapping: LedgerMapping, table: LedgerTable) -> list[MappedRow]:
    """Ledger rows as {field key: value}: columns renamed, coded values translated.
    A value the mapping has no code for stays as it is, so the validator reports it."""
    index = {c: i for i, c in enumerate(table.columns)}
    fields = [
        (key, index[column]) for column, key in mapping.columns.items() if key and column in index
    ]
    out = []
    for number, raw in table.rows:
        values: dict[str, Any] = {}
        for key, i in fields:
            value = raw[i]
            translate = mapping.values.get(key)
            if translate:
                text = cell_text(value)
                if translate.get(text):
                    value = translate[text]
            if key in mapping.scales:
                value = scaled(value, mapping.scales[key])
            values[key] = value
        out.append((number, values))
    return out


def scaled(value: Any, factor: int) -> Any:
    """A ledger amount in 万元 as 元, in exact decimals; a value that is not a number
    stays as it is (the validator reports it)."""
    text = cell_text(value)
    try:
        amount = Decimal(text.replace(",", "")) * factor
    except (InvalidOperation, AttributeError):
        return value
    if not amount.is_finite():
        return value
    return format(amount.normalize(), "f") if amount != 0 else "0"


def missing_columns(mapping: LedgerMapping, table: LedgerTable) -> list[str]:
    """Columns the mapping names but the ledger does not have (a stale mapping file)."""
    return [c for c, k in mapping.columns.items() if k and c not in table.columns]


@dataclass
class FieldProfile:
    key: str
    title: str
    column: str | None
    required: bool
    rows: int
    filled: int = 0
    distinct: int = 0
    checked: int = 0
    passed: int = 0
    failures: list[tuple[str, int, str]] = field(default_factory=list)  # value, count, reason

    @property
    def fill_rate(self) -> float:
        return self.filled / self.rows if self.rows and self.column else 0.0

    @property
    def pass_rate(self) -> float | None:
        return self.passed / self.checked if self.checked else None


@dataclass
class Duplicate:
    field: str
    value: str
    rows: list[int]


@dataclass
class LedgerProfile:
    name: str
    table: LedgerTable
    mapping: LedgerMapping
    fields: list[FieldProfile]
    duplicates: list[Duplicate]
    issues: list[Issue]
    completeness: float
    accuracy: float
    uniqueness: float

    @property
    def score(self) -> float:
        return (self.completeness + self.accuracy + self.uniqueness) / 3


@dataclass
class Conflict:
    """One entity in several ledgers whose attribute differs between them."""

    entity: str  # how it is known: name or code
    matched_by: str  # the field titles it was matched on
    field: str
    title: str
    values: list[tuple[str, int, str]]  # (ledger name, row, value as the ledger has it)


def identity_fields(schema: Schema) -> list[Field]:
    """Fields that identify an entity: 统一社会信用代码, single-field unique keys, the name."""
    out = [f for f in schema.fields if f.format == "cn-uscc"]
    unique = {g[0] for g in schema.unique if len(g) == 1}
    out += [f for f in schema.fields if f.key in unique and f not in out]
    names = [f for f in schema.fields if f.key == "name" or f.title.endswith("名称")]
    out += [f for f in names[:1] if f not in out]
    return out


def normalise_value(value: Any) -> str:
    """A value for comparison: full-width folded, no spaces, numbers without format."""
    text = unicodedata.normalize("NFKC", cell_text(value))
    text = re.sub(r"\s+", "", text).casefold()
    if re.fullmatch(r"[+-]?[\d,]+(\.\d+)?", text):
        number = float(text.replace(",", ""))
        return str(int(number)) if number.is_integer() else str(number)
    return text


def profile_ledger(
    catalog: Catalog, table: LedgerTable, mapping: LedgerMapping, progress: Progress | None = None
) -> LedgerProfile:
    schema = catalog.records[mapping.record]
    rows = apply_mapping(mapping, table)
    issues: list[Issue] = []
    chunk = 2000
    for start in range(0, len(rows), chunk):
        issues += row_issues(catalog, mapping.record, rows[start : start + chunk])
        if progress:
            progress(table.name, min(start + chunk, len(rows)), len(rows))
    # accuracy is about values: missing ones are completeness, repeated ones uniqueness
    value_issues = [i for i in issues if i.rule not in NOT_ACCURACY]
    by_field: dict[str, list[Issue]] = defaultdict(list)
    for issue in value_issues:
        by_field[issue.field].append(issue)
    columns = mapping.field_column()
    profiles = []
    for f in schema.fields:
        p = FieldProfile(f.key, f.title, columns.get(f.key), f.required, len(rows))
        if p.column:
            texts = [cell_text(values.get(f.key)) for _, values in rows]
            filled = [t for t in texts if t]
            p.filled, p.distinct, p.checked = len(filled), len(set(filled)), len(filled)
            failing = by_field.get(f.key, [])
            p.passed = p.checked - len({i.row for i in failing})
            counts = Counter((cell_text(i.value), i.message) for i in failing)
            p.failures = [  # issue values come masked from the checks
                (value, n, message) for (value, message), n in counts.most_common(TOP_FAILURES)
            ]
        profiles.append(p)
    duplicates = find_duplicates(schema, rows)
    counted = [p for p in profiles if p.required or p.column]
    completeness = sum(p.fill_rate for p in counted) / len(counted) if counted else 0.0
    checked = sum(p.checked for p in profiles)
    accuracy = sum(p.passed for p in profiles) / checked if checked else 0.0
    repeated = {n for d in duplicates for n in d.rows[1:]}
    uniqueness = 1 - len(repeated) / len(rows) if rows else 1.0
    return LedgerProfile(
        table.name, table, mapping, profiles, duplicates, issues, completeness, accuracy, uniqueness
    )


def find_duplicates(schema: Schema, rows: list[MappedRow]) -> list[Duplicate]:
    """Rows of one ledger that share an identifying value (same 信用代码, code or name)."""
    out = []
    for f in identity_fields(schema):
        seen: dict[str, list[int]] = defaultdict(list)
        for number, values in rows:
            value = normalise_value(values.get(f.key))
            if value:
                seen[value].append(number)
        for _, numbers in seen.items():
            if len(numbers) > 1:
                first = next(v for n, v in rows if n == numbers[0])
                out.append(Duplicate(f.key, shown(f, cell_text(first.get(f.key))), numbers))
    return out


def find_conflicts(catalog: Catalog, ledgers: list[LedgerProfile]) -> list[Conflict]:
    """Entities present in two or more ledgers of the same record, with the fields
    on which the ledgers disagree, values side by side."""
    out: list[Conflict] = []
    by_record: dict[str, list[LedgerProfile]] = defaultdict(list)
    for ledger in ledgers:
        by_record[ledger.mapping.record].append(ledger)
    for record, group in by_record.items():
        if len(group) > 1:
            out += _conflicts_in(catalog, catalog.records[record], group)
    return out


def _comparable_rows(
    catalog: Catalog, schema: Schema, ledger: LedgerProfile
) -> list[tuple[int, dict[str, tuple[str, str]]]]:
    """Each row as {field: (value to compare, text to show)}. Coded values compare by
    code, so "VIP" in one ledger and "重点客户" in another agree; they show as
    "VIP（01 重点客户）"."""
    out = []
    originals = dict(ledger.table.rows)
    index = {c: i for i, c in enumerate(ledger.table.columns)}
    columns = ledger.mapping.field_column()
    fields = {
        f.key: (index[columns[f.key]], field_codelist(catalog, f), bool(f.codelist))
        for f in schema.fields
        if f.key in columns and columns[f.key] in index
    }
    for number, values in apply_mapping(ledger.mapping, ledger.table):
        row = {}
        for key, value in values.items():
            position, codelist, titled = fields[key]
            text = cell_text(originals[number][position])
            code = codelist.normalise(cell_text(value)) if codelist and text else None
            if code is not None:
                label = codelist.label(code) if titled else code  # enums have no titles
                same = text in (label, code, codelist.by_code[code].title)
                row[key] = (code, label if same else f"{text}（{label}）")
            else:
                row[key] = (normalise_value(value), text)
        out.append((number, row))
    return out


def _conflicts_in(catalog: Catalog, schema: Schema, ledgers: list[LedgerProfile]) -> list[Conflict]:
    ids = identity_fields(schema)
    parent: dict[Any, Any] = {}

    def find(x: Any) -> Any:
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    members: list[tuple[int, int, dict[str, Any]]] = []  # (ledger index, row, values)
    for li, ledger in enumerate(ledgers):
        for number, values in _comparable_rows(catalog, schema, ledger):
            node = ("row", li, number)
            members.append((li, number, values))
            for f in ids:
                value = values.get(f.key, ("", ""))[0]
                if value:
                    parent[find(node)] = find(("id", f.key, value))
    groups: dict[Any, list[tuple[int, int, dict[str, Any]]]] = defaultdict(list)
    for li, number, values in members:
        groups[find(("row", li, number))].append((li, number, values))
    out = []
    for rows in groups.values():
        if len({li for li, _, _ in rows}) < 2:
            continue
        entity, matched_by = _describe(ids, rows)
        for f in schema.fields:
            present = [(li, n, v[f.key]) for li, n, v in rows if f.key in v and v[f.key][0]]
            if len({li for li, _, _ in present}) < 2:
                continue
            if len({value for _, _, (value, _) in present}) > 1:
                values = [(ledgers[li].name, n, shown(f, text)) for li, n, (_, text) in present]
                out.append(Conflict(entity, matched_by, f.key, f.title, values))
    return out


def _describe(ids: list[Field], rows: list[tuple[int, int, dict[str, Any]]]) -> tuple[str, str]:
    """A readable name for a matched entity, and the identifying fields the ledgers share."""
    name = ""
    for f in reversed(ids):  # the name field comes last in identity_fields
        texts = [v[f.key][1] for _, _, v in rows if f.key in v and v[f.key][1]]
        if texts:
            name = shown(f, texts[0])
            break
    shared = []
    for f in ids:
        per_ledger: dict[int, set[str]] = defaultdict(set)
        for li, _, v in rows:
            if value := v.get(f.key, ("", ""))[0]:
                per_ledger[li].add(value)
        if len(per_ledger) > 1 and set.intersection(*per_ledger.values()):
            shared.append(f.title)
    return name, "、".join(shared)
