"""The fast path reports exactly what the reference engine reports."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from generators.validate import read_table, validate_paths, validate_rows
from generators.validate.fast import WHITESPACE
from generators.validate.sample import customer_rows, write_csv, write_xlsx

REPO = Path(__file__).parent.parent


def test_whitespace_class_is_pythons():
    assert "".join(chr(c) for c in range(sys.maxunicode + 1) if chr(c).isspace()) == WHITESPACE


@pytest.mark.parametrize("kind", ["csv", "gb18030.csv", "xlsx"])
def test_fast_equals_reference(shipped_catalog, tmp_path, kind):
    rows = list(customer_rows(shipped_catalog, 1500, seed=3, defect_rate=0.3))
    rows[5]["industry"] = 1  # typed cells take the reference path in xlsx
    rows[6]["credit_limit"] = 12.5
    path = tmp_path / f"customers.{kind}"
    if kind == "xlsx":
        write_xlsx(shipped_catalog, "customer", rows, path)
    else:
        encoding = "gb18030" if kind.startswith("gb") else "utf-8"
        write_csv(shipped_catalog, "customer", rows, path, encoding)
    fast = validate_paths(shipped_catalog, [path])
    slow = validate_paths(shipped_catalog, [path], engine="python")
    assert fast.files[0].rows == 1500
    assert fast.to_dict() == slow.to_dict()
    assert len(fast.files[0].errors) > 300
    # and validate_rows over the same rows agrees with the file engines
    table = read_table(shipped_catalog, path)
    numbered = list(table.rows)
    issues = validate_rows(
        shipped_catalog, "customer", [r for _, r in numbered], first_row=numbered[0][0],
        sheet=table.sheet, columns=table.column_of,
    )  # fmt: skip
    assert issues == [i for i in fast.files[0].issues if i.row is not None]


def test_benchmark_smoke():
    done = subprocess.run(
        [sys.executable, "benchmarks/validate_bench.py", "--rows", "2000", "--no-npm"],
        cwd=REPO, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    generated = {"generated_python_rps", "generated_python_vs_jsonschema"}
    if shutil.which("node"):
        generated.add("generated_js_rps")
    assert set(figures) == {
        "csv_parse_rps", "csv_validate_rps", "xlsx_read_rps", "xlsx_validate_rps",
        "frictionless_rps", "jsonschema_rps", "csv_validate_peak_rss_mb",
        "xlsx_validate_peak_rss_mb", *generated,
    }  # fmt: skip
    assert all(v > 0 for v in figures.values())
