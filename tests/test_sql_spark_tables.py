"""Spark catalog tables: the Spark DDL (`sql ddl --dialect spark`) creates the tables and
code lists in the session's Hive catalog, rows are written into the table, and
`validate --engine spark --table db.t` checks them in place with the reference's findings.
One local[2] session for the run (the shared ``spark`` fixture, warehouse in a temp folder)."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner

from generators.cli import cli
from generators.errors import InfostdError
from generators.formats import uscc_check_char
from generators.model import Catalog
from generators.sql.engines import hive_settings
from generators.validate.engine import validate_rows

from .conftest import CATALOG

DATABASE = "infostd_crm"


def invoke(*args: str):
    return CliRunner().invoke(cli, ["--root", str(CATALOG), *args])


def statements(ddl: str) -> list[str]:
    """The DDL file's statements (the header is comments; statements end with ';' + blank line)."""
    body = ddl.split("\n\n", 1)[1]
    return [s.strip().removesuffix(";") for s in body.split(";\n\n") if s.strip()]


def typed(row: dict, schema) -> tuple:
    """A record row as the Spark table's column types take it."""
    out = []
    for f in schema.fields:
        v = row.get(f.name)
        if v is not None and f.dataType.typeName() == "decimal":
            v = Decimal(str(v))
        elif v is not None and f.dataType.typeName() == "date":
            v = dt.date.fromisoformat(v)
        out.append(v)
    return tuple(out)


@pytest.fixture(scope="module")
def crm(spark, fixture_catalog: Catalog):
    """The customer table and its code lists, created by the Spark DDL, with example rows and
    three defects (a wrong check digit, a missing name, a code not in the list)."""
    result = invoke("sql", "ddl", "customer", "--dialect", "spark")
    assert result.exit_code == 0, result.output
    assert "-- 以下约束 spark 不强制执行" in result.output and "USING PARQUET" in result.output
    spark.sql(f"CREATE DATABASE IF NOT EXISTS {DATABASE}")
    spark.sql(f"USE {DATABASE}")
    try:
        for statement in statements(result.output):
            spark.sql(statement)
    finally:
        spark.sql("USE default")
    schema = fixture_catalog.records["customer"]
    first = schema.examples[0]
    defects = [
        {**first, "customer_code": "110101", "uscc": "91110108MA01C7K26X", "mobile": "13800138001"},
        {**first, "customer_code": "110102", "name": None, "mobile": "13800138002",
         "uscc": "91110108MA01C7K27" + uscc_check_char("91110108MA01C7K27")},
        {**first, "customer_code": "110103", "customer_type": "7", "mobile": "13800138003",
         "uscc": "91110108MA01C7K28" + uscc_check_char("91110108MA01C7K28")},
    ]  # fmt: skip
    table = spark.table(f"{DATABASE}.customer")
    rows = [typed(r, table.schema) for r in [*schema.examples, *defects]]
    spark.createDataFrame(rows, table.schema).write.insertInto(f"{DATABASE}.customer")
    return f"{DATABASE}.customer"


def test_spark_ddl_builds_catalog_tables_with_comments(spark, crm: str) -> None:
    tables = {t.name: t for t in spark.catalog.listTables(DATABASE)}
    assert tables["customer"].description == "客户信息"
    assert tables["customer"].tableType == "MANAGED"
    assert {"codelist_customer_type", "codelist_region"} <= set(tables)
    codes = {r.code: r.title for r in spark.table(f"{DATABASE}.codelist_customer_type").collect()}
    assert codes["1"] == "企业客户"
    columns = {c.name: c.description for c in spark.catalog.listColumns(f"{DATABASE}.customer")}
    assert columns["uscc"] == "统一社会信用代码"


def test_validate_a_catalog_table_gives_the_references_findings(
    spark, crm: str, fixture_catalog: Catalog
) -> None:
    """As a user runs it; the session's catalog is the one the fixture filled."""
    result = invoke("validate", "--engine", "spark", "--table", crm, "--format", "json")
    assert result.exit_code == 1, result.output
    found = json.loads(result.output)["files"][0]
    stored = [r.asDict() for r in spark.table(crm).collect()]
    stored.sort(key=lambda r: r["customer_code"])  # a table's rows are numbered in key order
    keys = {f.key: f.key for f in fixture_catalog.records["customer"].fields}
    expected = validate_rows(fixture_catalog, "customer", stored, columns=keys)
    assert {"format:cn-uscc", "required", "codelist"} <= {i.rule for i in expected}
    for severity in ("error", "warning"):
        assert found[severity + "s"] == [i.to_dict() for i in expected if i.severity == severity]
    assert found["rows"] == len(stored)


def test_missing_catalog_table_is_one_chinese_line(spark) -> None:
    result = invoke(
        "validate", "--engine", "spark", "--table", f"{DATABASE}.nosuch", "--record", "customer"
    )
    assert result.exit_code == 2
    assert "Spark：没有表“nosuch”" in result.output and len(result.output.strip().splitlines()) == 1


def test_warehouse_path_cannot_become_metastore_settings(tmp_path: Path) -> None:
    """The folder goes into a Derby JDBC URL: ';' would add attributes, so it is refused."""
    with pytest.raises(InfostdError, match="含有 ; 引号或控制字符"):
        hive_settings(tmp_path / "wh;create=false;user=x")
    settings = hive_settings(tmp_path / "仓库")
    assert settings["spark.sql.warehouse.dir"] == str((tmp_path / "仓库").resolve())
    result = invoke("validate", "--spark-warehouse", str(tmp_path), "--table", "a.b")
    assert result.exit_code == 2 and "只用于 --engine spark" in result.output
