"""One plan, many engines: which engine renders which rule kind, and what happens to a
kind an engine cannot render (the polars fast path hands the table to the reference)."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest

from generators import checkplan, codegen, rules
from generators.config import load_config
from generators.loader import load_catalog
from generators.sql import ddl, expr
from generators.validate import fast, read_table, validate_paths
from generators.validate.sample import write_csv

from .codegen_support import generate_into, import_module
from .conftest import CATALOG


def renderers(catalog, tmp_path: Path) -> dict[str, set[str]]:
    """Per engine, the rule kinds it has a renderer for (read from the engines themselves:
    their tables, the generated Python module's functions, the JS module's RULES)."""
    paths = generate_into(catalog, tmp_path / "generated")
    py = import_module(paths[codegen.PYTHON_MODULE])
    js = paths[codegen.JS_MODULE].read_text(encoding="utf-8")
    block = js[js.index("const RULES = {") : js.index("\n};", js.index("const RULES = {"))]
    return {
        "polars": set(fast.RULE_POLARS),
        "sql": set(expr.RULE_SQL),
        "sql-ddl": set(ddl.RULE_DDL),
        "python": {k for k in rules.RULE_TYPES if callable(getattr(py, _py_name(k), None))},
        "js": set(re.findall(r'^\s+"([a-z0-9-]+)"\s*[(:]', block, re.MULTILINE)),
    }


def _py_name(kind: str) -> str:
    return "_rule_" + kind.replace("-", "_")


def test_every_rule_kind_per_engine(fixture_catalog, tmp_path) -> None:
    found = renderers(fixture_catalog, tmp_path)
    table = {
        kind: sorted(e for e, kinds in found.items() if kind in kinds) for kind in rules.RULE_TYPES
    }
    print(
        "\nrule kind → engines with a renderer:",
        *(f"{k}: {v}" for k, v in table.items()),
        sep="\n  ",
    )
    for engine, kinds in found.items():
        assert kinds <= set(rules.RULE_TYPES), (engine, kinds - set(rules.RULE_TYPES))
    # The generated validators stand alone and SQL has its own fallback test: all kinds.
    for engine in ("python", "js", "sql", "sql-ddl"):
        assert set(rules.RULE_TYPES) <= found[engine], (
            engine,
            set(rules.RULE_TYPES) - found[engine],
        )
    # polars may lack a kind: such tables go to the reference (next test). The kinds of
    # the shipped x-rules it renders today, so a regression in speed does not go unnoticed.
    assert {"date-order", "max-interval", "required-if"} <= found["polars"]


def test_a_kind_without_polars_goes_to_the_reference(tmp_path, monkeypatch) -> None:
    """A rule kind with a reference check but no polars renderer (a stand-in for a kind
    added by someone who did not write one): ``fast_supported`` says no, the table is
    validated by the reference engine, findings are the reference's, nothing is lost."""
    catalog = load_catalog(config=load_config(CATALOG))  # our own: a rule is changed below
    monkeypatch.setitem(rules.RULE_TYPES, "no-polars-kind", rules.RULE_TYPES["required-if"])
    contract = catalog.records["contract"]
    index = next(i for i, r in enumerate(contract.rules) if r.id == "CT-04")
    contract.rules[index] = dataclasses.replace(contract.rules[index], type="no-polars-kind")
    assert "no-polars-kind" not in fast.RULE_POLARS
    rows = [{k: ("true" if v is True else str(v)) for k, v in e.items()} for e in contract.examples]
    broken = next(r for r in rows if r.get("contract_type") == "02")
    rows.append({**broken, "contract_no": broken["contract_no"][:-1] + "9", "supplier_code": ""})
    path = tmp_path / "contracts.csv"
    write_csv(catalog, "contract", rows, path)

    plan = checkplan.engine_plan(catalog)
    record = next(r for r in plan.records if r.key == "contract")
    assert [r.type for r in record.rules if r.id == "CT-04"] == ["no-polars-kind"]
    assert not fast.fast_supported(catalog, read_table(catalog, path))
    with pytest.raises(fast.NotFast):
        validate_paths(catalog, [path], engine="fast")

    def never(*args, **kwargs):
        raise AssertionError("the fast path must not run for this table")

    monkeypatch.setattr(fast, "fast_engine", never)
    auto = validate_paths(catalog, [path])
    assert auto.to_dict() == validate_paths(catalog, [path], engine="python").to_dict()
    assert "rule:CT-04" in [i.rule for i in auto.files[0].errors]  # (and CT-10: no code at all)


def test_engine_plan_is_built_once_per_catalog(fixture_catalog) -> None:
    assert checkplan.engine_plan(fixture_catalog) is checkplan.engine_plan(fixture_catalog)
