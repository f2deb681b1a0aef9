"""A standard's edition as a printable document (GB/T 1.1 layout), from the portal's renderers.

封面 (number, title, 发布/实施日期, 发布单位), 目次, 前言 (drafting rules, what the edition
replaces and the 修订说明 from the release record's diff words, approvals, history),
正文 (the author's Markdown; each schema block replaced by a pointer to its 附录), and one
规范性附录 per schema (field table, code rules, table rules, lifecycle, code list — the
portal's ``render.schema_html``).
"""

from __future__ import annotations

import re
import string

import markdown
from pymdownx.superfences import fence_code_format  # noqa: F401 - the extension must import

from ..config import Config
from ..labels import KIND_LABELS, STATUS_LABELS
from ..model import Catalog, Standard
from ..portal.render import department_label, schema_html
from ..portal.requirements_page import standard_requirements
from ..release.records import Edition, Release, Releases
from .document import Cover, PdfDocument, Section, esc

GBT_11 = "GB/T 1.1—2020《标准化工作导则　第1部分：标准化文件的结构和起草规则》"
_HEADING = re.compile(r'<h2 id="([^"]+)">(.*?)</h2>')
_LINK = re.compile(r'<a href="(?!#)[^"]*"( title="[^"]*")?>')


def _mermaid(source: str, language: str, css_class: str, options, md, **kwargs) -> str:
    """Flow charts are drawn by the portal's browser script; on paper they stay as text."""
    return (
        '<p class="mermaid-caption">流程图（图形见门户页面，下为其文字描述）：</p>'
        f'<pre class="mermaid-source">{esc(source)}</pre>'
    )


def markdown_html(text: str) -> str:
    """The author's Markdown as HTML, with the portal's extensions; links to other pages
    become plain text (a PDF has no portal around it)."""
    html = markdown.markdown(
        text,
        extensions=[
            "tables",
            "admonition",
            "attr_list",
            "md_in_html",
            "toc",
            "pymdownx.details",
            "pymdownx.superfences",
        ],
        extension_configs={
            "pymdownx.superfences": {
                "custom_fences": [{"name": "mermaid", "class": "mermaid", "format": _mermaid}]
            }
        },
    )
    html = _LINK.sub("<span>", html)
    return re.sub(r"</a>", "</span>", html)


def appendix_letter(index: int) -> str:
    return string.ascii_uppercase[index] if index < 26 else f"A{index - 25}"


def body_markdown(standard: Standard) -> tuple[str, list[tuple[str, str]]]:
    """The body without its first title, each schema block replaced by a pointer to its
    appendix; and the appendices (letter, schema key)."""
    lines = standard.source.splitlines()
    blocks = {s.location.line: s for s in standard.schemas}
    out: list[str] = []
    appendices: list[tuple[str, str]] = []
    number, title_dropped = standard.body_line, False
    while number <= len(lines):
        schema = blocks.get(number)
        if schema is not None:
            letter = appendix_letter(len(appendices))
            appendices.append((letter, schema.key))
            out.append(f"{esc(schema.title)}的数据结构见附录 {letter}（规范性）。")
            number = schema.end_line + 1
            continue
        line = lines[number - 1]
        if not title_dropped and line.startswith("# "):
            title_dropped = True
        else:
            out.append(line)
        number += 1
    return "\n".join(out), appendices


