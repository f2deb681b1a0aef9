"""The shipped standards: complete, valid, in sync with schemas/; and what the tools derive
from them, pinned on the frozen copy (fixture_catalog) so editing standards/ breaks nothing."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.exceptions import Unresolvable

from generators.cli import cli
from generators.model import Catalog

from .conftest import REPO

REQUIRED_KEYS = [
    "customer",
    "contract",
    "supplier",
    "department",
    "asset",
    "region",
    "industry",
    "info-category",
    "customer-type",
    "security-level",
    "department-code",
]


def test_check_and_schemas_check_pass_on_the_repository() -> None:
    runner = CliRunner()
    result = runner.invoke(cli, ["--root", str(REPO), "check"])
    assert result.exit_code == 0, result.output
    result = runner.invoke(cli, ["--root", str(REPO), "schemas", "--check"])
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize("key", REQUIRED_KEYS)
def test_committed_schema_is_valid_absolute_and_resolves_offline(key: str) -> None:
    files = {
        p: json.loads(p.read_text(encoding="utf-8")) for p in (REPO / "schemas").glob("*.json")
    }
    registry = Registry().with_resources(
        (d["$id"], Resource.from_contents(d)) for d in files.values()
    )
    schema = files[REPO / "schemas" / f"{key}.schema.json"]
    Draft202012Validator.check_schema(schema)
    assert schema["$id"].startswith("https://") and schema["$id"].endswith(f"/{key}.schema.json")
    resolver = registry.resolver(base_uri=schema["$id"])

    def refs(node):
        if isinstance(node, dict):
            if "$ref" in node:
                yield node["$ref"]
            for value in node.values():
                yield from refs(value)
        elif isinstance(node, list):
            for value in node:
                yield from refs(value)

    for ref in refs(schema):
        try:
            resolver.lookup(ref)
        except Unresolvable as exc:  # pragma: no cover - the assertion message is the point
            pytest.fail(f"{key}: $ref {ref} does not resolve within schemas/: {exc}")


def test_region_has_all_34_provincial_divisions(shipped_catalog: Catalog) -> None:
    region = shipped_catalog.codelists["region"]
    assert len(region.codes) == 34
    assert region.label("11") == "11 北京市"
    assert {"71", "81", "82"} <= set(region.codes)


def test_industry_has_every_gbt4754_section(shipped_catalog: Catalog) -> None:
    industry = shipped_catalog.codelists["industry"]
    sections = [c for c in industry.codes if c.isalpha()]
    assert sections == list("ABCDEFGHIJKLMNOPQRST")
    assert all(industry.by_code[c].parent in sections for c in industry.codes if not c.isalpha())


def test_classification_tree_has_the_four_top_classes(fixture_catalog: Catalog) -> None:
    tree = fixture_catalog.codelists["info-category"]
    top = [e.title for e in tree.entries if e.parent is None]
    assert top == ["基础信息", "运营信息", "合规信息", "战略信息"]


def test_coding_rules_derive_the_agreed_regexes(fixture_catalog: Catalog) -> None:
    import re

    lists = fixture_catalog.codelists
    records = fixture_catalog.records
    customer = records["customer"].field_by_key["customer_code"].code_rule.regex(lists)
    assert re.match(customer, "110001") and not re.match(customer, "990001")
    assert not re.match(customer, "11001")
    dept = records["department"].field_by_key["dept_code"].code_rule.regex(lists)
    assert re.match(dept, "XS01") and not re.match(dept, "xs01") and not re.match(dept, "X001")
    supplier = records["supplier"].field_by_key["supplier_code"].code_rule.regex(lists)
    assert re.match(supplier, "39-0001") and not re.match(supplier, "C-0001")


def test_every_record_carries_lifecycle_security_and_examples(shipped_catalog: Catalog) -> None:
    for key, schema in shipped_catalog.records.items():
        assert set(schema.lifecycle) == {"collect", "store", "use", "archive", "dispose"}, key
        assert schema.security_level, key
        assert schema.examples, key


def test_contract_entry_rule_and_foreign_key(fixture_catalog: Catalog) -> None:
    contract = fixture_catalog.records["contract"]
    assert any(
        fk.record == "customer" and fk.field == "customer_code" for fk in contract.foreign_keys
    )
    rule = next(r for r in contract.rules if r.type == "max-interval")
    assert rule.params["max"] == "PT24H"
