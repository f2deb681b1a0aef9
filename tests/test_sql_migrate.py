"""`infostd sql migrate OLD NEW` on a real git repository with two tagged releases of the
fixture catalog: the script, applied to tables built by the OLD release's DDL in DuckDB and
in a private PostgreSQL cluster, leaves tables equal to the NEW release's DDL (columns,
constraints, comments, code-list rows) with the rows kept; destructive steps are refused
unless allowed; a failing step leaves the database as it was."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import duckdb
import pytest
import sqlglot
from click.testing import CliRunner

from generators.checkplan import plan_for
from generators.cli import cli
from generators.config import load_config
from generators.formats import uscc_check_char
from generators.release import compare
from generators.sql.ddl import render_ddl

from .conftest import catalog_project

GIT_ENV = {
    "GIT_AUTHOR_NAME": "标准委员会", "GIT_AUTHOR_EMAIL": "committee@example.test",
    "GIT_COMMITTER_NAME": "标准委员会", "GIT_COMMITTER_EMAIL": "committee@example.test",
    "GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": os.devnull,
}  # fmt: skip
# rows loaded before migrating: these records' examples (contract points at customer)
LOADED = ("department", "supplier", "customer", "contract")
NEW_MOBILE_TITLE = "联系人手机号码（含'港澳'）"  # a quote the literal must carry


def git(root: Path, *args: str) -> None:
    env = {**os.environ, **GIT_ENV}
    subprocess.run(["git", *args], cwd=root, check=True, capture_output=True, env=env)


def edit(root: Path, file: str, old: str, new: str, count: int = 1) -> None:
    path = root / "standards" / file
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == count, (file, old)
    path.write_text(text.replace(old, new), encoding="utf-8")


def release_v1_1(root: Path) -> None:
    """What the committee changes between v1.0.0 and v1.1.0: one of each kind of step."""
    rec, ct = "records/customer.md", "codelists/customer-type.md"
    edit(
        root,
        rec,
        '"minLength": 2,\n      "maxLength": 100,',
        '"minLength": 2,\n      "maxLength": 150,',
    )
    edit(
        root,
        rec,
        '"maxLength": 200,\n      "x-aliases": ["地址"',
        '"maxLength": 120,\n      "x-aliases": ["地址"',
    )
    homepage = ('    "homepage": {\n      "title": "客户主页",\n      "description": "客户官方网站地址，可不填",\n'
                '      "type": "string",\n      "format": "url",\n      "maxLength": 200\n    },\n')  # fmt: skip
    added = """    "fax": {"title": "传真", "type": "string", "maxLength": 20},
    "source": {"title": "客户来源", "type": "string", "enum": ["展会", "推荐", "其他"], "default": "其他"},
    "security": {"title": "客户信息密级", "$ref": "security-level.schema.json"},
