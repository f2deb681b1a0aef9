"""SQL from the check plan, in real databases: DDL loaded into DuckDB and a private
PostgreSQL cluster rejects each seeded defect at insert time; validation in place on
both gives the reference validator's findings on the shared differential corpus
(schema examples, a defect per rule, hypothesis rows); bad input is one Chinese line."""

from __future__ import annotations

import json
import threading
from pathlib import Path
from typing import Any

import duckdb
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from sqlglot import exp

from generators import rules
from generators.checkplan import plan_for
from generators.cli import cli
from generators.errors import InfostdError
from generators.formats import uscc_check_char
from generators.model import Catalog
from generators.sql import ddl as ddl_module
from generators.sql import expr
from generators.sql.ddl import render_ddl, with_dependencies
from generators.sql.engines import DuckDBEngine, PostgresEngine
from generators.sql.inplace import (
    Source,
    _record_plan,
    match_columns,
    validate_source,
    validate_sources,
)
from generators.validate import engine as reference_engine
from generators.validate.engine import RecordContext, check_row, validate_rows

from .codegen_support import broken_rows
from .test_codegen_differential import SEEDED, defects
from .test_codegen_parity import rows_of
from .test_workdays import expected_holds, span_rows, workday_cases

REPO = Path(__file__).parent.parent
LINE = "__infostd_line"
KEYS = {k: k for k in ("customer_code", "name", "uscc", "customer_type", "industry", "region",
                       "address", "contact_name", "mobile", "email", "value_grade",
                       "credit_limit", "registered_on", "owner_dept", "status", "remark")}  # fmt: skip


# ── the corpus (shared with the generated validators' differential tests) ──
def defect_cases(catalog: Catalog) -> dict[str, tuple[str, list[dict]]]:
    cases = {}
    for key, schema in catalog.records.items():
        example = schema.examples[0]
        cases[key] = (key, list(schema.examples))
        for f in schema.fields:
            rows = [{**example, f.key: value} for value in defects(catalog, f)]
            cases[f"{key}.{f.key}"] = (key, [example, *rows])
        for rule in schema.rules:
            cases[f"{key}/{rule.id}"] = (key, [example, *broken_rows(catalog, key, rule)])
        for fk in schema.foreign_keys:
            if fk.record == key:
                cases[f"{key}/fk"] = (key, [example, {**example, fk.field: "ZZ99"}])
    return cases


