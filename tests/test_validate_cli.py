"""``infostd validate`` end to end: exit codes, reports read back, the Done-when scenario."""

from __future__ import annotations

import json
import shutil
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from generators.cli import cli
from generators.validate.sample import customer_rows, write_csv, write_xlsx

from .conftest import CATALOG

HEADER = "客户编码 *,客户名称 *,统一社会信用代码 *,手机,地区 *,信用额度,登记日期"
GOOD = "110001,北京示例科技有限公司,91110108MA01ABCD2H,13800138000,11,100,2026-03-01"


def run(root: Path, *args: str):
    result = CliRunner().invoke(cli, ["--root", str(root), "validate", *args])
    assert "Traceback" not in result.output, result.output
    return result


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_valid_file_exits_0(mini_project, tmp_path):
    path = write(tmp_path / "ok.csv", f"{HEADER}\n{GOOD}\n")
    result = run(mini_project, str(path))
    assert result.exit_code == 0, result.output
    assert "校验通过" in result.output


def test_invalid_file_exits_1_with_json_contract(mini_project, tmp_path):
    path = write(tmp_path / "bad.csv", f"{HEADER}\n{GOOD}\n110001,北,,13800138000,11,,\n")
    result = run(mini_project, str(path), "--format", "json")
    assert result.exit_code == 1
    data = json.loads(result.output)
    assert set(data) == {"valid", "files"}
    (file,) = data["files"]
    assert {"path", "record", "template_version", "rows", "invalid_rows", "errors"} <= set(file)
    for error in file["errors"]:
        assert set(error) == {"sheet", "row", "column", "field", "rule", "message", "value"}
    assert [e["rule"] for e in file["errors"]] == ["unique", "minLength", "required"]
    # masking: the mobile is never shown whole in any report
    assert "13800138000" not in result.output or all(e["field"] != "mobile" for e in file["errors"])


def _encrypted(path: Path) -> Path:
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600)
    return path


def _corrupt_zip(path: Path) -> Path:
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("[Content_Types].xml", "<not really")
    return path


@pytest.mark.parametrize(
    "name,make",
    [
        ("missing.csv", lambda p: p),
        ("empty.csv", lambda p: write(p, "")),
        ("junk.csv", lambda p: (p.write_bytes(bytes(range(256)) * 4), p)[1]),
        ("encrypted.xlsx", _encrypted),
        ("corrupt.xlsx", _corrupt_zip),
        ("noheader.csv", lambda p: write(p, "a,b,c\n1,2,3\n")),
        ("zero.json", lambda p: write(p, "[]")),
        ("broken.json", lambda p: write(p, "[{")),
        (
            "undecodable.csv",
            lambda p: (p.write_bytes("客户编码,客户名称\n".encode() + b"\xff\xfe\xfa"), p)[1],
        ),
    ],
)
def test_unusable_input_exits_2_with_one_chinese_line(mini_project, tmp_path, name, make):
    path = make(tmp_path / name)
    result = run(mini_project, str(path))
    assert result.exit_code == 2, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("错误：") and name in lines[0]


def test_unknown_record_and_bad_options_exit_2(mini_project, tmp_path):
    path = write(tmp_path / "ok.csv", f"{HEADER}\n{GOOD}\n")
    assert run(mini_project, str(path), "--record", "nope").exit_code == 2
    assert run(mini_project, str(path), "--format", "xlsx").exit_code == 2
    assert run(mini_project, str(path), "-o", str(path)).exit_code == 2


def test_annotated_workbook(mini_project, tmp_path):
    text = f'{HEADER}\n{GOOD}\n=HYPERLINK("http://x"),北京公司,91110108MA01ABCD2X,1380013800,11,,\n'
    path = write(tmp_path / "in.csv", text)
    out = tmp_path / "report.xlsx"
    result = run(mini_project, str(path), "--format", "xlsx", "-o", str(out))
    assert result.exit_code == 1, result.output
    assert path.read_text(encoding="utf-8") == text  # input untouched
    book = load_workbook(out)
    assert book.sheetnames[0] == "校验汇总"
    data = book["客户信息"]
    bad = data["C3"]
    assert bad.fill.fgColor.rgb.endswith("FFC7CE") and "校验位" in bad.comment.text
    assert data["A3"].data_type == "s" and data["A3"].value.startswith(
        "=HYPERLINK"
    )  # text, not formula
    assert data["D3"].value == "138***3800" and "1380013800" not in data["D3"].comment.text
    flag = [c.value for c in data[3] if c.value and str(c.value).startswith("✗")]
    assert flag and "format:cn-uscc" in flag[0]
    summary = book["校验汇总"]
    values = [[c.value for c in row] for row in summary.iter_rows()]
    assert ["format:cn-uscc", 1] in [row[:2] for row in values]
    messages = [row for row in values if row and row[5] == "code-rule"]
    assert messages and messages[0][8].startswith("'=")  # neutralised in the report text
    links = [
        c.hyperlink.location or c.hyperlink.target
        for row in summary.iter_rows()
        for c in row
        if c.hyperlink
    ]
    assert any("C3" in (link or "") for link in links)


