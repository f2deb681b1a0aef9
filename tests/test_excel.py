"""Excel templates: generated files read back with openpyxl, CLI and build, byte stability."""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from openpyxl.worksheet.worksheet import Worksheet

from generators import excel
from generators.cli import cli
from generators.config import load_config
from generators.loader import load_catalog
from generators.model import Catalog, field_codelist
from tests.conftest import FIXTURES, make_project

VERSION = "1.2.0+dev.3.gabc1234"


@pytest.fixture
def wide_catalog(tmp_path: Path) -> Catalog:
    """The mini tree plus a record using every kind of constraint (fixtures/templates)."""
    return load_catalog(config=load_config(make_project(tmp_path, FIXTURES / "templates")))


def written(catalog: Catalog, key: str, folder: Path) -> openpyxl.Workbook:
    path = excel.write_template(catalog, key, folder / f"{key}.xlsx", VERSION)
    return openpyxl.load_workbook(path)


def validations(sheet: Worksheet) -> dict[str, object]:
    """Data validations by the field key in the hidden row 2 of their column."""
    found = {}
    for dv in sheet.data_validations.dataValidation:
        cells = next(iter(dv.sqref.ranges))
        found[sheet.cell(2, cells.min_col).value] = dv
    return found


def column_of(sheet: Worksheet, key: str) -> str:
    col = next(c.column_letter for c in sheet[2] if c.value == key)
    return col


def column_dimension(sheet: Worksheet, letter: str):
    """The <col> entry covering a column: openpyxl keys a run of equal columns by its first."""
    from openpyxl.utils import column_index_from_string

    index = column_index_from_string(letter)
    for dim in sheet.column_dimensions.values():
        if dim.min is not None and dim.min <= index <= (dim.max or dim.min):
            return dim
    return sheet.column_dimensions[letter]


def test_customer_layout_header_keys_and_meta(mini_catalog: Catalog, tmp_path: Path) -> None:
    book = written(mini_catalog, "customer", tmp_path)
    assert book.sheetnames == ["客户信息", "填写说明", "代码表", "_meta"]
    assert book["_meta"].sheet_state == "hidden"
    data = book["客户信息"]
    schema = mini_catalog.records["customer"]
    headers = [c.value for c in data[1]]
    assert headers == [f.title + (" *" if f.required else "") for f in schema.fields]
    assert [c.value for c in data[2]] == [f.key for f in schema.fields]
    assert data.row_dimensions[2].hidden
    assert data.freeze_panes == "A3"
    required_fill = data["A1"].fill.fgColor.rgb
    optional_fill = data[f"{column_of(data, 'mobile')}1"].fill.fgColor.rgb
    assert required_fill.endswith("FCE4D6") and optional_fill != required_fill
    assert data["A1"].protection.locked and data.protection.sheet
    assert data.protection.password is None

    meta = dict(book["_meta"].iter_rows(values_only=True))
    assert meta == {
        "standard_id": "T-DS-001",
        "record": "customer",
        "version": VERSION,
        "schema_sha256": mini_catalog.checksum("customer"),
        "template": "infostd",
    }
    props = {p.name: p.value for p in book.custom_doc_props.props}
    assert props == meta
    assert book.properties.created == book.properties.modified == dt.datetime(2000, 1, 1)


def test_code_columns_are_text_and_unlocked(mini_catalog: Catalog, tmp_path: Path) -> None:
    data = written(mini_catalog, "customer", tmp_path)["客户信息"]
    schema = mini_catalog.records["customer"]
    for f in schema.fields:
        dim = data.column_dimensions[column_of(data, f.key)]
        assert dim.protection.locked is False, f.key
        assert dim.width >= 8
        if f.is_code:
            assert dim.number_format == "@", f.key
    assert data.column_dimensions[column_of(data, "registered_on")].number_format == "yyyy-mm-dd"
    assert data.column_dimensions[column_of(data, "credit_limit")].number_format != "@"