def text(value: Any) -> str | None:
    """A cell as a text column holds it (the CSV view of a row)."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value).replace("\x00", "")  # PostgreSQL text cannot hold NUL


class TextTables:
    """Each case as a table of text columns plus its line number, in one engine."""

    def __init__(self, engine, catalog: Catalog):
        self.engine, self.catalog = engine, catalog

    def load(self, name: str, key: str, rows: list[dict]) -> Source:
        keys = [f.key for f in self.catalog.records[key].fields]
        data = [[n, *(text(r.get(k)) for k in keys)] for n, r in enumerate(rows, start=1)]
        quoted = ", ".join(f'"{k}" TEXT' for k in keys)
        execute(self.engine, f'DROP TABLE IF EXISTS "{name}"')
        execute(self.engine, f'CREATE TABLE "{name}" ("{LINE}" INTEGER, {quoted})')
        marks = ", ".join(
            ["%s" if isinstance(self.engine, PostgresEngine) else "?"] * (len(keys) + 1)
        )
        executemany(self.engine, f'INSERT INTO "{name}" VALUES ({marks})', data)
        line = exp.column(LINE, quoted=True)
        return Source(self.engine, exp.table_(name, quoted=True), name, line)

    def stored(self, name: str, key: str) -> list[dict]:
        """The rows as the database returns them: what the reference is given."""
        keys = [f.key for f in self.catalog.records[key].fields]
        got = list(self.engine.rows(f'SELECT * FROM "{name}" ORDER BY "{LINE}"'))
        return [dict(zip(keys, r[1:], strict=True)) for r in got]


def execute(engine, sql: str) -> None:
    if isinstance(engine, PostgresEngine):
        with engine.con.cursor() as cur:
            cur.execute(sql)
    else:
        engine.con.execute(sql)


def executemany(engine, sql: str, rows: list) -> None:
    if isinstance(engine, PostgresEngine):
        with engine.con.cursor() as cur:
            cur.executemany(sql, rows)
    else:
        engine.con.executemany(sql, rows)


def findings(issues) -> list[dict]:
    return [{**i.to_dict(), "severity": i.severity} for i in issues]


def assert_same(tables: TextTables, cases: dict[str, tuple[str, list[dict]]]) -> set[str]:
    """All cases of a record in one table (one query set per record, not per case)."""
    by_record: dict[str, list[dict]] = {}
    for key, rows in cases.values():
        by_record.setdefault(key, []).extend(rows)
    seen: set[str] = set()
    for key, rows in by_record.items():
        src = tables.load(f"rows_{key}", key, rows)
        columns = {f.key: f.key for f in tables.catalog.records[key].fields}
        stored = tables.stored(f"rows_{key}", key)
        expected = findings(validate_rows(tables.catalog, key, stored, columns=columns))
        got = findings(validate_source(tables.catalog, src, key).issues)
        assert got == expected, key
        seen |= {e["rule"] for e in expected}
    return seen


@pytest.fixture(scope="module", params=["duckdb", "postgres"])
def engine(request):
    if request.param == "duckdb":
        return DuckDBEngine()
    return PostgresEngine(request.getfixturevalue("postgres_url"))


# ── validation in place: identical findings ──────────────────────────────
def test_examples_and_a_defect_for_every_rule(engine, shipped_catalog: Catalog) -> None:
    seen = assert_same(TextTables(engine, shipped_catalog), defect_cases(shipped_catalog))
    expected = {"required", "type", "enum", "codelist", "code-rule", "pattern", "minLength"}
    expected |= {"maxLength", "minimum", "maximum", "exclusiveMinimum", "multipleOf", "unique"}
    expected |= {"foreign-key", "leading-zero", "full-width", "whitespace"}
    expected |= {f"format:{n}" for n in ("cn-uscc", "cn-mobile", "email", "date", "date-time")}
    expected |= {f"rule:{r.id}" for s in shipped_catalog.records.values() for r in s.rules}
    assert expected <= seen, expected - seen


@settings(
    max_examples=5,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
    phases=[Phase.explicit, Phase.generate],  # a failure prints its rows; shrinking is slow here
)
@given(data=st.data())
def test_hypothesis_rows(engine, shipped_catalog: Catalog, data: st.DataObject) -> None:
    cases = {
        key: (key, data.draw(rows_of(shipped_catalog, key), label=key))
        for key in shipped_catalog.records
    }
    assert_same(TextTables(engine, shipped_catalog), cases)


def test_calendar_edges_in_place(engine, shipped_catalog: Catalog) -> None:
    """Dates decided in SQL by arithmetic on the digits: leap years by the century rules
    (2102 and 1900 are not leap years, 2124 and 2000 are), month lengths, year 0."""
    example = shipped_catalog.records["customer"].examples[0]
    days = ["2102-02-29", "2124-02-29", "1900-02-29", "2000-02-29", "2023-02-29",
            "2024-02-29", "0000-01-01", "0001-01-01", "2025-04-31", "2025-12-31",
            "2025-00-10", "2025-13-01", "2025-01-00", "9999-12-31", "2025-06-30"]  # fmt: skip
    rows = [{**example, "customer_code": f"11{n:04d}", "registered_on": d}
            for n, d in enumerate(days)]  # fmt: skip
    seen = assert_same(TextTables(engine, shipped_catalog), {"dates": ("customer", rows)})
    assert "format:date" in seen
    src = TextTables(engine, shipped_catalog).load("dates_real", "customer", rows)
    real = {n for n, d in enumerate(days, start=1) if _is_date(d)}
    assert len(real) == 7
    assert not flagged_lines(shipped_catalog, src) & real  # decided in the database


def _is_date(text: str) -> bool:
    import datetime as dt

    try:
        dt.date.fromisoformat(text)
    except ValueError:
        return False
    return True


def test_uscc_both_paths_in_place(engine, shipped_catalog: Catalog) -> None:
    """The check character is computed two ways in SQL: the usual 17 digits by one cast
    and integer arithmetic, codes with letters in the body by a lookup per character;
    both agree with the reference, right and wrong, and with the row's other checks."""
    from generators.formats import USCC_CHARSET, check_uscc, uscc_check_char

    bodies = ["91110000600037341", "91440300MA5FXT4K1", "12100000400000624",
              "9133010600000000Y", "Y1000000000000001", "00000000000000000"]  # fmt: skip
    values = []
    for body in bodies:
        right = uscc_check_char(body)
        wrong = USCC_CHARSET[(USCC_CHARSET.index(right) + 1) % 31]
        values += [body + right, body + wrong, body.lower() + right]
    values += ["9111000060003734" + "1", "911100006000373411Z", "91110000I000373410"]
    example = shipped_catalog.records["customer"].examples[0]
    rows = [{**example, "customer_code": f"11{n:04d}", "uscc": v} for n, v in enumerate(values)]
    seen = assert_same(TextTables(engine, shipped_catalog), {"uscc": ("customer", rows)})
    assert "format:cn-uscc" in seen
    # and a right code is decided in the database, on either path (never sent to Python)
    src = TextTables(engine, shipped_catalog).load("uscc_right", "customer", rows)
    right = {n for n, v in enumerate(values, start=1) if check_uscc(v) is None}
    assert len(right) >= len(bodies)
    assert not flagged_lines(shipped_catalog, src) & right


def test_working_days_and_effective_dates_in_place(engine, fixture_catalog: Catalog) -> None:
    """max-workdays counted in SQL (weekday arithmetic + the inlined calendar), rows before
    an effective date sent to the reference, which reports them: as the reference."""
    tables = TextTables(engine, fixture_catalog)
    seen = assert_same(tables, workday_cases(fixture_catalog))
    assert {"rule:CT-09", "rule-exempt"} <= seen
    # the count itself, decided in the database, on spans across 元旦, 春节, 劳动节, 国庆
    # and their 调休 days (above, CT-01's 24 hours sends most such rows to the reference)
    rows = span_rows(fixture_catalog)
    src = tables.load("spans", "contract", rows)
    plan = plan_for(fixture_catalog, "")
    rec = _record_plan(plan, "contract")
    cols = match_columns(fixture_catalog, "contract", engine.columns(src.relation), "t")
    planned = next(r for r in rec.rules if r.type == "max-workdays")
    holds = expr.rule_holds(planned, {f.key: f for f in rec.fields}, cols, plan)
    line = exp.column(LINE, quoted=True)
    query = exp.select(line, exp.alias_(holds, "holds")).from_(src.relation).order_by(line.copy())
    got = [bool(h) for _, h in engine.rows(query.sql(dialect=engine.dialect))]
    expected = expected_holds(fixture_catalog, rows)
    assert got == expected
    assert sum(got) >= 40


