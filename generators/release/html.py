"""``infostd diff --format html``: the reviewer's view of a change.

For each changed standard: the changes with their version level, then each of its
schemas before and after as readers see them in the portal (field table, code list,
coding rules and table rules in words), then the prose with deletions and insertions
marked. One self-contained page (the CI attaches it to the merge request); everything
from the standards goes through ``esc``.
"""

from __future__ import annotations

import difflib

from ..model import Catalog, Standard
from ..portal.render import esc, schema_html
from . import Comparison
from .diff import BUMP_NAMES

STYLE = """
body{font-family:"Noto Sans CJK SC","Microsoft YaHei",sans-serif;margin:2rem;color:#222}
table{border-collapse:collapse;margin:.5rem 0}td,th{border:1px solid #ccc;padding:.2rem .4rem;
vertical-align:top;font-size:.9rem}.sides{display:grid;grid-template-columns:1fr 1fr;gap:1rem}
.side{border:1px solid #ddd;padding:.5rem;overflow-x:auto}.side h4{margin:.2rem 0}
del{background:#fdd;text-decoration:line-through}ins{background:#dfd;text-decoration:none}
pre.prose{white-space:pre-wrap;background:#fafafa;padding:.5rem;border:1px solid #eee}
.bump-major{color:#b00}.bump-minor{color:#a60}.bump-patch{color:#070}
"""


def _no_link(key: str) -> None:
    return None


def _side(title: str, standard: Standard | None, catalog: Catalog | None) -> str:
    if standard is None or catalog is None:
        return f'<div class="side"><h4>{title}</h4><p>（无）</p></div>'
    blocks = "".join(
        f"<h4>{title}：{esc(s.title)}（{esc(s.key)}）</h4>" + schema_html(s, catalog, _no_link)
        for s in standard.schemas
    )
    return f'<div class="side">{blocks or f"<h4>{title}</h4><p>（无数据结构）</p>"}</div>'


def prose_diff(old: str, new: str) -> str:
    """Line by line: deleted lines in <del>, inserted lines in <ins>, the rest as is."""
    a, b = old.splitlines(), new.splitlines()
    out = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if op == "equal":
            out += [esc(line) for line in a[i1:i2]]
            continue
        out += [f"<del>{esc(line)}</del>" for line in a[i1:i2]]
        out += [f"<ins>{esc(line)}</ins>" for line in b[j1:j2]]
    return '<pre class="prose">' + "\n".join(out) + "</pre>"


def as_html(result: Comparison) -> str:
    old_catalog, new_catalog = result.old, result.new
    old_by_id = {s.id: s for s in old_catalog.standards} if old_catalog else {}
    new_by_id = {s.id: s for s in new_catalog.standards} if new_catalog else {}
    span = f"{result.old_ref or '（尚无发布）'} → {result.new_ref or '工作区'}"
    parts = [
        f"<h1>标准变更：{esc(span)}</h1>",
        f'<p>需要的版本级别：<strong class="bump-{result.bump}">{esc(result.bump)}'
        f"（{esc(BUMP_NAMES[result.bump])}）</strong></p>",
    ]
    if not result.changes:
        parts.append("<p>标准没有变化。</p>")
    for standard_id in dict.fromkeys(c.standard for c in result.changes):
        old, new = old_by_id.get(standard_id), new_by_id.get(standard_id)
        title = (new or old).title if (new or old) else standard_id
        items = "".join(
            f'<li><span class="bump-{c.bump}">[{esc(c.bump)}]</span> {esc(c.message)}</li>'
            for c in result.changes
            if c.standard == standard_id
        )
        parts += [
            f"<h2>{esc(standard_id)} {esc(title)}</h2>",
            f"<ul>{items}</ul>",
            '<div class="sides">',
            _side("修改前", old, old_catalog),
            _side("修改后", new, new_catalog),
            "</div>",
            "<h3>正文（删除的行标红，新增的行标绿）</h3>",
            prose_diff(old.prose if old else "", new.prose if new else ""),
        ]
    return (
        '<!doctype html>\n<html lang="zh"><head><meta charset="utf-8">'
        f"<title>标准变更 {esc(span)}</title><style>{STYLE}</style></head><body>"
        + "\n".join(parts)
        + "</body></html>\n"
    )
