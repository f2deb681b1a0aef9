"""The official JSON-Schema-Test-Suite (draft 2020-12) against the generated validators.

Every case whose schema uses only what our vocabulary allows (a field schema, or a flat
record with ``properties``/``required``/``additionalProperties: false``) is compiled into
one catalog; both generated modules must say valid/invalid exactly as the suite does, in
JSON mode (``normalise=False``). Not run, by design: ``null`` and ``""`` values (in a
table both are an empty cell: "not filled"), non-object instances of a record (a row is
always an object), and "format is only an annotation" cases (our validators assert the
formats they know, as the format-assertion vocabulary allows)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from generators import codegen
from generators.loader import _read_record
from generators.model import Catalog, Location, Schema
from generators.vocabulary import FIELD

from .codegen_support import generate_into, import_module, needs_node, run_node

SUITE = Path(__file__).parent / "fixtures" / "json-schema-test-suite" / "draft2020-12"
FIELD_SCHEMA = Draft202012Validator(
    {**FIELD, "required": []}, format_checker=Draft202012Validator.FORMAT_CHECKER
)
RECORD_KEYS = {"$schema", "$comment", "type", "properties", "required", "additionalProperties"}


def as_record(schema: Any) -> dict | None:
    """The case's schema as one of our records, or None when it is outside our vocabulary."""
    if not isinstance(schema, dict):
        return None
    if "properties" in schema or "required" in schema:
        properties = schema.get("properties", {})
        closed = schema.get("additionalProperties", False) is False
        if set(schema) - RECORD_KEYS or schema.get("type", "object") != "object" or not closed:
            return None
        if set(schema.get("required", [])) - set(properties):
            return None
        if not all(FIELD_SCHEMA.is_valid(p) for p in properties.values()):
            return None
        return {k: v for k, v in schema.items() if k != "$schema"}
    field = {k: v for k, v in schema.items() if k != "$schema"}
    if not FIELD_SCHEMA.is_valid(field) or field.get("const", 0) is None:
        return None
    if None in field.get("enum", []):
        return None
    return {"type": "object", "properties": {"v": field}, "x-wrapped": True}


def collect() -> list[tuple[str, dict, Any, bool]]:
    """(id, record schema, instance, valid) for every case we run."""
    cases = []
    for path in sorted(SUITE.glob("*.json")):
        for group in json.loads(path.read_text(encoding="utf-8")):
            record = as_record(group["schema"])
            if record is None:
                continue
            wrapped = record.pop("x-wrapped", False)
            for test in group["tests"]:
                data = test["data"]
                if "only an annotation" in test["description"]:
                    continue
                if wrapped:
                    if data is None or data == "":
                        continue
                    data = {"v": data}
                elif not isinstance(data, dict) or None in data.values():
                    continue
                name = f"{path.stem}: {group['description']} / {test['description']}"
                cases.append((name, record, data, test["valid"]))
    return cases


CASES = collect()


def suite_catalog() -> Catalog:
    schemas = {}
    for index, record in enumerate({json.dumps(r, sort_keys=True) for _, r, _, _ in CASES}):
        raw = {"$id": f"t{index}.schema.json", **json.loads(record)}
        schema = Schema(f"t{index}", raw, Location(Path("suite.md")), "T-1", kind="record")
        _read_record(schema)
        schemas[schema.key] = schema
    return Catalog(Path("."), "https://example.test", [], schemas)


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> dict:
    catalog = suite_catalog()
    keys = {
        json.dumps(s.raw | {"$id": None}, sort_keys=True): k for k, s in catalog.schemas.items()
    }
    paths = generate_into(catalog, tmp_path_factory.mktemp("suite"))
    lookup = {name: keys[json.dumps(r | {"$id": None}, sort_keys=True)] for name, r, _, _ in CASES}
    return {
        "py": import_module(paths[codegen.PYTHON_MODULE]),
        "js": paths[codegen.JS_MODULE],
        "key": lookup,
    }


def test_the_suite_covers_every_compiled_keyword() -> None:
    used = {k for _, r, _, _ in CASES for p in r.get("properties", {}).values() for k in p}
    assert {"type", "const", "enum", "minLength", "maxLength", "pattern", "format"} <= used
    assert {"minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf"} <= used
    assert any("required" in r for _, r, _, _ in CASES)
    assert len(CASES) > 150


def test_python_module_passes_the_suite(generated: dict) -> None:
    wrong = [
        name
        for name, _, data, valid in CASES
        if (not generated["py"].validate(generated["key"][name], data, normalise=False)) != valid
    ]
    assert wrong == []


@needs_node
def test_javascript_module_passes_the_suite(generated: dict) -> None:
    cases = [[generated["key"][name], data] for name, _, data, _ in CASES]
    results = run_node(
        generated["js"],
        "return data.map(([k, d]) => v.validate(k, d, { normalise: false }).length === 0);",
        cases,
    )
    wrong = [name for (name, _, _, valid), ok in zip(CASES, results, strict=True) if ok != valid]
    assert wrong == []
