"""Every page of the shipped portal as office staff meet it: real Chromium at a desktop
(1366×900) and a phone (390×844) width, each page on a cold load.

One sweep over the site (one shared build) records, per page and width: every request
and its transferred bytes, failed requests, how far the body overflows the screen, and
axe-core's violations. The tests below judge the sweep; screenshots of both widths are
saved in ``test-artifacts/pages/``. Pages that other parts register are swept too: the
list comes from the built site, not from this file.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from .browser import needs_chromium, serve
from .conftest import REPO

playwright = pytest.importorskip("playwright.sync_api")
pytestmark = needs_chromium

ARTIFACTS = REPO / "test-artifacts" / "pages"
# axe-core 4.14.1 from npm (`npm pack axe-core@4.14.1`, MPL-2.0, licence beside it), vendored
# so the tests need no registry; sha256 of axe.min.js 29348999…d95c.
AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
WIDTHS = {"desktop": (1366, 900), "phone": (390, 844)}
MAX_PAGE_BYTES = 1_000_000  # a cold load of a page without a diagram
RUN_AXE = """async () => {
  const result = await axe.run(document, {resultTypes: ["violations"]});
  return result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 3).map(n => n.target.join(" "))}));
}"""
# The widest element that pushes the page sideways (an element scrolled inside its own
# box does not count: that is a visible, deliberate scroll area).
OVERFLOW = """() => {
  const width = document.documentElement.clientWidth;
  let worst = null;
  if (document.documentElement.scrollWidth > width) {
    for (const el of document.body.querySelectorAll("*")) {
      const r = el.getBoundingClientRect();
      if (r.right > width + 1 && (!worst || r.right > worst.right)) {
        worst = {right: Math.round(r.right), what: el.tagName.toLowerCase() + "." + el.className};
      }
    }
  }
  return {scroll: document.documentElement.scrollWidth, width, worst};
}"""


@dataclass
class Sweep:
    path: str
    width: str
    transferred: int = 0
    requests: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    overflow: dict = field(default_factory=dict)
    violations: list[dict] = field(default_factory=list)
    has_diagram: bool = False


def site_pages(site: Path) -> list[str]:
    """Every page of the built site (its URL path), the 404 page aside."""
    pages = []
    for html in sorted(site.rglob("index.html")):
        rel = html.parent.relative_to(site).as_posix()
        pages.append("" if rel == "." else rel + "/")
    return pages


def slug(path: str) -> str:
    return path.strip("/").replace("/", "-") or "home"


def sweep_page(browser, base: str, path: str, width: str) -> Sweep:
    w, h = WIDTHS[width]
    context = browser.new_context(viewport={"width": w, "height": h})  # new: a cold cache
    page = context.new_page()
    result = Sweep(path, width)
    requests = []
    page.on("request", lambda r: requests.append(r))
    page.on("requestfailed", lambda r: result.failed.append(f"{r.url} {r.failure}"))

    def on_response(response) -> None:
        if response.status >= 400:
            result.failed.append(f"{response.url} HTTP {response.status}")

    page.on("response", on_response)
    try:
        page.goto(base + path, wait_until="networkidle")
        result.has_diagram = page.locator("div.mermaid, pre.mermaid").count() > 0
        if result.has_diagram:
            page.locator("div.mermaid").first.wait_for(timeout=20000)
        result.requests = [r.url for r in requests]
        for request in requests:
            if request.url.startswith(("data:", "blob:")):
                continue
            sizes = request.sizes()
            result.transferred += sizes["responseBodySize"] + sizes["responseHeadersSize"]
        result.overflow = page.evaluate(OVERFLOW)
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"{slug(path)}-{width}.png"))
        page.add_script_tag(path=str(AXE))
        result.violations = page.evaluate(RUN_AXE)
    finally:
        context.close()
    return result


@pytest.fixture(scope="module")
def sweeps(browser, shipped_site: Path) -> Iterator[list[Sweep]]:
    served = serve(shipped_site)
    base = next(served)
    try:
        found = [
            sweep_page(browser, base, path, width)
            for path in site_pages(shipped_site)
            for width in WIDTHS
        ]
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        (ARTIFACTS / "sweep.json").write_text(
            json.dumps([s.__dict__ for s in found], ensure_ascii=False, indent=1), encoding="utf-8"
        )
        yield found
    finally:
        served.close()


def test_sweep_covers_every_page(sweeps: list[Sweep], shipped_site: Path) -> None:
    pages = {s.path for s in sweeps}
    assert {"", "records/customer/", "catalog/downloads/", "tools/validator/"} <= pages
    assert len(sweeps) == 2 * len(site_pages(shipped_site))
    shots = {p.name for p in ARTIFACTS.glob("*.png")}
    assert {"home-desktop.png", "home-phone.png", "records-customer-phone.png"} <= shots


def test_no_request_leaves_the_machine_and_none_fails(sweeps: list[Sweep]) -> None:
    foreign = {
        (s.path, u)
        for s in sweeps
        for u in s.requests
        if urlsplit(u).hostname != "127.0.0.1" and not u.startswith(("data:", "blob:"))
    }
    assert foreign == set()
    failed = {(s.path, f) for s in sweeps for f in s.failed}
    assert failed == set()


def test_pages_without_a_diagram_weigh_under_a_megabyte(sweeps: list[Sweep]) -> None:
    heavy = {
        (s.path, s.width, s.transferred)
        for s in sweeps
        if not s.has_diagram and s.transferred > MAX_PAGE_BYTES
    }
    assert heavy == set()
    # The diagram library travels only to pages that draw a diagram.
    mermaid = {s.path for s in sweeps if any("mermaid" in u for u in s.requests)}
    assert mermaid == {s.path for s in sweeps if s.has_diagram}
    assert mermaid, "the shipped policies draw flowcharts; the sweep should have met one"


def test_no_page_body_is_wider_than_a_phone(sweeps: list[Sweep]) -> None:
    wide = {
        (s.path, s.overflow["scroll"], str(s.overflow["worst"]))
        for s in sweeps
        if s.width == "phone" and s.overflow["scroll"] > s.overflow["width"]
    }
    assert wide == set()


def test_axe_finds_no_critical_or_serious_violation(sweeps: list[Sweep]) -> None:
    bad = {
        (s.path, s.width, v["id"], v["help"], "; ".join(v["nodes"]))
        for s in sweeps
        for v in s.violations
        if v["impact"] in ("critical", "serious")
    }
    assert bad == set()
