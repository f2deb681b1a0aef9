"""A printable document (cover, 目次, sections) → HTML → PDF bytes.

Everything that reaches the HTML is escaped here or comes from the portal's renderers
(which escape every schema string), so a title or an opinion is text, never markup.
"""

from __future__ import annotations

import html
import subprocess
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from ..errors import InfostdError
from ..fsutil import atomic_write_bytes

ASSETS = Path(__file__).parent / "assets"
PRINT_CSS = ASSETS / "print.css"
FONT_FAMILIES = ("Noto Serif CJK SC", "Noto Sans CJK SC")


@dataclass(frozen=True)
class Cover:
    """The cover of a standard (GB/T 1.1 封面) or of a collection."""

    title: str
    number: str = ""  # Q/XXX IMS-DS-001—2026
    replaces: str = ""  # 代替 …
    kind: str = "企业标准"
    published: str = ""  # 2026-12-01
    effective: str = ""
    publisher: str = ""
    note: str = ""  # e.g. 未发布（工作稿） under the title
    prefix: str = ""  # Q/XXX, top left


@dataclass(frozen=True)
class Section:
    title: str  # shown as the section's heading and in 目次
    html: str  # body, trusted HTML (escaped by its producer)
    anchor: str = ""
    level: int = 1  # 1: a chapter (new page, in 目次); 2: a sub-part (in 目次, indented)
    css_class: str = ""
    entries: tuple[tuple[str, str], ...] = ()  # (anchor, title) inside html, listed in 目次


@dataclass
class PdfDocument:
    title: str  # the PDF's metadata title
    sections: list[Section] = field(default_factory=list)
    cover: Cover | None = None
    toc: bool = True
    author: str = ""
    extra_css: str = ""  # appended after print.css (caller's own rules)
    lang: str = "zh-CN"


def esc(value: object) -> str:
    return html.escape(str(value), quote=True)


def cover_html(cover: Cover) -> str:
    dates = ""
    if cover.published or cover.effective:
        dates = (
            f'<div class="cover-dates"><span>{esc(cover.published or "—")} 发布</span>'
            f"<span>{esc(cover.effective or '—')} 实施</span></div>"
        )
    replaces = f'<p class="cover-replaces">代替 {esc(cover.replaces)}</p>' if cover.replaces else ""
    note = f'<p class="cover-note">{esc(cover.note)}</p>' if cover.note else ""
    publisher = (
        f'<p class="cover-publisher">{esc(cover.publisher)}　发布</p>' if cover.publisher else ""
    )
    return (
        '<section class="cover">'
        f'<p class="cover-prefix">{esc(cover.prefix)}</p>'
        f'<p class="cover-kind">{esc(cover.kind)}</p>'
        f'<p class="cover-number">{esc(cover.number)}</p>{replaces}'
        f'<hr class="cover-rule"/><h1 class="cover-title">{esc(cover.title)}</h1>{note}'
        f"{dates}{publisher}</section>"
    )


def toc_html(sections: list[Section]) -> str:
    items = "".join(
        _toc_item(s.level, s.anchor, s.title, s.css_class == "front")
        + "".join(_toc_item(s.level + 1, a, t) for a, t in s.entries)
        for s in sections
    )
    return f'<section class="toc"><h1 class="toc-title">目　次</h1><ul>{items}</ul></section>'


def _toc_item(level: int, anchor: str, title: str, front: bool = False) -> str:
    cls = f"toc-{level} toc-front" if front else f"toc-{level}"
    return f'<li class="{cls}"><a href="#{esc(anchor)}">{esc(title)}</a></li>'


def document_html(doc: PdfDocument) -> str:
    sections = [
        s if s.anchor else Section(s.title, s.html, f"s{i}", s.level, s.css_class, s.entries)
        for i, s in enumerate(doc.sections, 1)
    ]
    parts = [cover_html(doc.cover)] if doc.cover else []
    if doc.toc:
        parts.append(toc_html(sections))
    body_start = next((s.anchor for s in sections if s.css_class != "front"), None)
    for s in sections:
        tag = "h1" if s.level == 1 else "h2"
        # the body's page numbers start at 1 after the front matter's roman numbers (GB/T 1.1)
        start = " body-start" if s.anchor == body_start and doc.cover else ""
        parts.append(
            f'<section class="part part-{s.level} {esc(s.css_class)}{start}" id="{esc(s.anchor)}">'
            f'<{tag} class="part-title">{esc(s.title)}</{tag}>{s.html}</section>'
        )
    css = PRINT_CSS.read_text(encoding="utf-8") + doc.extra_css
    author = f'<meta name="author" content="{esc(doc.author)}">' if doc.author else ""
    return (
        f'<!DOCTYPE html><html lang="{esc(doc.lang)}"><head><meta charset="utf-8">'
        f"<title>{esc(doc.title)}</title>{author}"
        f'<meta name="generator" content="infostd"><style>{css}</style></head>'
        f"<body>{''.join(parts)}</body></html>"
    )


@cache
def require_fonts() -> None:
    """The CJK fonts must be the Noto ones from Debian, so that a PDF looks the same on every
    machine; a missing font is a clear error, not a PDF of empty boxes."""
    try:
        listed = subprocess.run(
            ["fc-list", ":lang=zh", "family"], capture_output=True, text=True, timeout=30
        ).stdout
    except (OSError, subprocess.TimeoutExpired):
        listed = ""
    if not any(family in listed for family in FONT_FAMILIES):
        raise InfostdError(
            "生成 PDF 需要 Noto CJK 字体（Debian：apt-get install fonts-noto-cjk）与 pango"
        )


def render_pdf(doc: PdfDocument) -> bytes:
    """The PDF bytes of ``doc`` (fonts embedded as subsets; no network: no base URL)."""
    return render_html(document_html(doc))


def render_html(text: str) -> bytes:
    return layout(text).write_pdf()


def layout(text: str):
    """The laid-out ``weasyprint.Document`` of an HTML text (pages can be combined)."""
    require_fonts()
    from weasyprint import HTML  # imported late: pango is loaded only when PDFs are made

    return HTML(string=text, base_url=None, url_fetcher=_no_fetch).render()


def _no_fetch(url: str, *args, **kwargs):
    """Nothing outside the document is ever loaded (no network, no local files)."""
    raise ValueError(f"外部资源不会被加载：{url}")


def write_pdf(doc: PdfDocument, path: Path) -> Path:
    atomic_write_bytes(path, render_pdf(doc))
    return path
