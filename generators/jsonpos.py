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


# json's messages (CPython's json.decoder / _json scanner), said in Chinese with what to do.
_SYNTAX_ZH = [
    (
        "Expecting property name enclosed in double quotes",
        "此处应为用双引号括起的键名（最后一项后面是否多了逗号？）",
    ),
    ("Expecting value", "此处缺少值（是否多了逗号，或值没有加双引号？）"),
    ("Expecting ',' delimiter", "缺少逗号（两项之间须用逗号分隔）"),
    ("Expecting ':' delimiter", "缺少冒号（键和值之间须用冒号分隔）"),
    ("Invalid \\escape", "无效的反斜杠转义（正则中的 \\ 须写成 \\\\，如 \\\\d）"),
    ("Invalid \\uXXXX escape", "无效的 \\u 转义（须为 \\u 加 4 位十六进制数）"),
    ("Invalid control character", "字符串中有换行或制表符等控制字符（须写成 \\n、\\t）"),
    ("Unterminated string", "字符串缺少结束的双引号"),
    ("Extra data", "JSON 已结束，后面还有多余内容（是否多了括号？）"),
]


def syntax_message(exc: json.JSONDecodeError) -> str:
    """A JSON syntax error in Chinese with its column: "第 12 列：缺少逗号（…）"."""
    for prefix, text in _SYNTAX_ZH:
        if exc.msg.startswith(prefix):
            return f"第 {exc.colno} 列：{text}"
    return f"第 {exc.colno} 列：JSON 语法错误"
