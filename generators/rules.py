"""The fixed registry of typed cross-field rules (``x-rules``).

A rule is data, never an evaluated expression. Each type declares its
parameters (checked by ``infostd check``), the field an error is reported on,
and a pure check over one row whose values are already normalised (dates as
``YYYY-MM-DD``, date-times as ISO 8601 strings) and the catalog's code lists
(``max-workdays`` reads its working-day calendar there).

Any rule may carry an effective date, ``"from": {"date": "YYYY-MM-DD", "field": f}``:
a row whose date field is before it is *exempt* (``exempt``): history entered before
the rule applied is not judged by it, and every engine counts and reports the rows.
"""

from __future__ import annotations

import datetime as dt
import re
from bisect import bisect_right
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from .formats import parse_date, parse_datetime
from .model import CodeList, Rule, Schema

Row = Mapping[str, Any]
CodeLists = Mapping[str, CodeList]
CHINA = dt.timezone(dt.timedelta(hours=8))
DATE_PATTERN = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
# The two kinds of entries of a working-day calendar code list (tree level 1); every
# other entry is a date under one of them.
HOLIDAY, WORKDAY = "H", "W"

DURATION_RE = re.compile(
    r"^P(?!$)(?:(?P<d>\d+)D)?(?:T(?=\d)(?:(?P<h>\d+)H)?(?:(?P<m>\d+)M)?(?:(?P<s>\d+)S)?)?$"
)


def parse_duration(text: str) -> dt.timedelta | None:
    """ISO 8601 durations in days, hours, minutes, seconds ("PT24H", "P2D")."""
    m = DURATION_RE.match(text)
    if not m:
        return None
    parts = {k: int(v) for k, v in m.groupdict(default="0").items()}
    return dt.timedelta(days=parts["d"], hours=parts["h"], minutes=parts["m"], seconds=parts["s"])


def _moment(value: Any) -> dt.datetime | None:
    """A date or date-time value as an aware datetime (dates at 00:00 China time)."""
    if not isinstance(value, str) or not value:
        return None
    if (d := parse_date(value)) is not None:
        return parse_datetime(f"{d.isoformat()} 00:00")
    return parse_datetime(value)


def china_date(moment: dt.datetime) -> dt.date:
    """The calendar day of a moment in China (deadlines count days where the work is)."""
    return moment.astimezone(CHINA).date()


def _present(value: Any) -> bool:
    return value is not None and value != ""


class Context(Protocol):
    """What a rule may look up besides the row (``engine.RecordContext`` is one)."""

    schema: Schema
    codelists: Mapping[str, CodeList]


@dataclass(frozen=True)
class RuleContext:
    schema: Schema
    codelists: Mapping[str, CodeList]


def check_max_interval(rule: Rule, row: Row, ctx: Context) -> bool:
    start, end = _moment(row.get(rule.params["start"])), _moment(row.get(rule.params["end"]))
    if start is None or end is None:
        return True  # missing or malformed values are reported by their own checks
    limit = parse_duration(rule.params["max"])
    return start <= end and (limit is None or end - start <= limit)


def check_date_order(rule: Rule, row: Row, ctx: Context) -> bool:
    start, end = _moment(row.get(rule.params["start"])), _moment(row.get(rule.params["end"]))
    return start is None or end is None or start <= end


def check_required_if(rule: Rule, row: Row, ctx: Context) -> bool:
    when = rule.params["when"]
    if row.get(when["field"]) != when["equals"]:
        return True
    return _present(row.get(rule.params["field"]))


def check_required_any(rule: Rule, row: Row, ctx: Context) -> bool:
    return any(_present(row.get(name)) for name in rule.params["fields"])


def code_segment(rule: Rule, row: Row, ctx: Context) -> str | None:
    """The ``segment``-th part (1-based) of the code in ``field``, as ``CodeRule.split``
    cuts it; None when the code is absent or does not fit its rule (its own error)."""
    value = row.get(rule.params["field"])
    code_rule = ctx.schema.field_by_key[rule.params["field"]].code_rule
    if not isinstance(value, str) or code_rule is None:
        return None
    parts = code_rule.split(value, ctx.codelists)
    return None if parts is None else parts[rule.params["segment"] - 1]


def check_segment_equals(rule: Rule, row: Row, ctx: Context) -> bool:
    part, other = code_segment(rule, row, ctx), row.get(rule.params["equals"])
    return part is None or not _present(other) or part == other


