"""Committee tasks through the editing commands (new, add-code, deprecate, sheet, prepare) on a copy
of the fixture catalog in a real git repository; then what CI runs stays green."""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from generators.cli import cli
from generators.config import load_config
from generators.loader import load_catalog
from tests.test_release import git, git_identity  # noqa: F401 - fixture reused

from .conftest import catalog_project

DEPT = Path("standards/codelists/department-code.md")
CUSTOMER = Path("standards/records/customer.md")


def run(root: Path, *args: str):
    return CliRunner().invoke(cli, ["--root", str(root), *args])


def ok(root: Path, *args: str) -> str:
    result = run(root, *args)
    assert result.exit_code == 0, result.output
    return result.output


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """The fixture catalog committed on main; work happens on a branch, as a member does."""
    root = catalog_project(tmp_path)
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "标准")
    git(root, "checkout", "-qb", "change")
    return root


def edit(root: Path, path: Path, old: str, new: str) -> None:
    text = (root / path).read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    (root / path).write_text(text.replace(old, new), encoding="utf-8")


def bump(root: Path) -> str:
    return json.loads(ok(root, "diff", "main", "--format", "json"))["bump"]


def commit(root: Path, message: str) -> None:
    git(root, "add", "-A")
    git(root, "commit", "-qm", message)
    git(root, "checkout", "-q", "main")
    git(root, "merge", "-q", "--ff-only", "change")
    git(root, "checkout", "-q", "change")


def test_the_committee_tasks(repo: Path) -> None:
    before = (repo / DEPT).read_text(encoding="utf-8")
    # 1. a new department code: proposed from the parent's letters, checked by the code rule
    out = ok(repo, "add-code", "department-code", "--title", "西南销售分部", "--parent", "XS01")
    assert "新增代码 XS04 西南销售分部" in out
    after = (repo / DEPT).read_text(encoding="utf-8")
    assert '{"const": "XS04", "title": "西南销售分部", "x-parent": "XS01"}' in after
    changed = [line for line in after.splitlines() if line not in before.splitlines()]
    assert len(changed) == 2  # the new line, and a comma after the previous last entry
    ok(repo, "prepare")
    assert bump(repo) == "minor"
    commit(repo, "新增部门")

    # 2. an optional field 客户官网 (url): a row added in Excel (sheet export → import)
    sheet = repo.parent / "客户字段.xlsx"
    ok(repo, "sheet", "export", "customer", "-o", str(sheet))
    book = openpyxl.load_workbook(sheet)
    rows = book["字段"]
    row = rows.max_row + 1
    for letter, value in zip(
        "ABCDE", ["website", "客户官网", "客户官方网站", "string 文本", "url 网址"], strict=True
    ):
        rows[f"{letter}{row}"] = value
    book.save(sheet)
    assert "新增 website" in ok(repo, "sheet", "import", str(sheet))
    assert '"website": {\n      "title": "客户官网",' in (repo / CUSTOMER).read_text(
        encoding="utf-8"
    )
    ok(repo, "prepare")
    assert bump(repo) == "minor"
    commit(repo, "客户官网")

    # 3. the customer's phone: a mainland mobile or a +852/+853/+886 number (anyOf), by
    # hand as the guide shows; the old format stays one of the alternatives: a widening
    edit(
        repo,
        CUSTOMER,
        '"description": "联系人的 11 位中国大陆手机号码",\n      "type": "string",\n'
        '      "format": "cn-mobile",',
        '"description": "联系人的手机号码：中国大陆手机号，或港澳台手机号",\n'
        '      "type": "string",\n      "anyOf": [\n        {"format": "cn-mobile"},\n'
        '        {"title": "港澳台手机号", "pattern": "^\\\\+(852|853)[0-9]{8}$|^\\\\+886[0-9]{9}$"}\n'
        "      ],",
    )
    ok(repo, "prepare")
    assert bump(repo) == "minor"
    assert "中国大陆手机号 → 中国大陆手机号或港澳台手机号" in ok(repo, "diff", "main")
    commit(repo, "联系人手机可填港澳台号码")
    rows = repo / "customers.csv"
    example = load_catalog(config=load_config(repo)).records["customer"].examples[0]
    with rows.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(example)
        for n, mobile in enumerate(("+85291234567", "+886912345678", "12345")):
            writer.writerow(
                {**example, "mobile": mobile, "customer_code": f"11000{n + 5}"}.values()
            )
    result = run(repo, "validate", str(rows), "--record", "customer", "--format", "json")
    errors = [e for f in json.loads(result.stdout)["files"] for e in f["errors"]]
    [wrong] = [e for e in errors if e["field"] == "mobile"]
    assert wrong["row"] == 4 and wrong["rule"] == "anyOf"
    assert "应为中国大陆手机号或港澳台手机号" in wrong["message"] and "^" not in wrong["message"]

    # 4. a withdrawn department: kept, marked deprecated, never offered again
    out = ok(repo, "deprecate", "department-code", "SJ01", "--note", "2026 年 3 月撤销")
    assert "已停用" in out
    assert (
        '"SJ01", "title": "审计监察部", "description": "负责内部审计、内控评价和违规事项调查；2026 年 3 月撤销", "deprecated": true}'
        in (repo / DEPT).read_text(encoding="utf-8")
    )
    ok(repo, "prepare")
    assert bump(repo) == "minor"
    commit(repo, "撤销审计监察部")

    # what CI runs stays green after each step (prepare ran check; these are its CI twins)
    for command in (["schemas", "--check"], ["codeowners", "--check"]):
        ok(repo, *command)
    assert bump(repo) == "none"  # everything is on main now


