"""One cell: from what a person typed to a checked value.

``normalise_cell`` is the one place where input quirks are handled (Excel
numbers and dates, numbers stored as text, lost leading zeros, stray spaces,
full-width characters, dropdown labels). ``check_value`` then applies the
field's schema keywords to the normalised value, in a fixed order, and reports
the first one that fails: one error per cell, so a person fixes one thing at a
time and every engine (this one, the fast path, the generated validators)
agrees on which.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from ..formats import (
    FORMAT_CHECKERS,
    parse_date,
    parse_datetime,
    resident_id_check_char,
    uscc_check_char,
)
from ..limits import NUMBER_DIGITS
from ..masking import mask
from ..model import Alternative, CodeList, CodeRule, Field, field_codelist
from ..patterns import alternatives_words, shape
from .issues import Issue, Severity
from .messages import render

TRUE_WORDS = {"true", "是", "1", "yes", "y", "√"}
FALSE_WORDS = {"false", "否", "0", "no", "n", "×"}
INTEGER_RE = re.compile(r"^[+-]?(?:\d+|\d{1,3}(?:,\d{3})+)(?:\.0*)?$", re.ASCII)
NUMBER_RE = re.compile(
    r"^[+-]?(?:\d+|\d{1,3}(?:,\d{3})+)(?:\.\d*)?(?:[eE][+-]?\d+)?$|^[+-]?\.\d+$", re.ASCII
)
LOOSE_DATE_RE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")
MIDNIGHT_RE = re.compile(r"^(\d{4}-\d{2}-\d{2})[T ]00:00(?::00(?:\.0+)?)?$")
LOOSE_DATETIME_RE = re.compile(
    r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})[T ](\d{1,2}):(\d{2})(?::(\d{2}))?$"
)
FULL_WIDTH_RE = re.compile(r"[\uff01-\uff5e\u3000]")
CHINA_TZ = dt.timezone(dt.timedelta(hours=8))


def make_issue(
    field: Field,
    rule: str,
    message_id: str,
    value: str | None,
    lang: str,
    severity: Severity = "error",
    **params: Any,
) -> Issue:
    """An issue without location (row 0); the engine adds sheet, row and column."""
    shown = mask(value, field.mask) if field.sensitive and value is not None else value
    message = render(message_id, lang, title=field.title, value=shown, **params)
    return Issue(None, 0, None, field.key, rule, message, shown, severity)


def display(raw: Any) -> str | None:
    """A raw cell as text, the way a person reads it."""
    if raw is None:
        return None
    if isinstance(raw, bool):
        return "是" if raw else "否"
    if isinstance(raw, float) and raw.is_integer() and abs(raw) < 1e16:
        return str(int(raw))
    if isinstance(raw, dt.datetime):
        return raw.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(raw, dt.date | dt.time):
        return raw.isoformat()
    return str(raw)


def half_width(text: str) -> str:
    return "".join(
        " " if c == "\u3000" else chr(ord(c) - 0xFEE0) if "\uff01" <= c <= "\uff5e" else c
        for c in text
    )


def _typed(field: Field) -> bool:
    """Fields whose text must be ASCII-exact: codes, numbers, dates, booleans."""
    return field.is_code or field.type != "string" or bool(field.enum and field.type == "string")


def normalise_cell(
    field: Field, raw: Any, codelists: Mapping[str, CodeList], lang: str = "zh"
) -> tuple[Any, list[Issue]]:
    """``(value, issues)``: the value as JSON would hold it (``None`` when empty or
    unusable) and what was noticed on the way. Issues carry no location (row 0)."""
    issues: list[Issue] = []
    if raw is None:
        return None, issues
    text = display(raw)
    if isinstance(raw, bool):
        if field.type == "boolean":
            return raw, issues
        return None, [make_issue(field, "type", f"type:{_type_of(field)}", text, lang)]
    if isinstance(raw, int | float):
        return _from_number(field, raw, text, codelists, lang)
    if isinstance(raw, dt.date | dt.time):
        return _from_datetime(field, raw, text, codelists, lang)
    text = str(raw)
    stripped = text.strip()
    if stripped != text and stripped:
        issues.append(make_issue(field, "whitespace", "whitespace", text, lang, "warning"))
    if not stripped:
        return None, issues
    text = stripped
    if _typed(field) and FULL_WIDTH_RE.search(text):
        suggestion = half_width(text)
        return None, [
            *issues,
            make_issue(field, "full-width", "full-width", text, lang, suggestion=suggestion),
        ]
    value, error = _from_text(field, text, codelists, lang)
    return value, issues + ([error] if error else [])


def _type_of(field: Field) -> str:
    return field.type if field.type in ("integer", "number", "boolean") else "string"


def _from_number(
    field: Field, raw: float, text: str, codelists: Mapping[str, CodeList], lang: str
) -> tuple[Any, list[Issue]]:
    if isinstance(raw, float) and not math.isfinite(raw):
        return None, [make_issue(field, "type", f"type:{_type_of(field)}", text, lang)]
    if field.type == "number":
        return (int(raw) if float(raw).is_integer() and abs(raw) < 1e16 else raw), []
    if field.type == "integer":
        if float(raw).is_integer():
            return int(raw), []
        return None, [make_issue(field, "type", "type:integer", text, lang)]
    if field.type == "boolean":
        if raw in (0, 1):
            return bool(raw), []
        return None, [make_issue(field, "type", "type:boolean", text, lang)]
    if field.type in ("date", "date-time"):
        return None, [
            make_issue(field, f"format:{field.type}", f"format:{field.type}:syntax", text, lang)
        ]
    value, error = _from_text(field, text, codelists, lang)
    return value, [error] if error else []


def _from_datetime(
    field: Field, raw: dt.date | dt.time, text: str, codelists: Mapping[str, CodeList], lang: str
) -> tuple[Any, list[Issue]]:
    if field.type == "date-time" and isinstance(raw, dt.date):
        moment = raw if isinstance(raw, dt.datetime) else dt.datetime.combine(raw, dt.time())
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=CHINA_TZ)
        return moment.isoformat(timespec="seconds"), []
    if field.type == "date" and isinstance(raw, dt.date):
        if isinstance(raw, dt.datetime) and raw.time() != dt.time():
            return None, [make_issue(field, "format:date", "format:date:syntax", text, lang)]
        day = raw.date() if isinstance(raw, dt.datetime) else raw
        return day.isoformat(), []
    if field.type == "string" and isinstance(raw, dt.date):
        value, error = _from_text(field, text.removesuffix(" 00:00:00"), codelists, lang)
        return value, [error] if error else []
    return None, [make_issue(field, "type", f"type:{_type_of(field)}", text, lang)]


def _from_text(
    field: Field, text: str, codelists: Mapping[str, CodeList], lang: str
) -> tuple[Any, Issue | None]:
    """A stripped, non-empty text → (value, error)."""
    kind = field.type
    if kind in ("integer", "number") and len(text) > NUMBER_DIGITS:  # Python refuses str → int
        return None, make_issue(field, "type", f"type:{kind}", text, lang)
    if kind == "integer":
        if INTEGER_RE.match(text):
            return int(text.replace(",", "").split(".")[0]), None
        return None, make_issue(field, "type", "type:integer", text, lang)
    if kind == "number":
        if NUMBER_RE.match(text):
            number = Decimal(text.replace(",", ""))
            if number == number.to_integral_value() and "e" not in text.lower():
                return int(number), None
            return float(number), None
        return None, make_issue(field, "type", "type:number", text, lang)
    if kind == "boolean":
        word = text.lower()
        if word in TRUE_WORDS or word in FALSE_WORDS:
            return word in TRUE_WORDS, None
        return None, make_issue(field, "type", "type:boolean", text, lang)
    if kind == "date":
        value = _date_text(text)
        if value is None:
            return None, make_issue(field, "format:date", "format:date:syntax", text, lang)
        return value, None
    if kind == "date-time":
        value = _datetime_text(text)
        if value is None:
            return None, make_issue(
                field, "format:date-time", "format:date-time:syntax", text, lang
            )
        return value, None
    if field.codelist:
        codelist = field_codelist(field, codelists)
        code = codelist.normalise(text)
        if code is not None:
            return code, None
        fixed = _leading_zero_fix(field, text, codelists)
        if fixed is not None:
            return None, make_issue(
                field, "leading-zero", "leading-zero", text, lang, suggestion=fixed
            )
        return None, make_issue(
            field, "codelist", "codelist", text, lang, codelist=codelist.title or codelist.key
        )
    return text, None


def _date_text(text: str) -> str | None:
    if parse_date(text):
        return text
    m = MIDNIGHT_RE.match(text)
    if m and parse_date(m.group(1)):
        return m.group(1)
    m = LOOSE_DATE_RE.match(text)
    if m:
        candidate = f"{m.group(1)}-{int(m.group(2)):02d}-{int(m.group(3)):02d}"
        return candidate if parse_date(candidate) else None
    return None


def _datetime_text(text: str) -> str | None:
    moment = parse_datetime(text)
    if moment is None:
        m = LOOSE_DATETIME_RE.match(text)
        if not m:
            return None
        y, mo, d, h, mi, s = m.groups()
        candidate = f"{y}-{int(mo):02d}-{int(d):02d} {int(h):02d}:{mi}:{s or '00'}"
        moment = parse_datetime(candidate)
        if moment is None:
            return None
    return moment.isoformat(timespec="seconds")


def _leading_zero_fix(field: Field, text: str, codelists: Mapping[str, CodeList]) -> str | None:
    """The code a digits-only value most likely was before Excel dropped its zeros."""
    if not (text.isascii() and text.isdigit()):
        return None
    for pad in range(1, 4):
        candidate = "0" * pad + text
        if field.codelist:
            if candidate in field_codelist(field, codelists).by_code:
                return candidate
        elif _check_keywords(field, candidate, codelists, "zh") is None:
            return candidate
    return None


def check_value(
    field: Field, value: Any, codelists: Mapping[str, CodeList], lang: str = "zh"
) -> Issue | None:
    """The first schema keyword the normalised ``value`` breaks, or None."""
    if value is None:
        return None
    error = _check_keywords(field, value, codelists, lang)
    if error is not None and isinstance(value, str) and error.rule != "leading-zero":
        fixed = _leading_zero_fix(field, value, codelists) if field.is_code else None
        if fixed is not None:
            return make_issue(field, "leading-zero", "leading-zero", value, lang, suggestion=fixed)
    return error


def _check_keywords(
    field: Field, value: Any, codelists: Mapping[str, CodeList], lang: str
) -> Issue | None:
    text = display(value) or ""
    if field.const is not None and value != field.const:
        return make_issue(field, "const", "const", text, lang, expected=display(field.const))
    if field.enum is not None and value not in field.enum:
        allowed = "、".join(display(v) or "" for v in field.enum)
        return make_issue(field, "enum", "enum", text, lang, allowed=allowed)
    if isinstance(value, str):
        if field.code_rule is not None:
            problem = code_rule_problem(field.code_rule, value, codelists, lang)
            if problem is not None:
                return make_issue(
                    field, "code-rule", "code-rule", text, lang,
                    code_rule=field.code_rule.describe(), problem=problem,
                )  # fmt: skip
        if field.pattern is not None and not re.search(field.pattern, value):
            return make_issue(field, "pattern", "pattern", text, lang, shape=shape(field.pattern))
        if field.format in FORMAT_CHECKERS and field.type == "string":
            reason = FORMAT_CHECKERS[field.format](value)
            if reason is not None:
                return make_issue(
                    field, f"format:{field.format}", f"format:{field.format}:{reason}", text, lang,
                    actual=len(value), expected=_expected_check(field.format, value),
                )  # fmt: skip
        if field.alternatives and not any(alternative_ok(a, value) for a in field.alternatives):
            expected = alternatives_words(field.alternatives, lang)
            return make_issue(field, "anyOf", "anyOf", text, lang, expected=expected)
        if field.min_length is not None and len(value) < field.min_length:
            return make_issue(
                field, "minLength", "minLength", text, lang,
                limit=field.min_length, actual=len(value),
            )  # fmt: skip
        if field.max_length is not None and len(value) > field.max_length:
            return make_issue(
                field, "maxLength", "maxLength", text, lang,
                limit=field.max_length, actual=len(value),
            )  # fmt: skip
    if isinstance(value, int | float) and not isinstance(value, bool):
        for rule, limit, broken in (
            ("minimum", field.minimum, lambda v, m: v < m),
            ("exclusiveMinimum", field.exclusive_minimum, lambda v, m: v <= m),
            ("maximum", field.maximum, lambda v, m: v > m),
            ("exclusiveMaximum", field.exclusive_maximum, lambda v, m: v >= m),
        ):
            if limit is not None and broken(value, limit):
                return make_issue(field, rule, rule, text, lang, limit=display(limit))
        if field.multiple_of is not None and not is_multiple(value, field.multiple_of):
            return make_issue(
                field, "multipleOf", "multipleOf", text, lang, limit=display(field.multiple_of)
            )
    return None


def alternative_ok(alt: Alternative, value: str) -> bool:
    """One ``anyOf`` item: its pattern, format and lengths all hold."""
    return (
        (alt.pattern is None or re.search(alt.pattern, value) is not None)
        and (alt.format is None or FORMAT_CHECKERS[alt.format](value) is None)
        and (alt.min_length is None or len(value) >= alt.min_length)
        and (alt.max_length is None or len(value) <= alt.max_length)
    )


def is_multiple(value: float, step: float) -> bool:
    """``multipleOf`` in exact decimals (DESIGN decision 11)."""
    try:
        return Decimal(str(value)) % Decimal(str(step)) == 0
    except InvalidOperation:
        return False


def _expected_check(fmt: str, value: str) -> str:
    """The check character a code should end with, for the message."""
    try:
        if fmt == "cn-uscc" and len(value) == 18:
            return uscc_check_char(value[:17])
        if fmt == "cn-resident-id" and len(value) == 18:
            return resident_id_check_char(value[:17])
    except (ValueError, IndexError):
        pass
    return ""


def code_rule_problem(
    rule: CodeRule, value: str, codelists: Mapping[str, CodeList], lang: str = "zh"
) -> str | None:
    """None when some split into segments fits (``CodeRule.split``); else what the
    left-to-right walk finds wrong (``CodeRule.diagnose``)."""
    if rule.split(value, codelists) is not None:
        return None
    message_id, params = rule.diagnose(value, codelists)
    index = params.pop("index", None)
    if index is not None:
        params["segment"] = rule.segments[index].describe()
    return render(message_id, lang, **params)


def today() -> str:
    """The default reference date of withdrawn codes: today in China (YYYY-MM-DD)."""
    return dt.datetime.now(CHINA_TZ).date().isoformat()


def retired_issue(
    field: Field, value: Any, codelists: Mapping[str, CodeList], as_of: str, lang: str = "zh"
) -> Issue | None:
    """A checked value that uses a retired code: after its withdrawal date an error,
    before it (or deprecated without a date) a warning. In a code rule, a retired code in
    a segment is a warning only when no split with current codes exists: a code (an
    identifier) keeps its parts when one of them is withdrawn later."""
    if not isinstance(value, str):
        return None
    if field.codelist:
        codelist = field_codelist(field, codelists)
        entry = codelist.by_code.get(value)
        if entry is None or not entry.retired:
            return None
        name = codelist.title or codelist.key
        if entry.withdrawn is None:
            return make_issue(
                field, "deprecated", "deprecated", value, lang, "warning", codelist=name
            )
        late = entry.withdrawn_by(as_of)
        return make_issue(
            field, "withdrawn", "withdrawn" if late else "withdrawn:pending", value, lang,
            "error" if late else "warning", codelist=name, date=entry.withdrawn, as_of=as_of,
        )  # fmt: skip
    rule = field.code_rule
    if rule is None or not any(
        s.kind == "codelist" and codelists[str(s.value)].has_retired for s in rule.segments
    ):
        return None
    active = {k: c.active() for k, c in codelists.items()}
    if rule.split(value, active) is not None:
        return None
    for segment, part in zip(rule.segments, rule.split(value, codelists) or [], strict=False):
        entry = (
            codelists[str(segment.value)].by_code.get(part) if segment.kind == "codelist" else None
        )
        if entry is not None and entry.retired:
            return make_issue(
                field, "deprecated", "deprecated:segment", value, lang, "warning",
                part=part, segment=segment.describe(),
            )  # fmt: skip
    return None


def check_cell(
    field: Field,
    raw: Any,
    codelists: Mapping[str, CodeList],
    lang: str = "zh",
    as_of: str | None = None,
) -> tuple[Any, list[Issue]]:
    """normalise + check: ``(value, issues)``; value is None when the cell has an error.
    ``as_of``: the date withdrawn codes are judged at (default: today)."""
    value, issues = normalise_cell(field, raw, codelists, lang)
    if any(i.severity == "error" for i in issues):
        return None, issues
    error = check_value(field, value, codelists, lang)
    if error is not None:
        return None, [*issues, error]
    retired = retired_issue(field, value, codelists, as_of or today(), lang)
    if retired is not None:
        return (None if retired.severity == "error" else value), [*issues, retired]
    return value, issues
