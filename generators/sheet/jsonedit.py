"""Write a changed JSON value back into the text it was read from, keeping the text.

A committee's schema block is formatted by hand (one keyword per line, small objects
on one line); re-serialising it would turn every sheet import into a diff of the
whole block. ``rewrite(text, new)`` keeps the bytes of every value that did not
change, and of the separators between members that stay neighbours; a new member
takes the layout of its neighbour (a new field is laid out like the field before
it), a changed scalar is written compactly. With nothing changed the result is the
text itself, byte for byte.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from typing import Any

_WS = " \t\r\n"
_decoder = json.JSONDecoder()


@dataclass
class Node:
    """Where one JSON value is in the text; containers know their elements."""

    start: int
    end: int
    # (key or None for array items, where the element starts, the value's node)
    elements: list[tuple[str | None, int, Node]] = field(default_factory=list)


def parse(text: str, i: int = 0) -> Node:
    """The node of the JSON value starting at (or after whitespace from) ``i``; the text
    has already been accepted by ``json.loads``."""

    def skip(i: int) -> int:
        while i < len(text) and text[i] in _WS:
            i += 1
        return i

    i = skip(i)
    if text[i] not in "{[":
        _, end = _decoder.raw_decode(text, i)
        return Node(i, end)
    node = Node(i, i)
    close = "}" if text[i] == "{" else "]"
    i = skip(i + 1)
    while text[i] != close:
        start, key = i, None
        if close == "}":
            key, i = json.decoder.scanstring(text, i + 1)
            i = skip(i) + 1  # past ':'
        value = parse(text, i)
        node.elements.append((key, start, value))
        i = skip(value.end)
        if text[i] == ",":
            i = skip(i + 1)
    node.end = i + 1
    return node


def same(a: Any, b: Any) -> bool:
    """Equal as JSON, key order included (1 and 1.0 are equal; true and 1 are not)."""
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return a == b
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return list(a) == list(b) and all(same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    return a == b


def compact(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(", ", ": "))


def rewrite(text: str, new: Any) -> str:
    """``text`` (one JSON value, possibly surrounded by whitespace) with ``new`` in it."""
    node = parse(text)
    return text[: node.start] + _render(text, node, json.loads(text), new) + text[node.end :]


def _render(text: str, node: Node, old: Any, new: Any) -> str:
    if same(old, new):
        return text[node.start : node.end]
    if isinstance(old, dict) and isinstance(new, dict) and old:
        kept = {key: i for i, key in enumerate(old)}
        plan = [
            (kept.get(key), key, new[key]) for key in new
        ]  # (old element index or None, key, value)
        return _container(text, node, old, plan)
    if isinstance(old, list) and isinstance(new, list) and old:
        return _container(text, node, old, _align(old, new))
    return compact(new)


def _align(old: list, new: list) -> list[tuple[int | None, None, Any]]:
    """Pair new items with old ones: unchanged runs and same-sized replaced runs keep
    their old item (so an entry with one changed title keeps its layout)."""
    plan: list[tuple[int | None, None, Any]] = []
    matcher = SequenceMatcher(a=[compact(x) for x in old], b=[compact(x) for x in new])
    for tag, a0, a1, b0, b1 in matcher.get_opcodes():
        if tag == "equal" or (tag == "replace" and a1 - a0 == b1 - b0):
            plan += [(a0 + n, None, new[b0 + n]) for n in range(b1 - b0)]
        else:
            plan += [(None, None, new[b]) for b in range(b0, b1)]
    return plan


def _container(text: str, node: Node, old: Any, plan: list) -> str:
    """Rebuild a container from ``plan`` (old element index or None, key, value): kept
    elements keep their text, neighbours in the old text keep their separator."""
    if not plan:
        return text[node.start] + text[node.end - 1]
    elements = node.elements
    values = list(old.values()) if isinstance(old, dict) else old
    opening = text[node.start : elements[0][1]]
    closing = text[elements[-1][2].end : node.end]
    if len(elements) > 1:
        default_sep = text[elements[0][2].end : elements[1][1]]
    else:
        default_sep = "," + ("\n" + opening.rsplit("\n", 1)[1] if "\n" in opening else " ")
    pieces: list[str] = []
    previous: int | None = None
    for number, (index, key, value) in enumerate(plan):
        if number:
            adjacent = previous is not None and index == previous + 1
            pieces.append(
                text[elements[previous][2].end : elements[index][1]] if adjacent else default_sep
            )
        if index is not None:
            key_text = text[elements[index][1] : elements[index][2].start]
            pieces.append(key_text + _render(text, elements[index][2], values[index], value))
        else:
            like = elements[previous if previous is not None else 0][2]
            head = "" if key is None else json.dumps(key, ensure_ascii=False) + ": "
            pieces.append(head + _laid_out_like(text, like, value))
        previous = index
    return opening + "".join(pieces) + closing


def _laid_out_like(text: str, like: Node, value: Any) -> str:
    """A new value in the layout of ``like``: an object over several lines (one member a
    line, members compact) when ``like`` is one, else compact."""
    if not (
        isinstance(value, dict) and value and like.elements and "\n" in text[like.start : like.end]
    ):
        return compact(value)
    inner = text[like.start + 1 : like.elements[0][1]]
    closing = text[like.elements[-1][2].end : like.end - 1]
    members = [json.dumps(k, ensure_ascii=False) + ": " + compact(v) for k, v in value.items()]
    return "{" + inner + ("," + inner).join(members) + closing + "}"
