"""Portal renderers: model → HTML/Markdown, on the mini fixture, with escaping."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from generators.model import Catalog
from generators.portal import render
from generators.portal.pages import (
    PortalContext,
    classification_page,
    codelists_page,
    navigation,
    responsibility_page,
)

EVIL = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def no_link(key: str | None) -> str | None:
    return f"#link-{key}" if key else None


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []

    def handle_starttag(self, tag: str, attrs) -> None:
        self.tags.append(tag)


def tags_of(html: str) -> list[str]:
    parser = _Tags()
    parser.feed(html)
    return parser.tags


def test_field_table_lists_every_field_with_rules(mini_catalog: Catalog) -> None:
    schema = mini_catalog.schemas["customer"]
    table = render.field_table(schema, mini_catalog, no_link)
    for heading in [
        "字段",
        "名称",
        "类型",
        "必填",
        "规则/格式",
        "代码表",
        "说明",
        "示例",
        "敏感级别",
    ]:
        assert f"<th>{heading}</th>" in table
    assert table.count("<tr") == len(schema.fields) + 1
    # one stable anchor per field, the Chinese name first and linking to it
    assert (
        '<tr id="customer.uscc"><td data-label="名称"><a class="infostd-field-name" href="#customer.uscc">'
        in table
    )
    assert table.index("<th>名称</th>") < table.index("<th>字段</th>")
    assert "统一社会信用代码（GB 32100-2015" in table
    assert "长度 2–50" in table
    assert "≥ 0" in table
    assert '<a href="#link-region">地区代码</a>' in table
    assert "个人信息" in table  # x-sensitive of mobile
    assert "<code>110001</code>" in table  # field example


def test_schema_text_is_escaped_everywhere(mini_catalog: Catalog) -> None:
    schema = mini_catalog.schemas["customer"]
    schema.raw["description"] = EVIL
    schema.raw["title"] = EVIL
    f = schema.field_by_key["name"]
    f.description = EVIL
    f.title = EVIL
    f.examples = [EVIL]
    f.aliases = [EVIL]
    html = render.schema_html(schema, mini_catalog, no_link)
    assert "script" not in tags_of(html) and "img" not in tags_of(html)
    assert "&lt;script&gt;" in html
    heading = render.schema_markdown(schema, mini_catalog, no_link).splitlines()[0]
    assert "<" not in heading and "&#60;script&#62;" in heading


def test_md_text_neutralises_markdown() -> None:
    text = render.md_text("a|b *c* [d](e) <f> `g` &amp;\nh")
    assert not set("|*[]()<>`") & set(text.replace("&#", ""))
    assert "\n" not in text


def test_code_rule_diagram_has_one_box_per_segment(mini_catalog: Catalog) -> None:
    f = mini_catalog.schemas["customer"].field_by_key["customer_code"]
    diagram = render.code_rule_diagram(f, f.code_rule, mini_catalog, no_link)
    assert diagram.count('class="infostd-segment"') == 2
    assert "地区码" in diagram and "4 位数字" in diagram
    assert '<a href="#link-region">地区代码</a>' in diagram
    assert "(?:" not in diagram and "[0-9]" not in diagram  # no regex shown to readers


def test_table_rules_in_words(mini_catalog: Catalog) -> None:
    customer = render.table_rules(mini_catalog.schemas["customer"], mini_catalog, no_link)
    assert "客户编码 在全表中不得重复" in customer
    contract = render.table_rules(mini_catalog.schemas["contract"], mini_catalog, no_link)
    assert '<a href="#link-customer">客户信息</a>' in contract
    assert "录入时间 不得早于 签订时间，且两者间隔不超过 24 小时" in contract
    assert "合同信息需在签订后24小时内录入" in contract


def test_lifecycle_table_in_stage_order(mini_catalog: Catalog) -> None:
    schema = mini_catalog.schemas["customer"]
    assert render.lifecycle_table(schema) == ""
    schema.lifecycle = {
        "dispose": {"procedure": "监销"},
        "collect": {"who": "业务员"},
        "store": {"retention": "P10Y"},
        "use": {"roles": ["销售", "财务"]},
        "archive": {"when": "注销后"},
    }
    table = render.lifecycle_table(schema)
    stages = re.findall(r'<tr><td data-label="阶段">(\S\S)</td>', table)
    assert stages == ["采集", "存储", "使用", "归档", "销毁"]
    assert "10 年" in table and "销售、财务" in table and "责任人" in table


def test_header_card_banner_and_buttons(mini_catalog: Catalog) -> None:
    standard = mini_catalog.standards[-1]
    card = render.header_card(
        standard, mini_catalog, "1.2.0", "2026-03-01", [("下载模板", "../x.xlsx")], "https://f"
    )
    assert "T-DS-001" in card and "1.2.0" in card and "2026-03-01" in card
    assert "XS01 销售部" in card and "FW01 法务部" in card and "01.01 客户信息" in card
    assert 'href="../x.xlsx"' in card and "反馈意见" in card
    assert "admonition" not in card  # released: no banner
    standard.status = "deprecated"
    assert "已废止" in render.header_card(standard, mini_catalog, "1", None, [], None)
    standard.status = "pilot"
    assert "试行标准" in render.header_card(standard, mini_catalog, "1", None, [], None)


def test_standard_markdown_replaces_blocks_and_places_card(mini_catalog: Catalog) -> None:
    standard = next(s for s in mini_catalog.standards if s.id == "T-DS-001")
    page = render.standard_markdown(standard, mini_catalog, no_link, "<div>CARD</div>")
    assert "```json schema" not in page and '"$id"' not in page.split("<details")[0]
    lines = page.splitlines()
    title = lines.index("# 客户信息数据标准")
    assert lines[title + 2] == "<div>CARD</div>"
    assert "### 客户信息 {#schema-customer}" in page
    assert "### 合同信息 {#schema-contract}" in page
    assert "见[地区代码](../codelists/region.md)。" in page  # prose untouched
    assert "id: T-DS-001" not in page  # front matter dropped


def test_generated_pages(mini_catalog: Catalog, mini_project) -> None:
    ctx = PortalContext(mini_catalog, mini_project, "0.1.0")
    tree = classification_page(ctx)
    assert "- **01 基础信息**" in tree
    assert "    - **01.01 客户信息**" in tree
    assert "        - [客户信息数据标准](../records/customer.md) `T-DS-001`" in tree
    matrix = responsibility_page(ctx)
    row = next(line for line in matrix.splitlines() if "T-DS-001" in line)
    assert "归口·批准" in row and "评审·批准" in row
    codelists = codelists_page(ctx)
    assert "## 地区代码 {#region}" in codelists and "<code>44</code>" in codelists
    nav = navigation(ctx, [])
    assert nav[0] == {"首页": "index.md"}
    assert {"数据标准": [{"客户信息数据标准": "records/customer.md"}]} in nav


def test_standards_are_listed_by_id_not_file_name(mini_catalog: Catalog, mini_project) -> None:
    # basics.md holds T-CL-002 and sorts before region.md (T-CL-001) by name.
    ctx = PortalContext(mini_catalog, mini_project, "0.1.0")
    codelists_nav = next(item["代码表"] for item in navigation(ctx, []) if "代码表" in item)
    assert [next(iter(entry.values())) for entry in codelists_nav] == [
        "codelists/region.md",
        "codelists/basics.md",
    ]
    overview = codelists_page(ctx)
    first = next(line for line in overview.splitlines() if line.startswith("## "))
    assert first == "## 地区代码 {#region}"


def test_empty_columns_left_out_and_code_lists_named_by_title(mini_catalog: Catalog) -> None:
    schema = mini_catalog.schemas["customer"]
    for f in schema.fields:
        f.examples = []
    table = render.field_table(schema, mini_catalog, no_link)
    assert "<th>示例</th>" not in table and "<th>敏感级别</th>" in table
    first_row = table.split("<tbody>")[1].split("</tr>")[0]
    assert first_row.count("<td ") == 8
    # the rule names the code list by its title, never by its key
    assert "代码表“地区代码”中的代码" in table and "代码表 region" not in table
    f = schema.field_by_key["customer_code"]
    diagram = render.code_rule_diagram(f, f.code_rule, mini_catalog, no_link)
    assert "地区代码</a> 代码" not in diagram  # not "地区代码 代码"


def test_any_of_alternatives_in_words_never_a_regex(fixture_catalog: Catalog) -> None:
    """The field table says each alternative of an anyOf field (its title and its rule in
    words); the regex stays in the raw schema only."""
    f = fixture_catalog.records["customer"].field_by_key["service_phone"]
    assert render.field_rules(f, fixture_catalog) == [
        "以下任一种：中国大陆手机号（11 位）；"
        "固定电话：“0” + 2–3 位数字 + “-” + 7–8 位数字，长度至多 13"
    ]
    table = render.field_table(fixture_catalog.records["customer"], fixture_catalog, no_link)
    row = table.split('id="customer.service_phone"', 1)[1].split("</tr>", 1)[0]
    assert "以下任一种" in row and "[0-9]" not in row