def test_customer_validations(mini_catalog: Catalog, tmp_path: Path) -> None:
    book = written(mini_catalog, "customer", tmp_path)
    dvs = validations(book["客户信息"])
    assert set(dvs) == {f.key for f in mini_catalog.records["customer"].fields}
    for key, dv in dvs.items():
        assert str(dv.sqref).endswith("3:" + str(dv.sqref).split(":")[0][0] + "10002"), key
        assert dv.showInputMessage and dv.prompt and len(dv.prompt) <= 255
        assert dv.promptTitle and len(dv.promptTitle) <= 32
        assert dv.errorStyle in (None, "stop") and dv.error and dv.errorTitle

    region = dvs["region"]
    assert region.type == "list" and region.formula1 == "'代码表'!$C$3:$C$5"
    codes = book["代码表"]
    labels = [codes[f"C{row}"].value for row in range(3, 6)]
    region_list = mini_catalog.codelists["region"]
    assert labels == ["11 北京市", "31 上海市", "44 广东省"]
    assert [region_list.normalise(label) for label in labels] == region_list.codes
    assert [codes[f"A{row}"].value for row in range(3, 6)] == region_list.codes
    assert "地区代码" in region.prompt and "11 北京市" in region.prompt

    code = dvs["customer_code"]
    assert code.type == "custom"
    assert "LEN(A3)=6" in code.formula1
    assert "'代码表'!$A$3:$A$5" in code.formula1  # region prefix checked against the list
    rule = mini_catalog.records["customer"].field_by_key["customer_code"].code_rule
    assert rule.describe(mini_catalog.codelists) in code.prompt
    assert "代码表“地区代码”" in code.prompt and "region" not in code.prompt  # title, not key
    assert "LEN(C3)=18" in dvs["uscc"].formula1 and "校验码" in dvs["uscc"].prompt
    mobile = dvs["mobile"].formula1
    assert "LEN(D3)=11" in mobile and 'LEFT(D3,1)="1"' in mobile
    assert "个人信息" in dvs["mobile"].prompt
    assert (dvs["name"].type, dvs["name"].formula1, dvs["name"].formula2) == (
        "textLength",
        "2",
        "50",
    )
    limit = dvs["credit_limit"]
    assert (limit.type, limit.operator or "between", limit.formula1) == ("decimal", "between", "0")
    assert dvs["registered_on"].type == "date"
    assert "客户名称" in dvs["name"].error and "2–50" in dvs["name"].error


def test_guide_sheet(mini_catalog: Catalog, tmp_path: Path) -> None:
    guide = written(mini_catalog, "customer", tmp_path)["填写说明"]
    rows = [r for r in guide.iter_rows(values_only=True)]
    facts = {r[0]: r[1] for r in rows if r[0] and r[1]}
    assert facts["标准编号"] == "T-DS-001" and facts["标准名称"] == "客户信息数据标准"
    assert facts["版本"] == VERSION and facts["归口部门"] == "XS01 销售部"
    assert facts["状态"] == "正式施行"
    assert any(r[1] == "必填 *" for r in rows), "legend for required columns"
    start = next(i for i, r in enumerate(rows) if r[0] == "序号")
    fields = {r[2]: r for r in rows[start + 1 :]}
    schema = mini_catalog.records["customer"]
    assert list(fields) == [f.key for f in schema.fields]
    assert fields["customer_code"][3] == "是" and fields["mobile"][3] == "否"
    rule = schema.field_by_key["customer_code"].code_rule
    assert rule.describe(mini_catalog.codelists) in fields["customer_code"][5]
    assert "不得重复" in fields["uscc"][5]
    assert fields["region"][6] == "地区代码（region）" and fields["region"][7] == "11 北京市"
    assert fields["mobile"][8] == "个人信息"
    assert guide.protection.sheet


def test_contract_foreign_key_and_rule_described(mini_catalog: Catalog, tmp_path: Path) -> None:
    dvs = validations(written(mini_catalog, "contract", tmp_path)["合同信息"])
    assert "须为「客户信息」中已有的客户编码" in dvs["customer_code"].prompt
    assert "合同信息需在签订后24小时内录入" in dvs["entered_at"].prompt
    assert dvs["entered_at"].type == "decimal"  # a date-time cell holds a number
    assert 'EXACT(MID(A3,1,2),"HT")' in dvs["contract_no"].formula1


