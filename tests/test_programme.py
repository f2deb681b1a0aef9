"""The programme's records in programme/: checked with located errors, metrics computed
from real runs and registers, the history rebuilt from the shipped example data."""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from generators.cli import cli
from generators.config import load_config
from generators.loader import load_catalog

from .conftest import REPO

# Everything of the repository that ``infostd check`` may read; not the code, tests or outputs.
SKIPPED = {
    ".git",
    ".venv",
    "generators",
    "tests",
    "benchmarks",
    "site",
    "test-artifacts",
    "node_modules",
}


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A copy of the repository's standards and programme data, to change freely."""
    root = tmp_path / "repo"
    root.mkdir()
    for source in REPO.iterdir():
        if (
            source.name in SKIPPED
            or source.name.endswith("_cache")
            or source.name.startswith(".site")
        ):
            continue
        if source.is_dir():
            shutil.copytree(
                source, root / source.name, ignore=shutil.ignore_patterns("__pycache__")
            )
        else:
            shutil.copy(source, root / source.name)
    return root


def run(root: Path, *args: str):
    return CliRunner().invoke(cli, ["--root", str(root), *args])


def goal(root: Path, goal_id: str, day: str = "2026-11-29") -> dict:
    result = run(root, "metrics", "--format", "json", "--date", day)
    assert result.exit_code == 0, result.output
    return next(g for g in json.loads(result.output) if g["goal"] == goal_id)


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_check_validates_programme_data(project: Path) -> None:
    result = run(project, "check")
    assert result.exit_code == 0, result.output
    assert "实施记录：12 个文件" in result.output


def test_bad_programme_rows_are_located_errors(project: Path) -> None:
    feedback = project / "programme" / "问题与反馈.csv"
    edit(feedback, "FB2026-003,2026-07-16", "FB2026-003,2026-07-46")
    result = run(project, "check")
    assert result.exit_code == 1
    assert "programme/问题与反馈.csv:5: B 列：“提出日期”不是有效日期" in result.output
    edit(feedback, "FB2026-003,2026-07-46", "FB2026-003,2026-07-16")
    # cross-checks need the catalog: a standard that does not exist, a ledger of another dept
    edit(feedback, "IMS-DS-005,AS-03", "IMS-DS-095,AS-03")
    edit(
        project / "programme" / "台账清单.csv", "XS02-001,XS02 华东销售分部", "XS02-001,XS01 销售部"
    )
    edit(feedback, "IMS-DS-002,CT-01,", "IMS-DS-002,CU-01,")  # a requirement of another standard
    result = run(project, "check")
    assert result.exit_code == 1
    assert "问题与反馈.csv:10: G 列（涉及标准）：没有编号为 IMS-DS-095 的标准" in result.output
    assert (
        "问题与反馈.csv:6: H 列（涉及要求）：要求 CU-01 不在 IMS-DS-002 的要求清单中"
        in result.output
    )
    assert (
        "台账清单.csv:7: A 列（台账编号）：台账编号的部门代码 XS02 与所属部门 XS01 不一致"
        in result.output
    )


def test_a_file_of_another_record_is_refused(project: Path) -> None:
    shutil.copy(
        project / "programme" / "examples" / "2026-10" / "SH01-customer.csv",
        project / "programme" / "客户.csv",
    )
    result = run(project, "check")
    assert result.exit_code == 1
    assert "programme/客户.csv:1: 表头对应“客户信息”，不是实施记录" in result.output


def test_goals_stand_where_the_registers_say(project: Path) -> None:
    g01 = goal(project, "G-01")
    assert (g01["value"], g01["numerator"], g01["denominator"]) == (84.0, 21, 25)
    assert g01["state"] == "进行中"
    assert goal(project, "G-06")["value"] == 3  # FB2026-008, 009, 010 still open
    assert goal(project, "G-02")["state"] == "已达成"


def test_a_ledger_converted_moves_the_electronic_storage_rate(project: Path) -> None:
    inventory = project / "programme" / "台账清单.csv"
    edit(
        inventory,
        "重大事项督办台账,04.04,,纸质,纸质,,",
        "重大事项督办台账,04.04,,纸质,系统,2026-11-20,",
    )
    g01 = goal(project, "G-01")
    assert (g01["numerator"], g01["value"]) == (22, 88.0)
    # as of a day before the conversion it does not count yet
    assert goal(project, "G-01", "2026-11-19")["numerator"] == 21


def test_closing_a_problem_moves_the_open_count(project: Path) -> None:
    feedback = project / "programme" / "问题与反馈.csv"
    edit(feedback, "AS-03,处理中,,,", "AS-03,已解决,资产类别细分到中类,2026-11-25,!21")
    assert goal(project, "G-06")["value"] == 2


