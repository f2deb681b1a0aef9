"""Withdrawn and deprecated codes (``x-withdrawn``, ``deprecated``): after the withdrawal
date a value using the code is an error, on or before it (and for a deprecated code) a
warning; a retired code inside a code rule is a warning. Judged at ``--as-of`` (default
today). Every engine agrees with the reference: the fast path, both generated validators,
DuckDB and PostgreSQL in place."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from generators import codegen
from generators.cli import cli
from generators.config import load_config
from generators.formats import uscc_check_char
from generators.loader import load_catalog
from generators.model import Catalog
from generators.sql.engines import DuckDBEngine, PostgresEngine
from generators.sql.inplace import validate_source
from generators.validate.api import validate_paths
from generators.validate.engine import validate_rows
from generators.validate.messages import MESSAGES

from .codegen_support import NODE, generate_into, import_module, needs_node, run_node
from .conftest import catalog_project
from .test_sql import TextTables, findings

# KF01 is withdrawn on 2020-06-30 in the fixture catalog (as shipped); the copy adds a
# deprecated region (a code-rule segment of 客户编码), a withdrawal to come and a
# deprecated contract type.
EDITS = {
    "codelists/region.md": ('{"const": "11", "title": "北京市"}', '{"const": "11", "title": "北京市"},\n    {"const": "19", "title": "旧区划", "deprecated": true}'),
    "codelists/department-code.md": ('"title": "华南销售分部", ', '"title": "华南销售分部", "x-withdrawn": "2030-06-30", '),
    "codelists/contract-type.md": ('"title": "其他", ', '"title": "其他", "deprecated": true, '),
}  # fmt: skip
DAYS = ["2020-06-30", "2020-07-01", "2030-07-01"]


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = catalog_project(tmp_path_factory.mktemp("withdrawn"))
    for name, (old, new) in EDITS.items():
        path = root / "standards" / name
        text = path.read_text(encoding="utf-8")
        assert old in text, name
        path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def catalog(project: Path) -> Catalog:
    return load_catalog(config=load_config(project))


def customers(catalog: Catalog) -> list[dict]:
    example = catalog.records["customer"].examples[0]
    values = [
        ("owner_dept", "KF01"),
        ("owner_dept", "KF01 客户服务中心"),  # the dropdown label of a retired code
        ("owner_dept", "XS03"),
        ("customer_code", "190001"),  # region 19 deprecated: the code keeps it, a warning
        ("region", "19"),
    ]
    rows = [example]
    for n, (key, value) in enumerate(values, start=2):
        code = f"11{n:04d}" if key != "customer_code" else value
        uscc = f"91110108MA01C7K{n:02d}"
        uscc += uscc_check_char(uscc)
        rows.append({**example, "customer_code": code, "uscc": uscc, key: value})
    return rows


def test_the_date_decides_error_or_warning(catalog: Catalog) -> None:
    rows = customers(catalog)
    found = {
        day: {(i.row, i.field): (i.rule, i.severity) for i in validate_rows(catalog, "customer", rows, as_of=day)}
        for day in DAYS
    }  # fmt: skip
    assert found["2020-06-30"][(2, "owner_dept")] == ("withdrawn", "warning")  # the last day
    assert found["2020-07-01"][(2, "owner_dept")] == ("withdrawn", "error")
    assert found["2020-07-01"][(3, "owner_dept")] == ("withdrawn", "error")
    assert found["2020-07-01"][(4, "owner_dept")] == ("withdrawn", "warning")
    assert found["2030-07-01"][(4, "owner_dept")] == ("withdrawn", "error")
    for day in DAYS:
        assert found[day][(5, "customer_code")] == ("deprecated", "warning")
        assert found[day][(6, "region")] == ("deprecated", "warning")
        assert (1, "owner_dept") not in found[day]
    (late,) = [i for i in validate_rows(catalog, "customer", rows[:3], as_of="2020-07-01")
               if i.row == 2]  # fmt: skip
    assert (
        "2020-06-30" in late.message and "2020-07-01" in late.message and "--as-of" in late.message
    )
    (soon,) = [i for i in validate_rows(catalog, "customer", rows[:5], as_of="2026-01-01", lang="en")
               if i.row == 4]  # fmt: skip
    assert "will be withdrawn on 2030-06-30" in soon.message


def test_a_code_rule_with_current_codes_needs_no_word(catalog: Catalog) -> None:
    example = catalog.records["customer"].examples[0]
    assert validate_rows(catalog, "customer", [example], as_of="2030-07-01") == []


@pytest.fixture(scope="module")
def generated(catalog: Catalog, tmp_path_factory: pytest.TempPathFactory) -> dict:
    paths = generate_into(catalog, tmp_path_factory.mktemp("gen"), MESSAGES)
    return {"paths": paths, "py": import_module(paths[codegen.PYTHON_MODULE])}


@needs_node
def test_generated_validators_agree_on_every_date(catalog: Catalog, generated: dict) -> None:
    rows = customers(catalog)
    contract = catalog.records["contract"].examples[0]
    cases = {"customer": rows, "contract": [contract, {**contract, "contract_type": "09"}]}
    body = (
        "const out = {};"
        "for (const [day, key, rows] of data) out[day + key] = [...v.validateRows(key, rows, { asOf: day })];"
        "return out;"
    )
    work = [[day, key, rs] for day in DAYS for key, rs in cases.items()]
    js = run_node(generated["paths"][codegen.JS_MODULE], body, work)
    for day, key, rs in work:
        expected = findings(validate_rows(catalog, key, rs, as_of=day))
        python = findings(generated["py"].validate_rows(key, rs, as_of=day))
        assert python == expected, (day, key)
        assert js[day + key] == expected, (day, key)
    assert any(e["rule"] == "deprecated" for e in expected)


def write_csv(catalog: Catalog, path: Path) -> Path:
    fields = catalog.records["customer"].fields
    lines = [",".join(f.title for f in fields)]
    for row in customers(catalog):
        lines.append(
            ",".join(str(row.get(f.key) if row.get(f.key) is not None else "") for f in fields)
        )
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_fast_path_and_reference_agree(catalog: Catalog, tmp_path: Path) -> None:
    data = write_csv(catalog, tmp_path / "customers.csv")
    for day in DAYS:
        fast = validate_paths(catalog, [data], as_of=day).to_dict()
        slow = validate_paths(catalog, [data], engine="python", as_of=day).to_dict()
        assert fast == slow, day
        assert any(w["rule"] == "deprecated" for w in fast["files"][0]["warnings"])


@needs_node
def test_command_lines_take_as_of(
    project: Path, catalog: Catalog, generated: dict, tmp_path: Path
) -> None:
    data = write_csv(catalog, tmp_path / "customers.csv")

    def infostd(*args: str):
        return CliRunner().invoke(cli, ["--root", str(project), "validate", str(data), *args])

    early = infostd("--as-of", "2020-06-30", "--format", "json")
    assert early.exit_code == 0, early.output  # warnings only
    late = infostd("--as-of", "2020-07-01", "--format", "json")
    assert late.exit_code == 1
    assert infostd().exit_code == 1  # today: KF01 is long withdrawn
    bad = infostd("--as-of", "2020-02-30")
    assert bad.exit_code == 2 and "不是有效日期" in bad.output and "Traceback" not in bad.output
    for day, result in (("2020-06-30", early), ("2020-07-01", late)):
        reference = json.loads(result.stdout)
        for cmd in (
            [sys.executable, str(generated["paths"][codegen.PYTHON_MODULE])],
            [NODE or "node", str(generated["paths"][codegen.JS_MODULE])],
        ):
            done = subprocess.run([*cmd, str(data), "--as-of", day, "--format", "json"],
                                  capture_output=True, text=True)  # fmt: skip
            got = json.loads(done.stdout)
            assert done.returncode == result.exit_code, done.stderr
            for mine, theirs in zip(got["files"], reference["files"], strict=True):
                assert (mine["errors"], mine["warnings"]) == (theirs["errors"], theirs["warnings"])
            bad = subprocess.run(
                [*cmd, str(data), "--as-of", "2020-13-01"], capture_output=True, text=True
            )
            assert bad.returncode == 2 and "不是有效日期" in bad.stderr


@pytest.fixture(scope="module", params=["duckdb", "postgres"])
def engine(request):
    if request.param == "duckdb":
        return DuckDBEngine()
    return PostgresEngine(request.getfixturevalue("postgres_url"))


def test_sql_in_place_explains_retired_codes(engine, catalog: Catalog) -> None:
    tables = TextTables(engine, catalog)
    src = tables.load("withdrawn_customers", "customer", customers(catalog))
    stored = tables.stored("withdrawn_customers", "customer")
    columns = {f.key: f.key for f in catalog.records["customer"].fields}
    for day in DAYS:
        expected = findings(validate_rows(catalog, "customer", stored, columns=columns, as_of=day))
        got = findings(validate_source(catalog, src, "customer", as_of=day).issues)
        assert got == expected, day
        assert {"withdrawn", "deprecated"} <= {e["rule"] for e in got}


def test_ddl_code_list_tables_carry_the_dates(catalog: Catalog) -> None:
    import duckdb

    from generators.checkplan import plan_for
    from generators.sql.ddl import render_ddl

    con = duckdb.connect()
    con.execute(render_ddl(plan_for(catalog, "1.0.0"), ["customer"], "duckdb"))
    rows = con.execute(
        "SELECT code, deprecated, CAST(withdrawn AS VARCHAR) FROM codelist_department_code "
        "WHERE code IN ('KF01', 'XS03', 'XS01') ORDER BY code"
    ).fetchall()
    assert rows == [
        ("KF01", True, "2020-06-30"),
        ("XS01", False, None),
        ("XS03", False, "2030-06-30"),
    ]


def test_template_offers_no_retired_code(catalog: Catalog, tmp_path: Path) -> None:
    """A template is for new data: withdrawn (past or to come) and deprecated codes are
    listed on 代码表 with their state, never in a dropdown."""
    import openpyxl

    from generators import excel

    path = excel.write_template(catalog, "customer", tmp_path / "customer.xlsx", "1.0.0")
    codes = openpyxl.load_workbook(path)["代码表"]
    texts = [str(c.value) for row in codes.iter_rows() for c in row if c.value is not None]
    offered = set(texts)
    assert "XS01 销售部" in offered
    assert "KF01 客户服务中心" not in offered and "XS03 华南销售分部" not in offered
    assert "客户服务中心（2020-06-30 撤销，此后不得使用）" in offered
    assert "华南销售分部（2030-06-30 撤销，此后不得使用）" in offered


def test_portal_and_published_lists_show_the_date(catalog: Catalog) -> None:
    import csv
    import io

    from generators.codelist_export import csv_bytes
    from generators.portal.render import codelist_table

    departments = catalog.codelists["department-code"]
    html = codelist_table(departments)
    assert "撤销日期" in html
    assert "2020-06-30" in html and "2030-06-30" in html
    rows = list(csv.reader(io.StringIO(csv_bytes(departments).decode("utf-8-sig"))))
    assert rows[0][-2:] == ["状态", "撤销日期"]
    assert rows[-1][:2] == ["KF01", "客户服务中心"] and rows[-1][-2:] == ["撤销", "2020-06-30"]
