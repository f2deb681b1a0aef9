"""The built portal in headless Chromium: served on 127.0.0.1, driven with Playwright."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from openpyxl import load_workbook

from .browser import needs_chromium, serve
from .conftest import REPO

playwright = pytest.importorskip("playwright.sync_api")
ARTIFACTS = REPO / "test-artifacts"
# mkdocs-material renders mermaid into a *closed* shadow root; open it so the test can look.
OPEN_SHADOW_ROOTS = """
const attach = Element.prototype.attachShadow;
Element.prototype.attachShadow = function (init) { return attach.call(this, {...init, mode: "open"}); };
"""

pytestmark = needs_chromium


@pytest.fixture(scope="module")
def site_url(fixture_site: Path) -> Iterator[str]:
    yield from serve(fixture_site)


@pytest.fixture(scope="module")
def portal_url(portal_site: Path) -> Iterator[str]:
    yield from serve(portal_site)


class Visit:
    """A page that records every request it makes."""

    def __init__(self, browser, base: str):
        self.context = browser.new_context(accept_downloads=True)
        self.context.add_init_script(OPEN_SHADOW_ROOTS)
        self.page = self.context.new_page()
        self.requests: list[str] = []
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.base = base

    def open(self, path: str = "") -> None:
        self.page.goto(self.base + path, wait_until="networkidle")

    def foreign_requests(self) -> list[str]:
        return [
            u
            for u in self.requests
            if urlsplit(u).hostname != "127.0.0.1" and not u.startswith("data:")
        ]

    def search(self, query: str) -> str:
        """Type a query in the search box, open the first result, return the new URL."""
        box = self.page.locator("input.md-search__input")
        box.click()
        box.fill(query)
        box.press("End")  # mkdocs-material searches on key events, not on fill()
        first = self.page.locator(".md-search-result__item a").first
        first.wait_for(timeout=15000)
        first.click()
        self.page.wait_for_load_state("networkidle")
        return self.page.url

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def visit(browser, site_url: str) -> Iterator[Visit]:
    v = Visit(browser, site_url)
    yield v
    v.close()


def test_home_loads_offline_and_screenshot(visit: Visit) -> None:
    visit.open()
    assert "企业信息管理标准门户" in visit.page.title()
    assert visit.page.locator("h1").first.inner_text().startswith("企业信息管理标准门户")
    assert visit.page.locator("nav.md-nav").first.is_visible()
    ARTIFACTS.mkdir(exist_ok=True)
    visit.open("records/customer/")
    visit.page.screenshot(path=str(ARTIFACTS / "portal-customer.png"), full_page=False)
    assert (ARTIFACTS / "portal-customer.png").stat().st_size > 10_000
    assert visit.foreign_requests() == []


@pytest.mark.parametrize("query", ["统一社会信用代码", "客户"])
def test_search_lands_on_customer_standard(visit: Visit, query: str) -> None:
    visit.open()
    url = visit.search(query)
    assert "/records/customer/" in url
    assert visit.page.locator("h1").first.inner_text().startswith("客户信息数据标准")
    assert visit.foreign_requests() == []


def test_mermaid_becomes_svg_from_local_script(visit: Visit) -> None:
    visit.open("policies/collection/")
    diagram = visit.page.locator("div.mermaid svg").first
    diagram.wait_for(timeout=20000)
    assert diagram.locator("g").count() > 0
    assert any(u.endswith("/assets/infostd/mermaid.min.js") for u in visit.requests)
    assert visit.foreign_requests() == []


def test_template_download_is_a_valid_workbook(visit: Visit, fixture_site: Path) -> None:
    visit.open("records/customer/")
    button = visit.page.locator("a.infostd-download", has_text="下载模板")
    with visit.page.expect_download() as info:
        button.click()
    download = info.value
    assert download.suggested_filename == "customer.xlsx"
    data = Path(download.path()).read_bytes()
    assert data == (fixture_site / "downloads/templates/customer.xlsx").read_bytes()
    workbook = load_workbook(io.BytesIO(data))
    assert "客户信息" in workbook.sheetnames
    headers = [c.value for c in next(workbook["客户信息"].iter_rows(max_row=1))]
    assert "统一社会信用代码 *" in headers
    assert visit.foreign_requests() == []


def test_planted_scripts_do_not_run(browser, portal_url: str) -> None:
    v = Visit(browser, portal_url)
    try:
        v.open("records/note/")
        v.page.wait_for_timeout(300)
        assert v.page.evaluate("window.__planted") is None
        body = v.page.locator("article").inner_text()
        assert "<script>window.__planted = 'description'</script>" in body
        assert "<script>window.__planted = 'field'</script>" in body
        # the front matter title (nav, <title>, header, card) is text too, on every page
        assert "<script>window.__planted = 'title'</script>" in v.page.title()
        for path in ("", "records/customer/"):
            v.open(path)
            v.page.wait_for_timeout(200)
            assert v.page.evaluate("window.__planted") is None
            assert v.page.locator("img[onerror]").count() == 0
            assert "<img src=x" in (v.page.locator("nav.md-nav--primary").text_content() or "")
    finally:
        v.close()


def test_search_for_a_word_inside_a_longer_word(browser, portal_url: str) -> None:
    """On the note page 管理 occurs only inside the token 财务管理: found via its sub-words."""
    v = Visit(browser, portal_url)
    try:
        v.open()
        box = v.page.locator("input.md-search__input")
        box.click()
        box.fill("管理")
        box.press("End")
        v.page.locator(".md-search-result__item a").first.wait_for(timeout=15000)
        links = v.page.locator(".md-search-result__item a").evaluate_all(
            "links => links.map(a => a.href)"
        )
        assert any("/records/note/" in link for link in links), links
    finally:
        v.close()