def foreword(
    standard: Standard,
    catalog: Catalog,
    releases: Releases,
    current: tuple[Release, Edition] | None,
) -> str:
    parts = [f"<p>本文件按照 {esc(GBT_11)} 的规定起草。</p>"]
    edition = current[1] if current else None
    if edition and edition.replaces:
        changes = "".join(f"<li>{esc(c)}</li>" for c in edition.changes)
        parts.append(
            f"<p>本文件代替 {esc(edition.replaces)}。与 {esc(edition.replaces)} 相比，"
            f"除编辑性改动外，主要变化如下（修订说明）：</p><ul>{changes}</ul>"
        )
    elif edition:
        parts.append("<p>本文件为首次发布。</p>")
    else:
        parts.append("<p>本文件为工作稿，尚未发布，不得作为正式施行的依据。</p>")
    owner = department_label(catalog, standard.owner)
    if owner:
        parts.append(f"<p>本文件的归口部门：{esc(owner)}。</p>")
    if standard.reviewers:
        names = "、".join(department_label(catalog, r) for r in standard.reviewers)
        parts.append(f"<p>本文件的评审部门：{esc(names)}。</p>")
    if current:
        approvals = [
            a
            for key in current[0].requests
            if (cr := releases.requests.get(key)) and cr.covers(standard.id)
            for a in cr.approvals
            if a.approves
        ]
        if approvals:
            words = "、".join(
                f"{a.body}（{a.name}，{a.date.isoformat()}"
                + (f"，{a.document}" if a.document else "")
                + "）"
                for a in approvals
            )
            parts.append(f"<p>本文件经 {esc(words)} 批准。</p>")
    history = releases.editions_of(standard.id)
    if history:
        items = "；".join(f"{e.number}（{e.published.isoformat()} 发布）" for _r, e in history)
        parts.append(f"<p>本文件及其所代替文件的历次版本发布情况为：{esc(items)}。</p>")
    return "".join(parts)


def standard_document(
    standard: Standard, catalog: Catalog, config: Config, releases: Releases, version: str
) -> PdfDocument:
    current = releases.current(standard.id)
    edition = current[1] if current else None
    status = STATUS_LABELS.get(standard.status, standard.status)
    number = edition.number if edition else f"{config.standard_prefix} {standard.id}".strip()
    cover = Cover(
        title=standard.title,
        number=number,
        replaces=edition.replaces or "" if edition else "",
        published=edition.published.isoformat() if edition else "",
        effective=edition.effective.isoformat() if edition else "",
        publisher=releases.policy.publisher,
        note=(f"（{status}）" if edition else f"（工作稿，版本 {version}，未发布）"),
        prefix=config.standard_prefix,
        kind="企业标准" if standard.kind != "guide" else KIND_LABELS["guide"],
    )
    body, appendices = body_markdown(standard)
    body_html = markdown_html(body)
    chapters = tuple(
        (anchor, re.sub(r"<[^>]+>", "", title)) for anchor, title in _HEADING.findall(body_html)
    )
    sections = [
        Section("前言", foreword(standard, catalog, releases, current), "foreword", 1, "front"),
        Section(standard.title, body_html, "body", 1, entries=chapters),
    ]
    for letter, key in appendices:
        schema = catalog.schemas[key]
        sections.append(
            Section(
                f"附录 {letter}　{schema.title}",
                f'<p class="appendix-kind">（规范性）</p>{schema_html(schema, catalog, _no_link)}',
                f"appendix-{letter}",
            )
        )
    register = standard_requirements(standard, catalog, links=False)
    if register:  # the register as an informative appendix: what each requirement rests on
        letter = appendix_letter(len(appendices))
        table = markdown_html(register.split("\n", 3)[3])  # without the section heading
        sections.append(
            Section(
                f"附录 {letter}　要求清单",
                f'<p class="appendix-kind">（资料性）</p>{table}',
                f"appendix-{letter}",
            )
        )
    return PdfDocument(
        title=f"{number} {standard.title}",
        cover=cover,
        sections=sections,
        extra_css=running_header(number),
        author=releases.policy.publisher,
    )


def running_header(text: str) -> str:
    """The standard's number at the top of every page but the cover (a CSS string)."""
    quoted = "".join(c if c.isprintable() and c not in '\\"<>' else f"\\{ord(c):x} " for c in text)
    return f'@page {{ @top-right {{ content: "{quoted}"; }} }}'


def _no_link(_key: str | None) -> None:
    return None