def segment_equals_problems(rule: Rule, schema: Schema) -> list[str]:
    """What ``check`` says about a segment-equals rule beyond its parameter shape."""
    code = schema.field_by_key.get(rule.params["field"])
    other = schema.field_by_key.get(rule.params["equals"])
    problems = []
    if code is not None:
        if code.code_rule is None:
            problems.append(f"字段 {code.key} 没有 x-code-rule，无法取其中的一段")
        elif not 1 <= rule.params["segment"] <= len(code.code_rule.segments):
            problems.append(
                f"segment {rule.params['segment']} 超出范围：字段 {code.key} 的编码规则只有 "
                f"{len(code.code_rule.segments)} 段（从 1 数起）"
            )
    if other is not None and other.type != "string":
        problems.append(f"字段 {other.key} 不是文本字段，不能与编码中的一段比较")
    if code is not None and code is other:
        problems.append("field 与 equals 是同一字段")
    return problems


# ── working days ─────────────────────────────────────────────────────────
def weekdays_before(day: dt.date) -> int:
    """Mondays–Fridays from 0001-01-01 (a Monday) up to, not including, ``day``: plain
    arithmetic, so every engine (Python, JavaScript, SQL) counts the same way."""
    n = day.toordinal() - 1
    return 5 * (n // 7) + min(n % 7, 5)


@dataclass(frozen=True)
class WorkCalendar:
    """The committee's calendar as the two lists a count needs (sorted ISO dates)."""

    off: tuple[str, ...]  # holidays that fall on Monday–Friday
    on: tuple[str, ...]  # 调休 working days (Saturdays and Sundays)

    @classmethod
    def of(cls, codelist: CodeList) -> WorkCalendar:
        off, on = [], []
        for e in codelist.entries:
            day = parse_date(e.code) if e.parent in (HOLIDAY, WORKDAY) else None
            if day is None:
                continue
            if e.parent == HOLIDAY and day.weekday() < 5:
                off.append(e.code)
            elif e.parent == WORKDAY and day.weekday() >= 5:
                on.append(e.code)
        return cls(tuple(sorted(off)), tuple(sorted(on)))

    def workdays(self, start: dt.date, end: dt.date) -> int:
        """Working days d with start < d <= end (0 when end <= start)."""
        if end <= start:
            return 0
        s, e = start.isoformat(), end.isoformat()
        plain = weekdays_before(end + ONE_DAY) - weekdays_before(start + ONE_DAY)
        return plain - _between(self.off, s, e) + _between(self.on, s, e)


def _between(dates: tuple[str, ...], start: str, end: str) -> int:
    """How many of the sorted ISO ``dates`` are in (start, end]."""
    return bisect_right(dates, end) - bisect_right(dates, start)


ONE_DAY = dt.timedelta(days=1)
_CALENDARS: dict[int, tuple[CodeList, WorkCalendar]] = {}


def work_calendar(codelist: CodeList) -> WorkCalendar:
    """The calendar of a code list, computed once per loaded code list."""
    cached = _CALENDARS.get(id(codelist))
    if cached is None or cached[0] is not codelist:
        cached = _CALENDARS[id(codelist)] = (codelist, WorkCalendar.of(codelist))
    return cached[1]


def calendar_problems(codelist: CodeList) -> list[str]:
    """Why a code list cannot serve as a working-day calendar (empty: it can)."""
    roots = {e.code for e in codelist.entries if e.parent is None}
    if roots != {HOLIDAY, WORKDAY}:
        return [
            f"代码表 {codelist.key} 不是工作日历：第一级应恰为 {HOLIDAY}（法定节假日）和"
            f" {WORKDAY}（调休上班）两项，现为 {'、'.join(sorted(roots)) or '无'}"
        ]
    problems = []
    for e in codelist.entries:
        if e.parent is None:
            continue
        day = parse_date(e.code)
        if day is None:
            problems.append(f"工作日历 {codelist.key} 的代码 {e.code} 不是 YYYY-MM-DD 日期")
        elif e.parent == WORKDAY and day.weekday() < 5:
            problems.append(
                f"工作日历 {codelist.key}：调休上班日 {e.code} 不是周六或周日（工作日本来就上班）"
            )
    return problems


def check_max_workdays(rule: Rule, row: Row, ctx: Context) -> bool:
    start, end = _moment(row.get(rule.params["start"])), _moment(row.get(rule.params["end"]))
    if start is None or end is None:
        return True  # missing or malformed values are reported by their own checks
    calendar = work_calendar(ctx.codelists[rule.params["calendar"]])
    used = calendar.workdays(china_date(start), china_date(end))
    return start <= end and used <= rule.params["max"]


# ── effective dates ──────────────────────────────────────────────────────
FROM_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["date", "field"],
    "additionalProperties": False,
    "properties": {
        "date": {"type": "string", "pattern": DATE_PATTERN},
        "field": {"type": "string"},
    },
}


