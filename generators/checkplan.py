"""The check plan: the one place where the catalog becomes checks, as plain data.

Every engine renders this plan: the generated validators (``codegen/``: Python and
JavaScript source) and SQL (``sql/``: DDL and validation in place on DuckDB,
PostgreSQL and Spark). A check is decided once here and only *spelled* per engine.
The reference validator (``validate/cells.py``, ``validate/engine.py``, ``rules.py``)
is deliberately not rendered from it: it is the independent oracle every engine is
tested against. Everything in a plan is JSON-able and ordered as in the standard,
so generated files are deterministic.

A new rule kind: a ``rules.RULE_TYPES`` entry, its parameters here (``rule_plan``), a
renderer per engine (``sql/expr.RULE_SQL``, ``validate/fast.RULE_POLARS``, the two codegen
templates), a message in ``validate/messages.py``. An engine without a renderer for a kind
sends the rows (SQL) or the table (polars) to the reference: correct, slower. Every
rule may carry an effective date (``params["from"]``): engines skip and count the
rows before it (the reference does the counting).

The second half of this module is what the "surely clean" renderers (SQL, polars) share:
which texts a cell may hold to be accepted silently, which formats are plain regexes.
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from typing import Any

from .formats import EMAIL_RE, INTL_PHONE_RE, MOBILE_RE
from .model import Catalog, CodeList, Field, ForeignKey, Schema, field_codelist
from .patterns import alternatives_words, shape
from .rules import error_field, parse_duration, work_calendar

# The keywords a field's compiled check tests, in the reference validator's order:
# one error per cell, the first keyword that fails (generators/validate/cells.py).
GENERAL_KEYWORDS = ("const", "enum")
STRING_KEYWORDS = ("pattern", "format", "anyOf", "minLength", "maxLength")  # after the code rule
NUMBER_KEYWORDS = ("minimum", "exclusiveMinimum", "maximum", "exclusiveMaximum", "multipleOf")
# cells.FULL_WIDTH_RE: typed fields reject these (the text of the class is shared by engines)
FULL_WIDTH_CLASS = "[\uff01-\uff5e\u3000]"
FULL_WIDTH = re.compile(FULL_WIDTH_CLASS)
LANGS = ("zh", "en")  # the message catalog's languages (validate/messages.LANGS)


@dataclass
class SegmentPlan:
    kind: str
    value: str | int
    level: int | None
    regex: str  # matches the segment alone (no anchors)
    description: str


@dataclass
class AlternativePlan:
    """One ``anyOf`` item: a value passes when its pattern, format and lengths all hold."""

    format: str | None
    pattern: str | None
    min_length: int | None
    max_length: int | None


@dataclass
class FieldPlan:
    key: str
    title: str
    required: bool
    type: str  # as the model reads it: string|integer|number|boolean|date|date-time
    declared: str | None  # the JSON "type" written in the schema, if any
    keywords: list[tuple[str, Any]]  # const/enum, then string keywords, in check order
    number_keywords: list[tuple[str, Any]]
    typed: bool  # text must be ASCII-exact (full-width characters are reported)
    is_code: bool
    fast: str | None  # which fast path a clean cell takes (see the templates)
    codelist: str | None = None
    code_rule: str | None = None  # full anchored regex: exactly the values CodeRule.split accepts
    code_rule_description: str = ""
    code_rule_segments: list[SegmentPlan] = field(default_factory=list)
    # the code rule with current codes only, when retired codes make it differ: a value it
    # matches needs no warning (``cells.retired_issue``); others go the general way
    code_rule_active: str | None = None
    sensitive: str | None = None  # the mask kind of an x-sensitive field (masking.py)
    aliases: list[str] = field(default_factory=list)
    shape: str = ""  # the pattern in words, for the "pattern" message (never the regex)
    # ``anyOf``: one alternative must hold; ``expected`` says them in words per language,
    # for the "anyOf" message (「中国大陆手机号或国际电话号码」)
    alternatives: list[AlternativePlan] = field(default_factory=list)
    expected: dict[str, str] = field(default_factory=dict)
    # The field's own value checks already reject any text with a space at either end or a
    # full-width character (plain code lists/enums, ASCII formats and code rules): an engine
    # that renders those checks may skip its separate whitespace and full-width scans.
    exact_text: bool = False

    @property
    def string_checks(self) -> bool:
        return self.code_rule is not None or any(k in STRING_KEYWORDS for k, _ in self.keywords)

    @property
    def number_checks(self) -> bool:
        return bool(self.number_keywords)

    @property
    def has_checks(self) -> bool:
        return bool(self.keywords or self.number_keywords or self.code_rule)


@dataclass
class RulePlan:
    id: str
    type: str
    message: str
    field: str  # the field an error is reported on
    params: dict[str, Any]
    max_seconds: int | None = None  # max-interval, pre-parsed


@dataclass
class RecordPlan:
    key: str
    ident: str  # a safe identifier for function names
    title: str
    sha256: str
    fields: list[FieldPlan]
    closed: bool  # additionalProperties: false
    unique: list[list[str]]
    foreign_keys: list[dict[str, str]]
    rules: list[RulePlan]

    @property
    def field_index(self) -> dict[str, int]:
        return {f.key: i for i, f in enumerate(self.fields)}


@dataclass
class CodeListPlan:
    title: str
    entries: list[tuple[str, str, int]]  # (code, title, tree level)
    # retired codes (not for new data): deprecated ones, and withdrawal dates (YYYY-MM-DD,
    # the last day of use). Engines warn on both; after the date a use is an error.
    deprecated: list[str] = field(default_factory=list)
    withdrawn: dict[str, str] = field(default_factory=dict)

    def silent(self, labels: bool = True) -> dict[str, str]:
        """Text → code for every text the reference accepts without a word (exactly, no
        space folding): the codes and, with ``labels``, what ``CodeList.normalise`` maps
        — the dropdown label "11 北京市" and a title that is not itself a code."""
        accepted = {code: code for code, _, _ in self.entries}
        if labels:
            titles = {t: c for c, t, _ in self.entries if t not in accepted}
            accepted = {**accepted, **{f"{c} {t}": c for c, t, _ in self.entries}, **titles}
        return accepted


@dataclass
class CalendarPlan:
    """A working-day calendar (``max-workdays``) as the count needs it: working days in
    (start, end] = Mondays–Fridays − ``off`` + ``on`` in that span (``rules.WorkCalendar``)."""

    title: str
    off: list[str]  # holidays on Monday–Friday, sorted ISO dates
    on: list[str]  # 调休 working Saturdays/Sundays, sorted ISO dates


@dataclass
class Plan:
    version: str
    records: list[RecordPlan]
    codelists: dict[str, CodeListPlan]
    messages: dict[str, dict[str, str]]
    calendars: dict[str, CalendarPlan] = field(default_factory=dict)

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False, sort_keys=True)


def _typed(f: Field) -> bool:
    """As the reference: codes, numbers, dates, booleans and enums must be ASCII-exact."""
    return f.is_code or f.type != "string" or bool(f.enum and f.type == "string")


def codelist_key(f: Field) -> str | None:
    """The plan's name of the codes a field accepts: ``industry``, or ``industry@2`` for
    one level (``x-level``) — a code list of its own in the plan, so every engine checks
    a level exactly as it checks a whole list."""
    if not f.codelist:
        return None
    return f.codelist if f.codelist_level is None else f"{f.codelist}@{f.codelist_level}"


def _plan_codelist(catalog: Catalog, key: str) -> CodeList:
    base, _, level = key.partition("@")
    return catalog.codelists[base].at_level(int(level) if level else None)


def _plain(texts) -> bool:
    """No text with a space at either end or a full-width character."""
    return all(t == t.strip() and not FULL_WIDTH.search(t) for t in texts)


def _exact_text(f: Field, catalog: Catalog) -> bool:
    """See ``FieldPlan.exact_text``."""
    if f.codelist:
        return _plain(codelist_plan(field_codelist(f, catalog.codelists)).silent())
    if f.enum is not None:
        return _plain([v for v in f.enum if isinstance(v, str)])
    if f.format in ASCII_FORMATS:
        return True
    if f.code_rule is not None:
        return all(
            seg.kind in ("digits", "letters")
            or (seg.kind == "text" and str(seg.value).isascii() and _plain([str(seg.value)]))
            or (seg.kind == "codelist" and _plain(catalog.codelists[str(seg.value)].codes))
            for seg in f.code_rule.segments
        )
    return False


def _fast_path(f: Field, catalog: Catalog) -> str | None:
    if f.codelist:
        codes = field_codelist(f, catalog.codelists).codes
        clean = all(c == c.strip() and not FULL_WIDTH.search(c) for c in codes)
        return "code" if clean else None
    if f.type == "string":
        return "typed-string" if _typed(f) else "string"
    return f.type if f.type in ("integer", "number", "date") else None


def field_plan(f: Field, catalog: Catalog) -> FieldPlan:
    raw = f.raw
    general = [(k, raw[k]) for k in GENERAL_KEYWORDS if k in raw]
    strings = [(k, raw[k]) for k in STRING_KEYWORDS if k in raw]
    if f.type != "string":
        strings = [(k, v) for k, v in strings if k != "format"]
    plan = FieldPlan(
        key=f.key,
        title=f.title,
        required=f.required,
        type=f.type,
        declared=raw.get("type"),
        keywords=general + strings,
        number_keywords=[(k, raw[k]) for k in NUMBER_KEYWORDS if k in raw],
        typed=_typed(f),
        is_code=f.is_code,
        fast=_fast_path(f, catalog),
        codelist=codelist_key(f),
        sensitive=f.mask if f.sensitive else None,
        aliases=list(f.aliases),
        exact_text=_exact_text(f, catalog),
    )
    if f.pattern is not None:
        plan.shape = shape(f.pattern)
    if f.alternatives:
        plan.alternatives = [
            AlternativePlan(a.format, a.pattern, a.min_length, a.max_length) for a in f.alternatives
        ]
        plan.expected = {lang: alternatives_words(f.alternatives, lang) for lang in LANGS}
    if f.code_rule is not None:
        plan.code_rule = f.code_rule.regex(catalog.codelists)
        plan.code_rule_description = f.code_rule.describe()
        plan.code_rule_segments = [
            SegmentPlan(s.kind, s.value, s.level, s.regex(catalog.codelists), s.describe())
            for s in f.code_rule.segments
        ]
        active = f.code_rule.regex(catalog.active_only().codelists)
        plan.code_rule_active = active if active != plan.code_rule else None
    return plan


def rule_plan(rule: Any) -> RulePlan:
    plan = RulePlan(rule.id, rule.type, rule.message, error_field(rule), dict(rule.params))
    if rule.type == "max-interval":
        limit = parse_duration(rule.params["max"])
        plan.max_seconds = int(limit.total_seconds()) if limit is not None else None
    return plan


def foreign_key_plan(fk: ForeignKey) -> dict[str, Any]:
    """``{"field", "record", "ref"}`` plus ``"where": {"field", "in"}`` when the target row
    must also meet a condition."""
    plan: dict[str, Any] = {"field": fk.field, "record": fk.record, "ref": fk.ref}
    if fk.where_field is not None:
        plan["where"] = {"field": fk.where_field, "in": list(fk.where_in)}
    return plan


def record_plan(schema: Schema, catalog: Catalog, index: int) -> RecordPlan:
    return RecordPlan(
        key=schema.key,
        ident=f"r{index}_" + "".join(c if c.isalnum() else "_" for c in schema.key),
        title=schema.title,
        sha256=catalog.checksum(schema.key),
        fields=[field_plan(f, catalog) for f in schema.fields],
        closed=schema.raw.get("additionalProperties") is False,
        unique=[list(g) for g in schema.unique],
        foreign_keys=[foreign_key_plan(fk) for fk in schema.foreign_keys],
        rules=[rule_plan(r) for r in schema.rules],
    )


def codelist_plan(codelist: CodeList) -> CodeListPlan:
    entries = [(e.code, e.title, codelist.level_of(e.code)) for e in codelist.entries]
    return CodeListPlan(
        codelist.title,
        entries,
        deprecated=[e.code for e in codelist.entries if e.deprecated],
        withdrawn={e.code: e.withdrawn for e in codelist.entries if e.withdrawn is not None},
    )


def build_plan(catalog: Catalog, version: str, messages: dict[str, dict[str, str]]) -> Plan:
    records = [record_plan(s, catalog, i) for i, s in enumerate(catalog.records.values())]
    used = {f.codelist for r in records for f in r.fields if f.codelist}
    used |= {
        str(s.value) for r in records for f in r.fields for s in f.code_rule_segments
        if s.kind == "codelist"
    }  # fmt: skip
    codelists = {key: codelist_plan(_plan_codelist(catalog, key)) for key in sorted(used)}
    return Plan(
        version=version,
        records=records,
        codelists=codelists,
        messages=messages,
        calendars=calendar_plans(catalog, records),
    )


def calendar_plans(catalog: Catalog, records: list[RecordPlan]) -> dict[str, CalendarPlan]:
    """The calendars ``max-workdays`` rules count with, by code-list key."""
    keys = sorted(
        {r.params["calendar"] for rec in records for r in rec.rules if r.type == "max-workdays"}
    )
    out = {}
    for key in keys:
        cal = work_calendar(catalog.codelists[key])
        out[key] = CalendarPlan(catalog.codelists[key].title, list(cal.off), list(cal.on))
    return out


def engine_plan(catalog: Catalog) -> Plan:
    """The plan of a catalog for engines that need neither a version nor messages (the
    fast path): built once per catalog object, as a catalog is not changed once loaded."""
    cached = catalog.__dict__.get("_engine_plan")
    if cached is None:
        cached = catalog.__dict__["_engine_plan"] = build_plan(catalog, "", {})
    return cached


def load_messages() -> dict[str, dict[str, str]]:
    """The reference validator's message catalog: one place for every message text."""
    from .validate.messages import MESSAGES

    return {rule: dict(texts) for rule, texts in sorted(MESSAGES.items())}