def test_record_computes_from_a_validation_run(project: Path) -> None:
    data = project / "programme" / "examples" / "2026-10" / "XS01-customer.csv"
    args = ["metrics", "record", "--date", "2026-12-15", "-d", "销售部", str(data)]
    result = run(project, *args)
    assert result.exit_code == 0, result.output
    month = project / "programme" / "metrics" / "2026-12.csv"
    required = len(load_catalog(config=load_config(project)).records["customer"].required)
    cells = 80 * required
    assert f"XS01 销售部,customer,完整性,100,{cells},{cells}" in month.read_text(encoding="utf-8")
    # a ledger row loses its name and repeats another's code: the next run shows it
    lines = data.read_text(encoding="utf-8").splitlines()
    row = lines[3].split(",")
    row[0] = lines[2].split(",")[0]  # 客户编码 of the row above
    row[1] = ""  # 客户名称
    lines[3] = ",".join(row)
    data.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = run(project, *args)
    assert result.exit_code == 0, result.output
    text = month.read_text(encoding="utf-8")
    filled = round(100 * (cells - 1) / cells, 1)
    assert f"XS01 销售部,customer,完整性,{filled},{cells - 1},{cells}" in text
    assert "XS01 销售部,customer,唯一性,98.8,79,80" in text
    assert text.count(",customer,完整性,") == 1  # the re-run replaced the figure
    assert run(project, "check").exit_code == 0
    g02 = goal(project, "G-02", "2026-12-31")
    assert (g02["value"], g02["measured_on"]) == (filled, "2026-12-15")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--date", "2026-13-01"], "不是日期"),
        (["-d", "不存在部"], "不是部门代码"),
        (["programme/examples/2026-10/XS01-customer.csv"], "必须用 --department"),
        (["-d", "XS01", "nope.csv"], "文件不存在"),
    ],
)
def test_bad_arguments_exit_2(project: Path, args: list[str], message: str) -> None:
    extra = [str(project / a) if a.endswith(".csv") else a for a in args]
    result = run(project, "metrics", "record", *extra)
    assert result.exit_code == 2, result.output
    assert message in result.output
    assert "Traceback" not in result.output


def test_a_foreign_file_in_the_history_is_not_overwritten(project: Path) -> None:
    month = project / "programme" / "metrics" / "2026-12.csv"
    month.write_text("a,b\n1,2\n", encoding="utf-8")
    result = run(project, "metrics", "record", "--date", "2026-12-01")
    assert result.exit_code != 0
    assert month.read_text(encoding="utf-8") == "a,b\n1,2\n"


def test_shipped_history_is_what_the_example_runs_compute(project: Path) -> None:
    sys.path.insert(0, str(REPO / "scripts"))
    try:
        import programme_examples
    finally:
        sys.path.pop(0)
    shipped = {
        p.name: p.read_text(encoding="utf-8")
        for p in (project / "programme" / "metrics").glob("*.csv")
    }
    written = programme_examples.rebuild_history(project)
    assert {p.name: p.read_text(encoding="utf-8") for p in written} == shipped, (
        "示例指标历史（programme/metrics/）与当前标准算出的不一致："
        "运行 python scripts/programme_examples.py --data 并提交结果"
    )


LEDGER = (
    "单位名称,税号,客户编码,联系人,手机,地区\n"
    "北京云图智能科技有限公司,91110108MA01C7K26W,110001,张伟,13800138000,北京\n"
    "北京云图智能科技有限公司,91110108MA01C7K26W,110002,张伟,1380013800,北京\n"
    "上海某某公司,,310001,,13900139000,上海\n"
)


def test_record_computes_from_an_audit_of_a_legacy_ledger(project: Path, tmp_path: Path) -> None:
    ledger = tmp_path / "销售部客户台账.csv"
    ledger.write_text(LEDGER, encoding="utf-8")
    mapping = tmp_path / "映射.yaml"
    args = ["metrics", "record", "--date", "2026-12-01", "-d", "XS01", "--mapping", str(mapping)]
    missing = run(project, *args, str(ledger))
    assert missing.exit_code == 2 and "映射文件" in missing.output
    assert run(project, "audit", str(ledger), "--mapping", str(mapping)).exit_code == 0
    result = run(project, *args, str(ledger))
    assert result.exit_code == 0, result.output
    text = (project / "programme" / "metrics" / "2026-12.csv").read_text(encoding="utf-8")
    # 9 fields counted (required or mapped) × 3 rows, 11 cells empty or without a column
    assert "XS01 销售部,customer,完整性,59.3,16,27," in text
    assert "XS01 销售部,customer,有效性,93.8,15,16," in text  # one mobile with 10 digits
    assert "XS01 销售部,customer,唯一性,66.7,2,3," in text  # row 3 repeats row 2's USCC
    assert run(project, "check").exit_code == 0
