"""Text from files shown on a terminal: control characters (ANSI escapes, carriage
returns, bidi overrides) are shown escaped, so a cell can never move the cursor,
recolour, rewrite or hide what the report says. Every terminal output uses ``shown``."""

from __future__ import annotations

import re

# C0/C1 controls and DEL, plus the format characters that reorder or hide text
# (bidi embeddings, overrides and isolates; zero-width space; BOM; line/paragraph separators).
_UNSAFE = re.compile(
    "[\x00-\x1f\x7f-\x9f\u061c\u200b\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff]"
)
_LINES = re.compile(
    "[\x00-\x09\x0b-\x1f\x7f-\x9f\u061c\u200b\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff]"
)


def _escape(match: re.Match[str]) -> str:
    c = match.group()
    named = {"\n": "\\n", "\r": "\\r", "\t": "\\t", "\x1b": "\\x1b"}
    if c in named:
        return named[c]
    return f"\\x{ord(c):02x}" if ord(c) < 0x100 else f"\\u{ord(c):04x}"


def shown(text: object, *, lines: bool = False) -> str:
    """``text`` safe for a terminal. ``lines=True`` keeps line breaks (a whole report
    whose data parts were already escaped); otherwise a line break is shown as ``\\n``."""
    s = str(text)
    return (_LINES if lines else _UNSAFE).sub(_escape, s)