def test_every_constraint_kind(wide_catalog: Catalog, tmp_path: Path) -> None:
    book = written(wide_catalog, "station", tmp_path)
    data = book.worksheets[0]
    assert len(data.title) <= 31 and not set(data.title) & set("[]:*?/\\")
    dvs = validations(data)
    codes = book["代码表"]

    def listed(dv) -> list:
        cells = dv.formula1.split("!")[1]
        first, last = cells.replace("$", "").split(":")
        return [c.value for row in codes[first:last] for c in row]

    assert listed(dvs["grade"]) == ["A", "B", "C"]
    assert listed(dvs["active"]) == [True, False]
    line = wide_catalog.codelists["line"]
    assert "1 一号线" in [c.value for c in codes["C"]]
    assert "2 二号线" not in [c.value for c in codes["C"]], "deprecated codes are not offered"
    assert any("已停用" in str(c.value) for c in codes["B"])
    assert line.codes == ["1", "10", "2"]

    staff = dvs["staff"]
    assert (staff.type, staff.formula1, staff.formula2) == ("whole", "1", "500")
    assert dvs["ratio"].formula1 == "AND(ISNUMBER(E3),E3>0,E3<1)"
    assert "ROUND(F3/0.01,0)" in dvs["fee"].formula1
    assert dvs["opened_at"].type == "decimal" and "2026-03-01 10:00:00" in dvs["opened_at"].prompt
    assert "LEN(H3)<=60" in dvs["email"].formula1
    assert "LEN(I3)=18" in dvs["manager_id"].formula1 and "敏感个人信息" in dvs["manager_id"].prompt
    assert (dvs["note"].type, dvs["note"].operator) == ("textLength", "lessThanOrEqual")
    assert "LEN(L3)<=3" in dvs["old_code"].formula1 and "格式：3 位数字" in dvs["old_code"].prompt
    assert "已停用" in dvs["old_code"].prompt

    code = dvs["station_code"]
    assert len(code.formula1) <= 255 and "LEN(A3)>=7" in code.formula1
    assert len(code.prompt) <= 255 and code.prompt.endswith("示例：ZD10A001")
    assert "编码规则" in code.prompt and "…" in code.prompt  # the long description gave way


def test_same_input_same_bytes(mini_catalog: Catalog, tmp_path: Path) -> None:
    config = load_config(mini_catalog.root.parent)
    first = excel.generate(mini_catalog, config, tmp_path / "a")
    second = excel.generate(mini_catalog, config, tmp_path / "b")
    assert [p.name for p in first] == ["customer.xlsx", "contract.xlsx"]
    for a, b in zip(first, second, strict=True):
        assert hashlib.sha256(a.read_bytes()).digest() == hashlib.sha256(b.read_bytes()).digest()


