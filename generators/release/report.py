"""``infostd diff`` output: text for people, JSON for scripts, Markdown for a CI job summary."""

from __future__ import annotations

import json
from collections import Counter

from . import Comparison
from .diff import BUMP_NAMES, BUMPS


def _span(result: Comparison) -> str:
    old = result.old_ref or "（尚无发布）"
    return f"{old} → {result.new_ref or '工作区'}"


def _counts(result: Comparison) -> str:
    counts = Counter(c.bump for c in result.changes)
    return "，".join(f"{b} {counts[b]}" for b in reversed(BUMPS[1:]) if counts[b])


def as_text(result: Comparison) -> str:
    lines = [f"{_span(result)}：需要 {result.bump}（{BUMP_NAMES[result.bump]}）"]
    for change in result.changes:
        lines.append(f"  [{change.bump}] {change.standard}  {change.message}")
    if result.changes:
        lines.append(f"共 {len(result.changes)} 项变更：{_counts(result)}。")
    else:
        lines.append("标准没有变化。")
    return "\n".join(lines)


def as_json(result: Comparison) -> str:
    return json.dumps(result.as_json(), ensure_ascii=False, indent=2)


def as_markdown(result: Comparison) -> str:
    lines = [
        f"### 标准变更：{_span(result)}",
        "",
        f"需要的版本级别：**{result.bump}**（{BUMP_NAMES[result.bump]}）",
        "",
    ]
    if not result.changes:
        return "\n".join([*lines, "标准没有变化。"])
    lines += ["| 级别 | 标准 | schema | 字段 | 变更 |", "| --- | --- | --- | --- | --- |"]
    for c in result.changes:
        cells = [c.bump, c.standard, c.schema or "", c.field or "", c.message]
        lines.append("| " + " | ".join(cell.replace("|", "\\|") for cell in cells) + " |")
    return "\n".join(lines)


def as_html(result: Comparison) -> str:
    from .html import as_html as render  # the portal's renderers, only when asked for

    return render(result)


FORMATS = {"text": as_text, "json": as_json, "markdown": as_markdown, "html": as_html}