def test_emit_writes_clean_rows(mini_project, tmp_path):
    path = write(
        tmp_path / "in.csv",
        f'{HEADER}\n{GOOD}\n110002,上海公司,bad,,31 上海市,,\n110003,广东公司,91110108MA01ABCD2H,,广东省,"1,000",\n',
    )
    out = tmp_path / "clean.jsonl"
    result = run(mini_project, str(path), "--format", "json", "--emit", str(out))
    assert result.exit_code == 1
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [r["customer_code"] for r in rows] == ["110001"]  # 110003 duplicates the USCC
    assert rows[0]["credit_limit"] == 100 and rows[0]["region"] == "11"


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.binary(max_size=400), cells=st.lists(st.text(max_size=12), min_size=7, max_size=7))
def test_random_input_never_tracebacks(mini_project, tmp_path, data, cells):
    junk = tmp_path / "junk.csv"
    junk.write_bytes(data)
    assert run(mini_project, str(junk)).exit_code in (0, 1, 2)
    row = ",".join('"' + c.replace('"', '""') + '"' for c in cells)
    filled = tmp_path / "filled.csv"
    filled.write_text(f"{HEADER}\n{row}\n", encoding="utf-8", errors="surrogatepass")
    assert run(mini_project, str(filled), "--format", "json").exit_code in (0, 1, 2)


# ── Done when: seeded defects in a customer template and a contract file ───────
@pytest.fixture
def shipped_project(tmp_path):
    root = tmp_path / "repo"
    shutil.copytree(CATALOG / "standards", root / "standards")
    shutil.copy(CATALOG / "pyproject.toml", root / "pyproject.toml")
    return root


def test_done_when_scenario(shipped_project, fixture_catalog, tmp_path):
    catalog = fixture_catalog
    rows = list(customer_rows(catalog, 10, defect_rate=0))
    rows[1]["uscc"] = rows[1]["uscc"][:-1] + ("1" if rows[1]["uscc"][-1] != "1" else "2")
    rows[2]["mobile"] = "1380013800"
    rows[3]["name"] = ""
    rows[4]["customer_code"] = rows[0]["customer_code"]
    rows[5]["industry"] = 1  # a number cell: Excel dropped the zero of "01"
    rows[6]["region"] = "99"
    rows[7]["customer_type"] = "7"
    customers = tmp_path / "customers.xlsx"
    write_xlsx(catalog, "customer", rows, customers)
    contracts = tmp_path / "contracts.csv"
    base = {
        "contract_name": "年度销售合同", "contract_type": "01 销售合同",
        "counterparty_name": rows[0]["name"], "amount": "1000.00", "signed_at": "2026-03-01 10:00",
        "entered_at": "2026-03-01 18:00", "start_date": "2026-03-02", "owner_dept": "XS01",
        "handler": "王五", "legal_reviewed": "是", "status": "履行中",
    }  # fmt: skip
    write_csv(
        catalog,
        "contract",
        [
            {**base, "contract_no": "HT202600001", "customer_code": rows[0]["customer_code"]},
            {
                **base,
                "contract_no": "HT202600002",
                "customer_code": rows[9]["customer_code"],
                "entered_at": "2026-03-02 16:00",
            },
            {**base, "contract_no": "HT202600003", "customer_code": "449999"},
        ],  # fmt: skip
        contracts,
    )
    result = run(shipped_project, str(contracts), str(customers), "--format", "json")
    assert result.exit_code == 1, result.output
    files = {f["record"]: f for f in json.loads(result.output)["files"]}
    got = {
        key: [(e["row"], e["field"], e["rule"]) for e in f["errors"]] for key, f in files.items()
    }
    assert got == {
        "customer": [
            (4, "uscc", "format:cn-uscc"),
            (5, "mobile", "format:cn-mobile"),
            (6, "name", "required"),
            (7, "customer_code", "unique"),
            (8, "industry", "leading-zero"),
            (9, "region", "codelist"),
            (10, "customer_type", "codelist"),
        ],
        "contract": [(3, "entered_at", "rule:CT-01"), (4, "customer_code", "foreign-key")],
    }
    assert files["customer"]["errors"][1]["value"] == "138***3800"
    assert not files["customer"]["warnings"] and not files["contract"]["warnings"]


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_report_into_a_new_folder(mini_project, tmp_path, fmt):
    """-o in a folder that does not exist yet: created, like every other output."""
    path = write(tmp_path / "ok.csv", f"{HEADER}\n{GOOD}\n")
    out = tmp_path / "reports" / "2026" / f"report.{fmt}"
    result = run(mini_project, str(path), "--format", fmt, "-o", str(out))
    assert result.exit_code == 0, result.output
    assert "校验通过" in out.read_text(encoding="utf-8") or json.loads(out.read_text())["valid"]


