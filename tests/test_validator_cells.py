"""Date cells of an xlsx, as the in-browser validator reads them: the generated JS module's
``CellDate`` gives exactly what the reference engine gives for Python's date, datetime and
time cells (python-calamine's types), in every field of every shipped record."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from generators import codegen
from generators.model import Catalog
from generators.validate.engine import validate_rows as reference_rows
from generators.validate.messages import MESSAGES

from .codegen_support import generate_into, needs_node, run_node

pytestmark = needs_node

VALUES: list[Any] = [
    dt.date(2025, 3, 4),
    dt.datetime(2025, 3, 4, 0, 0),
    dt.datetime(2025, 3, 4, 14, 30, 5),
    dt.time(9, 15),
    dt.time(9, 15, 0, 500000),
]

# Rows whose cells {"$date", "$time"} become CellDate, then validateRows' findings.
JS_DATE_ROWS = """
const cell = (c) => (c !== null && typeof c === "object" ? new v.CellDate(c.$date, c.$time) : c);
const out = {};
for (const [name, [key, rows]] of Object.entries(data)) {
  const typed = rows.map((r) => Object.fromEntries(Object.entries(r).map(([k, c]) => [k, cell(c)])));
  out[name] = [...v.validateRows(key, typed, { firstRow: 1 })];
}
return out;
"""


def as_js(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return {"$date": value.date().isoformat(), "$time": value.time().isoformat()}
    if isinstance(value, dt.date):
        return {"$date": value.isoformat(), "$time": None}
    if isinstance(value, dt.time):
        return {"$date": None, "$time": value.isoformat()}
    return value


def test_date_cells_read_as_the_reference(tmp_path, fixture_catalog: Catalog) -> None:
    module = generate_into(fixture_catalog, tmp_path, MESSAGES)[codegen.JS_MODULE]
    cases: dict[str, tuple[str, list[dict]]] = {}
    for key, schema in fixture_catalog.records.items():
        base = dict(schema.examples[0]) if schema.examples else {}
        for f in schema.fields:
            cases[f"{key}.{f.key}"] = (key, [{**base, f.key: value} for value in VALUES])
    js = run_node(
        module,
        JS_DATE_ROWS,
        {
            name: [key, [{k: as_js(c) for k, c in row.items()} for row in rows]]
            for name, (key, rows) in cases.items()
        },
    )
    rules = set()
    for name, (key, rows) in cases.items():
        expected = [
            {**i.to_dict(), "severity": i.severity}
            for i in reference_rows(fixture_catalog, key, rows)
        ]
        assert js[name] == expected, name
        rules |= {e["rule"] for e in expected}
    # Every branch was taken: a date in a date column, in a text column, a time, a number column.
    assert {"format:date", "type"} <= rules


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (dt.date(2025, 3, 4), "2025-03-04"),
        (dt.datetime(2025, 3, 4, 14, 30, 5), "2025-03-04 14:30:05"),
        (dt.time(9, 15, 0, 500000), "09:15:00.500000"),
    ],
)
def test_cell_date_reads_as_python_displays_it(tmp_path, mini_catalog, value, text) -> None:
    from generators.validate.cells import display

    module = generate_into(mini_catalog, tmp_path)[codegen.JS_MODULE]
    shown = run_node(
        module, "return v.display(new v.CellDate(data.$date, data.$time));", as_js(value)
    )
    assert shown == display(value) == text
