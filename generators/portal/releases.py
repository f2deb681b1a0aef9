"""Readers' pages about releases, registered in the portal at import:

- 发布公告 (``news/index.md``): every release's 发布通知, newest first, with the .docx/.html
  downloads, and the approved requests waiting for a release;
- 变更记录 (``catalog/changelog.md``): the release history and each standard's 修订记录
  (edition, dates, what changed in words) — the tooling's own changes stay in CHANGELOG.md;
- an Atom feed of releases (``news/feed.xml``);
- ``revisions_markdown``: the 修订记录 section at the end of each standard's page;
- ``unreleased`` / ``unreleased_notice``: a standard changed since the last release says so
  above its card, so a page never passes unapproved text off as the edition in force.

Everything comes from the release records (``releases/``); every word is escaped.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

from ..config import Config, load_config
from ..errors import InfostdError
from ..model import Catalog, Standard
from ..release.notice import notice_html, notice_of
from ..release.records import Release, Releases, load_releases
from .pages import GeneratedPage, PortalContext, StaticFile, md_link, register_page, register_static
from .render import esc, md_text

NEWS = "news/index.md"
FEED = "news/feed.xml"
HISTORY = "catalog/changelog.md"
CSS = Path(__file__).parent / "assets" / "releases.css"
ATOM = "http://www.w3.org/2005/Atom"
NOTICES = "downloads/notices"


MAX_LISTED = 8  # changes listed in a page's notice; the rest are counted


def unreleased(config: Config, catalog: Catalog) -> tuple[str, dict[str, list[str]]]:
    """The last release's version and, per standard that existed in it, what changed since
    (``infostd diff``'s messages). Nothing when there is no release or no git history to
    read it from (a copy without .git, a shallow clone): the page then shows no notice
    rather than a wrong one."""
    from ..release import compare, previous_release  # the portal imports release lazily

    try:
        version, ref = previous_release(config)
        if version is None or ref is None:
            return "", {}
        comparison = compare(config, old_ref=ref, new=catalog)
    except (InfostdError, OSError):
        return "", {}
    existed = {s.id for s in comparison.old.standards} if comparison.old else set()
    changes: dict[str, list[str]] = {}
    for change in comparison.changes:
        if change.standard in existed:
            changes.setdefault(change.standard, []).append(change.message)
    return str(version), changes


def unreleased_notice(ctx: PortalContext, standard: Standard) -> str:
    """The notice above a standard's card when its text differs from the last release."""
    changes = ctx.unreleased.get(standard.id)
    if not changes:
        return ""
    items = "".join(f"<li>{esc(c)}</li>" for c in changes[:MAX_LISTED])
    more = len(changes) - MAX_LISTED
    if more > 0:
        items += f"<li>另有 {more} 项修改，见评审报告。</li>"
    return (
        '<div class="admonition warning infostd-banner infostd-unreleased">'
        f'<p class="admonition-title">本页含 {esc(ctx.released)} 版发布后的修改，尚未批准发布</p>'
        f"<p>正式施行的仍是 {esc(ctx.released)} 版（可下载其 PDF 版次）；下列修改须经评审批准并发布后"
        f"才生效：</p><ul>{items}</ul></div>"
    )


def releases_of(ctx: PortalContext) -> Releases:
    return load_releases(load_config(ctx.root))


def release_anchor(release: Release) -> str:
    return release.version.tag.replace(".", "-")


def _downloads(ctx: PortalContext, page: str, release: Release) -> str:
    links = []
    for suffix, label in ((".docx", "下载通知（Word）"), (".html", "下载通知（HTML）")):
        name = f"notices/{release.version.tag}{suffix}"
        if ctx.downloads is not None and (ctx.downloads / name).is_file():
            links.append(md_link(page, f"downloads/{name}", label))
    return "　".join(links)


def news_page(ctx: PortalContext) -> str:
    releases = releases_of(ctx)
    lines = [
        "# 发布公告",
        "",
        "标准的每次正式发布都在此公告，发布通知可下载为 Word（供 OA 系统流转）或 HTML。"
        f"订阅：{md_link(NEWS, FEED, 'Atom 订阅源')}。",
        "",
    ]
    for release in reversed(releases.releases):
        lines += [
            f'<div class="infostd-news" id="{esc(release_anchor(release))}" markdown="0">',
            notice_html(notice_of(release, releases), heading_level=2),
            "</div>",
            "",
            _downloads(ctx, NEWS, release),
            "",
        ]
    if not releases.releases:
        lines += ["尚无正式发布。", ""]
    pending = releases.open_requests
    if pending:
        lines += ["## 待发布的变更申请", "", "| 编号 | 名称 | 批准 |", "| --- | --- | --- |"]
        for cr in pending:
            approvals = "、".join(
                f"{a.body}{a.decision}（{a.date.isoformat()}）" for a in cr.approvals
            )
            title = cr.title + ("（示例，待委员会替换）" if cr.example else "")
            lines.append(f"| {md_text(cr.id)} | {md_text(title)} | {md_text(approvals)} |")
        lines.append("")
    return "\n".join(lines)


def history_page(ctx: PortalContext) -> str:
    releases = releases_of(ctx)
    lines = ["# 变更记录", "", "## 发布历史", ""]
    if releases.releases:
        lines += [
            "| 版本 | 发布日期 | 文号 | 发布 | 修订 | 废止 |",
            "| --- | --- | --- | --- | --- | --- |",
        ]
        for r in reversed(releases.releases):
            counts = [sum(e.action == a for e in r.editions) for a in ("发布", "修订", "废止")]
            version = md_link(HISTORY, NEWS, r.version.tag)
            lines.append(
                f"| {version} | {r.date.isoformat()} | {md_text(r.document)} | "
                + " | ".join(map(str, counts))
                + " |"
            )
    else:
        lines.append("尚无正式发布。")
    lines += ["", "## 各标准修订记录", ""]
    for standard in sorted(ctx.catalog.standards, key=lambda s: s.id):
        lines += [f"### {md_text(standard.id)} {md_text(standard.title)}", ""]
        lines += [revisions_table(releases, standard), ""]
    return "\n".join(lines)


def revisions_table(releases: Releases, standard: Standard) -> str:
    editions = releases.editions_of(standard.id)
    if not editions:
        return "尚未正式发布。"
    rows = ["| 版次 | 发布日期 | 实施日期 | 变更 | 修订内容 |", "| --- | --- | --- | --- | --- |"]
    for _release, e in reversed(editions):
        words = "；".join(e.changes) or "—"
        rows.append(
            f"| {md_text(e.number)} | {e.published.isoformat()} | {e.effective.isoformat()} | "
            f"{md_text(e.action)} | {md_text(words)} |"
        )
    return "\n".join(rows)


def revisions_markdown(ctx: PortalContext, standard: Standard) -> str:
    """The 修订记录 section appended to a standard's page."""
    return f"\n## 修订记录\n\n{revisions_table(releases_of(ctx), standard)}\n"


def _iso(release: Release) -> str:
    return f"{release.date.isoformat()}T00:00:00+08:00"


def atom_feed(ctx: PortalContext) -> str:
    """An Atom 1.0 feed (RFC 4287) of the releases, newest first."""
    config = load_config(ctx.root)
    releases = load_releases(config)
    base = (
        (config.repo_url.rstrip("/") + "/releases") if config.repo_url else "urn:infostd:releases"
    )
    ET.register_namespace("", ATOM)

    def sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
        element = ET.SubElement(parent, f"{{{ATOM}}}{tag}", attrs)
        element.text = text
        return element

    feed = ET.Element(f"{{{ATOM}}}feed", {"{http://www.w3.org/XML/1998/namespace}lang": "zh-CN"})
    sub(feed, "title", "企业信息管理标准 发布公告")
    sub(feed, "id", base)
    latest = releases.latest
    sub(feed, "updated", _iso(latest) if latest else "1970-01-01T00:00:00Z")
    author = sub(feed, "author")
    sub(author, "name", releases.policy.publisher or "标准委员会")
    sub(feed, "link", rel="self", href="feed.xml", type="application/atom+xml")
    sub(feed, "link", rel="alternate", href="./", type="text/html")
    for release in reversed(releases.releases):
        entry = sub(feed, "entry")
        sub(entry, "title", f"{release.title}（{release.document}）")
        sub(entry, "id", f"{base}/{release.version.tag}")
        sub(entry, "updated", _iso(release))
        sub(entry, "published", _iso(release))
        sub(entry, "link", rel="alternate", href=f"./#{release_anchor(release)}", type="text/html")
        numbers = "、".join(f"{e.action}{e.number}" for e in release.editions)
        sub(entry, "summary", f"版本 {release.version}：{numbers}")
        content = sub(entry, "content", notice_html(notice_of(release, releases), 2), type="html")
        content.text = content.text or ""
    return ET.tostring(feed, encoding="unicode", xml_declaration=True) + "\n"


register_page(GeneratedPage(NEWS, "发布公告", news_page))
register_page(GeneratedPage(HISTORY, "变更记录", history_page))
register_static(StaticFile(FEED, content=atom_feed))
register_static(StaticFile("assets/infostd/releases.css", CSS, link="css"))
