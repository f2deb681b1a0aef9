"""Patterns said in words for readers (portal, template prompts)."""

from __future__ import annotations

import pytest

from generators.patterns import FALLBACK, describe


@pytest.mark.parametrize(
    ("pattern", "words"),
    [
        (
            r"^0[0-9]{2,3}-[0-9]{7,8}(-[0-9]{1,6})?$",
            "“0” + 2–3 位数字 + “-” + 7–8 位数字 + 可选：“-” + 1–6 位数字",
        ),
        (r"^[0-9]{8,30}$", "8–30 位数字"),
        (r"^[A-Z]{2}[0-9]{2}$", "2 位大写字母 + 2 位数字"),
        (r"^HT[0-9]{4}$", "“HT” + 4 位数字"),
        (r"^\d+$", "至少 1 个数字"),
        (r"^[0-9A-Z]{18}$", "18 位数字或大写字母"),
        (r"(?=a)b", FALLBACK),
        (r"(a)\1", FALLBACK),
    ],
)
def test_patterns_in_words(pattern: str, words: str) -> None:
    assert describe(pattern) == words
    assert "[" not in describe(pattern) and "{" not in describe(pattern)