def test_new_record_then_prepare_drafts_the_merge_request(repo: Path) -> None:
    out = ok(
        repo,
        "new",
        "record",
        "project",
        "--title",
        "项目信息数据标准",
        "--owner",
        "XX01",
        "--category",
        "02.01",
        "--reviewer",
        "CW01",
        "--rule-prefix",
        "XM",
    )
    assert "standards/records/project.md" in out
    path = repo / "standards/records/project.md"
    text = path.read_text(encoding="utf-8")
    assert text.startswith("---\nid: IMS-DS-013\ntitle: 项目信息数据标准\nkind: record\n")
    # a date order, written by hand into the generated block
    text = text.replace(
        '  "required": ["project_code", "name"],',
        '  "required": ["project_code", "name"],\n'
        '  "x-rules": [{"id": "XM-02", "type": "date-order", "start": "start_date", '
        '"end": "end_date", "message": "结束日期不得早于开始日期"}],',
    )
    text = text.replace(
        '      "maxLength": 100\n    }\n  },',
        '      "maxLength": 100\n    },\n'
        '    "start_date": {"title": "开始日期", "type": "string", "format": "date"},\n'
        '    "end_date": {"title": "结束日期", "type": "string", "format": "date"}\n  },',
    )
    text = text.replace(
        "requirements:\n",
        "requirements:\n"
        '  - {id: XM-02, text: "结束日期不得早于开始日期", by: validator, rule: "XM-02"}\n',
    )
    text = text.replace("## 4 采集要求", "结束日期不得早于开始日期（XM-02）。\n\n## 4 采集要求")
    path.write_text(text, encoding="utf-8")
    draft = repo / "mr.md"
    out = ok(repo, "prepare", "-o", str(draft))
    assert "检查通过" in out and "需要 minor" in out
    home = (repo / "standards/index.md").read_text(encoding="utf-8")
    assert "| IMS-DS-013 | [项目信息数据标准](records/project.md) | 信息部 |" in home
    mr = draft.read_text(encoding="utf-8")
    assert mr.startswith("# 标准变更：项目信息数据标准")
    assert "新增记录 project（项目信息）" in mr
    assert "**minor**（次版本（兼容））" in mr
    assert "项目信息数据标准：XX01 信息部、CW01 财务部 批准" in mr
    # what CI runs stays green
    for command in (["check"], ["schemas", "--check"], ["codeowners", "--check"]):
        ok(repo, *command)
    assert "@corp/it" in (repo / ".github/CODEOWNERS").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--title", "重复", "--code", "XS01"], "代码 XS01 已用于“销售部”"),
        (["--title", "旧码", "--code", "KF01"], "已停用，停用的代码不得再分配"),
        (
            ["--title", "小写", "--code", "xm01"],
            "代码 xm01 不符合代码表 department-code 的编码规则",
        ),
        (["--title", "汉字", "--code", "项目01"], "不符合代码表 department-code 的编码规则"),
        (["--title", "无上级", "--parent", "ZZ99"], "上级代码 ZZ99 不在代码表 department-code 中"),
    ],
)
def test_add_code_refuses_with_a_reason(repo: Path, args: list[str], message: str) -> None:
    before = (repo / DEPT).read_bytes()
    result = run(repo, "add-code", "department-code", *args)
    assert result.exit_code == 2 and message in result.output
    assert (repo / DEPT).read_bytes() == before  # nothing written


