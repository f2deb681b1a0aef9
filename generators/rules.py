"""The fixed registry of typed cross-field rules (``x-rules``).

A rule is data, never an evaluated expression. Each type declares its
parameters (checked by ``infostd check``), the field an error is reported on,
and a pure check over one row whose values are already normalised (dates as
``YYYY-MM-DD``, date-times as ISO 8601 strings).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from .formats import parse_date, parse_datetime
from .model import Rule

Row = Mapping[str, Any]

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


def _present(value: Any) -> bool:
    return value is not None and value != ""


def check_max_interval(rule: Rule, row: Row) -> bool:
    start, end = _moment(row.get(rule.params["start"])), _moment(row.get(rule.params["end"]))
    if start is None or end is None:
        return True  # missing or malformed values are reported by their own checks
    limit = parse_duration(rule.params["max"])
    return start <= end and (limit is None or end - start <= limit)


def check_date_order(rule: Rule, row: Row) -> bool:
    start, end = _moment(row.get(rule.params["start"])), _moment(row.get(rule.params["end"]))
    return start is None or end is None or start <= end


def check_required_if(rule: Rule, row: Row) -> bool:
    when = rule.params["when"]
    if row.get(when["field"]) != when["equals"]:
        return True
    return _present(row.get(rule.params["field"]))


@dataclass(frozen=True)
class RuleType:
    params_schema: dict[str, Any]
    fields: Callable[[Rule], list[str]]  # the fields a rule reads; errors go on the last
    check: Callable[[Rule, Row], bool]


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
}


def rule_fields(rule: Rule) -> list[str]:
    return RULE_TYPES[rule.type].fields(rule)


def error_field(rule: Rule) -> str:
    """The field a broken rule is reported on (the one a person should fix)."""
    return rule_fields(rule)[-1]


def check_rule(rule: Rule, row: Row) -> bool:
    return RULE_TYPES[rule.type].check(rule, row)
