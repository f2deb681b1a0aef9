"""A published code keeps its meaning: `infostd check` against the last release tag, in a
real git repository."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from generators.cli import cli
from tests.test_release import git, git_identity, init_repo  # noqa: F401 - fixture reused

from .conftest import make_project


def check(root: Path):
    return CliRunner().invoke(cli, ["--root", str(root), "check"])


@pytest.fixture
def released(tmp_path: Path) -> Path:
    """The mini project committed and tagged v1.0.0."""
    root = init_repo(make_project(tmp_path))
    git(root, "tag", "-a", "v1.0.0", "-m", "v1.0.0")
    return root


def edit(root: Path, old: str, new: str) -> None:
    path = root / "standards" / "codelists" / "region.md"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_deleting_a_released_code_is_refused(released: Path) -> None:
    edit(released, '    {"const": "44", "title": "广东省"}', '    {"const": "45", "title": "广西"}')
    result = check(released)
    assert result.exit_code == 1
    assert "region.md:17: 代码表 region 删除了代码 44 广东省（v1.0.0 中有效）" in result.output
    assert "infostd deprecate" in result.output


def test_reassigning_a_code_is_refused_and_a_rename_keeps_the_old_name(released: Path) -> None:
    edit(released, '{"const": "31", "title": "上海市"}', '{"const": "31", "title": "浙江省"}')
    result = check(released)
    assert result.exit_code == 1
    assert "region.md:19: 代码 31 的名称由“上海市”改为“浙江省”（v1.0.0 中有效）" in result.output
    edit(released, '"title": "浙江省"}', '"title": "上海", "x-aliases": ["上海市"]}')
    assert check(released).exit_code == 0


def test_a_code_deprecated_in_a_release_may_go_later(released: Path) -> None:
    edit(released, '"title": "广东省"}', '"title": "广东省", "deprecated": true}')
    result = check(released)
    assert result.exit_code == 0, result.output  # deprecating is always allowed
    git(released, "commit", "-qam", "停用 44")
    git(released, "tag", "-a", "v1.1.0", "-m", "v1.1.0")
    edit(released, ',\n    {"const": "44", "title": "广东省", "deprecated": true}', "")
    assert check(released).exit_code == 0


def test_a_withdrawal_retires_a_code(released: Path) -> None:
    """A withdrawal date is a legitimate way to retire a code: allowed at once, and the
    code may leave the list after a release that withdrew it."""
    edit(released, '"title": "广东省"}', '"title": "广东省", "x-withdrawn": "2026-06-30"}')
    assert check(released).exit_code == 0
    git(released, "commit", "-qam", "撤销 44")
    git(released, "tag", "-a", "v1.1.0", "-m", "v1.1.0")
    edit(released, ',\n    {"const": "44", "title": "广东省", "x-withdrawn": "2026-06-30"}', "")
    assert check(released).exit_code == 0
    bad = released / "standards" / "codelists" / "region.md"
    bad.write_text(
        bad.read_text().replace(
            '"title": "北京市"}', '"title": "北京市", "x-withdrawn": "2026-02-30"}'
        )
    )
    result = check(released)
    assert result.exit_code == 1 and "撤销日期 2026-02-30 不是有效日期" in result.output


def test_examples_using_a_withdrawn_code_are_warned(released: Path) -> None:
    edit(released, '"title": "北京市"}', '"title": "北京市", "x-withdrawn": "2020-06-30"}')
    result = check(released)
    assert result.exit_code == 0
    assert "示例 1 的 region 使用了定于 2020-06-30 撤销的代码 11 北京市" in result.output


def test_examples_using_a_deprecated_code_are_warned(released: Path) -> None:
    edit(released, '"title": "北京市"}', '"title": "北京市", "deprecated": true}')
    result = check(released)
    assert result.exit_code == 0
    assert "customer.md:38: 警告：示例 1 的 region 使用了已停用的代码 11 北京市" in result.output


def test_outside_git_nothing_to_compare(mini_project: Path) -> None:
    assert check(mini_project).exit_code == 0
