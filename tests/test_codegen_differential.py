"""Differential tests: the reference validator (generators.validate) is the oracle.

For every shipped record, the reference engine, the generated Python module and the
generated JavaScript module (under node) must report the same findings — the same
(row, field, rule), and in fact the same message, value and severity — on the schema
examples, on a defect for every rule, and on hypothesis-generated rows (valid and
mutated). Then whole files: `infostd validate --format json` and both generated command
lines on the same CSV."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generators import codegen
from generators.cli import cli
from generators.model import Catalog, Field, field_codelist
from generators.validate.engine import validate_rows as reference_rows
from generators.validate.messages import MESSAGES

from .codegen_support import (
    NODE,
    broken_rows,
    generate_into,
    import_module,
    needs_node,
    run_node,
)
from .conftest import CATALOG
from .test_codegen_parity import JS_ROWS, rows_of
from .test_workdays import workday_cases

pytestmark = needs_node


@pytest.fixture(scope="module")
def modules(tmp_path_factory: pytest.TempPathFactory, fixture_catalog: Catalog) -> dict:
    paths = generate_into(fixture_catalog, tmp_path_factory.mktemp("differential"), MESSAGES)
    return {"py": import_module(paths[codegen.PYTHON_MODULE]), "js": paths[codegen.JS_MODULE]}


def findings(issues) -> list[dict[str, Any]]:
    return [{**i.to_dict(), "severity": i.severity} for i in issues]


def three_way(modules: dict, catalog: Catalog, cases: dict[str, tuple[str, list[dict]]]) -> dict:
    """Assert the three agree on every case; return the reference findings per case."""
    js = run_node(
        modules["js"], JS_ROWS, {name: [key, rows, True] for name, (key, rows) in cases.items()}
    )
    out = {}
    for name, (key, rows) in cases.items():
        expected = findings(reference_rows(catalog, key, rows))
        triples = {(e["row"], e["field"], e["rule"]) for e in expected}
        python = findings(modules["py"].validate_rows(key, rows))
        assert {(e["row"], e["field"], e["rule"]) for e in python} == triples, (name, rows)
        assert python == expected, (name, rows)
        assert js[name] == expected, (name, rows)
        out[name] = expected
    return out


def test_schema_examples(modules: dict, fixture_catalog: Catalog) -> None:
    cases = {key: (key, s.examples) for key, s in fixture_catalog.records.items()}
    found = three_way(modules, fixture_catalog, cases)
    assert all(e["severity"] != "error" for f in found.values() for e in f)


def defects(catalog: Catalog, f: Field) -> list[Any]:
    """Values that break each keyword and cell rule of ``f`` (plus a few quirks)."""
    values: list[Any] = ["", "   ", " x ", "１２３"]
    if f.type in ("integer", "number"):
        values += ["abc", "1.5", True]
    if f.minimum is not None:
        values.append(str(f.minimum - 1))
    if f.maximum is not None:
        values.append(str(f.maximum + 1))
    if f.exclusive_minimum is not None:
        values.append(str(f.exclusive_minimum))
    if f.multiple_of is not None:
        values.append("0.001")
    if f.min_length:
        values.append("x" * (f.min_length - 1))
    if f.max_length:
        values.append("x" * (f.max_length + 1))
    if f.enum:
        values.append("不存在的值")
    if f.codelist:
        codes = catalog.codelists[f.codelist].codes
        values += [
            "ZZ",
            codes[0].lstrip("0") or "0",
            f"{codes[0]}  {catalog.codelists[f.codelist].entries[0].title}",
        ]
    if f.codelist:  # retired codes: deprecated (a warning), withdrawn (an error after the date)
        retired = [e for e in field_codelist(f, catalog.codelists).entries if e.retired]
        values += [e.code for e in retired] + [e.label for e in retired[:1]]
    if f.code_rule and f.examples:  # a code whose code-list part is retired: a warning
        parts = f.code_rule.split(f.examples[0], catalog.codelists) or []
        for i, (segment, _part) in enumerate(zip(f.code_rule.segments, parts, strict=False)):
            lists = (
                catalog.codelists.get(str(segment.value)) if segment.kind == "codelist" else None
            )
            retired = [e.code for e in lists.entries if e.retired] if lists else []
            if retired:
                values.append("".join([*parts[:i], retired[0], *parts[i + 1 :]]))
    if f.codelist and f.codelist_level:  # x-level: codes and labels of the other levels
        tree = catalog.codelists[f.codelist]
        others = [e for e in tree.entries if tree.level_of(e.code) != f.codelist_level]
        values += [others[0].code, others[0].label, others[-1].code]
    if f.code_rule or f.pattern:
        example = (f.examples or ["110001"])[0]
        values += [example[:-1], example + "9", example.lstrip("0"), "A" + example[1:]]
    if f.format:
        values += FORMAT_DEFECTS[f.format]
    for alt in f.alternatives:  # anyOf: what breaks each one, and each one's own examples
        values += FORMAT_DEFECTS[alt.format] if alt.format else []
        values += [*f.examples, "010-1234567", "0101-12345678", "010-123456789", "+85291234567"]
    return values


FORMAT_DEFECTS = {
    "cn-uscc": ["91110108MA01ABCD2X", "91110108MA01ABCD2", "91110108MA01ABCDIH"],
    "cn-resident-id": ["11010519491231002Y", "110105194902300021", "1101051949123100"],
    "cn-mobile": ["12800138000", "1380013800", "138-0013-8000"],
    "email": ["a@b", "ab.cn"],
    "url": ["www.example.com", "https://example .com", "https://localhost"],
    "intl-phone": ["85291234567", "+852 9123 4567", "+0852912345"],
    "date": ["2026-02-30", "2026/3/1", "2026年3月1日", "昨天"],
    "date-time": ["2026-03-01 25:00", "2026-03-01T10:00", "2026/3/1 9:05"],
}


def test_a_defect_for_every_rule(modules: dict, fixture_catalog: Catalog) -> None:
    cases = {}
    for key, schema in fixture_catalog.records.items():
        example = schema.examples[0]
        for f in schema.fields:
            rows = [{**example, f.key: value} for value in defects(fixture_catalog, f)]
            cases[f"{key}.{f.key}"] = (key, [example, *rows])  # duplicates: unique too
        for rule in schema.rules:  # every x-rule broken
            cases[f"{key}/{rule.id}"] = (key, broken_rows(fixture_catalog, key, rule))
        if any(fk.record == key for fk in schema.foreign_keys):
            fk = next(fk for fk in schema.foreign_keys if fk.record == key)
            cases[f"{key}/fk"] = (key, [{**example, fk.field: "ZZ99"}])
    cases.update(workday_cases(fixture_catalog))  # 春节/国庆/调休, an exempt row
    found = three_way(modules, fixture_catalog, cases)
    rules = {e["rule"] for f in found.values() for e in f}
    expected = {"required", "type", "enum", "codelist", "code-rule", "pattern", "minLength"}
    expected |= {"maxLength", "minimum", "maximum", "exclusiveMinimum", "multipleOf", "unique"}
    expected |= {"foreign-key", "leading-zero", "full-width", "whitespace", "anyOf"}
    expected |= {"withdrawn"}  # KF01; deprecated codes: tests/test_withdrawn.py
    expected |= {
        f"format:{name}"
        for name in ("cn-uscc", "cn-mobile", "intl-phone", "email", "url", "date", "date-time")
    }
    expected |= {f"rule:{r.id}" for s in fixture_catalog.records.values() for r in s.rules}
    expected |= {"rule-exempt"}
    assert expected <= rules, expected - rules


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_hypothesis_rows(modules: dict, fixture_catalog: Catalog, data: st.DataObject) -> None:
    cases = {
        key: (key, data.draw(rows_of(fixture_catalog, key), label=key))
        for key in fixture_catalog.records
    }
    three_way(modules, fixture_catalog, cases)


SEEDED = (
    "客户编码,客户名称,统一社会信用代码,客户类型,所属行业,所在地区,联系人,联系人手机,归属部门,客户价值等级\n"
    "110001,北京示例科技有限公司,91110108MA01ABCD2H,1,65,11 北京市,张三,13800138000,XS01,A\n"
    "110002,北京第二科技有限公司,91110108MA01ABCD2X,1,65,11,李四,13800138001,XS01,A\n"
    "110003,北京第三科技有限公司,91110108MA01ABCD3F,1,65,11,王五,12800138000,XS01,B\n"
    "110004,北京第四科技有限公司,91110108MA01ABCD4B,1,65,11,,13800138002,XS01,C\n"
    "110001,北京第五科技有限公司,91110108MA01ABCD5U,1,65,11,赵六,13800138003,XS01,D\n"
    "310005,上海第六有限公司,91310000MA1FL0XX1X,1,6,31,钱七,13800138004,XS01,A\n"
    "990006,某地第七有限公司,91110108MA01ABCD6P,1,65,99,孙八,13800138005,XS01,A\n"
    "110007,北京第八有限公司,91110108MA01ABCD7K,9,65,11,周九,13800138006,XS01,A\n"
)


def test_seeded_defects_file_gives_the_same_report(modules: dict, tmp_path: Path) -> None:
    """`infostd validate` and both generated command lines on one CSV: the same findings."""
    data = tmp_path / "customers.csv"
    data.write_text(SEEDED, encoding="utf-8")
    result = CliRunner().invoke(
        cli,
        ["--root", str(CATALOG), "validate", str(data), "--record", "customer", "--format", "json"],
    )
    assert result.exit_code == 1, result.output
    expected = json.loads(result.stdout)
    args = [str(data), "--record", "customer", "--format", "json"]
    python = subprocess.run(
        [sys.executable, modules["py"].__file__, *args], capture_output=True, text=True
    )
    node = subprocess.run([NODE, str(modules["js"]), *args], capture_output=True, text=True)
    assert python.returncode == node.returncode == 1, python.stderr + node.stderr

    def triples(report: dict) -> set:
        return {(e["row"], e["field"], e["rule"]) for f in report["files"] for e in f["errors"]}

    for generated in (json.loads(python.stdout), json.loads(node.stdout)):
        assert triples(generated) == triples(expected)
        assert generated["files"][0]["errors"] == expected["files"][0]["errors"]
        assert generated["files"][0]["rows"] == expected["files"][0]["rows"]
        assert generated["files"][0]["invalid_rows"] == expected["files"][0]["invalid_rows"]
    assert len(triples(expected)) >= 7
