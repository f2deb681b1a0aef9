"""术语表: a deprecated synonym anywhere in a standard's prose is a located error naming
the preferred term; the glossary itself may name it."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from generators.cli import cli

from .conftest import make_project

GLOSSARY = """---
id: T-GD-001
title: 术语表
kind: guide
status: released
terms:
  - {term: 专项小组, definition: "由分管副总经理任组长的信息管理专项小组", deprecated: [信息化领导小组]}
  - {term: 顺序号, definition: "按赋码先后分配的号码", deprecated: [流水号]}
---
# 术语表

“信息化领导小组”“流水号”不再使用。
"""


def check(root: Path) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["--root", str(root), "check"])
    assert "Traceback" not in result.output
    return result.exit_code, result.output


def test_deprecated_synonym_is_a_located_error(tmp_path: Path) -> None:
    root = make_project(tmp_path)
    (root / "standards" / "glossary.md").write_text(GLOSSARY, encoding="utf-8")
    assert check(root)[0] == 0  # the glossary names the words on purpose
    path = root / "standards" / "records" / "customer.md"
    text = path.read_text(encoding="utf-8")
    path.write_text(
        text.replace("见[地区代码]", "报信息化领导小组批准，编码的流水号见[地区代码]"),
        encoding="utf-8",
    )
    code, output = check(root)
    assert code == 1
    line = text.splitlines().index("见[地区代码](../codelists/region.md)。") + 1
    assert f"customer.md:{line}: 使用了已废止的术语“信息化领导小组”，应改为“专项小组”" in output
    assert "“流水号”，应改为“顺序号”" in output


def test_a_glossary_entry_needs_a_definition(tmp_path: Path) -> None:
    root = make_project(tmp_path)
    broken = GLOSSARY.replace('definition: "按赋码先后分配的号码", ', "")
    (root / "standards" / "glossary.md").write_text(broken, encoding="utf-8")
    code, output = check(root)
    assert code == 1 and "glossary.md:" in output and "definition" in output