def test_clean_rows_never_leave_the_database(shipped_catalog: Catalog) -> None:
    """The point of set-based checks: on clean data no row is sent to Python."""
    eng = DuckDBEngine()
    example = shipped_catalog.records["customer"].examples[0]
    rows = [{**example, "customer_code": f"11{i:04d}", "uscc": None} for i in range(50)]
    src = TextTables(eng, shipped_catalog).load("clean", "customer", rows)
    calls = []
    original = eng.rows
    eng.rows = lambda sql: calls.append(sql) or original(sql)  # type: ignore[method-assign]
    report = validate_source(shipped_catalog, src, "customer")
    assert [i.rule for i in report.issues] == ["required"] * 50
    rows = [{**example, "customer_code": f"11{i:04d}"} for i in range(1)]
    src = TextTables(eng, shipped_catalog).load("clean2", "customer", rows)
    fetched = eng.con.execute(f"SELECT COUNT(*) FROM ({_flag_sql(shipped_catalog, src)})")
    assert fetched.fetchall() == [(0,)]


def _flag_sql(catalog: Catalog, src: Source) -> str:
    """The query whose rows leave the database (those not surely clean)."""
    from generators.sql.inplace import _record_plan, cell_flags, flagged_query, match_columns

    plan = plan_for(catalog, "")
    rec = _record_plan(plan, "customer")
    cols = match_columns(catalog, "customer", src.engine.columns(src.relation), "t")
    oks = cell_flags(catalog, rec, cols, plan)
    return flagged_query(rec, cols, plan, src, oks).sql(src.engine.dialect)


def flagged_lines(catalog: Catalog, src: Source) -> set[int]:
    """The line numbers of the rows SQL sends to the reference (not surely clean)."""
    return {int(r[0]) for r in src.engine.rows(_flag_sql(catalog, src))}


# ── the command line ─────────────────────────────────────────────────────
def invoke(*args: str):
    return CliRunner().invoke(cli, ["--root", str(REPO), *args])


def test_duckdb_engine_over_csv_gives_the_file_validators_report(tmp_path: Path) -> None:
    data = tmp_path / "customers.csv"
    data.write_text(SEEDED, encoding="utf-8")
    reference = invoke("validate", str(data), "--format", "json")
    in_place = invoke("validate", str(data), "--engine", "duckdb", "--format", "json")
    assert reference.exit_code == in_place.exit_code == 1, in_place.output
    assert json.loads(in_place.stdout) == json.loads(reference.stdout)
    assert len(json.loads(reference.stdout)["files"][0]["errors"]) >= 7


def test_duckdb_engine_over_parquet_matches_the_reference(
    tmp_path: Path, shipped_catalog: Catalog
) -> None:
    import polars as pl

    from generators.validate.sample import customer_rows

    rows = list(customer_rows(shipped_catalog, 3000, defect_rate=0.1))
    path = tmp_path / "customers.parquet"
    pl.DataFrame(rows).write_parquet(path)
    result = invoke("validate", str(path), "--engine", "duckdb", "--format", "json")
    assert result.exit_code == 1, result.output
    report = json.loads(result.stdout)["files"][0]
    expected = findings(
        validate_rows(shipped_catalog, "customer", pl.read_parquet(path).to_dicts(), columns=KEYS)
    )
    assert report["rows"] == 3000
    assert report["errors"] == [
        {k: v for k, v in e.items() if k != "severity"}
        for e in expected
        if e["severity"] == "error"
    ]
    assert len(report["errors"]) > 100


CUSTOMERS = SEEDED + "120088,天津第九有限公司,91110108MA01ABCD8F,1,65,12,吴十,138,XS01,A\n"


def _contracts(catalog: Catalog) -> list[dict]:
    """Contracts citing customers: present, padded (a warning, still found), malformed,
    absent, held by a customer row with an error elsewhere (still a target), empty."""
    supplier = catalog.records["supplier"].examples[0]["supplier_code"]
    example = {**catalog.records["contract"].examples[0], "supplier_code": supplier}
    codes = ["110001", " 110002", "11000A", "120099", "120088", "", "110007"]
    return [{**example, "contract_no": f"HT20260001{i}", "customer_code": c}
            for i, c in enumerate(codes)]  # fmt: skip