@pytest.mark.parametrize("option", ["-o", "--emit"])
def test_output_under_a_file_exits_2(mini_project, tmp_path, option):
    path = write(tmp_path / "ok.csv", f"{HEADER}\n{GOOD}\n")
    result = run(mini_project, str(path), option, str(path) + "/clean.csv")
    assert result.exit_code == 2, result.output
    assert "无法写入" in result.output


def test_report_names_the_path_given_not_a_symlinks_target(mini_project, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write(tmp_path / "2026-03 导出.csv", f"{HEADER}\n{GOOD}\n110001,北,,13800138000,11,,\n")
    (tmp_path / "latest.csv").symlink_to("2026-03 导出.csv")
    (tmp_path / "gone.csv").symlink_to("nowhere.csv")
    result = run(mini_project, "latest.csv", "--format", "json")
    assert result.exit_code == 1, result.output
    assert json.loads(result.output)["files"][0]["path"] == "latest.csv"
    result = run(mini_project, "gone.csv")
    assert result.exit_code == 2
    assert "gone.csv" in result.output


def test_emit_csv_from_two_records_is_refused_before_validating(fixture_catalog, tmp_path):
    """One CSV has one header: customers and contracts cannot share it (JSON Lines can)."""
    paths = []
    for key in ("customer", "contract"):
        rows = [{k: str(v) for k, v in e.items()} for e in fixture_catalog.records[key].examples]
        write_csv(fixture_catalog, key, rows, tmp_path / f"{key}.csv")
        paths.append(str(tmp_path / f"{key}.csv"))
    result = run(CATALOG, *paths, "--emit", str(tmp_path / "clean.csv"))
    assert result.exit_code == 2, result.output
    assert "--emit" in result.output and ".jsonl" in result.output
    assert not (tmp_path / "clean.csv").exists()
    result = run(CATALOG, *paths, "--emit", str(tmp_path / "clean.jsonl"))
    assert result.exit_code in (0, 1), result.output
    assert len((tmp_path / "clean.jsonl").read_text(encoding="utf-8").splitlines()) >= 3


def test_header_only_csv_is_unusable_like_an_empty_json_array(tmp_path, monkeypatch) -> None:
    from click.testing import CliRunner

    from generators.cli import cli

    monkeypatch.chdir(tmp_path)
    (tmp_path / "空.csv").write_text("客户编码,客户名称,统一社会信用代码\n", encoding="utf-8")
    (tmp_path / "空.json").write_text("[]", encoding="utf-8")
    for name in ("空.csv", "空.json"):
        result = CliRunner().invoke(cli, ["--root", str(CATALOG), "validate", name])
        assert result.exit_code == 2, result.output
        assert "0 行" in result.output and name in result.output


def test_help_reads_in_chinese() -> None:
    from click.testing import CliRunner

    from generators.cli import cli

    for args in (["--help"], ["validate", "--help"], ["template", "-h"]):
        text = CliRunner().invoke(cli, args, prog_name="infostd").output
        assert text.startswith("用法：infostd") and "选项" in text and "显示本帮助并退出。" in text
        assert "Show this message" not in text and "Options:" not in text


def test_report_to_a_file_states_the_verdict_and_checks_the_suffix(tmp_path, monkeypatch) -> None:
    from click.testing import CliRunner

    from generators.cli import cli

    monkeypatch.chdir(tmp_path)
    (tmp_path / "c.json").write_text('[{"customer_code": "1", "name": "甲"}]', encoding="utf-8")
    runner = CliRunner()
    result = runner.invoke(
        cli, ["--root", str(CATALOG), "validate", "c.json", "--format", "xlsx", "-o", "r.csv"]
    )
    assert result.exit_code == 2 and "应以 .xlsx 结尾" in result.output
    assert not (tmp_path / "r.csv").exists()
    result = runner.invoke(
        cli,
        [
            "--root",
            str(CATALOG),
            "validate",
            "c.json",
            "--record",
            "customer",
            "--format",
            "json",
            "-o",
            "r.json",
        ],
    )
    assert result.exit_code == 1
    assert "校验未通过" in result.output and "r.json" in result.output