def plan_for(
    catalog: Catalog, version: str, messages: dict[str, dict[str, str]] | None = None
) -> Plan:
    """The plan with the validator's messages (or the given ones, for tests)."""
    return build_plan(catalog, version, load_messages() if messages is None else messages)


# ── what the "surely clean" renderers share (sql/expr.py, validate/fast.py) ──
# Exactly the characters Python's str.strip() removes (str.isspace): "no stray space"
# means what cells.py means. Listed literally inside a bracket expression, so RE2 (polars,
# DuckDB), PostgreSQL AREs and Java read the class the same way.
WHITESPACE = "".join(chr(c) for c in range(0x3001) if chr(c).isspace())
LEADING_SPACE, TRAILING_SPACE = f"^[{WHITESPACE}]", f"[{WHITESPACE}]$"  # an alternation is slower

# Formats decided by their syntax regex alone (formats.py), rendered alike by every engine;
# the check-digit formats (cn-uscc, cn-resident-id) are arithmetic, spelled per engine.
REGEX_FORMATS = {
    "cn-mobile": MOBILE_RE.pattern,
    "intl-phone": INTL_PHONE_RE.pattern,
    "email": EMAIL_RE.pattern,
}
# Formats whose accepted values are printable ASCII without spaces (``exact_text``).
ASCII_FORMATS = frozenset({"cn-mobile", "intl-phone", "cn-uscc", "email", "cn-resident-id"})


def decimal_places(step: Any) -> int:
    """Decimal places of a ``multipleOf`` step: 0.01 → 2, 0.5 → 1, 5 → 0."""
    return max(0, -Decimal(str(step)).normalize().as_tuple().exponent)


def power_of_ten(step: Any) -> bool:
    """0.01, 1, 100: a step that a count of decimal places (or zeros) states exactly."""
    return Decimal(str(step)).normalize().as_tuple().digits == (1,)
