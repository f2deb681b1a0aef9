"""The audit's only door to validation: rows already mapped to field keys go to
the reference validator (``generators.validate``), which owns every check.

INTERIM: until ``generators.validate`` is on main, ``_interim_issues`` applies the
field-level checks from the model (formats, code lists, code rules, lengths,
bounds) so the audit is usable; it is removed when the validator lands.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..formats import FORMAT_CHECKERS
from ..model import Catalog, Field
from .grid import cell_text

REASONS = {
    "length": "长度不对",
    "charset": "含有不允许的字符",
    "check-digit": "校验位错误",
    "prefix": "号段不对",
    "birth-date": "出生日期无效",
    "syntax": "格式不对",
}
MappedRow = tuple[int, dict[str, Any]]  # (ledger row number, {field key: raw value})


@dataclass(frozen=True)
class Issue:
    row: int
    field: str
    rule: str
    message: str
    value: Any = None


def row_issues(catalog: Catalog, key: str, rows: list[MappedRow]) -> list[Issue]:
    """Every error the validator finds in ``rows`` of record ``key`` (warnings such as
    stray spaces are not errors and are left out)."""
    try:
        from ..validate import validate_rows
    except ImportError:  # INTERIM, see the module docstring
        return _interim_issues(catalog, key, rows)
    numbers = [number for number, _ in rows]
    found = validate_rows(catalog, key, [values for _, values in rows], first_row=1)
    return [
        Issue(numbers[i.row - 1], i.field, i.rule, i.message, i.value)
        for i in found
        if i.severity == "error" and i.row is not None and i.field is not None
    ]


def file_issues(catalog: Catalog, key: str, path: Path) -> list[Issue] | None:
    """The validator's errors for a written template, as ``infostd validate`` reports
    them; None while the validator is not available."""
    try:
        from ..validate import validate_paths
    except ImportError:  # INTERIM
        return None
    report = validate_paths(catalog, [path], record=key)
    return [
        Issue(i.row or 0, i.field or "", i.rule, i.message, i.value)
        for f in report.files
        for i in f.errors
    ]


def _number(text: str) -> float | None:
    try:
        return float(text.replace(",", "").replace("，", ""))
    except ValueError:
        return None


def _field_issue(catalog: Catalog, f: Field, text: str) -> tuple[str, str] | None:
    codelists = catalog.codelists
    if f.codelist:
        cl = codelists[f.codelist]
        if cl.normalise(text) is None:
            return "enum", f"不在代码表“{cl.title}”中"
        return None
    if f.enum is not None and text not in [str(v) for v in f.enum]:
        return "enum", "不是允许的取值"
    if f.type in ("number", "integer"):
        number = _number(text)
        if number is None or (f.type == "integer" and not number.is_integer()):
            return "type", "不是数字" if number is None else "不是整数"
        if f.minimum is not None and number < f.minimum:
            return "minimum", f"小于最小值 {f.minimum:g}"
        if f.maximum is not None and number > f.maximum:
            return "maximum", f"大于最大值 {f.maximum:g}"
        return None
    if f.format in FORMAT_CHECKERS and (reason := FORMAT_CHECKERS[f.format](text)):
        return f"format:{f.format}", REASONS.get(reason, "格式不对")
    regex = f.code_rule.regex(codelists) if f.code_rule else f.pattern
    if regex and not re.search(regex, text):
        return "pattern", f"不符合编码规则（{f.code_rule.describe() if f.code_rule else regex}）"
    if f.min_length is not None and len(text) < f.min_length:
        return "minLength", f"少于 {f.min_length} 个字符"
    if f.max_length is not None and len(text) > f.max_length:
        return "maxLength", f"超过 {f.max_length} 个字符"
    return None


def _interim_issues(catalog: Catalog, key: str, rows: list[MappedRow]) -> list[Issue]:
    from .profile import mask

    schema = catalog.records[key]
    found = []
    for number, values in rows:
        for f in schema.fields:
            text = cell_text(values.get(f.key))
            if not text:
                if f.required:
                    found.append(Issue(number, f.key, "required", f"{f.title}必填"))
                continue
            problem = _field_issue(catalog, f, text)
            if problem:
                shown = mask(text) if f.sensitive else text
                found.append(Issue(number, f.key, problem[0], f"{f.title}{problem[1]}", shown))
    return found
