"""A ``pattern`` said in words for readers (portal, template prompts): the regex stays in
the raw schema only. ``^0[0-9]{2,3}-[0-9]{7,8}(-[0-9]{1,6})?$`` reads
"“0” + 2–3 位数字 + “-” + 7–8 位数字 + 可选：“-” + 1–6 位数字". Patterns beyond the
shapes standards use (look-arounds, back-references) fall back to a plain sentence.

Also a field's ``anyOf`` alternatives in words (「中国大陆手机号或国际电话号码」): every
engine's report says what was expected this way, never with a regex."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Protocol

from .labels import FORMAT_NOUNS

try:  # Python ≥ 3.11 keeps the parser private
    from re import _parser as sre_parse  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover
    import sre_parse  # type: ignore[no-redef]

FALLBACK = "须符合本字段规定的格式（见 JSON Schema 原文）"
UNSAID = "见标准中本字段的说明"  # a report's words for a pattern we cannot put in words
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


def shape(pattern: str) -> str:
    """A ``pattern`` for a report message: its words, or where to read about it."""
    words = describe(pattern)
    return UNSAID if words == FALLBACK else words


class _Alternative(Protocol):  # model.Alternative, without importing the model
    format: str | None
    pattern: str | None
    min_length: int | None
    max_length: int | None
    title: str


def alternative_words(alt: _Alternative, lang: str = "zh", index: int = 1) -> str:
    """One ``anyOf`` item as a noun: its title, else its format, else its pattern."""
    nouns = FORMAT_NOUNS.get(lang, FORMAT_NOUNS["zh"])
    if alt.title:
        words = alt.title
    elif alt.format:
        words = nouns.get(alt.format, alt.format)
    else:
        said = describe(alt.pattern or "")
        words = (
            (f"form {index}" if lang == "en" else f"第 {index} 种写法")
            if said == FALLBACK
            else said
        )
    low, high = alt.min_length, alt.max_length
    if low is None and high is None:
        return words
    if lang == "en":
        span = (
            f"{low}–{high}"
            if None not in (low, high)
            else (f"at least {low}" if high is None else f"at most {high}")
        )
        return f"{words} ({span} characters)"
    span = (
        f"{low}–{high} 个字"
        if None not in (low, high)
        else (f"至少 {low} 个字" if high is None else f"至多 {high} 个字")
    )
    return f"{words}（{span}）"


def alternatives_words(alts: Sequence[_Alternative], lang: str = "zh") -> str:
    """「中国大陆手机号或国际电话号码」, 「A、B或C」; "A, B or C" in English."""
    said = [alternative_words(a, lang, i) for i, a in enumerate(alts, start=1)]
    if len(said) < 2:
        return "".join(said)
    if lang == "en":
        return ", ".join(said[:-1]) + " or " + said[-1]
    return "、".join(said[:-1]) + "或" + said[-1]


def alternatives_detail(alts: Sequence[_Alternative], format_words: dict[str, str]) -> str:
    """The alternatives with their rules, for readers (portal field table, template
    prompt): 「以下任一种：中国大陆手机号（11 位）；港澳台手机号：“+” + …」."""
    said = []
    for index, alt in enumerate(alts, start=1):
        rule = [format_words.get(alt.format, alt.format)] if alt.format else []
        if alt.pattern is not None:
            rule.append(describe(alt.pattern))
        low, high = alt.min_length, alt.max_length
        if low is not None or high is not None:
            rule.append(
                f"长度 {low}–{high}"
                if None not in (low, high)
                else (f"长度至少 {low}" if high is None else f"长度至多 {high}")
            )
        body = "，".join(rule)
        said.append(f"{alt.title}：{body}" if alt.title else body or f"第 {index} 种写法")
    return "以下任一种：" + "；".join(said)
