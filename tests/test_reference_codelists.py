"""``validate --reference`` with a code list published by the portal
(``downloads/codelists/<key>.csv|.xlsx``): the run uses it instead of the built-in list
(a department added or withdrawn since the installed release). Hostile files: located
errors, exit 2."""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest
from click.testing import CliRunner

from generators.cli import cli
from generators.codelist_export import csv_bytes, xlsx_bytes
from generators.model import Catalog, CodeEntry

from .codegen_support import NODE, generate_into, needs_node
from .conftest import CATALOG

CUSTOMERS = "客户编码,客户名称,统一社会信用代码,归属部门\n110001,北京示例科技有限公司,91110108MA01C7K26W,XS04\n110002,北京第二科技有限公司,91110108MA01ABCD2H,XS02\n"


def newer(catalog: Catalog):
    """The department list as the portal publishes it a year later: XS04 added, XS02
    withdrawn at the end of 2021."""
    built_in = catalog.codelists["department-code"]
    entries = [
        replace(e, withdrawn="2021-12-31") if e.code == "XS02" else e for e in built_in.entries
    ]
    entries.append(CodeEntry("XS04", "西南销售分部", parent="XS01"))
    return replace(built_in, entries=entries)


def run(*args: str):
    result = CliRunner().invoke(cli, ["--root", str(CATALOG), "validate", *args])
    assert "Traceback" not in result.output, result.output
    return result


def findings(result) -> list[tuple]:
    report = json.loads(result.stdout)
    return [
        (i["row"], i["field"], i["rule"], severity)
        for f in report["files"]
        for severity in ("error", "warning")
        for i in f[f"{severity}s"]
        if i["field"] == "owner_dept"
    ]


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_a_newer_published_list_replaces_the_built_in_one(
    fixture_catalog: Catalog, tmp_path: Path, suffix: str
) -> None:
    data = tmp_path / "customers.csv"
    data.write_text(CUSTOMERS, encoding="utf-8")
    published = tmp_path / f"department-code{suffix}"
    codes = newer(fixture_catalog)
    published.write_bytes(csv_bytes(codes) if suffix == ".csv" else xlsx_bytes(codes))
    alone = findings(run(str(data), "--format", "json", "--as-of", "2022-01-01"))
    assert (2, "owner_dept", "codelist", "error") in alone  # XS04 unknown to the built-in list
    assert (3, "owner_dept", "withdrawn", "error") not in alone
    args = [str(data), "-r", str(published), "--format", "json"]
    assert findings(run(*args, "--as-of", "2022-01-01")) == [
        (3, "owner_dept", "withdrawn", "error")
    ]
    assert findings(run(*args, "--as-of", "2021-06-01")) == [
        (3, "owner_dept", "withdrawn", "warning")
    ]


HEADER = "代码,名称,上级代码,说明,状态,撤销日期\n"


@pytest.mark.parametrize(
    ("name", "text", "words"),
    [
        ("department-code.csv", HEADER + "XS01,销售部,,,有效,\nxs9,坏代码,,,有效,\n", "第 3 行：代码 xs9 不符合"),
        ("department-code.csv", HEADER + "XS01,销售部,,,有效,\nXS01,重复,,,有效,\n", "第 3 行：代码 XS01 重复"),
        ("department-code.csv", HEADER + "XS01,销售部,,,撤销,2021-02-30\n", "第 2 行：撤销日期“2021-02-30”不是有效日期"),
        ("department-code.csv", HEADER + "XS01,销售部,,,撤销,\n", "须有撤销日期"),
        ("department-code.csv", HEADER + "XS01,销售部,,,作废,\n", "状态“作废”应为"),
        ("department-code.csv", HEADER + "XS02,分部,ZZ01,,有效,\n", "上级代码 ZZ01 不在本代码表中"),
        ("department-code.csv", HEADER + "'=1+1,公式,,,有效,\n", "不符合"),
        ("部门.csv", HEADER + "XS01,销售部,,,有效,\n", "不是代码表的键"),
        ("department-code.csv", HEADER, "没有代码"),
    ],
)  # fmt: skip
def test_a_bad_published_list_is_a_located_error(
    tmp_path: Path, name: str, text: str, words: str
) -> None:
    data = tmp_path / "customers.csv"
    data.write_text(CUSTOMERS, encoding="utf-8")
    published = tmp_path / name
    published.write_text(text, encoding="utf-8")
    result = run(str(data), "-r", str(published))
    assert result.exit_code == 2 and words in result.output, result.output
    assert name in result.output


@needs_node
def test_generated_command_lines_refuse_a_code_list_reference(
    fixture_catalog: Catalog, tmp_path: Path
) -> None:
    """Their code lists are compiled in: a published list would be read as some record's
    table and change nothing, so it is refused, not ignored."""
    from generators.validate.messages import MESSAGES

    gen = generate_into(fixture_catalog, tmp_path / "gen", MESSAGES)
    data = tmp_path / "customers.csv"
    data.write_text(CUSTOMERS, encoding="utf-8")
    published = tmp_path / "department-code.csv"
    published.write_bytes(csv_bytes(fixture_catalog.codelists["department-code"]))
    for cmd in (
        [sys.executable, str(gen["infostd_validators.py"])],
        [NODE or "node", str(gen["infostd-validators.mjs"])],
    ):
        done = subprocess.run(
            [*cmd, str(data), "-r", str(published)], capture_output=True, text=True
        )
        assert (
            done.returncode == 2
            and "代码表文件" in done.stderr
            and "infostd validate -r" in done.stderr
        )
