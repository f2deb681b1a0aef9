"""CHANGELOG.md in the Keep a Changelog layout, in Chinese.

A release turns the ``## [未发布]`` section into ``## [X.Y.Z] - YYYY-MM-DD``:
the committee's prose (written under ``## [未发布]`` in the pull request, or
passed with ``--summary``), then the generated list of standard changes merged
with the hand-written bullets already there, section by section.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .diff import BUMP_NAMES, SECTIONS, Bump, Change
from .git import Version

UNRELEASED = "未发布"
TITLE = "# 变更日志"
PREAMBLE = (
    f"{TITLE}\n\n"
    "本文件格式遵循 [Keep a Changelog](https://keepachangelog.com/zh-CN/1.1.0/)，"
    "版本号遵循语义化版本：数据兼容性决定版本级别（见 DESIGN.md）。\n"
)
_UNRELEASED_RE = re.compile(r"^## \[(未发布|Unreleased)\]\s*$")
_LINK_RE = re.compile(r"^\[[^\]]+\]:\s")
_ORDER = (*SECTIONS, "修复", "安全")


@dataclass
class Unreleased:
    """What the ``## [未发布]`` section holds: prose, then ``### 标题`` lists."""

    prose: str = ""
    sections: dict[str, list[str]] = field(default_factory=dict)


@dataclass
class Document:
    head: str  # title and preamble
    unreleased: Unreleased
    rest: str  # older releases
    links: list[str]  # link reference definitions at the end


def parse(text: str) -> Document:
    """Split our own CHANGELOG.md into its parts (the file is written by us and by hand
    in the documented layout; lines are kept as they are)."""
    lines = text.splitlines()
    links = []
    while lines and (_LINK_RE.match(lines[-1]) or not lines[-1].strip()):
        line = lines.pop()
        if line.strip():
            links.insert(0, line)
    start = next((i for i, line in enumerate(lines) if _UNRELEASED_RE.match(line)), None)
    if start is None:
        first = next((i for i, line in enumerate(lines) if line.startswith("## ")), len(lines))
        head = "\n".join(lines[:first]).strip() or PREAMBLE.strip()
        return Document(head + "\n", Unreleased(), _join(lines[first:]), links)
    end = next((i for i in range(start + 1, len(lines)) if lines[i].startswith("## ")), len(lines))
    unreleased = Unreleased()
    current: list[str] | None = None
    prose: list[str] = []
    for line in lines[start + 1 : end]:
        if line.startswith("### "):
            current = unreleased.sections.setdefault(line[4:].strip(), [])
        elif current is None:
            prose.append(line)
        elif line.strip():
            current.append(line)
    unreleased.prose = "\n".join(prose).strip()
    return Document("\n".join(lines[:start]).strip() + "\n", unreleased, _join(lines[end:]), links)


def _join(lines: list[str]) -> str:
    return "\n".join(lines).strip()


def bullet(change: Change) -> str:
    mark = "**[不兼容]** " if change.bump == "major" else ""
    return f"- {mark}{change.message}"


def section(
    version: Version,
    date: str,
    previous: Version | None,
    bump: Bump,
    changes: list[Change],
    summary: str = "",
    carried: Unreleased | None = None,
) -> str:
    """The Markdown of one release, without a trailing blank line."""
    carried = carried or Unreleased()
    parts = [f"## [{version}] - {date}"]
    prose = "\n\n".join(p for p in (carried.prose, summary.strip()) if p)
    if prose:
        parts.append(prose)
    if previous:
        level = f"版本级别：{BUMP_NAMES[bump]}。自 {previous.tag} 起标准共 {len(changes)} 项变更。"
    else:
        level = f"首次发布：{len(changes)} 项。"
    parts.append(level)
    lists: dict[str, list[str]] = {}
    for change in changes:
        lists.setdefault(change.section, []).append(bullet(change))
    for name, lines in carried.sections.items():
        lists.setdefault(name, []).extend(lines)
    names = [n for n in _ORDER if n in lists] + [n for n in lists if n not in _ORDER]
    for name in names:
        if lists[name]:
            parts.append(f"### {name}\n\n" + "\n".join(lists[name]))
    return "\n\n".join(parts)


def released(
    text: str,
    version: Version,
    date: str,
    previous: Version | None,
    bump: Bump,
    changes: list[Change],
    summary: str = "",
    repo_url: str = "",
) -> tuple[str, str]:
    """The whole new CHANGELOG.md and the new section alone."""
    doc = parse(text) if text.strip() else Document(PREAMBLE, Unreleased(), "", [])
    new = section(version, date, previous, bump, changes, summary, doc.unreleased)
    links = [
        line for line in doc.links if not line.startswith((f"[{UNRELEASED}]:", "[Unreleased]:"))
    ]
    if repo_url:
        base = repo_url.rstrip("/")
        links.insert(0, f"[{UNRELEASED}]: {base}/compare/{version.tag}...HEAD")
        target = (
            f"{base}/compare/{previous.tag}...{version.tag}"
            if previous
            else f"{base}/releases/tag/{version.tag}"
        )
        links.insert(1, f"[{version}]: {target}")
    pieces = [doc.head.rstrip(), f"## [{UNRELEASED}]", new]
    if doc.rest:
        pieces.append(doc.rest)
    body = "\n\n".join(pieces) + "\n"
    if links:
        body += "\n" + "\n".join(links) + "\n"
    return body, new