def test_foreign_keys_across_files_match_the_file_validator(
    tmp_path: Path, shipped_catalog: Catalog
) -> None:
    """A contract file's customer codes checked against the customer file given with it
    (or as --reference, or found by a glob): the file validator's report, word for word;
    the supplier key, whose target is not given, gets the same one warning."""
    from generators.validate.sample import write_csv

    (tmp_path / "customer.csv").write_text(CUSTOMERS, encoding="utf-8")
    contract = tmp_path / "contract.csv"
    write_csv(shipped_catalog, "contract", _contracts(shipped_catalog), contract)
    customer = str(tmp_path / "customer.csv")
    for args in ([str(contract), customer], [str(contract), "-r", customer]):
        reference = invoke("validate", *args, "--format", "json")
        in_place = invoke("validate", *args, "--engine", "duckdb", "--format", "json")
        assert reference.exit_code == in_place.exit_code == 1, in_place.output
        assert json.loads(in_place.stdout) == json.loads(reference.stdout)
        report = json.loads(reference.stdout)["files"][0]
        assert [e["value"] for e in report["errors"] if e["rule"] == "foreign-key"] == ["120099"]
        assert [w["field"] for w in report["warnings"] if "unchecked" in w["rule"]] == [
            "supplier_code"
        ]
    globbed = invoke("validate", str(tmp_path / "c*.csv"), "--engine", "duckdb", "--format", "json")
    both = invoke("validate", str(contract), customer, "--format", "json")
    assert json.loads(globbed.stdout) == json.loads(both.stdout)


def reference_together(catalog: Catalog, tables: dict[str, list[dict]]) -> dict[str, list]:
    """The reference engine's findings for tables validated together (as api.validate_tables)."""
    wanted = reference_engine.target_columns(catalog, list(tables))
    done, targets = {}, {}
    for key, rows in tables.items():
        columns = {f.key: f.key for f in catalog.records[key].fields}
        ctx = RecordContext(catalog, catalog.records[key], columns=columns)
        issues, fk_rows, own = reference_engine.run_rows(
            ctx, enumerate(rows, start=1), wanted.get(key, set())
        )
        done[key] = (ctx, issues, fk_rows)
        targets.update({f"{key}.{ref}": values for ref, values in own.items()})
    out = {}
    for key, (ctx, issues, fk_rows) in done.items():
        issues = issues + reference_engine.foreign_key_issues(ctx, fk_rows, targets)
        out[key] = findings(sorted(issues, key=ctx.sort_key))
    return out


def test_foreign_key_condition_in_place(engine, fixture_catalog: Catalog) -> None:
    """SU-05 (a contract's supplier must be 合格) in the database: clean and explained
    rows on both sides, duplicates, an empty and an invalid condition cell."""
    sup = fixture_catalog.records["supplier"].examples
    suppliers = [
        sup[0],  # 39-0001 合格
        sup[2],  # 52-0002 暂停合作
        {**sup[1], "status": ""},  # 65-0003 no status
        {**sup[1], "supplier_code": "65-0004", "uscc": "91330106MA28N3QD41", "status": " 合格 "},
        {**sup[1], "supplier_code": "65-0005", "uscc": "91330106MA28N3QD50", "status": "好"},
        {**sup[2], "supplier_code": "52-0002", "uscc": "91330106MA28N3QD69", "status": "合格"},
        {**sup[2], "supplier_code": "52-0006", "uscc": "91330106MA28N3QD77", "status": "已淘汰"},
    ]
    contract = fixture_catalog.records["contract"].examples[2]
    codes = ["39-0001", "52-0002", "65-0003", "65-0004", "65-0005", "52-0006", " 52-0006",
             "65-0009", ""]  # fmt: skip
    contracts = [
        {**contract, "contract_no": f"HT2026{n:05d}", "supplier_code": code}
        for n, code in enumerate(codes, start=1)
    ]
    tables = TextTables(engine, fixture_catalog)
    sources = [(tables.load("fk_contract", "contract", contracts), "contract"),
               (tables.load("fk_supplier", "supplier", suppliers), "supplier")]  # fmt: skip
    expected = reference_together(
        fixture_catalog,
        {"contract": tables.stored("fk_contract", "contract"),
         "supplier": tables.stored("fk_supplier", "supplier")},
    )  # fmt: skip
    reports = validate_sources(fixture_catalog, sources)
    got = {r.record: findings([i for i in r.issues if i.rule != "foreign-key-unchecked"])
           for r in reports}  # fmt: skip
    assert got == expected
    where = [(e["row"], e["value"]) for e in got["contract"] if e["rule"] == "foreign-key-where"]
    assert where == [(3, "65-0003"), (5, "65-0005"), (6, "52-0006"), (7, "52-0006")]


def test_foreign_keys_across_tables_of_one_database(
    tmp_path: Path, shipped_catalog: Catalog
) -> None:
    """--db: the contract table's customer codes are looked up in the customer table of
    the same database (or the table named by --reference); without one, a warning."""
    import csv
    import io

    db = tmp_path / "crm.duckdb"
    con = duckdb.connect(str(db))
    for key, rows in [("customer", list(csv.DictReader(io.StringIO(CUSTOMERS)))),
                      ("contract", _contracts(shipped_catalog))]:  # fmt: skip
        fields = shipped_catalog.records[key].fields
        con.execute(f"CREATE TABLE {key}_t ({', '.join(f.key + ' VARCHAR' for f in fields)})")
        for row in rows:
            values = [text(row.get(f.key, row.get(f.title))) for f in fields]
            con.execute(f"INSERT INTO {key}_t VALUES ({', '.join('?' * len(fields))})", values)
    con.execute("ALTER TABLE customer_t RENAME TO customer")
    con.close()
    url = f"duckdb:///{db}"

    def keys(*extra: str) -> tuple[list, list]:
        result = invoke("validate", "--db", url, "--table", "contract_t", "--record", "contract",
                        "--format", "json", *extra)  # fmt: skip
        assert result.exit_code == 1, result.output
        report = json.loads(result.stdout)["files"][0]
        wrong = sorted(e["value"] for e in report["errors"] if e["rule"] == "foreign-key")
        unchecked = [w["field"] for w in report["warnings"] if "unchecked" in w["rule"]]
        return wrong, unchecked

    assert keys() == (["120099"], ["supplier_code"])
    assert keys("-r", "customer") == (["120099"], ["supplier_code"])
    con = duckdb.connect(str(db))
    con.execute("DROP TABLE customer")
    con.close()
    assert keys() == ([], ["customer_code", "supplier_code"])


