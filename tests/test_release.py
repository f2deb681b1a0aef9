"""`infostd diff` and `infostd release` on real git repositories in tmp dirs."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from generators.cli import cli
from tests.conftest import CATALOG, make_project

TODAY = r"\d{4}-\d{2}-\d{2}"


def git(root: Path, *args: str) -> str:
    done = subprocess.run(["git", *args], cwd=root, capture_output=True, text=True, check=True)
    return done.stdout.strip()


@pytest.fixture(autouse=True)
def git_identity(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Commits and tags need an identity; the user's own git config must not leak in."""
    for who in ("AUTHOR", "COMMITTER"):
        monkeypatch.setenv(f"GIT_{who}_NAME", "标准委员会")
        monkeypatch.setenv(f"GIT_{who}_EMAIL", "committee@example.test")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(tmp_path / "gitconfig"))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")


def init_repo(root: Path) -> Path:
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "标准初稿")
    return root


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    return init_repo(make_project(tmp_path))


def shipped_clone(tmp_path: Path) -> Path:
    """A repository holding the shipped standards and project settings (teams, CODEOWNERS)."""
    root = tmp_path / "shipped"
    shutil.copytree(CATALOG / "standards", root / "standards")
    shutil.copy(CATALOG / "pyproject.toml", root / "pyproject.toml")
    for host in (".github", ".gitlab"):
        (root / host).mkdir()
        shutil.copy(CATALOG / host / "CODEOWNERS", root / host / "CODEOWNERS")
    return init_repo(root)


def infostd(root: Path, *args: str, code: int | None = 0):
    result = CliRunner().invoke(cli, ["--root", str(root), *args])
    if code is not None:
        assert result.exit_code == code, result.output
    return result


def edit(root: Path, file: str, old: str, new: str) -> None:
    path = root / "standards" / file
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {file}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def commit(root: Path, message: str) -> None:
    git(root, "commit", "-qam", message)


def tags(root: Path) -> list[str]:
    return git(root, "tag", "--list").split()


REMARK = """,
    "remark": {
      "title": "备注",
      "description": "其他需要说明的情况；客户类型为“9 其他”时须写明主体类型",
      "type": "string",
      "maxLength": 500
    }"""
WEBSITE = """,
    "website": {"title": "网址", "description": "客户官方网站", "type": "string", "maxLength": 200}"""
ADDRESS_DESCRIPTION = '"description": "营业执照上的住所"'


def remove_remark(root: Path) -> None:
    edit(root, "records/customer.md", REMARK, "")
    edit(root, "records/customer.md", ',\n      "remark": "新客户，首单款到发货"', "")


DONE_WHEN = [
    ("remove field", remove_remark, "major", "v2.0.0",
     "- **[不兼容]** 删除字段 customer.remark（备注）"),
    ("add optional field", lambda r: edit(r, "records/customer.md", REMARK, REMARK + WEBSITE),
     "minor", "v1.1.0", "- 新增可选字段 customer.website（网址）"),
    ("edit description", lambda r: edit(r, "records/customer.md", ADDRESS_DESCRIPTION,
     '"description": "营业执照上登记的住所"'), "patch", "v1.0.1",
     "- 字段 customer.address（注册地址） 说明修改"),
]  # fmt: skip


def test_done_when_on_the_shipped_customer_standard(tmp_path: Path) -> None:
    base = shipped_clone(tmp_path)
    first = infostd(base, "release", "--summary", "首批标准经委员会审议通过。")
    assert "v1.0.0" in first.output
    assert tags(base) == ["v1.0.0"]
    for name, change, bump, tag, line in DONE_WHEN:
        clone = tmp_path / name.replace(" ", "-")
        git(tmp_path, "clone", "-q", str(base), str(clone))
        change(clone)
        result = json.loads(infostd(clone, "diff", "--format", "json").output)
        assert (result["from"], result["to"], result["bump"]) == ("v1.0.0", "工作区", bump)
        commit(clone, name)
        infostd(clone, "release")
        assert tags(clone) == sorted(["v1.0.0", tag]), name
        changelog = (clone / "CHANGELOG.md").read_text(encoding="utf-8")
        section = changelog.split(f"## [{tag[1:]}] - ")[1].split("\n## [")[0]
        assert re.match(TODAY, section), section
        assert line in section.splitlines(), section
        assert "自 v1.0.0 起" in section


