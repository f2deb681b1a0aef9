"""Round trip: a template filled in (as a person would, dropdown labels included) and
checked by the validator. Valid rows pass; each broken rule is reported where it is."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from generators import excel
from generators.cli import cli
from generators.formats import uscc_check_char
from generators.model import Catalog
from generators.version import project_version

validate = pytest.importorskip(
    "generators.validate", reason="校验器（generators.validate）尚未合并到本分支"
)


def uscc(body: str) -> str:
    return body + uscc_check_char(body)


GOOD = [
    [
        "110001",
        "北京示例科技有限公司",
        uscc("91110108MA01ABCD2"),
        "13800138000",
        "11 北京市",
        1000,
        dt.date(2026, 3, 1),
    ],
    ["310002", "上海示例贸易有限公司", uscc("91310000MA01ABCD3"), None, "31 上海市", None, None],
]
# row → (the field broken, the row as typed)
BAD = {
    5: (
        "customer_code",
        ["990003", "甲乙有限公司", uscc("91110108MA01ABCE1"), None, "11 北京市", None, None],
    ),
    6: ("name", ["110004", "甲", uscc("91110108MA01ABCE2"), None, "11 北京市", None, None]),
    7: (
        "uscc",
        ["110005", "丙丁有限公司", "91110108MA01ABCE3" + "0", None, "11 北京市", None, None],
    ),
    8: (
        "mobile",
        [
            "110006",
            "戊己有限公司",
            uscc("91110108MA01ABCE4"),
            "12800138000",
            "11 北京市",
            None,
            None,
        ],
    ),
    9: (
        "region",
        ["110007", "庚辛有限公司", uscc("91110108MA01ABCE5"), None, "99 火星", None, None],
    ),
    10: (
        "credit_limit",
        ["110008", "壬癸有限公司", uscc("91110108MA01ABCE6"), None, "44 广东省", -5, None],
    ),
    11: (
        "registered_on",
        [
            "110009",
            "子丑有限公司",
            uscc("91110108MA01ABCE7"),
            None,
            "44 广东省",
            None,
            "2026-02-30",
        ],
    ),
    12: ("name", ["110010", None, uscc("91110108MA01ABCE8"), None, "44 广东省", None, None]),
    13: (
        "uscc",
        ["110011", "寅卯有限公司", uscc("91110108MA01ABCD2"), None, "44 广东省", None, None],
    ),
}


def filled(catalog: Catalog, folder: Path, rows: list[list]) -> Path:
    version = project_version(catalog.root.parent)  # the version the validator expects
    template = excel.write_template(catalog, "customer", folder / "template.xlsx", version)
    book = openpyxl.load_workbook(template)
    sheet = book.worksheets[0]
    for number, values in enumerate(rows, start=3):
        for col, value in enumerate(values, start=1):
            if value is not None:
                sheet.cell(number, col).value = value
    target = folder / "filled.xlsx"
    book.save(target)
    return target


def test_valid_rows_pass(mini_catalog: Catalog, mini_project: Path, tmp_path: Path) -> None:
    path = filled(mini_catalog, tmp_path, GOOD)
    report = validate.validate_paths(mini_catalog, [path])
    assert report.valid, [i.message for f in report.files for i in f.errors]
    assert report.files[0].record == "customer" and report.files[0].rows == 2
    assert report.files[0].template_version == project_version(mini_catalog.root.parent)
    result = CliRunner().invoke(cli, ["--root", str(mini_project), "validate", str(path)])
    assert result.exit_code == 0, result.output


def test_each_broken_rule_is_reported(
    mini_catalog: Catalog, mini_project: Path, tmp_path: Path
) -> None:
    rows = GOOD + [values for _, values in BAD.values()]
    path = filled(mini_catalog, tmp_path, rows)
    report = validate.validate_paths(mini_catalog, [path])
    errors = report.files[0].errors
    found = {(e.row, e.field) for e in errors}
    for row, (field, _) in BAD.items():
        assert (row, field) in found, f"第 {row} 行 {field} 未报告：{sorted(found)}"
    assert {e.row for e in errors} - {3} <= set(BAD), "valid rows must not be reported"
    assert all(e.sheet == "客户信息" for e in errors)
    result = CliRunner().invoke(cli, ["--root", str(mini_project), "validate", str(path)])
    assert result.exit_code == 1
