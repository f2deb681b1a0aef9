"""The editor's guide (编写指南) in the portal: recipes and a keyword reference generated from
the vocabulary, rendered in Chromium with no request leaving the site."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from generators import rules, vocabulary

from .browser import needs_chromium, serve
from .test_portal_browser import Visit


def test_every_keyword_format_and_rule_type_is_documented() -> None:
    assert set(vocabulary.every_keyword()) == set(vocabulary.KEYWORD_DOCS)
    assert set(vocabulary.FORMATS) == set(vocabulary.FORMAT_DOCS)
    assert set(rules.RULE_TYPES) == set(vocabulary.RULE_DOCS)
    for keyword, (meaning, example, shows) in vocabulary.KEYWORD_DOCS.items():
        assert meaning and example and shows, keyword


def test_guide_pages_are_built_and_list_every_keyword(fixture_site: Path) -> None:
    recipes = (fixture_site / "guide" / "index.html").read_text(encoding="utf-8")
    assert "新增一个部门代码" in recipes and "add-code" in recipes and "常见错误" in recipes
    assert "在 Excel 中编辑字段或代码" in recipes  # the sheet export|import route
    reference = (fixture_site / "guide" / "keywords" / "index.html").read_text(encoding="utf-8")
    cells = {html.unescape(c) for c in re.findall(r"<td>(.*?)</td>", reference)}
    missing = set(vocabulary.every_keyword()) - cells
    assert not missing, missing
    assert {"intl-phone", "url", "date-order", "required-if"} <= cells
    home = (fixture_site / "index.html").read_text(encoding="utf-8")
    assert 'href="guide/"' in home  # in the navigation


@pytest.fixture(scope="module")
def site_url(fixture_site: Path) -> Iterator[str]:
    yield from serve(fixture_site)


@needs_chromium
def test_guide_renders_offline_in_chromium(browser, site_url: str) -> None:
    visit = Visit(browser, site_url)
    try:
        visit.open("guide/keywords/")
        assert visit.page.locator("h1").first.inner_text().startswith("关键字参考")
        rows = visit.page.locator("article table tbody tr").count()
        assert rows >= len(vocabulary.every_keyword()) + len(vocabulary.FORMATS)
        visit.open("guide/")
        assert "新增一个部门代码" in visit.page.locator("article").inner_text()
        assert visit.foreign_requests() == []
    finally:
        visit.close()