def test_an_edit_that_would_not_pass_check_is_put_back(repo: Path) -> None:
    before = (repo / DEPT).read_bytes()
    result = run(repo, "add-code", "department-code", "--title", "", "--code", "XS09")
    assert result.exit_code == 1
    assert re.search(r"department-code\.md:\d+: ", result.output)
    assert (repo / DEPT).read_bytes() == before


def test_deprecate_and_unknown_names(repo: Path) -> None:
    assert "已经停用" in run(repo, "deprecate", "department-code", "KF01").output
    assert "没有代码 ZZ01" in run(repo, "deprecate", "department-code", "ZZ01").output
    result = run(repo, "add-code", "departmnt-code", "--title", "x")
    assert result.exit_code == 2 and "没有键为 departmnt-code 的代码表" in result.output


def test_deprecate_with_a_withdrawal_date(repo: Path) -> None:
    """`--withdrawn` writes the last day of use next to the deprecation, in place; an already
    deprecated code may get its date; a second date or an impossible one is refused."""
    path = repo / "standards/codelists/department-code.md"
    out = ok(repo, "deprecate", "department-code", "SJ01", "--withdrawn", "2026-03-31")
    assert "2026-03-31 撤销" in out
    assert (
        '"title": "审计监察部", "description": "负责内部审计、内控评价和违规事项调查", "deprecated": true, "x-withdrawn": "2026-03-31"}'
        in path.read_text(encoding="utf-8")
    )
    again = run(repo, "deprecate", "department-code", "SJ01", "--withdrawn", "2026-04-30")
    assert again.exit_code != 0 and "已有撤销日期 2026-03-31" in again.output
    bad = run(repo, "deprecate", "department-code", "XS03", "--withdrawn", "2026-02-30")
    assert bad.exit_code != 0 and "不是有效日期" in bad.output
    assert '"x-withdrawn": "2026-02-30"' not in path.read_text(encoding="utf-8")


def test_new_standard_mistakes_and_a_missing_team(repo: Path) -> None:
    base = ["new", "policy", "archive", "--title", "档案管理办法", "--category", "03.03.01"]
    result = run(repo, *base, "--owner", "ZZ01")
    assert result.exit_code == 2 and "部门代码 ZZ01 不在部门代码表中" in result.output
    edit(repo, Path("pyproject.toml"), 'SJ01 = "@corp/audit"\n', "")
    result = run(repo, *base, "--owner", "SJ01")
    assert result.exit_code == 0, result.output
    assert "部门 SJ01 还没有评审团队" in result.output and "[tool.infostd.teams]" in result.output
    assert run(repo, *base, "--owner", "XX01").exit_code == 2  # the file exists now
    assert run(repo, "new", "codelist", "Bad_Key", "--title", "x", "--owner", "XX01",
               "--category", "03.03.01").exit_code == 2  # fmt: skip


def test_generated_tables_are_checked_and_regenerated(repo: Path) -> None:
    index = Path("standards/index.md")
    edit(repo, index, "| IMS-DS-001 | [客户信息数据标准](records/customer.md) | 销售部 |\n", "")
    result = run(repo, "check")
    assert result.exit_code == 1
    assert (
        "index.md" in result.output
        and "自动生成的表格与标准不一致，请运行 infostd prepare" in result.output
    )
    edit(
        repo,
        index,
        "<!-- infostd:table records folder=records -->",
        "<!-- infostd:table recrods -->",
    )
    assert "不认识的表格 'recrods'" in run(repo, "check").output
    edit(
        repo,
        index,
        "<!-- infostd:table recrods -->",
        "<!-- infostd:table records folder=records -->",
    )
    out = ok(repo, "prepare")
    assert "已更新 standards/index.md 中自动生成的表格" in out or "index.md" in out
    ok(repo, "check")
    coding = (repo / "standards/policies/classification-coding.md").read_text(encoding="utf-8")
    assert "| [部门代码表](../codelists/department-code.md) | 信息部 | 人力资源部 |" in coding