def test_cli_template(mini_project: Path, tmp_path: Path) -> None:
    out = tmp_path / "客户.xlsx"
    runner = CliRunner()
    result = runner.invoke(
        cli, ["--root", str(mini_project), "template", "customer", "-o", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert openpyxl.load_workbook(out).sheetnames[0] == "客户信息"

    result = runner.invoke(
        cli, ["--root", str(mini_project), "template", "custmer", "-o", str(out)]
    )
    assert result.exit_code == 2
    assert "没有键为 custmer 的记录" in result.output and "customer" in result.output

    result = runner.invoke(cli, ["--root", str(mini_project), "template", "region", "-o", str(out)])
    assert result.exit_code == 2 and "代码表" in result.output

    bad = tmp_path / "c.csv"
    result = runner.invoke(
        cli, ["--root", str(mini_project), "template", "customer", "-o", str(bad)]
    )
    assert result.exit_code == 2 and ".xlsx" in result.output and not bad.exists()


def test_build_writes_templates(mini_project: Path) -> None:
    result = CliRunner().invoke(cli, ["--root", str(mini_project), "build"])
    assert result.exit_code == 0, result.output
    downloads = mini_project / "site" / "downloads"
    for key in ("customer", "contract"):
        book = openpyxl.load_workbook(downloads / "templates" / f"{key}.xlsx")
        assert dict(book["_meta"].iter_rows(values_only=True))["record"] == key
    sums = (downloads / "SHA256SUMS").read_text(encoding="utf-8")
    assert "templates/customer.xlsx" in sums and "templates/contract.xlsx" in sums


@pytest.mark.parametrize(
    ("title", "name"),
    [
        ("客户信息", "客户信息"),
        ("a/b:c[d]", "a_b_c_d_"),
        ("代码表", "代码表数据"),
        ("'引号'", "引号"),
        ("长" * 40, "长" * 31),
    ],
)
def test_sheet_name_rules(title: str, name: str) -> None:
    assert excel.sheet_name(title) == name


def test_every_shipped_record(shipped_catalog: Catalog, tmp_path: Path) -> None:
    assert len(shipped_catalog.records) >= 5
    for key, schema in shipped_catalog.records.items():
        book = written(shipped_catalog, key, tmp_path)
        data = book.worksheets[0]
        assert data.title == excel.sheet_name(schema.title)
        assert [c.value for c in data[2]] == [f.key for f in schema.template_fields]
        assert dict(book["_meta"].iter_rows(values_only=True))["schema_sha256"] == (
            shipped_catalog.checksum(key)
        )
        dvs = validations(data)
        codes = book["代码表"]
        for f in schema.template_fields:
            column = column_dimension(data, column_of(data, f.key))
            if f.is_code:
                assert column.number_format == "@", (key, f.key)
            if f.codelist:
                dv = dvs[f.key]
                assert dv.type == "list" and dv.formula1.startswith("'代码表'!"), (key, f.key)
                first, last = dv.formula1.split("!")[1].replace("$", "").split(":")
                labels = [c.value for row in codes[first:last] for c in row]
                codelist = field_codelist(f, shipped_catalog.codelists)  # x-level: one level
                active = [e.label for e in codelist.entries if not e.deprecated]
                assert labels == active, (key, f.key)
                assert all(codelist.normalise(label) for label in labels)
            if f.code_rule or f.format in ("cn-uscc", "cn-mobile", "cn-resident-id"):
                assert dvs[f.key].type == "custom", (key, f.key)


def test_guide_rows_are_tall_enough_for_wrapped_text(mini_catalog: Catalog, tmp_path: Path) -> None:
    guide = written(mini_catalog, "customer", tmp_path)["填写说明"]
    checksum = next(r for r in range(1, 20) if guide.cell(r, 1).value == "schema 校验和")
    assert guide.row_dimensions[checksum].height >= 32  # 64 hex digits wrap to two lines
    assert guide.column_dimensions["A"].width >= 13  # the label fits its column
    rule_row = next(r for r in range(1, guide.max_row + 1) if guide.cell(r, 3).value == "uscc")
    assert guide.row_dimensions[rule_row].height >= 32  # the uscc rule wraps in its column


def test_any_of_is_an_or_of_the_alternatives_or_prompt_only(wide_catalog: Catalog) -> None:
    """anyOf: a custom validation OR-ing what Excel can check of each item (proved in
    LibreOffice by test_excel_libreoffice); an item Excel cannot narrow leaves the prompt."""
    station = wide_catalog.records["station"]
    choices = excel.template_choices(wide_catalog, station)
    contact = excel.field_validation(station.field_by_key["contact"], "P3", wide_catalog, choices)
    assert contact is not None and contact["value"].startswith("=OR(AND(LEN(P3)=11,")
    assert len(contact["value"]) <= excel.MAX_MESSAGE
    any_text = station.field_by_key["any_text"]
    assert excel.field_validation(any_text, "Q3", wide_catalog, choices) is None
    rule = excel.field_rule(any_text, station, wide_catalog)
    assert rule.startswith("以下任一种：电子邮箱地址") and "任意编号" in rule
    assert "^" not in rule and "(?=" not in rule  # never the regex