def test_release_sequence_changelog_and_annotated_tags(repo: Path) -> None:
    (repo / "summary.md").write_text("试点单位反馈后的第一次修订。\n", encoding="utf-8")
    git(repo, "add", "summary.md")
    commit(repo, "发布说明")
    infostd(repo, "release")
    assert tags(repo) == ["v1.0.0"]

    # The committee writes prose and a hand-written entry under [未发布] in the same PR.
    text = (repo / "CHANGELOG.md").read_text(encoding="utf-8")
    text = text.replace(
        "## [未发布]\n", "## [未发布]\n\n委员会同意增加邮箱。\n\n### 修复\n\n- 修正错别字。\n"
    )
    (repo / "CHANGELOG.md").write_text(text, encoding="utf-8")
    edit(
        repo,
        "records/customer.md",
        '"registered_on"',
        '"email": {"title": "邮箱", "type": "string", "format": "email"},\n    "registered_on"',
    )
    commit(repo, "增加邮箱")
    out = infostd(repo, "release", "--summary-file", str(repo / "summary.md")).output
    assert "v1.0.0 → v1.1.0（minor）" in out

    edit(
        repo,
        "records/customer.md",
        '"title": "客户名称"',
        '"title": "客户名称", "description": "全称"',
    )
    commit(repo, "说明")
    infostd(repo, "release")
    edit(repo, "records/customer.md", '"maxLength": 50', '"maxLength": 40')
    commit(repo, "收紧")
    infostd(repo, "release")
    assert tags(repo) == ["v1.0.0", "v1.1.0", "v1.1.1", "v2.0.0"]

    nothing = infostd(repo, "release")
    assert "没有变化，无需发布" in nothing.output
    assert tags(repo) == ["v1.0.0", "v1.1.0", "v1.1.1", "v2.0.0"]

    changelog = (repo / "CHANGELOG.md").read_text(encoding="utf-8")
    headings = re.findall(r"^## \[(.+?)\]", changelog, re.M)
    assert headings == ["未发布", "2.0.0", "1.1.1", "1.1.0", "1.0.0"]
    unreleased = changelog.split("## [未发布]")[1].split("## [2.0.0]")[0]
    assert unreleased.strip() == ""  # moved into 1.1.0
    v110 = changelog.split("## [1.1.0]")[1].split("## [1.0.0]")[0]
    assert (
        v110.index("委员会同意增加邮箱。")
        < v110.index("试点单位反馈后的第一次修订。")
        < v110.index("### 新增")
    )
    assert "- 新增可选字段 customer.email（邮箱）" in v110
    assert "### 修复\n\n- 修正错别字。" in v110
    assert "- **[不兼容]** 字段 customer.name（客户名称） 最大长度：50 → 40" in changelog
    assert "- 字段 customer.name（客户名称） 说明修改" in changelog

    for tag in ("v1.0.0", "v1.1.0", "v1.1.1", "v2.0.0"):
        assert git(repo, "cat-file", "-t", tag) == "tag"  # annotated
        commit_of_tag = git(repo, "rev-list", "-n", "1", tag)
        assert git(repo, "show", "--name-only", "--format=%s", commit_of_tag).splitlines() == [
            f"发布 {tag}",
            "",
            "CHANGELOG.md",
        ]
    message = git(repo, "tag", "-l", "--format=%(contents)", "v2.0.0")
    assert "## [2.0.0]" in message and "最大长度：50 → 40" in message
    assert git(repo, "rev-parse", "v2.0.0^{commit}") == git(repo, "rev-parse", "HEAD")


