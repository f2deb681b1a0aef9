"""A ``pattern`` said in words for readers (portal, template prompts): the regex stays in
the raw schema only. ``^0[0-9]{2,3}-[0-9]{7,8}(-[0-9]{1,6})?$`` reads
"“0” + 2–3 位数字 + “-” + 7–8 位数字 + 可选：“-” + 1–6 位数字". Patterns beyond the
shapes standards use (look-arounds, back-references) fall back to a plain sentence."""

from __future__ import annotations

import re

try:  # Python ≥ 3.11 keeps the parser private
    from re import _parser as sre_parse  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover
    import sre_parse  # type: ignore[no-redef]

FALLBACK = "须符合本字段规定的格式（见 JSON Schema 原文）"
_CLASSES = [
    ({("0", "9")}, "数字"),
    ({("A", "Z")}, "大写字母"),
    ({("a", "z")}, "小写字母"),
    ({("A", "Z"), ("a", "z")}, "字母"),
    ({("0", "9"), ("A", "Z")}, "数字或大写字母"),
    ({("0", "9"), ("A", "Z"), ("a", "z")}, "字母或数字"),
]


class _Unsupported(Exception):
    pass


def describe(pattern: str) -> str:
    """Words for a pattern; FALLBACK when it uses constructs we do not put in words."""
    try:
        items = sre_parse.parse(pattern)
        words = _sequence(list(items))
    except (_Unsupported, re.error, TypeError, ValueError):
        return FALLBACK
    return words or FALLBACK


def _sequence(items: list) -> str:
    parts: list[str] = []
    literal = ""
    for op, arg in items:
        name = str(op)
        if name == "LITERAL":
            literal += chr(arg)
            continue
        if literal:
            parts.append(f"“{literal}”")
            literal = ""
        if name == "AT":
            continue  # ^ and $: the whole value is meant
        parts.append(_item(name, arg))
    if literal:
        parts.append(f"“{literal}”")
    return " + ".join(p for p in parts if p)


def _item(name: str, arg) -> str:
    if name == "IN":
        return _class(arg)
    if name in ("MAX_REPEAT", "MIN_REPEAT"):
        low, high, body = arg
        inner = _sequence(list(body))
        if high == 1 and low == 0:
            return f"可选：{inner}"
        count = _count(low, high)
        single = len(body) == 1 and str(body[0][0]) in ("IN", "LITERAL", "ANY")
        return f"{count}{inner}" if single else f"{inner}（重复{count}）"
    if name == "SUBPATTERN":
        return _sequence(list(arg[-1]))
    if name == "BRANCH":
        options = [_sequence(list(b)) for b in arg[1]]
        return "以下之一：" + "；".join(options)
    if name == "ANY":
        return "任意字符"
    raise _Unsupported(name)


def _count(low: int, high: int) -> str:
    if high == sre_parse.MAXREPEAT:
        return f"至少 {low} 个" if low else "任意多个"
    return f"{low} 位" if low == high else f"{low}–{high} 位"


def _class(items) -> str:
    ranges = set()
    for op, arg in items:
        name = str(op)
        if name == "RANGE":
            ranges.add((chr(arg[0]), chr(arg[1])))
        elif name == "LITERAL":
            ranges.add((chr(arg), chr(arg)))
        elif name == "CATEGORY" and str(arg) == "CATEGORY_DIGIT":
            ranges.add(("0", "9"))
        else:
            raise _Unsupported(name)
    for known, words in _CLASSES:
        if ranges == known:
            return words
    listed = "、".join(a if a == b else f"{a}–{b}" for a, b in sorted(ranges))
    return f"（{listed} 之一）"
