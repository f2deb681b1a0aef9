"""The audit library: reading messy ledgers, mapping proposals, profile,
conflicts, the mapping file, reports read back."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pytest

from generators.audit import audit
from generators.audit.ledger import read_ledger
from generators.audit.mapping import (
    MappingError,
    dump_mappings,
    known_headers,
    load_mappings,
    propose,
)
from generators.audit.report import render_html, render_json, render_xlsx
from generators.config import load_config
from generators.errors import InfostdError
from generators.loader import load_catalog
from generators.model import Catalog
from tests import audit_ledgers as L
from tests.browser import needs_chromium
from tests.conftest import FIXTURES, make_project


@pytest.fixture
def catalog(tmp_path: Path) -> Catalog:
    root = make_project(tmp_path, FIXTURES / "audit" / "standards")
    return load_catalog(config=load_config(root))


def _columns(mapping) -> dict:
    return {c: k for c, k in mapping.columns.items()}


# ── reading ────────────────────────────────────────────────────────────────


def test_title_rows_blank_totals_and_prose_sheet(catalog, tmp_path):
    tables, notes = read_ledger(L.sales_ledger(tmp_path), known_headers(catalog))
    (table,) = tables
    assert table.sheet == "客户档案"
    assert table.header_row == 3
    assert table.title == "销售部客户台账（2025年） 单位：元"
    assert table.columns[:4] == ["序号", "客户编号", "单位名称", "税号"]
    assert [n for n, _ in table.rows] == [4, 5, 6, 8, 9]
    assert table.skipped == [(7, "空行"), (10, "合计行")]
    assert notes and "[说明]" in notes[0] and "未找到表头" in notes[0]


def test_two_row_header_with_merged_groups(catalog, tmp_path):
    (table,), _ = read_ledger(L.service_ledger(tmp_path), known_headers(catalog))
    assert table.header_row == 2
    assert table.columns == ["客户名称", "信用代码", "客户等级", "手机", "地区", "登记日期"]
    assert table.rows[0][0] == 3
    assert table.column_texts(5)[0] == "2024-03-01"


def test_contract_ledger_title_rows_totals_and_note(catalog, tmp_path):
    (table,), _ = read_ledger(L.contract_ledger(tmp_path), known_headers(catalog))
    assert table.header_row == 3
    assert [n for n, _ in table.rows] == [4, 5]
    assert table.skipped == [(6, "合计行"), (7, "说明行")]


def test_gb18030_csv(catalog, tmp_path):
    (table,), _ = read_ledger(L.gb18030_csv(tmp_path), known_headers(catalog))
    assert table.columns == ["公司名称", "统一社会信用代码", "地区"]
    assert table.column_texts(0) == ["北京示例科技有限公司", "广州某制造有限公司"]


def test_unnamed_columns_with_data_are_kept_and_named_by_letter(catalog, tmp_path):
    path = tmp_path / "x.csv"
    path.write_text("客户名称,地区,\n甲公司,北京市,额外\n", encoding="utf-8")
    (table,), _ = read_ledger(path, known_headers(catalog))
    assert table.columns == ["客户名称", "地区", "列C"]


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("missing.xlsx", None, "文件不存在"),
        ("ledger.pdf", b"%PDF", "不支持的台账格式"),
        ("broken.xlsx", b"not a zip", "无法读取 Excel"),
        ("utf16.csv", "名称".encode("utf-16"), "UTF-16 编码"),
        ("latin.csv", b"abc,\xff\n", "无法识别文件编码"),
    ],
)
def test_unreadable_ledgers_are_located_errors(catalog, tmp_path, name, data, message):
    path = tmp_path / name
    if data is not None:
        path.write_bytes(data)
    with pytest.raises(InfostdError, match=message) as info:
        read_ledger(path, known_headers(catalog))
    assert name in str(info.value)


# ── mapping proposals ──────────────────────────────────────────────────────


def test_header_proposals_have_confidence_and_reason(catalog, tmp_path):
    (table,), _ = read_ledger(L.sales_ledger(tmp_path), known_headers(catalog))
    mapping = propose(catalog, table)
    assert mapping.record == "customer"
    assert _columns(mapping) == {
        "序号": None,
        "客户编号": "customer_code",
        "单位名称": "name",
        "税号": "uscc",
        "客户类别": "customer_type",
        "联系电话": "mobile",
        "所在地区": "region",
        "授信额度（元）": "credit_limit",
        "备注": None,
    }
    by_column = {p.column: p for p in mapping.proposals}
    assert by_column["单位名称"].confidence == 0.95
    assert "别名“单位名称”" in by_column["单位名称"].reason
    assert by_column["客户编号"].confidence > 0.95  # header and values agree
    assert "编码规则" in by_column["客户编号"].reason


def test_reason_for_a_key_header_reads_well(catalog, tmp_path):
    path = tmp_path / "x.csv"
    path.write_text("customer_code,name\n110001,北京示例科技有限公司\n", encoding="utf-8")
    (table,), _ = read_ledger(path, known_headers(catalog))
    reasons = {p.column: p.reason for p in propose(catalog, table, record="customer").proposals}
    assert reasons["name"] == "表头“name”与字段键“name”一致"


def test_values_alone_identify_a_uscc_column(catalog, tmp_path):
    path = tmp_path / "x.csv"
    rows = [
        f"甲{i}公司,{code},北京市" for i, code in enumerate([L.BEIJING, L.SHANGHAI, L.SHENZHEN])
    ]
    path.write_text("客户名称,代码X,地区\n" + "\n".join(rows) + "\n", encoding="utf-8")
    (table,), _ = read_ledger(path, known_headers(catalog))
    mapping = propose(catalog, table)
    proposal = next(p for p in mapping.proposals if p.column == "代码X")
    assert proposal.field == "uscc"
    assert proposal.confidence == 0.95
    assert "100% 的值符合统一社会信用代码" in proposal.reason


def test_code_entry_aliases_are_loaded(catalog):
    entry = catalog.codelists["customer-type"].by_code["01"]
    assert entry.aliases == ("VIP", "大客户")
    assert catalog.codelists["customer-type"].normalise("VIP") is None  # not accepted as data


def test_value_mapping_proposals_for_coded_fields(catalog, tmp_path):
    (table,), _ = read_ledger(L.sales_ledger(tmp_path), known_headers(catalog))
    mapping = propose(catalog, table)
    assert mapping.values["customer_type"] == {"VIP": "01", "普通客户": "02", "黑名单": None}
    vip = next(p for p in mapping.value_proposals["customer_type"] if p.value == "VIP")
    assert (vip.confidence, vip.count) == (0.95, 2)
    assert "别名" in vip.reason
    # "重点客户" is already the title of a code: it needs no entry
    assert "重点客户" not in mapping.values["customer_type"]


def test_contract_ledger_is_recognised_as_contract(catalog, tmp_path):
    (table,), _ = read_ledger(L.contract_ledger(tmp_path), known_headers(catalog))
    mapping = propose(catalog, table)
    assert mapping.record == "contract"
    assert _columns(mapping)["合同金额（元）"] is None


# ── profile, scores, duplicates, conflicts ─────────────────────────────────


def test_profile_scores_and_top_failures(catalog, tmp_path):
    result = audit(catalog, [L.sales_ledger(tmp_path)])
    (ledger,) = result.ledgers
    fields = {f.key: f for f in ledger.fields}
    assert fields["uscc"].fill_rate == 1.0
    assert (fields["uscc"].checked, fields["uscc"].passed) == (5, 4)
    assert fields["uscc"].failures[0][0] == L.GUANGZHOU_BAD
    assert "校验位" in fields["uscc"].failures[0][2]
    # mobile is personal data: the failing value is masked
    masked = fields["mobile"].failures[0][0]
    assert masked != "1381234" and masked[0] == "1" and masked.endswith("34") and "*" in masked
    assert fields["mobile"].fill_rate == 0.8
    assert fields["customer_type"].distinct == 4
    assert fields["registered_on"].column is None
    # completeness: required ∪ mapped fields (7), mobile 4/5 filled
    assert ledger.completeness == pytest.approx((6 + 0.8) / 7)
    # accuracy: 34 checked values, 3 failing (uscc, mobile, 黑名单)
    assert ledger.accuracy == pytest.approx(31 / 34)
    assert ledger.uniqueness == pytest.approx(4 / 5)  # row 8 repeats row 4
    dup = {(d.field, tuple(d.rows)) for d in ledger.duplicates}
    assert dup == {("uscc", (4, 8)), ("name", (4, 8))}


def test_conflicting_customers_side_by_side(catalog, tmp_path):
    result = audit(catalog, [L.sales_ledger(tmp_path), L.service_ledger(tmp_path)])
    conflicts = {(c.entity, c.field): c for c in result.conflicts}
    assert set(conflicts) == {
        ("北京示例科技有限公司", "customer_type"),
        ("北京示例科技有限公司", "mobile"),
    }
    kind = conflicts[("北京示例科技有限公司", "customer_type")]
    assert "统一社会信用代码" in kind.matched_by
    assert [(Path(n.split(" [")[0]).name, r, v) for n, r, v in kind.values] == [
        ("销售部客户台账.xlsx", 4, "VIP（01 重点客户）"),
        ("销售部客户台账.xlsx", 8, "VIP（01 重点客户）"),
        ("售后服务部客户名单.xlsx", 3, "02 一般客户"),
    ]
    # 上海: "普通客户" in both, region "上海市" in both, credit only in sales → no conflict
    assert not any(c.entity.startswith("上海") for c in result.conflicts)


def test_matching_by_normalised_name_without_codes(catalog, tmp_path):
    a, b = tmp_path / "a.csv", tmp_path / "b.csv"
    a.write_text("客户名称,地区\n北京 示例科技有限公司,北京市\n", encoding="utf-8")
    b.write_text(
        "单位名称,所在地区\nＢ公司,上海市\n北京示例科技有限公司,上海市\n", encoding="utf-8"
    )
    result = audit(catalog, [a, b])
    (conflict,) = result.conflicts
    assert conflict.field == "region" and conflict.matched_by == "客户名称"
    assert [v for _, _, v in conflict.values] == ["11 北京市", "31 上海市"]


# ── the mapping file ───────────────────────────────────────────────────────


def test_mapping_file_round_trip_and_corrected_mapping_reused(catalog, tmp_path):
    result = audit(catalog, [L.sales_ledger(tmp_path)])
    text = dump_mappings(result.mappings)
    assert "单位名称: name  # 0.95" in text
    assert "黑名单: null  # 0.00" in text
    path = tmp_path / "map.yaml"
    # the reviewer: 黑名单 is a 潜在客户, and 备注 is not a mobile … but 联系电话 is not migrated
    path.write_text(
        text.replace("黑名单: null", "黑名单: '03'").replace("联系电话: mobile", "联系电话: null"),
        encoding="utf-8",
    )
    mappings = load_mappings(catalog, path)
    assert mappings[0].values["customer_type"]["黑名单"] == "03"
    again = audit(catalog, [L.sales_ledger(tmp_path)], mappings=mappings)
    fields = {f.key: f for f in again.ledgers[0].fields}
    assert fields["mobile"].column is None
    assert fields["customer_type"].failures == []
    assert again.ledgers[0].mapping.reviewed


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("ledgers: [", r"map.yaml:\d+: 映射文件不是有效的 YAML"),
        ("foo: 1", "须有 ledgers 列表"),
        ("ledgers:\n  - file: a.xlsx\n    record: nope\n    columns: {}", "未知记录“nope”"),
        (
            "ledgers:\n  - file: a.xlsx\n    record: customer\n    columns: {名称: nmae}",
            "字段“nmae”不在记录 customer 中，是否为“name”",
        ),
        (
            "ledgers:\n  - file: a.xlsx\n    record: customer\n    columns: {a: name, b: name}",
            "字段“name”对应了多个列",
        ),
        (
            "ledgers:\n  - file: a.xlsx\n    record: customer\n    columns: {a: customer_type}\n"
            "    values: {customer_type: {VIP: '07'}}",
            "代码“07”不在代码表“客户类型”中",
        ),
    ],
)
def test_bad_mapping_files(catalog, tmp_path, text, message):
    path = tmp_path / "map.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(MappingError, match=message):
        load_mappings(catalog, path)


# ── reports ────────────────────────────────────────────────────────────────


def test_json_report(catalog, tmp_path):
    result = audit(catalog, [L.sales_ledger(tmp_path), L.service_ledger(tmp_path)])
    data = json.loads(render_json(result))
    sales, service = data["ledgers"]
    assert sales["record"] == "customer" and sales["rows"] == 5
    assert sales["scores"]["uniqueness"] == 0.8
    assert {"row": 10, "reason": "合计行"} in sales["skipped"]
    assert sales["value_mappings"]["customer_type"][0] == {
        "value": "VIP",
        "code": "01",
        "confidence": 0.95,
        "reason": "代码表中“01 重点客户”的别名",
        "count": 2,
    }
    assert len(data["conflicts"]) == 2


def test_html_report_summary_first_static_svg_and_escaped(catalog, tmp_path):
    path = tmp_path / "x.csv"
    path.write_text(
        "客户名称,地区,<script>alert(1)</script>\n甲公司,北京市,x\n乙公司,火星,y\n",
        encoding="utf-8",
    )
    result = audit(catalog, [L.sales_ledger(tmp_path), L.service_ledger(tmp_path), path])
    html = render_html(result)
    assert html.index("概览") < html.index("跨台账不一致") < html.index("字段符合度")
    assert "<script" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "“火星”×1" in html  # a failing value, shown with its count
    assert html.count("<svg") == 1 + 3  # one per ledger plus the summary chart
    assert "http://" not in html.replace('xmlns="http://www.w3.org/2000/svg"', "")
    assert "VIP（01 重点客户）" in html


def test_xlsx_report_read_back(catalog, tmp_path):
    result = audit(catalog, [L.sales_ledger(tmp_path), L.service_ledger(tmp_path)])
    out = tmp_path / "report.xlsx"
    out.write_bytes(render_xlsx(result))
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["概览", "字段", "列映射", "值映射", "跨台账不一致", "重复", "跳过的行"]
    overview = list(wb["概览"].iter_rows(values_only=True))
    assert overview[0][:4] == ("台账", "记录", "数据行", "综合得分")
    assert overview[1][2] == 5 and overview[1][6] == 0.8
    conflicts = list(wb["跨台账不一致"].iter_rows(min_row=2, values_only=True))
    assert conflicts[0][0:3:2] == ("北京示例科技有限公司", "客户类型")
    assert render_xlsx(result) == render_xlsx(result)  # deterministic


@needs_chromium
def test_html_report_renders_offline_in_chromium(catalog, tmp_path, browser):
    """The report opens in a real browser with nothing fetched from anywhere."""
    result = audit(catalog, [L.sales_ledger(tmp_path), L.service_ledger(tmp_path)])
    page_path = tmp_path / "report.html"
    page_path.write_text(render_html(result), encoding="utf-8")
    requested: list[str] = []
    page = browser.new_page()
    try:
        page.on("request", lambda r: requested.append(r.url))
        page.goto(page_path.as_uri())
        assert page.title() == "台账现状诊断报告"
        bars = page.locator("svg rect title")
        assert bars.count() >= 2
        assert "综合得分" in page.locator("table").first.inner_text()
        box = page.locator("svg").first.bounding_box()
        assert box is not None and box["width"] > 300
    finally:
        page.close()
    assert requested == [page_path.as_uri()]
