"""click's own usage errors (before any of our code runs) are Chinese by default, for
every command, and English on request."""

from __future__ import annotations

import re

import click
import pytest
from click.testing import CliRunner

from generators.cli import cli

ENGLISH = re.compile(r"Error|Missing|No such|Try '|Invalid value|is not one of|Usage|OPTIONS")


def commands(group: click.Group, path: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    found = []
    for name, command in sorted(group.commands.items()):
        found.append((*path, name))
        if isinstance(command, click.Group):
            found += commands(command, (*path, name))
    return found


@pytest.fixture(autouse=True)
def chinese(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("INFOSTD_LANG", raising=False)
    monkeypatch.setattr("sys.argv", ["infostd"])


@pytest.mark.parametrize("path", commands(cli), ids=" ".join)
def test_an_unknown_option_is_said_in_chinese(path: tuple[str, ...]) -> None:
    result = CliRunner().invoke(cli, [*path, "--no-such-flag"], prog_name="infostd")
    assert result.exit_code == 2
    assert "错误：没有选项 '--no-such-flag'。" in result.output, result.output
    assert "用法：infostd" in result.output and "查看帮助" in result.output
    assert not ENGLISH.search(result.output), result.output


def test_missing_arguments_and_bad_choices_are_said_in_chinese() -> None:
    missing = CliRunner().invoke(cli, ["template"])
    assert missing.exit_code == 2 and "错误：缺少参数 'KEY'" in missing.output
    choice = CliRunner().invoke(cli, ["validate", "--format", "pdf", "x.csv"])
    assert "'--format' 的值无效：'pdf' 不是 'text', 'json', 'xlsx' 之一。" in choice.output
    unknown = CliRunner().invoke(cli, ["valdate"])
    assert "错误：没有命令 'valdate'。" in unknown.output
    hint = CliRunner().invoke(cli, ["validate", "--formt", "json"])
    assert "是否应为以下之一：'--emit', '--format', '--out'？" in hint.output
    for result in (missing, choice, unknown, hint):
        assert not ENGLISH.search(result.output), result.output


def test_english_on_request(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("INFOSTD_LANG", "en")
    result = CliRunner().invoke(cli, ["template"])
    assert "Error: Missing argument 'KEY'" in result.output
    monkeypatch.delenv("INFOSTD_LANG")
    monkeypatch.setattr("sys.argv", ["infostd", "validate", "--lang", "en", "--formt"])
    result = CliRunner().invoke(cli, ["validate", "--lang", "en", "--formt", "json"])
    assert "No such option '--formt'" in result.output


@pytest.mark.parametrize("args", [["sql", "ddl", "--dialect", "postgres"], ["check"]])
def test_a_closed_pipe_stops_quietly(args: list[str]) -> None:
    """`infostd check | head -1`: the reader went away; no internal error, no traceback."""
    import subprocess
    import sys
    from pathlib import Path

    exe = Path(sys.executable).with_name("infostd")
    process = subprocess.Popen([exe, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert process.stdout is not None and process.stderr is not None
    process.stdout.close()
    errors = process.stderr.read().decode("utf-8")
    assert process.wait() == 141 and errors == "", errors
