""".github/CODEOWNERS: generated from owner/reviewers, and `infostd check` catches drift."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from generators.cli import cli
from tests.conftest import REPO, make_project

TEAMS = """
[tool.infostd.teams]
XX01 = "@corp/it"
XS01 = "@corp/sales"
FW01 = "@corp/legal"
"""


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = make_project(tmp_path)
    with (root / "pyproject.toml").open("a", encoding="utf-8") as handle:
        handle.write(TEAMS)
    return root


def infostd(root: Path, *args: str, code: int = 0):
    result = CliRunner().invoke(cli, ["--root", str(root), *args])
    assert result.exit_code == code, result.output
    return result


def test_generates_owner_and_reviewer_teams_per_standard_and_schema(project: Path) -> None:
    infostd(project, "codeowners")
    lines = (project / ".github" / "CODEOWNERS").read_text(encoding="utf-8").splitlines()
    assert "/standards/records/customer.md @corp/sales @corp/legal" in lines
    assert "/schemas/customer.schema.json @corp/sales @corp/legal" in lines
    assert "/schemas/contract.schema.json @corp/sales @corp/legal" in lines
    assert "/standards/codelists/region.md @corp/it" in lines
    infostd(project, "check")
    infostd(project, "codeowners", "--check")


def test_check_fails_when_codeowners_drifts_and_regenerating_fixes_it(project: Path) -> None:
    missing = infostd(project, "check", code=1)
    assert (
        ".github/CODEOWNERS:1: 与标准的 owner/reviewers 不一致，请运行：infostd codeowners"
        in missing.output
    )
    infostd(project, "codeowners")
    customer = project / "standards" / "records" / "customer.md"
    customer.write_text(
        customer.read_text(encoding="utf-8").replace(
            "reviewers: [FW01]", "reviewers: [FW01, XX01]"
        ),
        encoding="utf-8",
    )
    assert "请运行：infostd codeowners" in infostd(project, "check", code=1).output
    infostd(project, "codeowners")
    infostd(project, "check")
    lines = (project / ".github" / "CODEOWNERS").read_text(encoding="utf-8").splitlines()
    assert "/standards/records/customer.md @corp/sales @corp/legal @corp/it" in lines
    # A hand edit is drift too.
    with (project / ".github" / "CODEOWNERS").open("a", encoding="utf-8") as handle:
        handle.write("/standards/ @someone\n")
    infostd(project, "check", code=1)


def test_department_without_team_is_located_in_the_standard(project: Path) -> None:
    pyproject = project / "pyproject.toml"
    pyproject.write_text(
        pyproject.read_text(encoding="utf-8").replace('FW01 = "@corp/legal"\n', ""),
        encoding="utf-8",
    )
    result = infostd(project, "codeowners", code=1)
    assert (
        "standards/records/customer.md:7: 部门 FW01 在 pyproject.toml [tool.infostd.teams] 中没有对应的评审团队"
        in result.output
    )
    assert not (project / ".github" / "CODEOWNERS").exists()


def test_malformed_team_handle_points_at_pyproject(project: Path) -> None:
    pyproject = project / "pyproject.toml"
    pyproject.write_text(
        pyproject.read_text(encoding="utf-8").replace('"@corp/legal"', '"法务部"'),
        encoding="utf-8",
    )
    result = infostd(project, "check", code=1)
    assert (
        "pyproject.toml:7: [tool.infostd.teams] FW01 = '法务部' 不是团队或用户标识" in result.output
    )


def test_projects_without_teams_do_not_manage_codeowners(mini_project: Path) -> None:
    infostd(mini_project, "check")
    result = infostd(mini_project, "codeowners", code=2)
    assert "没有 [tool.infostd.teams]" in result.output


def test_the_repository_codeowners_is_in_sync() -> None:
    infostd(REPO, "codeowners", "--check")
