"""Mermaid diagrams: a figure with a text alternative, and the 3.5 MB library only where
a diagram is.

``mermaid_fence`` is the pymdownx.superfences format of ```` ```mermaid ```` blocks
(named in ``mkdocs.yml``): the block stays a ``pre.mermaid`` that mkdocs-material draws,
wrapped in a ``figure`` whose caption says the flow in words (screen readers, phones,
print). ``needs_mermaid`` / ``script_tags`` let the plugin add the library to the pages
that draw one; every other page is spared it.
"""

from __future__ import annotations

import re
from html import escape

LIBRARY = "assets/infostd/mermaid.min.js"
PHONE_SCRIPT = "assets/infostd/diagrams.js"  # draws flowcharts top-down on narrow screens

_HEADER = re.compile(r"^\s*(?:flowchart|graph)\b", re.IGNORECASE)
# An edge: ``-->``, ``---``, ``==>``, ``-.->``, with a label ``-- 通过 -->`` or ``-->|通过|``.
_EDGE = re.compile(
    r"\s*(?:--\s*([^>|]+?)\s*-->|-->\s*\|([^|]*)\||==>\s*\|([^|]*)\||-->|---|==>|-\.->)\s*"
)
_NODE = re.compile(r"^([\w\u3400-\u9fff]+)\s*(.*)$")


def _node(token: str, names: dict[str, str]) -> str:
    """``A[一线业务员填写]`` → 一线业务员填写 (remembered for later bare ``A``)."""
    token = token.strip().rstrip(";")
    match = _NODE.match(token)
    if not match:
        return token
    key, shape = match.groups()
    if shape:
        opening = len(shape) - len(shape.lstrip("[({>"))
        opening = min(opening, 2)
        label = shape[opening : len(shape) - opening] if opening else shape
        label = label.strip().strip("\"'")
        if label:
            names[key] = label
    return names.get(key, key)


def flowchart_steps(source: str) -> list[str] | None:
    """A flowchart as one line per edge (甲 → 乙, 甲 →（通过）→ 乙); None for other kinds."""
    lines = [line for line in source.splitlines() if line.strip()]
    if not lines or not _HEADER.match(lines[0]):
        return None
    names: dict[str, str] = {}
    steps: list[str] = []
    for line in lines[1:]:
        if line.strip().startswith(("%%", "classDef", "class ", "style ", "linkStyle", "click ")):
            continue
        parts = _EDGE.split(line.strip())
        # re.split with 3 groups: node, label, label, label, node, …
        nodes = [_node(parts[i], names) for i in range(0, len(parts), 4)]
        labels = [
            next((g for g in parts[i + 1 : i + 4] if g), "") for i in range(0, len(parts) - 1, 4)
        ]
        for i, label in enumerate(labels):
            arrow = f" →（{label.strip()}）→ " if label.strip() else " → "
            steps.append(nodes[i] + arrow + nodes[i + 1])
    return steps


def text_alternative(source: str) -> str:
    """The caption of a diagram: its flow in words, or its source when not a flowchart."""
    steps = flowchart_steps(source)
    if steps:
        items = "".join(f"<li>{escape(step)}</li>" for step in steps)
        body = f"<ol>{items}</ol>"
    else:
        body = f"<pre><code>{escape(source)}</code></pre>"
    return (
        '<figcaption><details class="infostd-diagram-text"><summary>图的文字说明</summary>'
        f"{body}</details></figcaption>"
    )


def mermaid_fence(source: str, language: str, class_name: str, options, md, **kwargs) -> str:
    """pymdownx.superfences custom format for ``mermaid`` blocks."""
    return (
        '<figure class="infostd-diagram">'
        f'<pre class="mermaid"><code>{escape(source)}</code></pre>'
        f"{text_alternative(source)}</figure>"
    )


def needs_mermaid(html: str) -> bool:
    return '<pre class="mermaid">' in html


def script_tags(html: str, to_root: str) -> str:
    """``html`` with the diagram scripts in its head (``defer``: they run in order before
    DOMContentLoaded, when mkdocs-material looks for ``window.mermaid``)."""
    prefix = to_root.rstrip("/") + "/" if to_root not in ("", ".") else ""
    tags = "".join(
        f'<script defer src="{escape(prefix + path)}"></script>' for path in (PHONE_SCRIPT, LIBRARY)
    )
    return html.replace("</head>", tags + "</head>", 1)
