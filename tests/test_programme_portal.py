"""质量看板 and 常见问题: built from the programme data, escaped, readable on a phone, offline."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from generators.config import load_config
from generators.loader import load_catalog
from generators.portal.pages import PortalContext
from generators.programme.portal import dashboard_page, faq_page

from .browser import needs_chromium, serve
from .test_programme import edit, project  # noqa: F401 - the repository-copy fixture


def context(root: Path) -> PortalContext:
    catalog = load_catalog(config=load_config(root))
    return PortalContext(catalog=catalog, root=root, version="0.0.0")


def test_dashboard_shows_each_goal_with_chart_and_table(shipped_site: Path) -> None:
    html = (shipped_site / "programme" / "dashboard" / "index.html").read_text(encoding="utf-8")
    for goal_id in ("G-01", "G-02", "G-03", "G-04", "G-05", "G-06", "G-07"):
        assert f'aria-labelledby="chart-{goal_id.lower()}-t chart-{goal_id.lower()}-d"' in html
        assert f"<caption>{goal_id} 各次测量</caption>" in html
    assert html.count('role="img"') >= 7
    assert '<title id="chart-g-01-t">G-01 电子化存储率（全公司）随时间的变化</title>' in html
    # figures in the table: G-01 from 60% at the survey to 84% now
    assert re.search(r"2026-06-30</th><td>60%</td>.*2026-11-27</th><td>84%</td>", html)
    assert "PL2026-01" in html and "已完成" in html  # the pilot and its status
    assert "FB2026-010" in html and "FB2026-001</th>" not in html.split("未关闭的问题")[-1]
    assert "示例数据" in html


def test_dashboard_charts_each_department_beside_its_table(project: Path) -> None:  # noqa: F811
    html = dashboard_page(context(project))
    sections = html.split('<div class="infostd-departments" markdown="0">')[1:]
    assert sections, "no per-department charts"
    for section in sections:
        charts, rest = section.split("</div>", 1)
        table = rest.split("</table>", 1)[0]
        rows = re.findall(r'<tr><th scope="row">([^<]+)</th>', table)
        captions = re.findall(r"<figcaption>([^<]+)</figcaption>", charts)
        assert rows and captions == rows  # one chart per department of the table, same order
        assert charts.count('role="img"') == len(rows)


def test_faq_lists_resolved_feedback_only(shipped_site: Path) -> None:
    html = (shipped_site / "programme" / "faq" / "index.html").read_text(encoding="utf-8")
    assert "编码规则复杂导致录入效率低" in html
    assert "客户编码由系统按地区自动生成顺序号" in html
    assert "供应商资质证书扫描件" not in html  # FB2026-009 is still open
    assert 'href="../../records/customer/"' in html  # the standard concerned, linked
    assert 'href="../../catalog/requirements/#cu-01"' in html  # and its requirement


def test_data_are_escaped_never_markup(project: Path) -> None:  # noqa: F811
    feedback = project / "programme" / "问题与反馈.csv"
    evil = "<script>alert(1)</script> **粗体** [链接](http://evil.example)"
    edit(feedback, "一线员工看不懂“统一社会信用代码校验位不正确”的提示，不知道如何改正", evil)
    edit(feedback, "供应商资质证书扫描件无法随模板一并提交，只能另行邮件发送", evil)
    ctx = context(project)
    faq, dashboard = faq_page(ctx), dashboard_page(ctx)
    # Markdown: every special character an entity, so no link, emphasis or tag survives
    assert "<script>" not in faq and "](http" not in faq and "**粗体**" not in faq
    # raw HTML blocks (markdown="0"): HTML-escaped text
    assert "<script>" not in dashboard
    assert "&lt;script&gt;alert(1)&lt;/script&gt; **粗体** [链接](http://evil.example)" in dashboard


def test_broken_programme_data_stop_the_page_with_located_lines(project: Path) -> None:  # noqa: F811
    from mkdocs.exceptions import PluginError

    edit(project / "programme" / "培训记录.csv", "2026-06-25,1.5,3,3", "2026-06-25,1.5,3,5")
    with pytest.raises(
        PluginError, match=r"培训记录.csv:3: H 列（实到人数）：实到人数不得多于应到人数"
    ):
        dashboard_page(context(project))


@pytest.fixture(scope="module")
def shipped_url(shipped_site: Path) -> Iterator[str]:
    yield from serve(shipped_site)


@needs_chromium
@pytest.mark.parametrize("path", ["programme/dashboard/", "programme/faq/"])
def test_pages_fit_a_phone_and_stay_offline(browser, shipped_url: str, path: str) -> None:
    context_ = browser.new_context(viewport={"width": 390, "height": 844})
    page = context_.new_page()
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    try:
        page.goto(shipped_url + path, wait_until="networkidle")
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        assert all(u.startswith(shipped_url) or u.startswith("data:") for u in requests), requests
        if path.endswith("dashboard/"):
            box = page.locator("svg.infostd-chart").first.bounding_box()
            assert box is not None and box["width"] > 300  # the chart uses the phone's width
            labels = page.locator("svg.infostd-chart text.axis").first
            size = labels.evaluate("e => e.getBoundingClientRect().height")
            assert size >= 9  # axis labels stay legible once the chart is scaled down
    finally:
        context_.close()
