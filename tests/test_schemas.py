"""infostd schemas [--check]: exported files, absolute ids, offline $ref resolution, determinism."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner
from jsonschema import Draft202012Validator

from generators.cli import cli
from generators.loader import build_registry
from generators.model import Catalog


def run(project: Path, *args: str):
    return CliRunner().invoke(cli, ["--root", str(project), *args])


def test_export_then_check_in_sync(mini_project: Path) -> None:
    assert run(mini_project, "schemas").exit_code == 0
    names = sorted(p.name for p in (mini_project / "schemas").iterdir())
    assert names == [
        "contract.schema.json",
        "customer.schema.json",
        "department-code.schema.json",
        "info-category.schema.json",
        "region.schema.json",
        "security-level.schema.json",
    ]
    result = run(mini_project, "schemas", "--check")
    assert result.exit_code == 0, result.output


def test_check_reports_drift_and_stale_files(mini_project: Path) -> None:
    run(mini_project, "schemas")
    customer = mini_project / "schemas" / "customer.schema.json"
    customer.write_text(
        customer.read_text(encoding="utf-8").replace("客户名称", "名称"), encoding="utf-8"
    )
    (mini_project / "schemas" / "old.schema.json").write_text("{}", encoding="utf-8")
    result = run(mini_project, "schemas", "--check")
    assert result.exit_code == 1
    assert "customer.schema.json: 与标准不一致" in result.output
    assert "old.schema.json: 与标准不一致" in result.output
    assert "请运行：infostd schemas" in result.output
    assert run(mini_project, "schemas").exit_code == 0
    assert not (mini_project / "schemas" / "old.schema.json").exists()
    assert run(mini_project, "schemas", "--check").exit_code == 0


def test_exported_schema_is_absolute_sorted_and_enforces_code_rule(mini_project: Path) -> None:
    run(mini_project, "schemas")
    raw = (mini_project / "schemas" / "customer.schema.json").read_bytes()
    data = json.loads(raw)
    assert data["$id"] == "https://example.test/schemas/customer.schema.json"
    assert list(data) == sorted(data)
    assert data["properties"]["customer_code"]["pattern"] == "^(?:11|31|44)[0-9]{4}$"
    first = raw
    run(mini_project, "schemas")
    assert (mini_project / "schemas" / "customer.schema.json").read_bytes() == first


def test_refs_resolve_offline_within_the_set(mini_catalog: Catalog) -> None:
    registry = build_registry(mini_catalog)
    validator = Draft202012Validator(mini_catalog.exported("customer"), registry=registry)
    row = {"customer_code": "110001", "name": "测试公司", "uscc": "x", "region": "99"}
    errors = {e.json_path: e.validator for e in validator.iter_errors(row)}
    assert errors == {"$.region": "oneOf"}
    row["customer_code"] = "990001"
    assert any(e.validator == "pattern" for e in validator.iter_errors(row))


def test_any_of_exports_as_json_schema_any_of(fixture_catalog: Catalog) -> None:
    """A generic JSON Schema validator enforces a field's alternatives (format checking on,
    as consumers with our formats do): a landline or a mobile passes, anything else fails."""
    from generators.formats import format_checker

    exported = fixture_catalog.exported("customer")
    Draft202012Validator.check_schema(exported)
    assert exported["properties"]["service_phone"]["anyOf"][1]["title"] == "固定电话"
    validator = Draft202012Validator(
        exported, registry=build_registry(fixture_catalog), format_checker=format_checker()
    )
    example = fixture_catalog.records["customer"].examples[0]
    for value, ok in (("010-12345678", True), ("13800138000", True), ("12345", False)):
        errors = list(validator.iter_errors({**example, "service_phone": value}))
        assert (not errors) is ok, value
        assert all(e.validator == "anyOf" for e in errors)