def test_release_refuses_a_dirty_tree(repo: Path) -> None:
    edit(repo, "records/customer.md", '"maxLength": 50', '"maxLength": 40')
    result = infostd(repo, "release", code=1)
    assert "工作区有未提交的修改，拒绝发布" in result.output
    assert "standards/records/customer.md" in result.output
    git(repo, "checkout", "--", ".")
    (repo / "standards" / "records" / "new.md").write_text("草稿\n", encoding="utf-8")
    assert "new.md" in infostd(repo, "release", code=1).output
    assert tags(repo) == []
    assert not (repo / "CHANGELOG.md").exists()


def test_release_refuses_a_failing_check(repo: Path) -> None:
    edit(repo, "records/customer.md", "owner: XS01", "owner: XX99")
    commit(repo, "写错了部门")
    result = infostd(repo, "release", code=1)
    assert "customer.md:6: owner: XX99 不在代码表 department-code 中" in result.output
    assert tags(repo) == []
    assert git(repo, "status", "--porcelain") == ""


def test_dry_run_writes_nothing_and_previews_dirty_work(repo: Path) -> None:
    infostd(repo, "release")
    head = git(repo, "rev-parse", "HEAD")
    edit(repo, "records/customer.md", '"minimum": 0', '"minimum": 0, "maximum": 1000000')
    result = infostd(repo, "release", "--dry-run")
    assert "v1.0.0 → v2.0.0（major）" in result.output
    assert "上限：无 → ≤ 1000000（旧数据可能超出新范围）" in result.output
    assert "预览" in result.output
    assert tags(repo) == ["v1.0.0"]
    assert git(repo, "rev-parse", "HEAD") == head
    assert git(repo, "status", "--porcelain") == "M standards/records/customer.md"


def test_diff_between_refs_json_and_fail_on(repo: Path) -> None:
    git(repo, "tag", "-a", "v1.0.0", "-m", "基线")
    edit(
        repo,
        "codelists/region.md",
        '{"const": "44", "title": "广东省"}',
        '{"const": "44", "title": "广东省"},\n    {"const": "32", "title": "江苏省"}',
    )
    commit(repo, "新增江苏")
    result = json.loads(infostd(repo, "diff", "v1.0.0", "HEAD", "--format", "json").output)
    assert result == {
        "from": "v1.0.0",
        "to": "HEAD",
        "bump": "minor",
        "changes": [
            {
                "standard": "T-CL-001",
                "schema": "region",
                "field": None,
                "kind": "code-added",
                "bump": "minor",
                "message": "region（地区代码） 新增代码 32 江苏省"
                "（编码规则按任一切分匹配：customer.customer_code 原有的编码仍然有效）",
            }
        ],
    }
    assert infostd(repo, "diff", "--fail-on", "major").exit_code == 0
    failed = infostd(repo, "diff", "--fail-on", "minor", code=1)
    assert "v1.0.0 → 工作区：需要 minor" in failed.output
    markdown = infostd(repo, "diff", "--format", "markdown").output
    assert "| minor | T-CL-001 | region |  | region（地区代码） 新增代码 32 江苏省（" in markdown
    unknown = infostd(repo, "diff", "v9.9.9", code=2)
    assert "找不到 git 引用 v9.9.9" in unknown.output


def test_diff_in_a_project_inside_a_larger_repository(tmp_path: Path) -> None:
    project = make_project(tmp_path / "repo" / "docs")
    init_repo(tmp_path / "repo")
    git(project, "tag", "-a", "v1.0.0", "-m", "基线")
    edit(project, "records/customer.md", '"minLength": 2', '"minLength": 1')
    text = infostd(project, "diff").output
    assert "[minor] T-DS-001  字段 customer.name（客户名称） 最小长度：2 → 1" in text


def test_no_tag_yet_compares_with_the_base_branch(repo: Path) -> None:
    """Before the first release a review wants the change, not the whole catalog (issue 17)."""
    result = json.loads(infostd(repo, "diff", "--format", "json").output)
    assert result["from"] == "main" and result["bump"] == "none"
    git(repo, "branch", "-m", "main", "trunk")  # no base branch either: the whole catalog
    result = json.loads(infostd(repo, "diff", "--format", "json").output)
    assert result["from"] is None and result["bump"] == "minor"
    assert {"record-added", "codelist-added", "standard-added"} == {
        c["kind"] for c in result["changes"]
    }
