"""Validating alone vs together: a foreign key whose target file is not given is
said so (one located warning), and ``--reference`` supplies the target."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from generators.cli import cli

from .codegen_support import NODE, generate_into, needs_node

CUSTOMERS = (
    "客户编码,客户名称,统一社会信用代码,地区\n110001,北京示例科技有限公司,91110108MA01ABCD2H,11\n"
)
CONTRACTS = "合同编号,客户编码\nHT0001,110001\nHT0002,110002\n"


def run(root: Path, *args: str) -> tuple[int, dict]:
    result = CliRunner().invoke(cli, ["--root", str(root), "validate", "--format", "json", *args])
    assert "Traceback" not in result.output, result.output
    return result.exit_code, json.loads(result.output)


def files(tmp_path: Path) -> tuple[Path, Path]:
    (tmp_path / "customers.csv").write_text(CUSTOMERS, encoding="utf-8")
    (tmp_path / "contracts.csv").write_text(CONTRACTS, encoding="utf-8")
    return tmp_path / "customers.csv", tmp_path / "contracts.csv"


def test_alone_warns_once_per_foreign_key_at_its_column(mini_project: Path, tmp_path: Path) -> None:
    _, contracts = files(tmp_path)
    code, report = run(mini_project, str(contracts))
    (file,) = report["files"]
    assert code == 0 and file["errors"] == []
    (warning,) = file["warnings"]
    assert (warning["rule"], warning["row"], warning["column"]) == ("foreign-key-unchecked", 1, "B")
    assert "客户信息" in warning["message"] and "未作检查" in warning["message"]


def test_together_the_missing_code_is_an_error(mini_project: Path, tmp_path: Path) -> None:
    customers, contracts = files(tmp_path)
    code, report = run(mini_project, str(contracts), str(customers))
    contract_file = report["files"][0]
    assert code == 1 and contract_file["warnings"] == []
    assert [(e["row"], e["rule"], e["value"]) for e in contract_file["errors"]] == [
        (3, "foreign-key", "110002")
    ]


def test_a_reference_file_is_looked_up_not_reported(mini_project: Path, tmp_path: Path) -> None:
    customers, contracts = files(tmp_path)
    code, report = run(mini_project, str(contracts), "--reference", str(customers))
    assert code == 1 and [f["record"] for f in report["files"]] == ["contract"]
    assert [e["value"] for e in report["files"][0]["errors"]] == ["110002"]
    assert report["files"][0]["warnings"] == []


def test_english_and_unusable_reference(mini_project: Path, tmp_path: Path) -> None:
    _, contracts = files(tmp_path)
    code, report = run(mini_project, str(contracts), "--lang", "en")
    assert "not checked" in report["files"][0]["warnings"][0]["message"]
    result = CliRunner().invoke(
        cli,
        ["--root", str(mini_project), "validate", str(contracts), "-r", str(tmp_path / "no.csv")],
    )
    assert result.exit_code == 2 and "no.csv" in result.output and "Traceback" not in result.output


@needs_node
def test_generated_validators_warn_like_the_reference(
    mini_project: Path, mini_catalog, tmp_path: Path
) -> None:
    from generators.validate.messages import MESSAGES

    customers, contracts = files(tmp_path)
    gen = generate_into(mini_catalog, tmp_path / "gen", MESSAGES)
    for args in (
        [str(contracts)],
        [str(contracts), str(customers)],
        [str(contracts), "--reference", str(customers)],
        [str(contracts), "-r", str(customers), "--as-of", "2020-01-01"],
    ):
        _, reference = run(mini_project, *args, "--lang", "en")
        outputs = [
            subprocess.run(
                cmd + [*args, "--format", "json", "--lang", "en"], capture_output=True, text=True
            )
            for cmd in (
                [sys.executable, str(gen["infostd_validators.py"])],
                [NODE or "node", str(gen["infostd-validators.mjs"])],
            )
        ]
        for done in outputs:
            got = json.loads(done.stdout)
            assert [f["path"] for f in got["files"]] == [f["path"] for f in reference["files"]]
            for mine, theirs in zip(got["files"], reference["files"], strict=True):
                assert mine["errors"] == theirs["errors"], done.stderr
                assert mine["warnings"] == theirs["warnings"], done.stderr