def test_validate_a_postgres_table_by_url(
    postgres_url: str, shipped_catalog: Catalog, tmp_path: Path
) -> None:
    """A typed table built by the DDL: a duplicate USCC is refused at insert; the examples
    and a padded name (which the DDL stores, the validator warns about) are validated in
    place through the command line, rows numbered in key order."""
    eng = PostgresEngine(postgres_url)
    execute(eng, "DROP SCHEMA IF EXISTS typed CASCADE")
    execute(eng, "CREATE SCHEMA typed")
    execute(eng, "SET search_path TO typed")
    execute(eng, render_ddl(plan_for(shipped_catalog, "t"), ["customer"], "postgres"))
    keys = [f.key for f in shipped_catalog.records["customer"].fields]
    rows = [[e.get(k) for k in keys] for e in shipped_catalog.records["customer"].examples]
    rows.append([*rows[0][:1], " 北京示例 ", *rows[0][2:]])  # untrimmed name: a warning…
    rows[-1][0] = "110099"
    rows[-1][2] = rows[0][2]  # …and a duplicate USCC: unique is a DDL constraint
    cols = ", ".join(f'"{k}"' for k in keys)
    marks = ", ".join(["%s"] * len(keys))
    executemany(eng, f"INSERT INTO typed.customer ({cols}) VALUES ({marks})", rows[:-1])
    with pytest.raises(Exception, match="unique|duplicate"):
        executemany(eng, f"INSERT INTO typed.customer ({cols}) VALUES ({marks})", rows[-1:])
    rows[-1][2] = "91110000600037341" + uscc_check_char("91110000600037341")
    executemany(eng, f"INSERT INTO typed.customer ({cols}) VALUES ({marks})", rows[-1:])
    url = postgres_url
    result = invoke("validate", "--db", url, "--table", "typed.customer", "--format", "json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)["files"][0]
    assert report["rows"] == len(rows)
    assert [w["rule"] for w in report["warnings"]] == ["whitespace"]
    assert report["warnings"][0]["column"] == "name"


def test_postgres_rows_stream_from_a_server_side_cursor(postgres_url: str) -> None:
    """A big result is fetched in batches from a cursor on the server (pg_cursors lists it
    while rows are read), never held whole by the client; an error is one located line."""
    eng = PostgresEngine(postgres_url)
    rows = iter(eng.rows("SELECT g FROM generate_series(1, 25000) g ORDER BY g"))
    first = next(rows)
    open_cursors = [r[0] for r in eng.con.execute("SELECT name FROM pg_cursors").fetchall()]
    assert first == (1,) and any(n.startswith("infostd_rows_") for n in open_cursors)
    assert [r[0] for r in rows] == list(range(2, 25001))
    assert eng.con.execute("SELECT count(*) FROM pg_cursors").fetchone() == (0,)
    with pytest.raises(InfostdError, match="查询失败.*no_such_table"):
        list(eng.rows("SELECT * FROM no_such_table"))
    assert list(eng.rows("SELECT 1")) == [(1,)]  # the connection is usable after an error


@pytest.mark.parametrize(
    "args, words",
    [
        (["--db", "mysql://x/y", "--table", "customer"], "不支持的数据库地址"),
        (["--db", "duckdb:///nowhere.duckdb", "--table", "customer"], "不存在"),
        (
            ["--db", "postgresql://u:secret@/db?host=/nonexistent", "--table", "customer"],
            "无法连接",
        ),
        (["--db", "duckdb:///x.duckdb"], "--table"),
    ],
)
def test_bad_database_input_is_one_chinese_line(args, words, tmp_path: Path) -> None:
    if "x.duckdb" in args[1]:
        duckdb.connect(str(REPO / "x.duckdb")).close()
    try:
        result = invoke("validate", *args)
    finally:
        (REPO / "x.duckdb").unlink(missing_ok=True)
    assert result.exit_code == 2, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and words in lines[0], result.output
    assert "secret" not in result.output and "Traceback" not in result.output


def test_missing_table_and_mismatched_columns(tmp_path: Path) -> None:
    db = tmp_path / "crm.duckdb"
    con = duckdb.connect(str(db))
    con.execute("CREATE TABLE customer (customer_code VARCHAR, nmae VARCHAR)")
    con.execute("CREATE TABLE x (a INT)")
    con.close()
    url = f"duckdb:///{db}"
    hostile = 'customer"; DROP TABLE x; --'
    result = invoke("validate", "--db", url, "--table", hostile, "--record", "customer")
    assert result.exit_code == 2 and "没有表" in result.output, result.output
    assert duckdb.connect(str(db)).execute("SELECT COUNT(*) FROM x").fetchall() == [(0,)]
    result = invoke("validate", "--db", url, "--table", "customer")
    assert result.exit_code == 2, result.output
    assert "列“nmae”" in result.output and "最接近：name" in result.output
    assert len(result.output.strip().splitlines()) == 1


# ── DDL ──────────────────────────────────────────────────────────────────
EXPRESSIBLE = {
    "required", "enum", "codelist", "code-rule", "pattern", "minLength", "maxLength",
    "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf",
    "format:cn-uscc", "format:cn-mobile", "format:email", "format:cn-resident-id",
    "format:date", "unique", "foreign-key",
}  # fmt: skip


def load_ddl(engine, catalog: Catalog, dialect: str) -> None:
    if isinstance(engine, PostgresEngine):
        execute(engine, "DROP SCHEMA IF EXISTS ddl CASCADE")
        execute(engine, "CREATE SCHEMA ddl")
        execute(engine, "SET search_path TO ddl")
        execute(engine, "SET TIME ZONE 'Asia/Shanghai'")  # as the DDL's header asks
    else:
        execute(engine, "USE main; DROP SCHEMA IF EXISTS ddl CASCADE; CREATE SCHEMA ddl; USE ddl")
        execute(engine, "SET TimeZone = 'Asia/Shanghai'")
    execute(engine, render_ddl(plan_for(catalog, "t"), [], dialect))


def insert(engine, key: str, row: dict) -> None:
    cols = [k for k, v in row.items() if v is not None]
    mark = "%s" if isinstance(engine, PostgresEngine) else "?"
    sql = f'INSERT INTO "{key}" ({", ".join(chr(34) + k + chr(34) for k in cols)}) VALUES ({", ".join([mark] * len(cols))})'
    executemany(engine, sql, [[row[k] for k in cols]])


def db_value(value: Any) -> Any:
    """What an application would store: empty text is no value."""
    return None if isinstance(value, str) and not value.strip() else value


def attempt(engine, key: str, row: dict, begin: bool = True) -> bool:
    """Insert ``row`` in a transaction rolled back after: True when the database accepts it."""
    if begin:
        execute(engine, "BEGIN")
    try:
        insert(engine, key, row)
    except Exception:  # noqa: BLE001 - each database raises its own class
        execute(engine, "ROLLBACK")
        return False
    execute(engine, "ROLLBACK")
    return True


def test_ddl_rejects_each_seeded_defect_at_insert(engine, shipped_catalog: Catalog) -> None:
    """Every defect the validator reports with an expressible rule is refused by the
    database; a row the validator accepts as stored is never refused."""
    dialect = "postgres" if isinstance(engine, PostgresEngine) else "duckdb"
    plan = plan_for(shipped_catalog, "t")
    cases = defect_cases(shipped_catalog)
    rejected: set[str] = set()
    for key, schema in shipped_catalog.records.items():
        load_ddl(engine, shipped_catalog, dialect)
        for rec in with_dependencies(plan, [key])[:-1]:
            for example in shipped_catalog.records[rec.key].examples:
                insert(engine, rec.key, example)
        ctx = RecordContext(shipped_catalog, schema)
        for case, (case_key, rows) in cases.items():
            if case_key != key:
                continue
            for row in rows[1:] if case != key else rows[:1]:
                stored = {k: db_value(v) for k, v in row.items()}
                normal = check_row(ctx, 1, row)[0]
                issues = validate_rows(shipped_catalog, key, [row])  # with the self-reference
                errors = {i.rule for i in issues if i.severity == "error"}
                broken = {r for r in errors if r in EXPRESSIBLE or r.startswith("rule:")}
                changed = [v for k, v in row.items() if v != schema.examples[0].get(k)]
                padded = any(isinstance(v, str) and v != v.strip() for v in changed)
                if attempt(engine, key, stored):  # a padded value is trimmed by the validator only
                    assert padded or not broken, (
                        f"{case}: accepted {row}, the validator reports {broken}"
                    )
                    continue
                as_stored = all(normal.get(k) == v for k, v in stored.items() if isinstance(v, str))
                assert errors or issues or not as_stored, f"{case}: refused a valid row {row}"
                rejected |= broken
        execute(engine, "BEGIN")  # uniqueness: the first example twice
        insert(engine, key, schema.examples[0])
        if not attempt(engine, key, schema.examples[0], begin=False):
            rejected.add("unique")
    expected = EXPRESSIBLE - {"format:cn-resident-id", "exclusiveMaximum"}
    expected |= {f"rule:{r.id}" for s in shipped_catalog.records.values() for r in s.rules}
    assert expected <= rejected, expected - rejected


def test_any_of_in_place_and_in_the_ddl(engine, fixture_catalog: Catalog) -> None:
    """anyOf (fixture: customer.service_phone = a mainland mobile or a landline): validation
    in place gives the reference's findings, and the DDL's CHECK (an OR of the two) refuses
    exactly the values the validator refuses."""
    cases = {
        k: v for k, v in defect_cases(fixture_catalog).items() if k == "customer.service_phone"
    }
    assert "anyOf" in assert_same(TextTables(engine, fixture_catalog), cases)
    dialect = "postgres" if isinstance(engine, PostgresEngine) else "duckdb"
    load_ddl(engine, fixture_catalog, dialect)
    for rec in with_dependencies(plan_for(fixture_catalog, "t"), ["customer"])[:-1]:
        for example in fixture_catalog.records[rec.key].examples:
            insert(engine, rec.key, example)
    example = fixture_catalog.records["customer"].examples[0]
    verdicts = {}
    for row in cases["customer.service_phone"][1][1:]:
        value = row["service_phone"]
        if not isinstance(value, str) or value != value.strip() or not value:
            continue  # the validator trims and reads empty as absent; a database does not
        refused = {i.rule for i in validate_rows(fixture_catalog, "customer", [row])}
        verdicts[value] = attempt(engine, "customer", {**example, "service_phone": value})
        assert verdicts[value] == ("anyOf" not in refused and "full-width" not in refused), value
    assert verdicts["010-12345678"] and verdicts["13800138000"]
    assert not verdicts["+85291234567"] and not verdicts["010-123456789"]
    ddl_text = render_ddl(plan_for(fixture_catalog, "t"), ["customer"], dialect)
    check = ddl_text.split('CONSTRAINT "ck_customer_service_phone_1"', 1)[1].split(";", 1)[0]
    assert "OR" in check.split() and "^1[3-9][0-9]{9}$" in check


def _rollback(engine) -> None:
    if isinstance(engine, PostgresEngine):
        engine.con.rollback()


def test_ddl_foreign_keys_and_comments(engine, shipped_catalog: Catalog) -> None:
    dialect = "postgres" if isinstance(engine, PostgresEngine) else "duckdb"
    load_ddl(engine, shipped_catalog, dialect)
    for key in ("customer", "supplier", "department", "contract"):
        for example in shipped_catalog.records[key].examples:
            insert(engine, key, example)
    with pytest.raises(Exception, match="(?i)foreign key"):
        insert(engine, "contract", {**shipped_catalog.records["contract"].examples[0],
                                    "contract_no": "HT202600999", "customer_code": "119999"})  # fmt: skip
    _rollback(engine)
    with pytest.raises(Exception, match="(?i)foreign key"):
        insert(engine, "customer", {**shipped_catalog.records["customer"].examples[0],
                                    "customer_code": "110999", "uscc": "91110000600037341" + uscc_check_char("91110000600037341"), "region": "99"})  # fmt: skip
    _rollback(engine)
    if isinstance(engine, PostgresEngine):
        comments = list(
            engine.rows(
                "SELECT obj_description('ddl.customer'::regclass), col_description('ddl.customer'::regclass, 3)"
            )
        )
    else:
        comments = list(
            engine.rows("SELECT comment FROM duckdb_tables() WHERE table_name = 'customer'")
        )
        comments = [
            (
                comments[0][0],
                next(
                    iter(
                        engine.rows(
                            "SELECT comment FROM duckdb_columns() WHERE table_name = 'customer' AND column_name = 'uscc'"
                        )
                    )
                )[0],
            )
        ]
    assert comments == [("客户信息", "统一社会信用代码")]


def test_ddl_header_lists_what_sql_cannot_state(mini_catalog: Catalog) -> None:
    plan = plan_for(mini_catalog, "t")
    text = render_ddl(plan, [], "postgres")
    assert text.startswith("-- infostd t：")
    for dialect in ddl_module.DIALECTS:
        assert "CREATE TABLE" in render_ddl(plan, [], dialect)
    assert "COMMENT '" in render_ddl(plan, [], "mysql")


def test_catalog_text_cannot_escape_a_comment_or_literal() -> None:
    assert ddl_module.one_line("a\n-- DROP TABLE x;\r\nb") == "a -- DROP TABLE x; b"
    literal = expr.lit("x'); DROP TABLE t; --").sql("postgres")
    assert literal == "'x''); DROP TABLE t; --'"


def test_every_rule_type_has_sql() -> None:
    """A new rule kind needs an SQL rendering (validation and DDL) or an explicit fallback."""
    for kind in rules.RULE_TYPES:
        assert kind in expr.RULE_SQL, kind
        assert kind in ddl_module.RULE_DDL, kind


def test_sql_ddl_command(tmp_path: Path) -> None:
    out = tmp_path / "customer.sql"
    result = invoke("sql", "ddl", "customer", "--dialect", "duckdb", "-o", str(out))
    assert result.exit_code == 0, result.output
    con = duckdb.connect()
    con.execute(out.read_text(encoding="utf-8"))
    assert ("customer",) in con.execute("SHOW TABLES").fetchall()
    result = invoke("sql", "ddl", "nosuch")
    assert result.exit_code == 2 and "没有记录" in result.output


def test_build_step_writes_ddl_for_every_dialect(tmp_path: Path, shipped_catalog: Catalog) -> None:
    from generators.config import load_config
    from generators.sql.cli import generate

    written = generate(shipped_catalog, load_config(REPO), tmp_path / "sql")
    assert sorted(p.name for p in written) == [
        "duckdb.sql",
        "mysql.sql",
        "postgres.sql",
        "spark.sql",
    ]
    con = duckdb.connect()
    con.execute((tmp_path / "sql" / "duckdb.sql").read_text(encoding="utf-8"))
    tables = {t for (t,) in con.execute("SHOW TABLES").fetchall()}
    assert set(shipped_catalog.records) <= tables


# ── Spark (one local[2] session for the whole run: start-up costs seconds) ──
def test_spark_engine_matches_the_reference(
    spark, tmp_path: Path, shipped_catalog: Catalog
) -> None:
    """Parquet read by Spark, checks as Spark SQL expressions: the reference's findings."""
    import polars as pl

    from generators.sql.engines import SparkEngine
    from generators.validate.sample import customer_rows

    path = tmp_path / "customers.parquet"
    pl.DataFrame(list(customer_rows(shipped_catalog, 1500, defect_rate=0.1))).write_parquet(path)
    eng = SparkEngine(session=spark)
    relation, number = eng.file_view(path, 0)
    report = validate_source(shipped_catalog, Source(eng, relation, "x", number), "customer")
    rows = pl.read_parquet(path).to_dicts()
    expected = findings(validate_rows(shipped_catalog, "customer", rows, columns=KEYS))
    assert findings(report.issues) == expected
    assert report.rows == 1500 and len(expected) > 50
    cases = {"department": ("department", [*shipped_catalog.records["department"].examples,
                                           {**shipped_catalog.records["department"].examples[0],
                                            "parent_code": "ZZ99", "dept_name": " 销售部 "}])}  # fmt: skip
    by_record = {k: rows for k, rows in cases.values()}
    for key, rows in by_record.items():
        keys = [f.key for f in shipped_catalog.records[key].fields]
        data = [tuple(text(r.get(k)) for k in keys) for r in rows]
        frame = spark.createDataFrame(data, ", ".join(f"`{k}` string" for k in keys))
        frame.createOrReplaceTempView(f"t_{key}")
        stored = [dict(zip(keys, r, strict=True)) for r in data]
        columns = {k: k for k in keys}
        # a table has no row numbers: rows are numbered in key order, as the reference is given them
        stored.sort(key=lambda r: tuple((v is None, v or "") for v in r.values()))
        got = validate_source(shipped_catalog, Source(eng, exp.table_(f"t_{key}"), key), key)
        assert findings(got.issues) == findings(
            validate_rows(shipped_catalog, key, stored, columns=columns)
        )


def test_spark_failure_is_one_located_line(spark, tmp_path: Path) -> None:
    from generators.sql.engines import SparkEngine

    bad = tmp_path / "broken.parquet"
    bad.write_bytes(b"PAR1 not really parquet")
    with pytest.raises(InfostdError, match="broken.parquet：Spark 无法读取"):
        SparkEngine(session=spark).file_view(bad, 0)


def test_sql_benchmark_smoke(tmp_path: Path) -> None:
    """The benchmark's generated table (unique keys, ~2 % defects) gives the DuckDB engine
    and the polars fast path the same findings (figures are printed, never asserted)."""
    import subprocess
    import sys

    bench = REPO / "benchmarks" / "sql_bench.py"
    args = [sys.executable, str(bench), "--rows", "3000", "--no-spark", "--work", str(tmp_path)]
    result = subprocess.run(args, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr[-2000:]
    duck, fast = json.loads(result.stdout.splitlines()[-1])["results"]
    assert duck["rows"] == fast["rows"] == 3000
    assert duck["errors"] == fast["errors"] > 20


def test_prefetched_rows_keep_order_errors_and_stop_early() -> None:
    """The flag scan is read by a background thread: every row arrives once, in order;
    an engine's error reaches the caller after the rows before it; a caller that stops
    early leaves no reader thread behind."""
    import threading

    from generators.sql.inplace import prefetched

    assert list(prefetched(iter(range(12_345)))) == list(range(12_345))

    def failing():
        yield from range(7_000)
        raise InfostdError("DuckDB 查询失败：磁盘已满")

    got = []
    with pytest.raises(InfostdError, match="磁盘已满"):
        for row in prefetched(failing()):
            got.append(row)
    assert got == list(range(7_000))

    before = threading.active_count()
    for row in prefetched(iter(range(10**7))):
        if row == 10:
            break
    assert threading.active_count() == before


@pytest.mark.parametrize("kind", ["duckdb", "postgres"])
def test_stopping_a_scan_cancels_the_query(kind: str, request) -> None:
    """Ctrl-C (or an error) while the reader thread waits on a long scan: the query is
    cancelled in the database, so stopping does not wait for the rest of the scan (here
    one that would run for hours); the connection stays usable."""
    import _thread
    import time

    from generators.sql.inplace import prefetched

    if kind == "duckdb":
        eng = DuckDBEngine()
        slow = "SELECT i FROM range(10000000000000) t(i) WHERE hash(i) = 7"
    else:
        eng = PostgresEngine(request.getfixturevalue("postgres_url"))
        slow = "SELECT g FROM generate_series(1, 10000000000000) g WHERE md5(g::text) = 'x'"
    timer = threading.Timer(1.0, _thread.interrupt_main)
    watchdog = threading.Timer(60.0, eng.interrupt)  # a regression fails, never hangs
    start = time.monotonic()
    timer.start()
    watchdog.start()
    try:
        with pytest.raises(KeyboardInterrupt):
            for _ in prefetched(eng.rows(slow), interrupt=eng.interrupt):
                pass
    finally:
        watchdog.cancel()
    assert time.monotonic() - start < 50  # not hours: the database stopped at once
    assert list(eng.rows("SELECT 1")) == [(1,)]
