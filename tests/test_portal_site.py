"""The real portal, built with mkdocs: pages, downloads, offline, search index, strictness."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import subprocess
import sys
from html import unescape as html_unescape
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import parse_qs, unquote, urljoin, urlsplit

import pytest
from click.testing import CliRunner

from generators.cli import cli
from generators.portal import pages
from generators.version import project_version

from .conftest import FIXTURES, REPO, make_project

MKDOCS = [sys.executable, "-m", "mkdocs"]


def read(site: Path, page: str) -> str:
    return (site / page / "index.html").read_text(encoding="utf-8")


# ── pages ──────────────────────────────────────────────────────────────────
def test_customer_page_has_card_field_table_and_downloads(fixture_site: Path) -> None:
    html = read(fixture_site, "records/customer")
    assert 'class="infostd-card"' in html and "IMS-DS-001" in html
    assert f"<code>{project_version(fixture_site.parent)}</code>" in html
    assert '<table class="infostd-fields">' in html
    # Chinese name first, each field with a stable anchor, each cell named for phone cards.
    assert '<tr id="customer.uscc"><td data-label="名称">' in html
    assert 'href="#customer.uscc">统一社会信用代码</a>' in html
    assert "```json schema" not in html and "JSON Schema 原文" in html
    assert 'href="../../downloads/schemas/customer.schema.json" download' in html
    assert 'href="../../codelists/industry/#schema-industry"' in html
    assert "信息分类与编码规范" in html  # prose kept
    assert f"版本 {project_version(fixture_site.parent)}" in html  # footer
    # No feedback channel configured: the repository's issue form (repo_url).
    feedback = re.search(r'href="([^"]+)">反馈意见', html).group(1)
    assert feedback.startswith("https://git.example.com/infostd/standards/issues/new?")
    assert "template=pilot-feedback.yml" in feedback and "standard=IMS-DS-001" in feedback


def test_configured_feedback_channel_is_a_mail_with_standard_and_page(
    shipped_site: Path,
) -> None:
    """[tool.infostd] feedback (the shipped pyproject.toml): staff need no Git account."""
    html = read(shipped_site, "records/customer")
    feedback = html_unescape(re.search(r'href="([^"]+)">反馈意见', html).group(1))
    assert feedback.startswith("mailto:standards-committee@corp.internal?subject=")
    assert "example.com" not in feedback
    fields = parse_qs(urlsplit(feedback).query)
    assert fields["subject"] == ["[标准反馈] IMS-DS-001 客户信息数据标准"]
    assert "页面：records/customer/" in fields["body"][0]


def test_generated_pages_exist_and_are_linked(fixture_site: Path) -> None:
    home = read(fixture_site, "")
    for page, title in [
        ("catalog/classification", "分类导航"),
        ("catalog/codelists", "代码表总览"),
        ("catalog/responsibility", "职责矩阵"),
        ("catalog/downloads", "下载"),
        ("catalog/changelog", "变更记录"),
        ("news", "发布公告"),
    ]:
        assert "<h1" in read(fixture_site, page) and title in read(fixture_site, page)
        assert f'href="{page}/"' in home  # in the navigation
    for nav in ["管理制度", "数据标准", "代码表"]:
        assert nav in home
    tree = read(fixture_site, "catalog/classification")
    assert 'href="../../records/customer/"' in tree
    # the readers' 变更记录: release history and 修订记录 per standard (not CHANGELOG.md)
    changelog = read(fixture_site, "catalog/changelog")
    assert "发布历史" in changelog and "各标准修订记录" in changelog


def test_downloads_survive_and_page_lists_checksums(shipped_site: Path) -> None:
    downloads = shipped_site / "downloads"
    page = read(shipped_site, "catalog/downloads")
    files = [p for p in downloads.rglob("*") if p.is_file() and p.name != "SHA256SUMS"]
    assert len(files) >= 13
    for path in files:
        assert hashlib.sha256(path.read_bytes()).hexdigest() in page
    assert 'href="../../downloads/SHA256SUMS"' in page
    for dialect in ("postgres", "mysql", "duckdb", "spark"):  # the DDL of every dialect
        assert f'href="../../downloads/sql/{dialect}.sql"' in page
    sums = (downloads / "SHA256SUMS").read_text(encoding="utf-8")
    assert len(sums.splitlines()) == len(files)


# ── offline: nothing is fetched from another host ──────────────────────────
FETCHING = {
    "script": "src",
    "img": "src",
    "iframe": "src",
    "source": "src",
    "video": "src",
    "audio": "src",
    "embed": "src",
    "object": "data",
}
FETCHING_LINK_RELS = {"stylesheet", "icon", "preload", "modulepreload", "manifest", "prefetch"}
# Quoted absolute URLs inside JS that this portal never requests, with the reason.
JS_NOT_FETCHED = (
    # XML namespace identifiers (mermaid, SVG, the validator's xlsx reader): names, never requested.
    "http://www.w3.org/",
    "http://schemas.openxmlformats.org/",
    # mkdocs-material fetches mermaid only when window.mermaid is undefined; every page
    # loads the vendored copy first (the browser test proves no request leaves the host).
    "https://unpkg.com/mermaid@11/dist/mermaid.min.js",
    # only in browsers without ResizeObserver (none that the intranet supports).
    "https://unpkg.com/resize-observer-polyfill",
    # repository facts, only when mkdocs.yml sets a GitHub repo_url (ours sets none).
    "https://api.github.com/",
)
JS_URL = re.compile(r"""["'`]((?:https?:)?//[a-z0-9.-]+\.[a-z]{2,}/[^\s"'`]*)["'`]""", re.I)


class _Fetches(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag in FETCHING and values.get(FETCHING[tag]):
            self.urls.append(values[FETCHING[tag]])
        if tag == "link" and set((values.get("rel") or "").split()) & FETCHING_LINK_RELS:
            self.urls.append(values.get("href") or "")
        if values.get("srcset"):
            self.urls += [part.split()[0] for part in values["srcset"].split(",")]
        if values.get("style"):
            self.urls += re.findall(r"url\(['\"]?([^'\")]+)", values["style"])


def fetched_urls(site: Path) -> dict[str, set[str]]:
    """Every URL the site's HTML, CSS and JS would request, by file."""
    found: dict[str, set[str]] = {}
    for path in site.rglob("*"):
        text = path.read_text(encoding="utf-8", errors="replace") if path.is_file() else ""
        if path.suffix == ".html":
            parser = _Fetches()
            parser.feed(text)
            urls = set(parser.urls)
            urls |= set(re.findall(r"url\(['\"]?([^'\")]+)", text))  # inline <style>
        elif path.suffix == ".css":
            urls = set(re.findall(r"url\(['\"]?([^'\")]+)", text))
            urls |= set(re.findall(r"@import\s+['\"]([^'\"]+)", text))
        elif path.suffix in (".js", ".mjs"):
            urls = {u for u in JS_URL.findall(text) if not u.startswith(JS_NOT_FETCHED)}
        else:
            continue
        if urls:
            found[path.relative_to(site).as_posix()] = urls
    return found


def external(url: str) -> bool:
    parts = urlsplit(urljoin("http://127.0.0.1/", url.strip()))
    return parts.scheme != "data" and parts.hostname != "127.0.0.1"


def test_nothing_is_fetched_from_another_host(shipped_site: Path) -> None:
    urls = fetched_urls(shipped_site)
    # The vendored copy, only on pages that draw a diagram.
    assert any("mermaid.min.js" in u for u in urls["policies/collection/index.html"])
    assert not any("mermaid.min.js" in u for u in urls["index.html"])
    assert (shipped_site / "assets/infostd/mermaid.min.js").stat().st_size > 1_000_000
    bad = {page: sorted(u for u in found if external(u)) for page, found in urls.items()}
    assert not {page: found for page, found in bad.items() if found}


def test_external_url_detector_catches_cdn_and_fonts(tmp_path: Path) -> None:
    (tmp_path / "a.html").write_text(
        '<link rel="stylesheet" href="https://fonts.googleapis.com/css?family=Roboto">'
        '<script src="//cdn.example.com/x.js"></script><img src="img/ok.png">',
        encoding="utf-8",
    )
    (tmp_path / "b.css").write_text("@font-face{src:url(https://fonts.gstatic.com/a.woff2)}")
    (tmp_path / "c.js").write_text('importScripts("https://cdn.jsdelivr.net/npm/x.min.js")')
    urls = fetched_urls(tmp_path)
    assert sorted(u for found in urls.values() for u in found if external(u)) == [
        "//cdn.example.com/x.js",
        "https://cdn.jsdelivr.net/npm/x.min.js",
        "https://fonts.googleapis.com/css?family=Roboto",
        "https://fonts.gstatic.com/a.woff2",
    ]


# ── every internal link and anchor resolves ────────────────────────────────
class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        self.ids |= {values[k] for k in ("id", "name") if values.get(k)}
        self.links += [values[k] for k in ("href", "src") if values.get(k)]


def broken_links(site: Path) -> list[str]:
    """``page -> link`` for each link inside the site to a missing file or anchor."""
    pages: dict[Path, _Links] = {}
    for path in site.rglob("*.html"):
        pages[path] = parser = _Links()
        parser.feed(path.read_text(encoding="utf-8"))
    broken = []
    for path, parser in pages.items():
        here = "http://site/" + path.relative_to(site).as_posix()
        for link in parser.links:
            parts = urlsplit(urljoin(here, link))
            if parts.scheme != "http" or parts.hostname != "site":
                continue  # mailto:, data:, the feedback form on another host
            target = site / unquote(parts.path).lstrip("/")
            target = target / "index.html" if target.is_dir() else target
            if not target.is_file():
                broken.append(f"{path.relative_to(site)} -> {link}")
            elif parts.fragment and target in pages and parts.fragment not in pages[target].ids:
                broken.append(f"{path.relative_to(site)} -> {link}（锚点不存在）")
    return sorted(broken)


def test_no_broken_internal_link_or_anchor(shipped_site: Path) -> None:
    assert len(list(shipped_site.rglob("*.html"))) >= 25
    assert broken_links(shipped_site) == []


def test_link_checker_finds_missing_page_and_anchor(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "index.html").write_text('<h2 id="x">x</h2>', encoding="utf-8")
    (tmp_path / "index.html").write_text(
        '<a href="a/">ok</a><a href="a/#x">ok</a><a href="a/#y">bad</a>'
        '<a href="b/">bad</a><img src="c.png"><a href="https://example.com/">away</a>',
        encoding="utf-8",
    )
    assert broken_links(tmp_path) == [
        "index.html -> a/#y（锚点不存在）",
        "index.html -> b/",
        "index.html -> c.png",
    ]


# ── Chinese search index ───────────────────────────────────────────────────
def search_docs(site: Path) -> list[dict]:
    # The theme's file is a stub (config only); the worker fetches the full index on the
    # first query (portal/assets/search-worker.js).
    stub = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))
    assert stub["docs"] == [] and "governs" in stub["config"]["fields"]
    index = json.loads((site / "search" / "infostd-index.json").read_text(encoding="utf-8"))
    assert "keywords" in index["config"]["fields"]
    return index["docs"]


def test_search_index_has_catalog_words_and_sub_words(portal_site: Path) -> None:
    docs = search_docs(portal_site)
    text = "\u200b".join(d["title"] + "\u200b" + d["text"] for d in docs)
    assert "字\u200b段" not in text  # jieba alone cuts 字段定义 as 字|段|定义
    finance = next(d for d in docs if d["location"] == "policies/finance/")
    assert "\u200b字段定义\u200b" in finance["text"]
    assert {"字段", "定义"} <= set(finance["keywords"].split("\u200b"))
    assert finance["title"] == "财务管理制度"  # a standard title is one dictionary word
    assert {"财务管理", "管理", "制度"} <= set(finance["keywords"].split("\u200b"))
    customer = [d for d in docs if d["location"].startswith("records/customer/")]
    tokens = {t for d in customer for t in re.split(r"[\s\u200b]+", d["text"])}
    assert "统一社会信用代码" in tokens  # one token (user dictionary), not 统一|社会|信用|代码
    assert any("信用" in d.get("keywords", "").split("\u200b") for d in customer)


def test_front_matter_title_is_escaped_on_every_page(portal_site: Path) -> None:
    """mkdocs' theme renders titles without autoescape (nav, <title>, header, footer)."""
    pages = sorted(portal_site.rglob("*.html"))
    assert len(pages) > 5
    for page in pages:
        text = page.read_text(encoding="utf-8")
        assert "<script>window.__planted = 'title'" not in text, page
        assert '<img src=x onerror="window.__planted' not in text, page
    assert "&lt;script&gt;window.__planted = &#x27;title&#x27;" in read(portal_site, "records/note")


def test_schema_text_is_shown_not_run(portal_site: Path) -> None:
    html = read(portal_site, "records/note")
    assert "<script>window.__planted" not in html and "<img src=x" not in html
    assert "&lt;script&gt;window.__planted = &#x27;description&#x27;&lt;/script&gt;" in html


def test_pilot_and_draft_banners(portal_site: Path) -> None:
    assert "试行标准" in read(portal_site, "policies/finance")
    assert "草案" in read(portal_site, "records/note")


# ── strict builds and author mistakes ──────────────────────────────────────
def test_plain_mkdocs_build_strict_of_shipped_standards(tmp_path: Path) -> None:
    done = subprocess.run(
        [*MKDOCS, "build", "--strict", "-q", "-f", str(REPO / "mkdocs.yml"), "-d", str(tmp_path)],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "records/customer/index.html").is_file()
    assert not (tmp_path / "downloads").exists()  # plain mkdocs: no build downloads
    # The in-browser validator works without downloads: its module is generated into assets.
    assert "文件不会离开您的浏览器" in (tmp_path / "tools/validator/index.html").read_text("utf-8")
    assert (tmp_path / "assets/infostd/validator/infostd-validators.mjs").stat().st_size > 10_000


def test_link_to_missing_standard_fails_naming_the_file(tmp_path: Path) -> None:
    root = make_project(tmp_path)
    shutil.copy(FIXTURES / "broken" / "bad-link.md", root / "standards" / "bad-link.md")
    done = subprocess.run(
        [*MKDOCS, "build", "--strict", "-q"], cwd=root, capture_output=True, text=True
    )
    assert done.returncode != 0
    assert "bad-link.md:11: 链接指向不存在的文件：../records/nowhere.md" in done.stderr
    result = CliRunner().invoke(cli, ["--root", str(root), "build"])
    assert result.exit_code == 1
    assert "bad-link.md:11: 链接指向不存在的文件" in result.output
    assert not (root / "site").exists()


def test_mkdocs_warning_fails_infostd_build_with_the_file(tmp_path: Path) -> None:
    root = make_project(tmp_path)
    page = root / "standards" / "records" / "customer.md"
    page.write_text(
        page.read_text(encoding="utf-8") + "\n![流程图](missing-diagram.png)\n", encoding="utf-8"
    )
    result = CliRunner().invoke(cli, ["--root", str(root), "build"])
    assert result.exit_code == 1, result.output
    assert "records/customer.md" in result.output and "missing-diagram.png" in result.output


# ── the registry other generators use ──────────────────────────────────────
def test_registered_page_and_static_file_are_published(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    script = tmp_path / "checker.js"
    script.write_text("window.__checker = true;\n", encoding="utf-8")
    monkeypatch.setattr(pages, "PAGES", list(pages.PAGES))
    monkeypatch.setattr(pages, "STATIC_FILES", list(pages.STATIC_FILES))
    pages.register_page(
        pages.GeneratedPage(
            "tools/example.md",
            "示例工具",
            lambda ctx: f"# 示例工具\n\n共 {len(ctx.catalog.records)} 个记录。\n",
            section="工具",
        )
    )
    pages.register_static(pages.StaticFile("assets/tools/checker.js", script, link="js"))
    root = make_project(tmp_path)
    site = root / "site"
    CliRunner().invoke(cli, ["--root", str(root), "build"], catch_exceptions=False)
    assert "共 2 个记录。" in read(site, "tools/example")
    assert 'src="../../assets/tools/checker.js"' in read(site, "records/customer")
    assert ">工具<" in read(site, "") or "工具" in read(site, "")
