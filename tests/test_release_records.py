"""Approvals as data, status rules, editions and effective dates: `infostd check` and
`infostd release` on real git repositories in tmp dirs (with and without tags)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from generators.version import project_version
from tests.conftest import REPO, make_project
from tests.test_release import git, infostd
from tests.test_release import git_identity as git_identity  # noqa: F401 - autouse

POLICY = """\
publisher: 测试集团有限公司
notice_days: 30
contact: 信息部 李明
bodies:
  专项小组:
    when: [always]
  法务部:
    when: [personal-information]
  管理层:
    when: [policy, major, new, abolished]
"""


def approval(body: str, date: str = "2026-11-20", decision: str = "同意") -> str:
    return f"""\
  - body: {body}
    name: 张三
    role: 负责人
    department: XX01
    date: {date}
    decision: {decision}
    opinion: 同意。
    document: 文〔2026〕1号
"""


def request(cid: str, standards: str, *bodies: str, extra: str = "") -> str:
    body = "".join(approval(b) for b in bodies)
    return f"id: {cid}\ntitle: 变更申请 {cid}\nstandards: {standards}\napprovals:\n{body}{extra}"


def write(root: Path, name: str, text: str) -> Path:
    path = root / "releases" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def commit_all(root: Path, message: str) -> None:
    git(root, "add", "-A")
    git(root, "commit", "-qm", message)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """The mini standards (a record with personal information, two code lists), a release
    policy and a prefix, committed; no approvals yet."""
    root = make_project(tmp_path)
    with (root / "pyproject.toml").open("a", encoding="utf-8") as f:
        f.write('standard_prefix = "Q/TEST"\n')
    write(root, "policy.yaml", POLICY)
    git(root, "init", "-q", "-b", "main")
    commit_all(root, "初稿")
    return root


def approve_all(root: Path) -> None:
    write(
        root,
        "requests/CR-2026-001.yaml",
        request("CR-2026-001", "all", "专项小组", "法务部", "管理层"),
    )
    commit_all(root, "首版批准")


def record(root: Path, version: str) -> dict:
    return yaml.safe_load((root / "releases" / f"v{version}.yaml").read_text(encoding="utf-8"))


def test_released_status_needs_a_release_or_an_approved_request(project: Path) -> None:
    result = infostd(project, "check", code=1)
    # each released standard, located at its status line
    assert "records/customer.md:8: T-DS-001 状态为正式施行（released），但没有任何发布包含它" in (
        result.output
    )
    assert "codelists/region.md:8:" in result.output
    # a pilot standard needs no release
    for name in ("records/customer.md", "codelists/region.md", "codelists/basics.md"):
        path = project / "standards" / name
        path.write_text(path.read_text().replace("status: released", "status: pilot"))
    infostd(project, "check")


def test_release_refuses_missing_approvals_and_names_them(project: Path) -> None:
    write(project, "requests/CR-2026-001.yaml", request("CR-2026-001", "all", "专项小组"))
    commit_all(project, "只有专项小组")
    dry = infostd(project, "release", "--dry-run", "--date", "2026-12-01", code=1)
    assert "T-DS-001 客户信息数据标准：缺少法务部的批准（涉及个人信息）" in dry.output
    assert "T-DS-001 客户信息数据标准：缺少管理层的批准（新标准）" in dry.output
    assert "法务部" not in "".join(line for line in dry.output.splitlines() if "T-CL" in line)
    head = git(project, "rev-parse", "HEAD")
    real = infostd(project, "release", "--date", "2026-12-01", "--document", "文1号", code=1)
    assert "缺少发布所需的批准" in real.output and "缺少管理层的批准" in real.output
    assert git(project, "rev-parse", "HEAD") == head
    assert git(project, "tag", "--list") == ""
    assert not (project / "releases" / "v1.0.0.yaml").exists()
    assert git(project, "status", "--porcelain") == ""


def test_a_later_rejection_withdraws_an_approval(project: Path) -> None:
    text = request("CR-2026-001", "all", "专项小组", "法务部", "管理层")
    text += approval("法务部", date="2026-11-25", decision="不同意")
    write(project, "requests/CR-2026-001.yaml", text)
    commit_all(project, "法务部撤回")
    dry = infostd(project, "release", "--dry-run", "--date", "2026-12-01", code=1)
    assert "T-DS-001 客户信息数据标准：缺少法务部的批准" in dry.output
    # an approval dated after the release does not count either
    write(
        project,
        "requests/CR-2026-001.yaml",
        request("CR-2026-001", "all", "专项小组", "法务部", "管理层"),
    )
    commit_all(project, "重新审核")
    dry = infostd(project, "release", "--dry-run", "--date", "2026-11-19", code=1)
    assert "缺少专项小组的批准" in dry.output


def test_first_release_writes_editions_commits_and_tags(project: Path) -> None:
    approve_all(project)
    infostd(project, "check")  # the open request covers the released statuses
    unnumbered = infostd(project, "release", "--date", "2026-12-01", code=1)
    assert "发布通知须有文号" in unnumbered.output and git(project, "tag", "--list") == ""
    assert git(project, "status", "--porcelain") == ""  # nothing half-written
    release_first(project)
    data = record(project, "1.0.0")
    assert data["document"] == "信管发〔2026〕12号" and data["requests"] == ["CR-2026-001"]
    customer = next(e for e in data["editions"] if e["id"] == "T-DS-001")
    assert customer == {
        "id": "T-DS-001",
        "title": "客户信息数据标准",
        "number": "Q/TEST T-DS-001—2026",
        "action": "发布",
        "status": "released",
        "bump": "minor",
        "published": "2026-12-01",
        "effective": "2027-01-01",
        "replaces": None,
        "changes": ["首次发布。"],
    }
    # the annotated tag points at the commit that added the record
    assert git(project, "cat-file", "-t", "v1.0.0") == "tag"
    assert git(project, "rev-parse", "v1.0.0^{commit}") == git(
        project, "log", "-1", "--format=%H", "--", "releases/v1.0.0.yaml"
    )
    assert git(project, "status", "--porcelain") == ""
    assert project_version(project) == "1.0.0"
    assert "infostd 1.0.0" in infostd(project, "--version").output
    infostd(project, "check")  # released standards now have an edition; the request is used
    again = infostd(project, "release", "--dry-run")
    assert "无需发布" in again.output


def release_first(root: Path) -> None:
    """The first official release, as the committee cuts it (dated, effective, numbered)."""
    infostd(
        root,
        "release",
        "--date",
        "2026-12-01",
        "--effective",
        "2027-01-01",
        "--document",
        "信管发〔2026〕12号",
    )


def released(project: Path) -> None:
    approve_all(project)
    infostd(project, "release", "--date", "2026-12-01", "--document", "文1号")


def make_major_change(root: Path) -> None:
    path = root / "standards" / "records" / "customer.md"
    text = path.read_text(encoding="utf-8")
    path.write_text(
        text.replace('"minLength": 2, "maxLength": 50', '"minLength": 4, "maxLength": 50')
    )


def test_major_revision_takes_effect_after_the_notice_period(project: Path) -> None:
    released(project)
    make_major_change(project)
    commit_all(project, "名称至少 4 字")
    # the first request was used by v1.0.0: the revision needs approvals of its own
    dry = infostd(project, "release", "--dry-run", "--date", "2027-03-01", code=1)
    assert "缺少专项小组的批准（每项变更）" in dry.output
    assert "缺少管理层的批准（主版本变更）" in dry.output
    write(
        project,
        "requests/CR-2027-001.yaml",
        request("CR-2027-001", "[T-DS-001]", "专项小组", "法务部", "管理层"),
    )
    commit_all(project, "修订批准")
    early = infostd(
        project,
        "release",
        "--date",
        "2027-03-01",
        "--effective",
        "2027-03-10",
        "--document",
        "文2号",
        code=2,
    )
    assert "早于通知期（30 天）届满日 2027-03-31" in early.output and "T-DS-001" in early.output
    infostd(project, "release", "--date", "2027-03-01", "--document", "文2号")
    data = record(project, "2.0.0")
    [edition] = data["editions"]
    assert edition["number"] == "Q/TEST T-DS-001—2027"
    assert edition["replaces"] == "Q/TEST T-DS-001—2026"
    assert edition["action"] == "修订" and edition["bump"] == "major"
    assert edition["effective"] == "2027-03-31"
    assert any("客户名称" in c for c in edition["changes"])
    assert data["requests"] == ["CR-2027-001"]


def test_clone_without_tags_shows_the_release_and_releases_again(
    project: Path, tmp_path: Path
) -> None:
    released(project)
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", "--no-tags", str(project), str(clone)], check=True)
    assert git(clone, "tag", "--list") == ""
    assert project_version(clone) == "1.0.0"
    assert "infostd 1.0.0" in infostd(clone, "--version").output
    # a prose edit after the release: a patch, compared with the release commit (no tag)
    path = clone / "standards" / "codelists" / "region.md"
    path.write_text(path.read_text(encoding="utf-8") + "\n补充说明。\n", encoding="utf-8")
    write(clone, "requests/CR-2027-002.yaml", request("CR-2027-002", "[T-CL-001]", "专项小组"))
    commit_all(clone, "补充说明")
    assert project_version(clone).startswith("1.0.0+dev.1.g")
    infostd(clone, "release", "--date", "2027-02-01", "--document", "文3号")
    data = record(clone, "1.0.1")
    [edition] = data["editions"]
    assert edition["effective"] == "2027-02-01"  # not major: effective on release
    assert project_version(clone) == "1.0.1"


def test_abolishing_needs_management_and_a_published_status(project: Path) -> None:
    released(project)
    path = project / "standards" / "codelists" / "basics.md"
    path.write_text(path.read_text().replace("status: released", "status: deprecated"))
    commit_all(project, "废止")
    write(project, "requests/CR-2027-003.yaml", request("CR-2027-003", "all", "专项小组"))
    commit_all(project, "批准")
    dry = infostd(project, "release", "--dry-run", "--date", "2027-01-05", code=1)
    assert "缺少管理层的批准（废止）" in dry.output


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        (
            "id: CR-1\ntitle: x\nstandards: all\napprovals: !!python/object/apply:os.system [echo hi]\n",
            4,
            "YAML",
        ),
        ("id: CR-1\nid: CR-2\n", 2, "键 id 重复"),
        (
            request("CR-2026-009", "all", "专项小组").replace("2026-11-20", "2026-02-30"),
            9,
            "2026-02-30 不是有效日期",
        ),
        (
            request("CR-2026-009", "all", "专项小组").replace("decision: 同意", "decision: 好"),
            10,
            "decision：取值 '好' 不在 同意、修改后同意、不同意 之中",
        ),
        (
            request("CR-2026-009", "all", "专项小组").replace(
                "role: 负责人", "role: 负责人\n    mood: 好"
            ),
            8,
            "不认识的键 mood",
        ),
        (
            request("CR-2026-009", "all", "评审委员会"),
            5,
            "评审机构 评审委员会 未在 policy.yaml 中定义",
        ),
        (request("CR-2026-009", "[T-DS-404]", "专项小组"), 1, "没有编号为 T-DS-404 的标准"),
        ("- a\n- b\n", 1, "应为映射"),
    ],
)
def test_bad_request_files_are_located_errors(
    project: Path, text: str, line: int, words: str
) -> None:
    write(project, "requests/CR-2026-009.yaml", text)
    result = infostd(project, "check", code=1)
    assert f"releases/requests/CR-2026-009.yaml:{line}: " in result.output, result.output
    assert words in result.output
    assert "Traceback" not in result.output


def test_record_names_and_references_are_checked(project: Path) -> None:
    released(project)
    (project / "releases" / "notes.yaml").write_text("a: 1\n", encoding="utf-8")
    data = (project / "releases" / "v1.0.0.yaml").read_text(encoding="utf-8")
    (project / "releases" / "v1.1.0.yaml").write_text(data, encoding="utf-8")
    result = infostd(project, "check", code=1)
    assert "releases/notes.yaml:1: releases/ 中只能有 policy.yaml 和 vX.Y.Z.yaml" in result.output
    assert "版本 1.0.0 与文件名 v1.1.0.yaml 不一致" in result.output


def shipped_repo(tmp_path: Path) -> Path:
    """The shipped repository's content (standards, settings, releases/) in a fresh git repo."""
    root = tmp_path / "shipped"
    for name in ("standards", "releases", "programme", ".github", ".gitlab"):
        if (REPO / name).is_dir():
            shutil.copytree(REPO / name, root / name)
    for name in ("pyproject.toml", "mkdocs.yml", "CHANGELOG.md"):
        shutil.copy(REPO / name, root / name)
    git(root, "init", "-q", "-b", "main")
    commit_all(root, "shipped")
    return root


def test_shipped_approvals_are_complete_for_the_first_release(tmp_path: Path) -> None:
    """Before the first release: the example approvals cover every standard the release
    would publish. After it: the clone is at the recorded version and nothing is pending."""
    root = shipped_repo(tmp_path)
    recorded = sorted((root / "releases").glob("v*.yaml"))
    result = infostd(root, "release", "--dry-run", "--effective", "2027-01-01")
    if recorded:
        assert "无需发布" in result.output
        assert project_version(root) == recorded[-1].stem.removeprefix("v")
        return
    assert "（尚无发布） → v1.0.0" in result.output
    assert "所需批准齐全（变更申请：CR-2026-001）" in result.output
    released_count = sum(
        1 for p in (root / "standards").rglob("*.md") if "\nstatus: released" in p.read_text()
    )
    assert result.output.count("  发布 Q/XXX ") >= released_count


def test_a_date_that_is_not_a_date_is_a_chinese_error(project: Path) -> None:
    approve_all(project)
    result = infostd(project, "release", "--dry-run", "--effective", "2027-02-30", code=2)
    assert "--effective：2027-02-30 不是有效日期（应为 YYYY-MM-DD）" in result.output
