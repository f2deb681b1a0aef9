"""The fast path reports exactly what the reference engine reports."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generators.validate import read_table, validate_paths, validate_rows
from generators.validate.fast import WHITESPACE
from generators.validate.readers import InputError
from generators.validate.reports import to_json
from generators.validate.sample import customer_rows, write_csv, write_xlsx

REPO = Path(__file__).parent.parent


def test_whitespace_class_is_pythons():
    assert "".join(chr(c) for c in range(sys.maxunicode + 1) if chr(c).isspace()) == WHITESPACE


@pytest.mark.parametrize("kind", ["csv", "gb18030.csv", "xlsx"])
def test_fast_equals_reference(fixture_catalog, tmp_path, kind):
    rows = list(customer_rows(fixture_catalog, 1500, seed=3, defect_rate=0.3))
    rows[5]["industry"] = 1  # typed cells take the reference path in xlsx
    rows[6]["credit_limit"] = 12.5
    path = tmp_path / f"customers.{kind}"
    if kind == "xlsx":
        write_xlsx(fixture_catalog, "customer", rows, path)
    else:
        encoding = "gb18030" if kind.startswith("gb") else "utf-8"
        write_csv(fixture_catalog, "customer", rows, path, encoding)
    fast = validate_paths(fixture_catalog, [path], engine="fast")
    slow = validate_paths(fixture_catalog, [path], engine="python")
    assert fast.files[0].rows == 1500
    assert fast.to_dict() == slow.to_dict()
    assert len(fast.files[0].errors) > 300
    # and validate_rows over the same rows agrees with the file engines
    table = read_table(fixture_catalog, path)
    numbered = list(table.rows)
    issues = validate_rows(
        fixture_catalog, "customer", [r for _, r in numbered], first_row=numbered[0][0],
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
    generated = {
        "generated_python_rps",
        "generated_python_vs_jsonschema",
        "generated_python_peak_rss_mb",
    }
    if shutil.which("node"):
        generated |= {"generated_js_rps", "generated_js_cli_rps", "generated_js_cli_peak_rss_mb"}
    assert set(figures) == {
        "csv_parse_rps", "csv_validate_rps", "xlsx_read_rps", "xlsx_validate_rps",
        "frictionless_rps", "jsonschema_rps", "csv_validate_peak_rss_mb",
        "xlsx_validate_peak_rss_mb", *generated,
    }  # fmt: skip
    assert all(v > 0 for v in figures.values())


def test_json_report_is_json_with_one_line_per_issue(fixture_catalog, tmp_path):
    rows = list(customer_rows(fixture_catalog, 200, seed=5, defect_rate=0.3))
    path = tmp_path / "customers.csv"
    write_csv(fixture_catalog, "customer", rows, path)
    report = validate_paths(fixture_catalog, [path])
    text = to_json(report)
    assert json.loads(text) == report.to_dict()
    issue_lines = [line for line in text.splitlines() if '"rule": ' in line]
    assert len(issue_lines) == len(report.files[0].issues) > 20
    assert all(json.loads(line.strip().rstrip(","))["row"] for line in issue_lines)


QUIRKS = {  # field → values people really type, each one placed in its own row
    "name": ['甲"乙"公司', '"引号开头', "  ", "\u3000示例公司", "a\nb"],
    "customer_code": [" 110001", "１１０００１", "11000", "AB0001", ""],
    "uscc": ["91110000600037341l", "9111000060003734", "91110000600037341L ", "统一社会信用代码"],
    "region": ["11  北京市", "北京市", "11 北京市", "１１"],
    "mobile": ["13800138000", "+8613800138000", "138 0013 8000"],
    "credit_limit": ["1,234.5", "1e3", " 12", "-0", "０"],
    "registered_on": ["2025/1/2", "2025-01-02 00:00:00", "2025年1月2日"],
    "industry": ["1", "01", "A"],
}


def _quirky_rows(catalog):
    rows = list(customer_rows(catalog, 120, seed=11, defect_rate=0.2))
    i = 3
    for field, values in QUIRKS.items():
        for value in values:
            rows[i][field] = value
            i += 2
    rows[60] = dict.fromkeys(rows[60], "")  # a blank row (skipped, numbering goes on)
    rows[61] = dict.fromkeys(rows[61], " ")  # spaces only: blank too
    return rows


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_fast_equals_reference_on_csv_quirks_across_blocks(
    fixture_catalog, tmp_path, monkeypatch, encoding
):
    from generators.validate import fast

    path = tmp_path / "customers.csv"
    write_csv(fixture_catalog, "customer", _quirky_rows(fixture_catalog), path, encoding)
    with path.open("a", encoding=encoding, newline="") as handle:
        handle.write("\r\n\r\n110002,尾部公司\n")  # empty records, a short last line
    reference = validate_paths(fixture_catalog, [path], engine="python")
    for block in (100_000, 700, 64):  # one block, several, one per record or so
        monkeypatch.setattr(fast, "BLOCK_BYTES", block)
        report = validate_paths(fixture_catalog, [path], engine="fast")
        assert report.to_dict() == reference.to_dict()
    assert reference.files[0].rows == 119
    assert {"full-width", "whitespace", "leading-zero"} <= {
        i.rule for i in reference.files[0].issues
    }


def test_records_end_is_quote_aware():
    from generators.validate.fast import _records_end

    assert _records_end(b"a,b\nc,d\ne", b",") == 8
    assert _records_end(b'a,"x\ny"\nc,"open\n', b",") == 8
    assert _records_end(b'a,"x""\n""y"\nb', b",") == 12
    assert _records_end(b'a,b"c\nd', b",") == 6  # a quote inside a cell opens nothing
    assert _records_end(b'"only one record, open\n', b",") == 0


@pytest.mark.parametrize(
    "data",
    ["abc\n中文\n".encode(), b"abc\n\xff\n", b"a\x00b", b"\xed\xa0\x80", b"\xc0\xaf",
     "中文".encode("gb18030"), "中".encode()[:2], "\ufeffa,b\n".encode()],
)  # fmt: skip
def test_utf8_check_agrees_with_the_codec(tmp_path, monkeypatch, data):
    from generators.validate import readers

    path = tmp_path / "x.csv"
    path.write_bytes(data * 3)
    try:
        expected = "\x00" not in (data * 3).decode("utf-8")
    except UnicodeDecodeError:
        expected = False
    monkeypatch.setattr(readers, "UTF8_BLOCK", 4)  # blocks cut inside the data, too
    assert readers._is_utf8_text(path) is expected


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_empty_foreign_key_cell_is_not_a_missing_reference(fixture_catalog, tmp_path, kind):
    """An optional foreign-key cell left empty (a contract with a supplier, no customer)
    cites nothing: no foreign-key error, in either engine."""
    schemas = fixture_catalog.records
    customers = [{k: str(v) for k, v in schemas["customer"].examples[0].items()}]
    contracts = [
        {k: ("true" if v is True else str(v)) for k, v in e.items()}
        for e in schemas["contract"].examples
    ]
    assert any("customer_code" not in c for c in contracts)
    paths = [tmp_path / f"contracts.{kind}", tmp_path / f"customers.{kind}"]
    for key, rows, path in zip(
        ["contract", "customer"], [contracts, customers], paths, strict=True
    ):
        if kind == "xlsx":
            write_xlsx(fixture_catalog, key, rows, path)
        else:
            write_csv(fixture_catalog, key, rows, path)
    fast = validate_paths(fixture_catalog, paths, engine="fast")
    slow = validate_paths(fixture_catalog, paths, engine="python")
    assert fast.to_dict() == slow.to_dict()
    assert [i.value for i in fast.files[0].errors if i.rule == "foreign-key"] == ["310002"]


# ── the shared differential corpus, and hypothesis rows, through the fast path itself ──
# engine="fast" never falls back silently: a polars error or an unsupported table fails.
def _write(catalog, key: str, rows: list[dict], path: Path) -> None:
    if path.suffix == ".xlsx":
        write_xlsx(catalog, key, rows, path)
    else:
        write_csv(catalog, key, rows, path)


def _both(catalog, path: Path) -> tuple[dict, dict]:
    fast = validate_paths(catalog, [path], engine="fast").to_dict()
    return fast, validate_paths(catalog, [path], engine="python").to_dict()


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_fast_path_itself_equals_reference_on_the_defect_corpus(fixture_catalog, tmp_path, suffix):
    """Examples, a defect for every keyword, format and rule of every record (the corpus
    the SQL engines and generated validators are held to); xlsx adds typed cells."""
    from .test_sql import defect_cases

    by_record: dict[str, list[dict]] = {}
    for key, rows in defect_cases(fixture_catalog).values():
        by_record.setdefault(key, []).extend(rows)
    rules = set()
    for key, rows in by_record.items():
        path = tmp_path / f"{key}{suffix}"
        _write(fixture_catalog, key, rows, path)
        fast, reference = _both(fixture_catalog, path)
        assert fast == reference, key
        rules |= {e["rule"] for e in reference["files"][0]["errors"]}
    assert {"code-rule", "format:cn-uscc", "unique", "minimum", "multipleOf"} <= rules
    assert {f"rule:{r.id}" for s in fixture_catalog.records.values() for r in s.rules} <= rules


@settings(
    max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_hypothesis_rows_fast_equals_reference(fixture_catalog, tmp_path, data):
    from .test_codegen_parity import rows_of

    for key in fixture_catalog.records:
        rows = data.draw(rows_of(fixture_catalog, key), label=key)
        rows = [  # a lone CR is NotFast by design (polars splits on LF only): tested elsewhere
            {k: v.replace("\r", "") if isinstance(v, str) else v for k, v in row.items()}
            for row in rows
        ]
        path = tmp_path / f"{key}.csv"
        _write(fixture_catalog, key, rows, path)
        try:
            fast, reference = _both(fixture_catalog, path)
        except InputError as error:  # every row blank: both refuse the file alike
            with pytest.raises(InputError, match=re.escape(str(error))):
                validate_paths(fixture_catalog, [path], engine="python")
            continue
        assert fast == reference, key


ANY_OF_VALUES = [
    "13800138000", "010-12345678", "0755-1234567", "12800138000", "010-123456789",
    "+85291234567", "0101-12345678x", "", " 13800138000", "０１０-12345678", "1380013800",
]  # fmt: skip


def test_any_of_is_decided_by_polars_and_agrees_with_the_reference(fixture_catalog, tmp_path):
    """A field's anyOf: polars says "surely clean" exactly when one alternative holds, and
    whole files report what the reference reports (fixture: customer.service_phone =
    a mainland mobile or a landline)."""
    import polars as pl

    from generators.checkplan import engine_plan
    from generators.validate.fast import clean_expr

    plan = engine_plan(fixture_catalog)
    record = next(r for r in plan.records if r.key == "customer")
    f = next(f for f in record.fields if f.key == "service_phone")
    frame = pl.DataFrame({f.key: ANY_OF_VALUES})
    clean = frame.select(clean_expr(f, plan)).to_series().to_list()
    silent = [
        all(i.field != f.key for i in validate_rows(fixture_catalog, "customer", [{f.key: v}]))
        for v in ANY_OF_VALUES
    ]
    assert clean == silent
    assert clean[:3] == [True, True, True] and not any(clean[3:7])
    broken = {"12800138000", "010-123456789", "+85291234567", "0101-12345678x", "1380013800"}
    rows = list(customer_rows(fixture_catalog, 300, seed=9, defect_rate=0.1))
    for i, row in enumerate(rows):
        row[f.key] = ANY_OF_VALUES[i % len(ANY_OF_VALUES)]
    path = tmp_path / "customers.csv"
    write_csv(fixture_catalog, "customer", rows, path)
    fast = validate_paths(fixture_catalog, [path], engine="fast")
    assert fast.to_dict() == validate_paths(fixture_catalog, [path], engine="python").to_dict()
    assert sum(i.rule == "anyOf" for i in fast.files[0].issues) == sum(
        row[f.key] in broken for row in rows
    )
