"""The validator's library API on the mini fixture: cells, rows, files, reports."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from generators.validate import (
    MESSAGES,
    normalise_cell,
    read_table,
    validate_paths,
    validate_rows,
)

CUSTOMER_HEADER = "客户编码 *,客户名称 *,统一社会信用代码 *,手机,地区 *,信用额度,登记日期"
GOOD = "110001,北京示例科技有限公司,91110108MA01ABCD2H,13800138000,11,100,2026-03-01"


def rules(issues):
    return [(i.row, i.field, i.rule) for i in issues]


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


def test_messages_have_zh_and_en():
    for key, entry in MESSAGES.items():
        assert set(entry) == {"zh", "en"}, key


def test_cell_quirks(mini_catalog):
    fields = mini_catalog.records["customer"].field_by_key
    codelists = mini_catalog.codelists
    assert normalise_cell(fields["region"], "11 北京市", codelists) == ("11", [])
    value, issues = normalise_cell(fields["name"], "  示例 ", codelists)
    assert value == "示例" and [i.rule for i in issues] == ["whitespace"]
    assert issues[0].severity == "warning"
    value, issues = normalise_cell(fields["customer_code"], "１１０００１", codelists)
    assert value is None and issues[0].rule == "full-width" and "110001" in issues[0].message
    assert normalise_cell(fields["credit_limit"], "1,234.5", codelists) == (1234.5, [])
    assert normalise_cell(fields["credit_limit"], 100.0, codelists) == (100, [])


def test_rows_report_each_rule(mini_catalog):
    rows = [
        {"customer_code": "110001", "name": "北京", "uscc": "91110108MA01ABCD2H", "region": "11"},
        {"customer_code": "110001", "name": "上海", "uscc": "91110108MA01ABCD2X", "region": "99"},
        {"customer_code": "990001", "name": "广", "uscc": None, "region": "44", "mobile": "123"},
    ]
    issues = validate_rows(mini_catalog, "customer", rows, first_row=2)
    assert rules(issues) == [
        (3, "customer_code", "unique"),
        (3, "uscc", "format:cn-uscc"),
        (3, "region", "codelist"),
        (4, "customer_code", "code-rule"),
        (4, "name", "minLength"),
        (4, "uscc", "required"),
        (4, "mobile", "format:cn-mobile"),
    ]
    mobile = issues[-1]
    assert mobile.value == "1*3" and "123" not in mobile.message


def test_csv_file_json_report(tmp_path, mini_catalog):
    path = write(
        tmp_path / "c.csv", f"{CUSTOMER_HEADER}\n{GOOD}\n110001,重复公司,,,11,-5,2026-02-30\n"
    )
    report = validate_paths(mini_catalog, [path])
    data = report.to_dict()
    assert data["valid"] is False
    (file,) = data["files"]
    assert file["record"] == "customer" and file["rows"] == 2 and file["invalid_rows"] == 1
    got = [(e["row"], e["column"], e["field"], e["rule"]) for e in file["errors"]]
    assert got == [
        (3, "A", "customer_code", "unique"),
        (3, "C", "uscc", "required"),
        (3, "F", "credit_limit", "minimum"),
        (3, "G", "registered_on", "format:date"),
    ]
    json.dumps(data)


def test_gb18030_csv(tmp_path, mini_catalog):
    path = write(tmp_path / "gbk.csv", f"{CUSTOMER_HEADER}\n{GOOD}\n", "gb18030")
    table = read_table(mini_catalog, path)
    assert table.encoding == "gb18030" and table.record == "customer"
    assert validate_paths(mini_catalog, [path]).valid


@pytest.mark.parametrize("content", [b"", b"\x00\x01\x02binary", b"PK\x03\x04broken zip"])
def test_unusable_inputs_raise_input_error(tmp_path, mini_catalog, content):
    from generators.validate import InputError

    path = tmp_path / "bad.xlsx"
    path.write_bytes(content)
    with pytest.raises(InputError):
        read_table(mini_catalog, path)


def test_letters_segment_rejects_digits_and_lower_case(fixture_catalog) -> None:
    from generators.validate.cells import code_rule_problem

    rule = fixture_catalog.records["department"].field_by_key["dept_code"].code_rule
    lists = fixture_catalog.codelists
    assert code_rule_problem(rule, "XS01", lists) is None
    assert code_rule_problem(rule, "A101", lists) is not None  # "A1" is not two letters
    assert code_rule_problem(rule, "xs01", lists) is not None
    assert code_rule_problem(rule, "XS０1", lists) is not None  # full-width digit
