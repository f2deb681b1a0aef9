"""`infostd audit` and `infostd migrate` end to end, through the CLI, on the
shipped standards and on the audit fixture standards."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from generators.cli import cli
from generators.config import load_config
from generators.loader import load_catalog
from tests import audit_ledgers as L
from tests.conftest import CATALOG, FIXTURES, make_project


def run(root: Path, *args: str):
    result = CliRunner().invoke(cli, ["--root", str(root), *args])
    assert "Traceback" not in result.output
    return result


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return make_project(tmp_path, FIXTURES / "audit" / "standards")


def test_done_when_two_disagreeing_customer_ledgers(tmp_path):
    """Shipped standards: audit proposes the right field for every column that has
    one, shows the conflicting customers side by side and a score per ledger; after
    review, migrate writes a template that passes except for the rows it lists."""
    sales, service = L.shipped_sales_ledger(tmp_path), L.shipped_service_ledger(tmp_path)
    mapping, report = tmp_path / "map.yaml", tmp_path / "report.html"
    result = run(
        CATALOG,
        "audit",
        str(sales),
        str(service),
        "--mapping",
        str(mapping),
        "-o",
        str(report),
        "--format",
        "json",
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    proposed = [{c["column"]: c["field"] for c in x["columns"]} for x in data["ledgers"]]
    assert proposed == [L.SHIPPED_SALES_COLUMNS, L.SHIPPED_SERVICE_COLUMNS]
    assert all(0 < x["scores"]["overall"] <= 1 for x in data["ledgers"])
    beijing = {
        c["field"]: c["values"] for c in data["conflicts"] if c["entity"] == "北京示例科技有限公司"
    }
    assert set(beijing) >= {"contact_name", "mobile", "value_grade"}
    # the audit masks as the storage policy says (the fixture's mobile: short x-sensitive form)
    assert [v["value"] for v in beijing["mobile"]] == ["138****8000", "139****1111"]
    assert "13800138000" not in result.stdout  # personal data is masked
    assert [v["row"] for v in beijing["value_grade"]] == [3, 3]
    assert "region" not in beijing  # "北京" and "北京市" are the same code
    assert report.is_file() and mapping.is_file()

    # the value grades are proposed from the code entries' aliases (VIP → A, 普通客户 → C;
    # 重点客户 is A's title, so it needs no line); the information specialist keeps them
    text = mapping.read_text(encoding="utf-8")
    assert "VIP: A  # 0.95" in text and "普通客户: C  # 0.95" in text
    mapping.write_text(text, encoding="utf-8")

    again = run(
        CATALOG, "audit", str(sales), str(service), "--mapping", str(mapping), "--format", "json"
    )
    data = json.loads(again.stdout)
    grades = [c for c in data["conflicts"] if c["field"] == "value_grade"]
    found = [[v["value"] for v in c["values"]] for c in grades]
    assert ["VIP（A 重点客户）", "B 主要客户"] in found  # coded values compare by code
    assert ["A 重点客户", "B 主要客户"] in found and len(found) == 2
    assert mapping.read_text(encoding="utf-8") == text  # reused, not overwritten

    out = tmp_path / "客户信息.xlsx"
    migrated = run(CATALOG, "migrate", str(sales), "--mapping", str(mapping), "-o", str(out))
    assert migrated.exit_code == 1, migrated.output
    lines = migrated.stdout.splitlines()
    assert any(
        line.endswith("销售部客户台账.xlsx [客户档案] 第 7 行：合计行，未迁移") for line in lines
    )
    problems = [line for line in lines if "（输出第" in line]
    assert problems and all("第 6 行（输出第 5 行）" in line for line in problems)
    assert any("统一社会信用代码" in line for line in problems)
    assert "其中 1 行需修改" in lines[-1]

    wb = openpyxl.load_workbook(out)
    ws = wb["客户信息"]
    catalog = load_catalog(config=load_config(CATALOG))
    keys = [c.value for c in ws[2]]
    assert keys == [f.key for f in catalog.records["customer"].fields]
    assert ws.row_dimensions[2].hidden
    # it is the standard's template: dropdowns and validations, version mark in _meta
    assert ws.data_validations.dataValidation
    meta = dict(wb["_meta"].iter_rows(values_only=True))
    assert meta["record"] == "customer" and meta["template"] == "infostd"
    assert "代码表" in wb.sheetnames and "填写说明" in wb.sheetnames
    rows = [dict(zip(keys, (c.value for c in row), strict=True)) for row in ws.iter_rows(min_row=3)]
    assert [r["name"] for r in rows] == [
        "北京示例科技有限公司",
        "上海某贸易有限公司",
        "广州某制造有限公司",
    ]
    assert rows[0]["customer_type"] == "1 企业客户" and rows[0]["region"] == "11 北京市"
    assert rows[0]["value_grade"] == "A 重点客户" and rows[1]["credit_limit"] == 200000
    assert rows[1]["owner_dept"] == "XS02 华东销售分部"
    # `infostd validate` accepts the file except for the row migrate listed
    checked = run(CATALOG, "validate", str(out), "--format", "json")
    assert checked.exit_code == 1, checked.output
    (report,) = json.loads(checked.stdout)["files"]
    assert report["rows"] == 3 and report["record"] == "customer"
    assert {e["row"] for e in report["errors"]} == {5}
    listed = {line.split("：", 1)[1] for line in problems}
    assert {e["message"] for e in report["errors"]} <= listed

    # the specialist fixes the listed row in the output; then it validates clean
    wb = openpyxl.load_workbook(out)
    ws = wb["客户信息"]
    ws.cell(5, keys.index("uscc") + 1, L.uscc("91440101MA59ABCD1"))
    ws.cell(5, keys.index("mobile") + 1, "13812340000")
    wb.save(out)
    assert run(CATALOG, "validate", str(out)).exit_code == 0


def test_audit_text_report_and_xlsx(project, tmp_path):
    sales, service = L.sales_ledger(tmp_path), L.service_ledger(tmp_path)
    out = tmp_path / "report.xlsx"
    result = run(project, "audit", str(sales), str(service), "-o", str(out))
    assert result.exit_code == 0, result.output
    assert "综合" in result.stdout and "跨台账不一致：2 处" in result.stdout
    assert "已写入报告" in result.stderr
    assert openpyxl.load_workbook(out).sheetnames[0] == "概览"


def test_audit_with_record_and_gb18030_csv(project, tmp_path):
    result = run(
        project, "audit", str(L.gb18030_csv(tmp_path)), "--record", "customer", "--format", "json"
    )
    assert result.exit_code == 0, result.output
    (ledger,) = json.loads(result.stdout)["ledgers"]
    assert [c["field"] for c in ledger["columns"]] == ["name", "uscc", "region"]


def test_migrate_lists_unmapped_codes_and_never_overwrites(project, tmp_path):
    sales = L.sales_ledger(tmp_path)
    mapping = tmp_path / "map.yaml"
    assert run(project, "audit", str(sales), "--mapping", str(mapping)).exit_code == 0
    out = tmp_path / "out.xlsx"
    result = run(project, "migrate", str(sales), "--mapping", str(mapping), "-o", str(out))
    assert result.exit_code == 1
    assert "第 9 行（输出第 7 行）：客户类型“黑名单”在映射文件中没有对应代码" in result.stdout
    wb = openpyxl.load_workbook(out)
    assert wb["_meta"].sheet_state == "hidden"
    values = [c.value for c in wb["客户信息"]["D"][2:]]  # customer_type column
    assert values == ["01 重点客户", "02 一般客户", "01 重点客户", "01 重点客户", "黑名单"]
    before = sales.read_bytes()
    same = run(project, "migrate", str(sales), "--mapping", str(mapping), "-o", str(sales))
    assert same.exit_code == 2 and "迁移结果须为 .xlsx" not in same.output
    assert "不能覆盖原台账" in same.output
    assert sales.read_bytes() == before


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["audit", "nope.xlsx"], "nope.xlsx: 文件不存在"),
        (["audit", "{sales}", "--record", "nope"], "未知记录“nope”"),
        (["audit", "{sales}", "-o", "{tmp}/r.pdf"], "报告格式须为 .html、.xlsx 或 .json"),
        (["audit", "{bad}"], "无法读取 Excel 文件"),
        (["audit", "{tmp}"], "是目录"),
        (["audit", "{empty}"], "未在台账中找到表头和数据行"),
        (["audit", "{sales}", "--mapping", "{badmap}"], "映射文件不是有效的 YAML"),
        (
            ["migrate", "{sales}", "--mapping", "{othermap}", "-o", "{tmp}/o.xlsx"],
            "映射文件中没有该台账",
        ),
        (
            ["migrate", "{sales}", "--mapping", "{stalemap}", "-o", "{tmp}/o.xlsx"],
            "列“电话号码”在台账中不存在",
        ),
        (
            ["migrate", "{sales}", "--mapping", "{tmp}/none.yaml", "-o", "{tmp}/o.xlsx"],
            "无法读取映射文件",
        ),
        (
            ["migrate", "{sales}", "--mapping", "{othermap}", "-o", "{tmp}/o.csv"],
            "迁移结果须为 .xlsx",
        ),
    ],
)
def test_bad_input_exits_2_with_a_message(project, tmp_path, args, message):
    sales = L.sales_ledger(tmp_path)
    (tmp_path / "bad.xlsx").write_bytes(b"PK not really")
    (tmp_path / "bad.yaml").write_text("ledgers: [\n", encoding="utf-8")
    (tmp_path / "other.yaml").write_text(
        "ledgers:\n  - file: a.xlsx\n    sheet: x\n    record: customer\n    columns: {}\n",
        encoding="utf-8",
    )
    (tmp_path / "stale.yaml").write_text(
        "ledgers:\n  - file: 销售部客户台账.xlsx\n    record: customer\n    columns: {电话号码: mobile}\n",
        encoding="utf-8",
    )
    (tmp_path / "empty.csv").write_text("只有一行说明\n", encoding="utf-8")
    subs = {
        "{empty}": str(tmp_path / "empty.csv"),
        "{sales}": str(sales),
        "{bad}": str(tmp_path / "bad.xlsx"),
        "{badmap}": str(tmp_path / "bad.yaml"),
        "{othermap}": str(tmp_path / "other.yaml"),
        "{stalemap}": str(tmp_path / "stale.yaml"),
        "{tmp}": str(tmp_path),
    }
    argv = []
    for a in args:
        for k, v in subs.items():
            a = a.replace(k, v)
        argv.append(a)
    result = run(project, *argv)
    assert result.exit_code == 2, result.output
    assert message in result.output
    assert result.output.startswith("错误：")
