"""The 发布通知 of a release, in the form an OA system takes: a .docx and the same text as HTML.

One ``Notice`` (pure data from the release record) is written two ways; every word of
it comes from the record and ``releases/policy.yaml`` and is text in both (python-docx
runs; ``esc`` in HTML).
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass

from ..portal.render import esc
from .records import Release, Releases

RECIPIENTS = "公司各部门、各分支机构："
GROUPS = (("发布", "新发布的标准"), ("修订", "修订的标准"), ("废止", "废止的标准"))
TABLE_HEAD = ("标准编号", "标准名称", "实施日期", "代替")


@dataclass(frozen=True)
class Notice:
    title: str
    document: str  # 文号
    recipients: str
    opening: str
    groups: tuple[tuple[str, tuple[tuple[str, str, str, str], ...]], ...]  # heading, rows
    changes: tuple[tuple[str, tuple[str, ...]], ...]  # "number title", key changes
    summary: str
    contact: str
    publisher: str
    date: str


def notice_of(release: Release, releases: Releases) -> Notice:
    bodies = []
    for key in release.requests:
        request = releases.requests.get(key)
        for approval in request.approvals if request else []:
            if approval.approves and approval.body not in bodies:
                bodies.append(approval.body)
    approved = f"经{'、'.join(bodies)}审议批准，" if bodies else ""
    opening = (
        f"为规范公司信息的采集、存储、使用和共享，公司组织制定、修订了企业信息管理标准（版本 "
        f"{release.version}）。{approved}现予发布，请各部门自各标准的实施日期起遵照执行。"
    )
    groups = []
    for action, heading in GROUPS:
        rows = tuple(
            (e.number, e.title, e.effective.isoformat(), e.replaces or "—")
            for e in release.editions
            if e.action == action
        )
        if rows:
            groups.append((f"{heading}（{len(rows)} 项）", rows))
    changes = tuple(
        (f"{e.number} {e.title}", e.changes) for e in release.editions if e.action != "发布"
    )
    return Notice(
        title=release.title,
        document=release.document,
        recipients=RECIPIENTS,
        opening=opening,
        groups=tuple(groups),
        changes=changes,
        summary=release.summary,
        contact=releases.policy.contact,
        publisher=releases.policy.publisher,
        date=release.date.isoformat(),
    )


def notice_html(notice: Notice, heading_level: int = 1) -> str:
    """The notice as an HTML fragment (the portal's news page and the .html download)."""
    h, sub = f"h{heading_level}", f"h{heading_level + 1}"
    parts = [
        f'<div class="infostd-notice"><p class="infostd-notice-number">{esc(notice.document)}</p>',
        f"<{h}>{esc(notice.title)}</{h}>",
        f"<p>{esc(notice.recipients)}</p>",
        f"<p>{esc(notice.opening)}</p>",
    ]
    if notice.summary:
        parts += [f"<p>{esc(p)}</p>" for p in notice.summary.split("\n\n") if p.strip()]
    for heading, rows in notice.groups:
        head = "".join(f"<th>{esc(c)}</th>" for c in TABLE_HEAD)
        body = "".join(
            "<tr>" + "".join(f"<td>{esc(c)}</td>" for c in row) + "</tr>" for row in rows
        )
        parts.append(
            f"<{sub}>{esc(heading)}</{sub}><table><thead><tr>{head}</tr></thead>"
            f"<tbody>{body}</tbody></table>"
        )
    if notice.changes:
        parts.append(f"<{sub}>主要变化</{sub}>")
        for name, words in notice.changes:
            items = "".join(f"<li>{esc(w)}</li>" for w in words)
            parts.append(f"<p><strong>{esc(name)}</strong></p><ul>{items}</ul>")
    if notice.contact:
        parts.append(f"<p>联系人：{esc(notice.contact)}</p>")
    parts.append(
        f'<p class="infostd-notice-sign">{esc(notice.publisher)}<br>{esc(notice.date)}</p></div>'
    )
    return "".join(parts)


def notice_page(notice: Notice) -> str:
    """A whole HTML file (downloads/notices/vX.Y.Z.html): OA systems import it as is."""
    return (
        '<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8">'
        f"<title>{esc(notice.title)}</title></head><body>{notice_html(notice)}</body></html>\n"
    )


def notice_docx(notice: Notice) -> bytes:
    """The notice as a Word document (python-docx), the same text as ``notice_html``."""
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Pt

    doc = Document()
    normal = doc.styles["Normal"]
    normal.font.name = "Noto Serif CJK SC"
    normal.font.size = Pt(12)
    normal.element.rPr.rFonts.set(qn("w:eastAsia"), "Noto Serif CJK SC")
    core = doc.core_properties
    core.title, core.author, core.subject = notice.title, notice.publisher, notice.document
    core.created = core.modified = dt.datetime.fromisoformat(notice.date)  # not the build's time
    number = doc.add_paragraph(notice.document)
    number.alignment = WD_ALIGN_PARAGRAPH.CENTER
    doc.add_heading(notice.title, level=1).alignment = WD_ALIGN_PARAGRAPH.CENTER
    doc.add_paragraph(notice.recipients)
    doc.add_paragraph(notice.opening)
    for paragraph in (p for p in notice.summary.split("\n\n") if p.strip()):
        doc.add_paragraph(paragraph)
    for heading, rows in notice.groups:
        doc.add_heading(heading, level=2)
        table = doc.add_table(rows=1, cols=len(TABLE_HEAD))
        table.style = "Table Grid"
        for cell, text in zip(table.rows[0].cells, TABLE_HEAD, strict=True):
            cell.text = text
        for row in rows:
            for cell, text in zip(table.add_row().cells, row, strict=True):
                cell.text = text
    if notice.changes:
        doc.add_heading("主要变化", level=2)
        for name, words in notice.changes:
            doc.add_paragraph(name).runs[0].bold = True
            for word in words:
                doc.add_paragraph(word, style="List Bullet")
    if notice.contact:
        doc.add_paragraph(f"联系人：{notice.contact}")
    for line in (notice.publisher, notice.date):
        doc.add_paragraph(line).alignment = WD_ALIGN_PARAGRAPH.RIGHT
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def write_notices(releases: Releases, out_dir) -> list:
    """``vX.Y.Z.docx`` and ``vX.Y.Z.html`` for every release (the build step ``notices``)."""
    from ..fsutil import atomic_write_bytes, atomic_write_text

    written = []
    for release in releases.releases:
        notice = notice_of(release, releases)
        docx, page = (
            out_dir / f"{release.version.tag}.docx",
            out_dir / f"{release.version.tag}.html",
        )
        atomic_write_bytes(docx, notice_docx(notice))
        atomic_write_text(page, notice_page(notice))
        written += [docx, page]
    return written