"""
    edit(root, rec, homepage, added)
    edit(root, rec, '      "homepage": "https://www.yuntu.example.com",\n', "")
    edit(root, rec, '"status": "正常"', '"status": "正常", "source": "展会"', 3)
    edit(root, rec, '"required": ["customer_code",', '"required": ["source", "customer_code",')
    edit(
        root,
        rec,
        '"x-unique": [["customer_code"], ["uscc"]]',
        '"x-unique": [["customer_code"], ["uscc"], ["mobile"]]',
    )
    edit(root, rec, '"title": "联系人手机",', f'"title": "{NEW_MOBILE_TITLE}",')
    edit(
        root, rec, '["手机", "手机号", "联系电话"]', '["手机", "手机号", "联系电话", "联系人手机"]'
    )
    edit(
        root,
        ct,
        '{"const": "5", "title": "个体工商户", ',
        '{"const": "5", "title": "个体户", "x-aliases": ["个体工商户"], ',
    )
    edit(
        root,
        ct,
        '    {"const": "9", "title": "其他"',
        '    {"const": "6", "title": "外国企业常驻代表机构"},\n    {"const": "9", "title": "其他"',
    )
    gone = '    {"const": "2", "title": "政府机关", "description": "党政机关、人大、政协、审判机关、检察机关等由机构编制部门登记的机关单位"},\n'
    edit(root, ct, gone, "")


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = catalog_project(tmp_path_factory.mktemp("migrate"))
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "v1.0.0")
    git(root, "tag", "v1.0.0")
    release_v1_1(root)
    git(root, "commit", "-qam", "v1.1.0")
    git(root, "tag", "v1.1.0")
    return root


@pytest.fixture(scope="module")
def catalogs(repo: Path):
    comparison = compare(load_config(repo), "v1.0.0", "v1.1.0")
    return comparison.old, comparison.new


def migrate(repo: Path, *args: str):
    return CliRunner().invoke(cli, ["--root", str(repo), "sql", "migrate", *args])


# ── the two engines, each with a fresh schema per test ──────────────────────
class Duck:
    dialect = "duckdb"

    def __init__(self) -> None:
        self.con = duckdb.connect()

    def reset(self, schema: str) -> None:
        self.con.execute(
            f"USE memory.main; DROP SCHEMA IF EXISTS {schema} CASCADE; CREATE SCHEMA {schema}; USE {schema}"
        )
        self.con.execute("SET TimeZone = 'Asia/Shanghai'")

    def run(self, script: str) -> None:
        self.con.execute(script)

    def insert(self, table: str, row: dict) -> None:
        cols = ", ".join(f'"{k}"' for k in row)
        self.con.execute(
            f'INSERT INTO "{table}" ({cols}) VALUES ({", ".join("?" * len(row))})',
            list(row.values()),
        )

    def rows(self, sql: str) -> list[tuple]:
        return self.con.execute(sql).fetchall()

    def shape(self, schema: str) -> dict[str, set]:
        """Columns, constraints and comments as the database reports them."""
        columns = self.rows(
            "SELECT table_name, column_name, data_type, is_nullable, comment FROM duckdb_columns() "
            f"WHERE schema_name = '{schema}'"
        )
        constraints = self.rows(
            "SELECT table_name, constraint_type, constraint_text FROM duckdb_constraints() "
            f"WHERE schema_name = '{schema}'"
        )
        tables = self.rows(
            f"SELECT table_name, comment FROM duckdb_tables() WHERE schema_name = '{schema}'"
        )
        constraints = [(t, k, text.replace(f"{schema}.", "")) for t, k, text in constraints]
        return {"columns": set(columns), "constraints": set(constraints), "tables": set(tables)}


class Pg:
    dialect = "postgres"

    def __init__(self, url: str) -> None:
        import psycopg

        self.con = psycopg.connect(url, autocommit=True)

    def reset(self, schema: str) -> None:
        self.con.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
        self.con.execute(f"CREATE SCHEMA {schema}")
        self.con.execute(f"SET search_path TO {schema}")
        self.con.execute("SET TIME ZONE 'Asia/Shanghai'")

    def run(self, script: str) -> None:
        self.con.execute(script)

    def insert(self, table: str, row: dict) -> None:
        cols = ", ".join(f'"{k}"' for k in row)
        self.con.execute(
            f'INSERT INTO "{table}" ({cols}) VALUES ({", ".join(["%s"] * len(row))})',
            list(row.values()),
        )

    def rows(self, sql: str) -> list[tuple]:
        return self.con.execute(sql).fetchall()

    def shape(self, schema: str) -> dict[str, set]:
        columns = self.rows(
            "SELECT table_name, column_name, data_type, character_maximum_length, numeric_precision,"
            " numeric_scale, is_nullable, col_description(format('%I.%I', table_schema, table_name)::regclass,"
            " ordinal_position) FROM information_schema.columns"
            f" WHERE table_schema = '{schema}'"
        )
        constraints = self.rows(
            "SELECT c.conrelid::regclass::text, c.conname, pg_get_constraintdef(c.oid) FROM pg_constraint c"
            f" JOIN pg_namespace n ON n.oid = c.connamespace WHERE n.nspname = '{schema}'"
        )
        tables = self.rows(
            "SELECT c.relname, obj_description(c.oid) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
            f" WHERE n.nspname = '{schema}' AND c.relkind = 'r'"
        )
        strip = lambda t: t.split(".")[-1]  # noqa: E731 - regclass text is schema-qualified off the path
        return {"columns": set(columns), "constraints": {(strip(t), n, d) for t, n, d in constraints},
                "tables": set(tables)}  # fmt: skip


@pytest.fixture(scope="module", params=["duckdb", "postgres"])
def db(request):
    if request.param == "duckdb":
        return Duck()
    return Pg(request.getfixturevalue("postgres_url"))


def build_old(db, old, version: str = "v1.0.0", schema: str = "mig") -> None:
    """Tables as ``sql ddl`` built them at ``version``, with the examples of LOADED as rows."""
    db.reset(schema)
    db.run(render_ddl(plan_for(old, version), [], db.dialect))
    for key in LOADED:
        for row in old.records[key].examples:
            db.insert(key, {k: v for k, v in row.items() if v is not None})


def codelist_rows(db, schema: str) -> dict[str, list]:
    tables = [t for t, _ in db.shape(schema)["tables"] if t.startswith("codelist_")]
    return {t: sorted(db.rows(f'SELECT * FROM "{t}"')) for t in tables}


# ── tests ────────────────────────────────────────────────────────────────────
def test_migrated_tables_equal_the_new_releases_ddl_and_keep_the_rows(
    db, repo: Path, catalogs, tmp_path: Path
) -> None:
    old, new = catalogs
    script = tmp_path / "migrate.sql"
    result = migrate(
        repo, "v1.0.0", "v1.1.0", "--dialect", db.dialect, "--allow-destructive", "-o", str(script)
    )
    assert result.exit_code == 0, result.output
    text = script.read_text(encoding="utf-8")
    assert "【破坏性】IMS-DS-001 customer.homepage（客户主页）：" in text
    migrated = apply(db, text, old, new, "v1.0.0", "v1.1.0")
    got = sorted(db.rows('SELECT "customer_code", "name", "source", "fax" FROM "customer"'))
    expected = sorted(
        (r["customer_code"], r["name"], "其他", None) for r in old.records["customer"].examples
    )
    assert got == expected  # the new required column took the standard's default
    comments = {c[-1] for c in migrated["columns"]}
    assert NEW_MOBILE_TITLE in comments


def test_going_back_drops_what_was_added(db, repo: Path, catalogs) -> None:
    """v1.1.0 → v1.0.0: the UNIQUE, the foreign key and the code-list table added go away,
    the dropped column comes back empty, the renamed code gets its old title."""
    old, new = catalogs
    result = migrate(repo, "v1.1.0", "v1.0.0", "--dialect", db.dialect, "--allow-destructive")
    assert result.exit_code == 0, result.output
    steps = ["删除不再使用的代码表", "删除代码 6 外国企业常驻代表机构"]
    if db.dialect == "postgres":  # DuckDB rebuilds the table instead of dropping constraints
        steps += ["删除唯一约束 uq_customer_mobile", "删除外键 fk_customer_security_code"]
    for step in steps:
        assert step in result.output
    apply(db, result.output, new, old, "v1.1.0", "v1.0.0")
    got = sorted(db.rows('SELECT "customer_code", "name", "homepage" FROM "customer"'))
    assert got == sorted(
        (r["customer_code"], r["name"], None) for r in new.records["customer"].examples
    )


def apply(db, script: str, old, new, old_version: str, new_version: str) -> dict[str, set]:
    """OLD's tables with rows, the script, then the same shape as a fresh NEW; rows kept."""
    build_old(db, old, old_version)
    before = {k: db.rows(f'SELECT COUNT(*) FROM "{k}"') for k in LOADED}
    db.run(script)
    migrated = db.shape("mig")
    db.reset("fresh")
    db.run(render_ddl(plan_for(new, new_version), [], db.dialect))
    assert migrated == db.shape("fresh")
    assert codelist_rows(db, "mig") == codelist_rows(db, "fresh")
    db.run("SET search_path TO mig" if db.dialect == "postgres" else "USE mig")
    assert {k: db.rows(f'SELECT COUNT(*) FROM "{k}"') for k in LOADED} == before
    return migrated


