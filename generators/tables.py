"""Tables in prose pages that list standards or code lists are generated, never hand-kept.

An author marks the place once::

    <!-- infostd:table records folder=records -->
    <!-- /infostd:table -->

``infostd prepare`` (and ``infostd tables``) fills in the rows from the catalog; ``infostd
check`` refuses a page whose table no longer matches (a standard was added, renamed or
got another owner). Kinds: ``records``, ``codelists`` (编号 | 名称 | 归口部门, optionally
``folder=`` to keep one section of the home page), and ``maintenance`` (代码表 | 维护部门 |
评审部门, for the coding policy).
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from .errors import ProblemsError
from .fsutil import atomic_write_text
from .model import Catalog, Location, Standard, StandardError

BLOCK = re.compile(
    r"(?P<open><!-- infostd:table (?P<spec>[^\n]*?) -->\n)(?P<body>.*?)(?P<close><!-- /infostd:table -->)",
    re.S,
)
KINDS = {"records": "record", "codelists": "codelist", "maintenance": "codelist"}


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _dept(catalog: Catalog, code: str | None) -> str:
    depts = catalog.codelists.get("department-code")
    if not code:
        return "—"
    return depts.by_code[code].title if depts and code in depts.by_code else code


def render(spec: str, catalog: Catalog, page: Standard) -> str:
    """The Markdown table a marker asks for (raises ValueError for an unknown spec)."""
    words = spec.split()
    if not words or words[0] not in KINDS:
        raise ValueError(f"不认识的表格 {spec!r}（可用：{'、'.join(KINDS)}）")
    options = dict(w.split("=", 1) for w in words[1:] if "=" in w)
    folder = options.get("folder")
    here = (catalog.root / page.path).parent
    chosen = [
        s
        for s in sorted(catalog.standards, key=lambda s: s.id)
        if s.kind == KINDS[words[0]] and (folder is None or s.path.parts[0] == folder)
    ]

    def link(s: Standard) -> str:
        href = os.path.relpath(catalog.root / s.path, here).replace(os.sep, "/")
        return f"[{_cell(s.title)}]({href})"

    if words[0] == "maintenance":
        lines = ["| 代码表 | 维护部门 | 评审部门 |", "| --- | --- | --- |"]
        for s in chosen:
            reviewers = "、".join(_dept(catalog, r) for r in s.reviewers) or "—"
            lines.append(f"| {link(s)} | {_dept(catalog, s.owner)} | {reviewers} |")
    else:
        lines = ["| 编号 | 名称 | 归口部门 |", "| --- | --- | --- |"]
        lines += [f"| {s.id} | {link(s)} | {_dept(catalog, s.owner)} |" for s in chosen]
    return "\n".join(lines) + "\n"


def refreshed(catalog: Catalog, page: Standard) -> tuple[str, list[StandardError]]:
    """The page's source with every marked table regenerated, and any marker problems."""
    problems: list[StandardError] = []

    def fill(match: re.Match) -> str:
        try:
            body = render(match.group("spec"), catalog, page)
        except ValueError as exc:
            line = page.source.count("\n", 0, match.start()) + 1
            problems.append(StandardError(Location(catalog.root / page.path, line), str(exc)))
            return match.group(0)
        return match.group("open") + body + match.group("close")

    return BLOCK.sub(fill, page.source), problems


def stale(catalog: Catalog) -> list[StandardError]:
    """A problem for every marked table that differs from what the catalog gives."""
    out: list[StandardError] = []
    for page in catalog.standards:
        for match in BLOCK.finditer(page.source):
            where = Location(
                catalog.root / page.path, page.source.count("\n", 0, match.start()) + 1
            )
            try:
                body = render(match.group("spec"), catalog, page)
            except ValueError as exc:
                out.append(StandardError(where, str(exc)))
                continue
            if body != match.group("body"):
                out.append(
                    StandardError(
                        where,
                        "自动生成的表格与标准不一致，请运行 infostd prepare（不要手工修改该表格）",
                    )
                )
    return out


def check(catalog: Catalog) -> None:
    if problems := stale(catalog):
        raise ProblemsError(problems)


def write_all(catalog: Catalog) -> list[Path]:
    """Regenerate every marked table; returns the files that changed."""
    written = []
    for page in catalog.standards:
        text, problems = refreshed(catalog, page)
        if problems:
            raise ProblemsError(problems)
        if text != page.source:
            path = catalog.root / page.path
            atomic_write_text(path, text)
            written.append(path)
    return written
