"""Search as office staff use it, in real Chromium on the shipped portal: everyday queries
and the page each must open first. The committee's word list
(``standards/search-terms.yml``) and the query segmentation are what make these pass; a
query whose first result changes is a change a reader notices."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from .browser import needs_chromium, serve

playwright = pytest.importorskip("playwright.sync_api")
pytestmark = needs_chromium

CUSTOMER = "records/customer/"
CONTRACT = "records/contract/"
SUPPLIER = "records/supplier/"
DEPARTMENT = "records/department/"
ASSET = "records/asset/"
CODING = "policies/classification-coding/"
COLLECTION = "policies/collection/"
STORAGE = "policies/storage-security/"
ACCOUNTABILITY = "policies/accountability/"

# (query, the page the first result must be on)
QUERIES = [
    ("24小时", CONTRACT),  # the phrase is on 5 pages; the contract standard sets the rule
    ("试点", ""),  # the standards say 试行; the home page explains the statuses
    ("销毁", STORAGE),
    ("归档", STORAGE),
    ("保管期限", STORAGE),
    ("备份", STORAGE),
    ("加密", STORAGE),
    ("访问权限", STORAGE),
    ("行业代码", "codelists/industry/"),
    ("行业分类", "codelists/industry/"),
    ("客户编码", CODING),  # the coding policy sets the rule; the field links to it
    ("统一社会信用代码", CUSTOMER),
    ("税号", CUSTOMER),  # an alias of 统一社会信用代码
    ("客户", CUSTOMER),
    ("供应商", SUPPLIER),
    ("合同", CONTRACT),
    ("合同编号", CODING),
    ("资产", ASSET),
    ("资产类别", "codelists/asset-category/"),
    ("部门编码", CODING),
    ("部门", DEPARTMENT),
    ("部门代码", "codelists/department-code/"),
    ("行政区划", "codelists/region/"),
    ("地区代码", "codelists/region/"),
    ("安全等级", "codelists/security-level/"),
    ("客户类型", "codelists/customer-type/"),
    ("合同类型", "codelists/contract-type/"),
    ("信息分类", "codelists/info-category/"),
    ("编码规则", CODING),
    ("录入流程", COLLECTION),
    ("及时性", COLLECTION),
    ("时限", COLLECTION),  # synonym: 及时性
    ("责任追究", ACCOUNTABILITY),
    ("申诉", ACCOUNTABILITY),
    ("个人信息", STORAGE),
    ("手机号", CUSTOMER),
    ("职责矩阵", "catalog/responsibility/"),
    ("下载模板", "catalog/downloads/"),
    ("在线校验", "tools/validator/"),
]

FIRST_RESULTS = """async (query) => {
  const input = document.querySelector("input.md-search__input");
  const list = document.querySelector(".md-search-result__list");
  const meta = document.querySelector(".md-search-result__meta");
  const settle = (test) => new Promise((resolve, reject) => {
    const started = Date.now();
    const tick = () => test() ? resolve() :
      Date.now() - started > 15000 ? reject(new Error("search timed out: " + query)) :
      setTimeout(tick, 25);
    tick();
  });
  input.value = "";
  input.dispatchEvent(new KeyboardEvent("keyup", {bubbles: true}));
  await settle(() => list.children.length === 0);
  input.value = query;
  input.dispatchEvent(new KeyboardEvent("keyup", {bubbles: true}));
  await settle(() => list.children.length > 0 || /没有/.test(meta.textContent));
  return [...list.querySelectorAll(":scope > li > a")].slice(0, 5).map(a => a.href);
}"""


@pytest.fixture(scope="module")
def search_page(browser, shipped_site: Path) -> Iterator:
    served = serve(shipped_site)
    base = next(served)
    context = browser.new_context()
    page = context.new_page()
    page.goto(base, wait_until="networkidle")
    page.locator("input.md-search__input").click()
    # The worker answers once its index is built: a first query waits for that.
    page.locator("input.md-search__input").fill("客户")
    page.locator("input.md-search__input").press("End")
    page.locator(".md-search-result__item").first.wait_for(timeout=30000)
    try:
        yield page, base
    finally:
        context.close()
        served.close()


@pytest.mark.parametrize(("query", "expected"), QUERIES, ids=[q for q, _ in QUERIES])
def test_first_result(search_page, query: str, expected: str) -> None:
    page, base = search_page
    hrefs = page.evaluate(FIRST_RESULTS, query)
    assert hrefs, f"{query}: nothing found"
    pages = [h.removeprefix(base).split("?")[0].split("#")[0] for h in hrefs]
    assert pages[0] == expected, (query, pages)


def test_at_least_thirty_everyday_queries() -> None:
    assert len({q for q, _ in QUERIES}) >= 30