def test_a_failing_step_leaves_the_database_as_it_was(db, repo: Path, catalogs) -> None:
    """A customer of type 2 (deleted from the code list) makes the script fail: rolled back."""
    old, _ = catalogs
    script = migrate(
        repo, "v1.0.0", "v1.1.0", "--dialect", db.dialect, "--allow-destructive"
    ).output
    build_old(db, old)
    uscc = "12310000425018362" + uscc_check_char("12310000425018362")
    row = {**old.records["customer"].examples[1], "customer_code": "310009", "customer_type": "2",
           "uscc": uscc, "mobile": "13912345670"}  # fmt: skip
    db.insert("customer", {k: v for k, v in row.items() if v is not None})
    before = db.shape("mig"), codelist_rows(db, "mig")
    with pytest.raises(Exception, match="(?i)foreign key|violates|constraint"):
        db.run(script)
    if db.dialect == "postgres":
        db.run("ROLLBACK")
    else:
        db.con.execute("ROLLBACK")
    assert (db.shape("mig"), codelist_rows(db, "mig")) == before


def test_destructive_steps_are_refused_in_one_located_line(repo: Path) -> None:
    result = migrate(repo, "v1.0.0", "v1.1.0", "--dialect", "postgres")
    assert result.exit_code == 2
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and "--allow-destructive" in lines[0]
    for where in ("IMS-DS-001 customer.homepage（客户主页）：删除列",
                  "IMS-DS-001 customer.address（注册地址）：列类型收窄：VARCHAR(200) → VARCHAR(120)",
                  "IMS-CL-004 customer-type（客户类型）：删除代码 2 政府机关"):  # fmt: skip
        assert where in lines[0]
    assert "Traceback" not in result.output


