"""Line numbers for JSON paths, so errors inside a schema block point at the line.

The json module parses but forgets positions; this scanner walks the same text
once and records where each value starts. It only runs on text that
``json.loads`` already accepted.
"""

from __future__ import annotations

import json

Path = tuple[str | int, ...]

_WS = " \t\r\n"
_decoder = json.JSONDecoder()


def value_offsets(text: str) -> dict[Path, int]:
    """Map every JSON path to the character offset where its value (or key) starts."""
    offsets: dict[Path, int] = {}

    def skip(i: int) -> int:
        while i < len(text) and text[i] in _WS:
            i += 1
        return i

    def walk(i: int, path: Path) -> int:
        i = skip(i)
        offsets.setdefault(path, i)
        if text[i] == "{":
            i = skip(i + 1)
            if text[i] == "}":
                return i + 1
            while True:
                key_start = skip(i)
                key, i = json.decoder.scanstring(text, key_start + 1)
                offsets[(*path, key)] = key_start  # the key's line is what a reader looks for
                i = skip(i) + 1  # past ':'
                i = walk(i, (*path, key))
                i = skip(i)
                if text[i] == "}":
                    return i + 1
                i += 1  # past ','
        if text[i] == "[":
            i = skip(i + 1)
            if text[i] == "]":
                return i + 1
            index = 0
            while True:
                i = walk(i, (*path, index))
                i = skip(i)
                if text[i] == "]":
                    return i + 1
                i += 1
                index += 1
        _, end = _decoder.raw_decode(text, i)
        return end

    walk(0, ())
    return offsets


def line_of(text: str, path: Path, offsets: dict[Path, int] | None = None) -> int:
    """0-based line of the deepest known prefix of ``path`` in ``text``."""
    offsets = offsets if offsets is not None else value_offsets(text)
    for n in range(len(path), -1, -1):
        if (found := offsets.get(tuple(path[:n]))) is not None:
            return text.count("\n", 0, found)
    return 0