def exempt(rule: Rule, row: Row) -> bool:
    """The row's date field is before the rule's effective date (``from``)."""
    since = rule.params.get("from")
    if not since:
        return False
    moment = _moment(row.get(since["field"]))
    return moment is not None and china_date(moment).isoformat() < since["date"]


@dataclass(frozen=True)
class RuleType:
    params_schema: dict[str, Any]
    fields: Callable[[Rule], list[str]]  # the fields a rule reads; errors go on the last
    check: Callable[[Rule, Row, Context], bool]
    # the field an error is reported on, when not the last of ``fields``
    error: Callable[[Rule], str] | None = None
    # located problems ``infostd check`` reports beyond the parameter schema
    problems: Callable[[Rule, Schema], list[str]] | None = None


_START_END = {
    "type": "object",
    "required": ["start", "end"],
    "properties": {"start": {"type": "string"}, "end": {"type": "string"}},
}

RULE_TYPES: dict[str, RuleType] = {
    "max-interval": RuleType(
        params_schema={
            **_START_END,
            "required": ["start", "end", "max"],
            "properties": {
                **_START_END["properties"],
                "max": {"type": "string", "pattern": DURATION_RE.pattern},
            },
        },
        fields=lambda r: [r.params["start"], r.params["end"]],
        check=check_max_interval,
    ),
    "date-order": RuleType(
        params_schema=_START_END,
        fields=lambda r: [r.params["start"], r.params["end"]],
        check=check_date_order,
    ),
    "max-workdays": RuleType(
        params_schema={
            **_START_END,
            "required": ["start", "end", "max", "calendar"],
            "properties": {
                **_START_END["properties"],
                "max": {"type": "integer", "minimum": 0},
                "calendar": {"type": "string", "minLength": 1},
            },
        },
        fields=lambda r: [r.params["start"], r.params["end"]],
        check=check_max_workdays,
    ),
    "required-if": RuleType(
        params_schema={
            "type": "object",
            "required": ["field", "when"],
            "properties": {
                "field": {"type": "string"},
                "when": {
                    "type": "object",
                    "required": ["field", "equals"],
                    "properties": {"field": {"type": "string"}},
                },
            },
        },
        fields=lambda r: [r.params["when"]["field"], r.params["field"]],
        check=check_required_if,
    ),
    "required-any": RuleType(
        params_schema={
            "type": "object",
            "required": ["fields"],
            "properties": {
                "fields": {
                    "type": "array",
                    "minItems": 2,
                    "uniqueItems": True,
                    "items": {"type": "string"},
                }
            },
        },
        fields=lambda r: list(r.params["fields"]),
        check=check_required_any,
        error=lambda r: r.params["fields"][0],  # the first named is the usual one to fill
    ),
    "segment-equals": RuleType(
        params_schema={
            "type": "object",
            "required": ["field", "segment", "equals"],
            "properties": {
                "field": {"type": "string"},
                "segment": {"type": "integer", "minimum": 1},
                "equals": {"type": "string"},
            },
        },
        fields=lambda r: [r.params["equals"], r.params["field"]],
        check=check_segment_equals,
        problems=segment_equals_problems,
    ),
}


def rule_fields(rule: Rule) -> list[str]:
    return RULE_TYPES[rule.type].fields(rule)


def error_field(rule: Rule) -> str:
    """The field a broken rule is reported on (the one a person should fix)."""
    kind = RULE_TYPES[rule.type]
    return kind.error(rule) if kind.error is not None else rule_fields(rule)[-1]


def rule_problems(rule: Rule, schema: Schema) -> list[str]:
    kind = RULE_TYPES[rule.type]
    return kind.problems(rule, schema) if kind.problems is not None else []


def check_rule(rule: Rule, row: Row, ctx: Context) -> bool:
    """Whether ``row`` keeps ``rule`` (an exempt row is not asked: see ``exempt``)."""
    return RULE_TYPES[rule.type].check(rule, row, ctx)