def test_same_release_needs_nothing_and_bad_refs_are_one_line(repo: Path) -> None:
    result = migrate(repo, "v1.1.0", "v1.1.0", "--dialect", "duckdb")
    assert result.exit_code == 0 and "无需迁移" in result.output
    # NEW defaults to the working tree (equal to v1.1.0 here); KEYs restrict the tables
    result = migrate(repo, "v1.0.0", "department", "--dialect", "postgres")
    assert result.exit_code == 0 and "无需迁移" in result.output, result.output
    result = migrate(repo, "v9.9.9", "--dialect", "postgres")
    assert result.exit_code == 2 and "找不到 git 引用“v9.9.9”" in result.output
    result = migrate(repo, "v1.0.0", "v1.1.0", "main", "--allow-destructive")
    assert result.exit_code == 2 and "既不是第二个版本也不是记录键" in result.output


def test_mysql_script_parses_and_says_it_cannot_roll_back(repo: Path) -> None:
    result = migrate(
        repo, "v1.0.0", "v1.1.0", "customer", "--dialect", "mysql", "--allow-destructive"
    )
    assert result.exit_code == 0, result.output
    assert "MySQL 的 DDL 不能回滚" in result.output and "BEGIN" not in result.output
    assert "MODIFY COLUMN `name` VARCHAR(150)" in result.output
    assert (
        "'联系人手机号码（含''港澳''）'" in result.output
        or "'联系人手机号码（含\\'港澳\\'）'" in result.output
    )
    statements = [s for s in sqlglot.parse(result.output, read="mysql") if s is not None]
    assert len(statements) > 10
