"""The reviewer's view: `infostd diff --format html` renders each changed standard before and
after, and `diff` compares with the base branch while nothing is released."""

from __future__ import annotations

import html
import re
from pathlib import Path

from tests.test_authoring import edit, ok, repo  # noqa: F401 - fixtures reused
from tests.test_release import git_identity  # noqa: F401

CUSTOMER = Path("standards/records/customer.md")


def test_html_report_shows_before_and_after(repo: Path) -> None:  # noqa: F811
    ok(repo, "add-code", "department-code", "--title", "西南销售分部", "--code", "XS04")
    edit(repo, CUSTOMER, '"title": "客户名称"', '"title": "客户全称"')
    edit(
        repo,
        CUSTOMER,
        "## 1 范围\n",
        "## 1 范围\n\n新增的说明 <u>下划线</u>。\n",  # check refuses <script> in a body (issue 11)
    )
    page = ok(repo, "diff", "--format", "html")
    assert page.startswith("<!doctype html>") and "main → 工作区" in page
    assert "<u>下划线</u>" not in page
    assert "<ins>新增的说明 &lt;u&gt;下划线&lt;/u&gt;。</ins>" in page
    sections = re.split(r"<h2>", page)[1:]
    titles = [s.split("</h2>")[0] for s in sections]
    assert sorted(titles) == ["IMS-CL-006 部门代码表", "IMS-DS-001 客户信息数据标准"]
    dept = sections[titles.index("IMS-CL-006 部门代码表")]
    before, after = dept.split('<div class="side">')[1:3]
    assert "XS04" not in before and "<code>XS04</code>" in after and "西南销售分部" in after
    customer = sections[titles.index("IMS-DS-001 客户信息数据标准")]
    before, after = customer.split('<div class="side">')[1:3]
    assert ">客户名称</a>" in before and ">客户全称</a>" in after  # names link to their anchors
    assert "编码规则" in after  # rules in words, not only the raw schema
    text = html.unescape(re.sub(r"<[^>]+>", "", customer))
    assert "[minor]" in text or "[patch]" in text


def test_plain_diff_lists_the_change_not_the_catalog(repo: Path) -> None:  # noqa: F811
    ok(repo, "add-code", "department-code", "--title", "西南销售分部", "--code", "XS04")
    out = ok(repo, "diff")
    assert out.startswith("main → 工作区：需要 minor")
    assert out.count("\n  [") == 1
