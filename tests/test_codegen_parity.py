"""The generated Python and JavaScript validators give the same findings, word for word,
on schema examples, every kind of defect and hypothesis-generated rows (valid and mutated)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generators import codegen
from generators.model import Catalog, Field

from .codegen_support import generate_into, import_module, needs_node, run_node

pytestmark = needs_node

MUTATIONS = [
    lambda s: f" {s} ",
    lambda s: s[:-1],
    lambda s: s + "9",
    lambda s: s.lower(),
    lambda s: "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in s),
    lambda s: s.lstrip("0"),
    lambda s: s.replace("-", "/"),
    lambda s: s + "\n",
    lambda s: "０" + s,
]


@pytest.fixture(scope="module")
def modules(tmp_path_factory: pytest.TempPathFactory, fixture_catalog: Catalog) -> dict:
    paths = generate_into(fixture_catalog, tmp_path_factory.mktemp("parity"))
    return {"py": import_module(paths[codegen.PYTHON_MODULE]), "js": paths[codegen.JS_MODULE]}


def samples(catalog: Catalog, key: str, f: Field) -> list[Any]:
    """Values a person might put in this field: examples, codes, labels, edge numbers."""
    schema = catalog.records[key]
    values: list[Any] = [*f.examples, *(e.get(f.key) for e in schema.examples if f.key in e)]
    if f.codelist:
        entries = catalog.codelists[f.codelist].entries[:5]
        values += (
            [e.code for e in entries] + [e.label for e in entries] + [e.title for e in entries]
        )
    values += list(f.enum or [])
    values += ["0", "1", "-1", "12.345", "1e3", "1,000", "是", "否", "2026-02-30", "2026/3/1"]
    values += ["2026-03-01 10:00", "2026-03-01T10:00:00+08:00", "x", "", "   ", None]
    return values


@st.composite
def rows_of(draw: st.DrawFn, catalog: Catalog, key: str) -> list[dict[str, Any]]:
    schema = catalog.records[key]
    base = [dict(e) for e in schema.examples] or [{}]
    rows = []
    for _ in range(draw(st.integers(1, 6))):
        row = dict(draw(st.sampled_from(base)))
        for f in schema.fields:
            choice = draw(st.integers(0, 5))
            if choice == 0:
                row[f.key] = draw(st.sampled_from(samples(catalog, key, f)))
            elif choice == 1 and isinstance(row.get(f.key), str) and row[f.key]:
                row[f.key] = draw(st.sampled_from(MUTATIONS))(row[f.key])
            elif choice == 2:
                row[f.key] = draw(
                    st.one_of(
                        st.text(max_size=8),
                        st.integers(-5, 10**9),
                        st.floats(-999999995904.0, 999999995904.0, width=32),
                        st.booleans(),
                    )
                )
        rows.append(row)
    return rows


def python_findings(py, key: str, rows: list[dict], normalise: bool = True) -> list[dict]:
    return [
        {**e.to_dict(), "severity": e.severity}
        for e in py.validate_rows(key, rows, normalise=normalise, references={})
    ]


JS_ROWS = """
const out = {};
for (const [name, [key, rows, normalise]] of Object.entries(data)) {
  out[name] = [...v.validateRows(key, rows, { normalise, references: {} })].map((e) => ({ ...e }));
}
return out;
"""


def compare(modules: dict, cases: dict[str, tuple[str, list[dict], bool]]) -> None:
    js = run_node(modules["js"], JS_ROWS, cases)
    for name, (key, rows, normalise) in cases.items():
        assert js[name] == python_findings(modules["py"], key, rows, normalise), (name, rows)


def test_schema_examples_are_valid_in_both(modules: dict, fixture_catalog: Catalog) -> None:
    cases = {key: (key, s.examples, True) for key, s in fixture_catalog.records.items()}
    for key, (_, rows, _) in cases.items():
        findings = python_findings(modules["py"], key, rows)
        assert [f for f in findings if f["severity"] == "error"] == [], key
    compare(modules, cases)


@settings(
    max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_random_rows_give_the_same_findings(modules: dict, fixture_catalog: Catalog, data) -> None:
    cases = {}
    for key in fixture_catalog.records:
        rows = data.draw(rows_of(fixture_catalog, key), label=key)
        cases[key] = (key, rows, True)
        cases[f"{key}/json"] = (key, rows, False)
    compare(modules, cases)


def test_cli_reports_are_identical(modules: dict, tmp_path: Path) -> None:
    import json
    import subprocess
    import sys

    from .codegen_support import NODE

    rows = [
        {"dept_code": "XS01", "name": "销售部", "parent_code": "ZZ99", "status": "撤销"},
        {
            "dept_code": "XS01",
            "name": "销售二部",
            "established_on": "2026-05-01",
            "revoked_on": "2026-01-01",
        },
    ]
    data = tmp_path / "departments.jsonl"
    data.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), encoding="utf-8")
    args = [str(data), "--format", "json", "--lang", "en"]
    py = subprocess.run(
        [sys.executable, modules["py"].__file__, *args], capture_output=True, text=True
    )
    js = subprocess.run([NODE, str(modules["js"]), *args], capture_output=True, text=True)
    assert py.returncode == js.returncode == 1, py.stderr + js.stderr
    assert json.loads(py.stdout) == json.loads(js.stdout)
    rules = {(e["row"], e["field"], e["rule"]) for e in json.loads(py.stdout)["files"][0]["errors"]}
    assert (2, "dept_code", "unique") in rules
    assert (1, "parent_code", "foreign-key") in rules
