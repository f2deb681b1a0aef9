"""The three engines validation in place runs on: DuckDB (embedded, also over Parquet,
CSV and JSON files), PostgreSQL (psycopg 3) and Apache Spark (local or Spark Connect).

Each adapter only connects, describes a relation's columns, runs rendered SQL and
loads the keys a merge needs into a temporary table (values bound by the driver).
Every failure becomes one Chinese line naming the source (exit 2).
"""

from __future__ import annotations

import itertools
import os
import re
import tempfile
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from sqlglot import exp

from ..errors import InfostdError
from .expr import BOOL, DATE, DECIMAL, FLOAT, INT, OTHER, TEXT, TIMESTAMP, TIMESTAMPTZ, Column

HELPER_LINE = "__infostd_line"  # the row number a file view adds (not a field)
FILE_SUFFIXES = {".parquet": "parquet", ".csv": "csv", ".json": "json", ".jsonl": "jsonl",
                 ".ndjson": "jsonl"}  # fmt: skip


def kind_of(type_name: str) -> tuple[str, int | None, int | None]:
    """An engine's type name → (column kind, precision, scale)."""
    t = type_name.lower().strip()
    m = re.match(r"(?:decimal|numeric)\s*\((\d+)\s*,\s*(\d+)\)", t)
    if m:
        return DECIMAL, int(m.group(1)), int(m.group(2))
    if t in ("numeric", "decimal"):
        return OTHER, None, None  # unbounded numeric: digits unknown, the reference decides
    if t in (
        "varchar",
        "text",
        "string",
        "character varying",
        "character",
        "char",
        "bpchar",
    ) or t.startswith(("varchar", "char")):
        return TEXT, None, None
    if t in (
        "bigint",
        "integer",
        "int",
        "smallint",
        "tinyint",
        "int2",
        "int4",
        "int8",
        "hugeint",
        "ubigint",
        "uinteger",
        "usmallint",
        "utinyint",
    ):
        return INT, None, None
    if t in ("double", "float", "real", "double precision", "float4", "float8"):
        return FLOAT, None, None
    if t in ("boolean", "bool"):
        return BOOL, None, None
    if t == "date":
        return DATE, None, None
    if t in (
        "timestamp",
        "timestamp without time zone",
        "timestamp_ntz",
        "datetime",
        "timestamp_ns",
        "timestamp_ms",
        "timestamp_s",
    ):
        return TIMESTAMP, None, None
    if t in ("timestamp with time zone", "timestamptz"):
        return TIMESTAMPTZ, None, None
    return OTHER, None, None


def table_ref(name: str) -> exp.Table:
    """``schema.table`` or ``table`` as a quoted identifier (never pasted text)."""
    parts = name.split(".")
    if len(parts) > 3 or any(not p for p in parts):
        raise InfostdError(f"表名“{name}”无效（应为 表 或 模式.表）")
    return exp.table_(parts[-1], db=parts[-2] if len(parts) > 1 else None,
                      catalog=parts[-3] if len(parts) > 2 else None, quoted=True)  # fmt: skip


def safe_url(url: str) -> str:
    """The URL without its password, for messages and reports."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.hostname or ""
    user = f"{parts.username}:***@" if parts.username else ""
    port = f":{parts.port}" if parts.port else ""
    return urlunsplit((parts.scheme, user + host + port, parts.path, parts.query, ""))


# ── DuckDB ───────────────────────────────────────────────────────────────
class DuckDBEngine:
    dialect, name = "duckdb", "DuckDB"

    def __init__(self, database: str = ":memory:", read_only: bool = False):
        import duckdb

        self._error = duckdb.Error
        # out of core: what does not fit memory_limit spills into a private folder
        self._spill = tempfile.TemporaryDirectory(prefix="infostd-duckdb-")
        try:
            self.con = duckdb.connect(database, read_only=read_only)
            self.con.execute("SET enable_progress_bar = false")
            self.con.execute("SET temp_directory = $dir", {"dir": self._spill.name})
            limit = os.environ.get("INFOSTD_DUCKDB_MEMORY_LIMIT")  # e.g. 2GB (README)
            if limit:
                self.con.execute("SET memory_limit = $limit", {"limit": limit})
        except duckdb.Error as exc:
            raise InfostdError(f"{database}：无法打开 DuckDB 数据库（{_first_line(exc)}）") from exc

    def columns(self, relation: exp.Table) -> list[Column]:
        sql = exp.select(exp.Star()).from_(relation.copy()).limit(0).sql("duckdb")
        try:
            described = self.con.sql("DESCRIBE " + sql).fetchall()
        except self._error as exc:
            raise InfostdError(f"没有表“{relation.name}”（{_first_line(exc)}）") from exc
        return [Column(name, *kind_of(type_)) for name, type_, *_ in described]

    def has_table(self, relation: exp.Table) -> bool:
        try:
            self.columns(relation)
        except InfostdError:
            return False
        return True

    def rows(self, sql: str) -> Iterable[Sequence[Any]]:
        try:
            cursor = self.con.execute(sql)
            while batch := cursor.fetchmany(10_000):
                yield from batch
        except self._error as exc:
            raise InfostdError(f"DuckDB 查询失败：{_first_line(exc)}") from exc

    def interrupt(self) -> None:
        """Stop the running query (another thread waits on it): Ctrl-C, an error."""
        self.con.interrupt()

    def load_keys(self, name: str, columns: list[str], rows: list[tuple]) -> exp.Table:
        """One statement: each column bound as one list parameter and unnested."""
        table = exp.table_(name, quoted=True)
        lists = {f"c{i}": [r[i] for r in rows] for i in range(len(columns))}
        select = ", ".join(
            f"UNNEST(${p}::VARCHAR[]) AS {exp.to_identifier(c, quoted=True).sql('duckdb')}"
            for p, c in zip(lists, columns, strict=True)
        )
        self.con.execute(f"CREATE OR REPLACE TEMP TABLE {table.sql('duckdb')} AS SELECT {select}",
                         lists)  # fmt: skip
        return table

    def file_view(self, path: Path, index: int) -> tuple[exp.Table, exp.Expression]:
        """A view over one Parquet/CSV/JSON file and its row-number expression."""
        kind = FILE_SUFFIXES.get(path.suffix.lower())
        readers = {
            "parquet": "SELECT * EXCLUDE (file_row_number), file_row_number + 1 AS __infostd_line "
            "FROM read_parquet($p, file_row_number = true)",
            "csv": "SELECT *, ROW_NUMBER() OVER () + 1 AS __infostd_line FROM read_csv($p, all_varchar = true, header = true)",
            "json": "SELECT *, ROW_NUMBER() OVER () AS __infostd_line FROM read_json($p, format = 'array')",
            "jsonl": "SELECT *, ROW_NUMBER() OVER () AS __infostd_line FROM read_json($p, format = 'newline_delimited')",
        }
        if kind is None:
            raise InfostdError(f"{path}：DuckDB 引擎支持 .parquet、.csv、.json、.jsonl 文件")
        if not path.is_file():
            raise InfostdError(f"{path}：文件不存在")
        name = f"__infostd_file_{index}"
        try:
            self.con.sql(readers[kind], params={"p": str(path)}).create_view(name)
        except self._error as exc:
            raise InfostdError(f"{path}：DuckDB 无法读取（{_first_line(exc)}）") from exc
        return exp.table_(name, quoted=True), exp.column(HELPER_LINE, quoted=True)


# ── PostgreSQL ───────────────────────────────────────────────────────────
_cursors = itertools.count()  # one name per server-side cursor


class PostgresEngine:
    dialect, name = "postgres", "PostgreSQL"

    def __init__(self, url: str):
        import psycopg

        self._error = psycopg.Error
        self.url = safe_url(url)
        try:
            self.con = psycopg.connect(url, autocommit=True, connect_timeout=10)
        except psycopg.Error as exc:
            raise InfostdError(f"{self.url}：无法连接 PostgreSQL（{_first_line(exc)}）") from exc

    def columns(self, relation: exp.Table) -> list[Column]:
        schema = relation.db or None
        query = (
            "SELECT column_name, data_type, numeric_precision, numeric_scale "
            "FROM information_schema.columns WHERE table_name = %s "
            "AND table_schema = COALESCE(%s, current_schema()) ORDER BY ordinal_position"
        )
        with self.con.cursor() as cur:
            cur.execute(query, (relation.name, schema))
            found = cur.fetchall()
        if not found:
            raise InfostdError(f"{self.url}：没有表“{relation.sql('postgres')}”")
        cols = []
        for name, type_, precision, scale in found:
            if type_ == "numeric" and precision is not None:
                type_ = f"numeric({precision},{scale or 0})"
            cols.append(Column(name, *kind_of(type_)))
        return cols

    def has_table(self, relation: exp.Table) -> bool:
        query = "SELECT 1 FROM information_schema.tables WHERE table_name = %s AND table_schema = COALESCE(%s, current_schema())"
        with self.con.cursor() as cur:
            cur.execute(query, (relation.name, relation.db or None))
            return cur.fetchone() is not None

    def rows(self, sql: str) -> Iterable[Sequence[Any]]:
        """Through a server-side cursor (``DECLARE``/``FETCH`` in a read transaction): a
        client-side cursor would hold the whole result in memory before the first row."""
        try:
            with self.con.transaction():
                # the planner otherwise favours the first 10 % of a cursor's rows
                self.con.execute("SET LOCAL cursor_tuple_fraction = 1")
                with self.con.cursor(name=f"infostd_rows_{next(_cursors)}") as cur:
                    cur.execute(sql)
                    while batch := cur.fetchmany(10_000):
                        yield from batch
        except self._error as exc:
            raise InfostdError(f"{self.url}：查询失败（{_first_line(exc)}）") from exc

    def interrupt(self) -> None:
        """Ask the server to cancel the running query (another thread waits on it)."""
        self.con.cancel_safe()

    def load_keys(self, name: str, columns: list[str], rows: list[tuple]) -> exp.Table:
        from psycopg import sql

        ident = sql.Identifier(name)
        cols = sql.SQL(", ").join(sql.SQL("{} text").format(sql.Identifier(c)) for c in columns)
        with self.con.cursor() as cur:
            cur.execute(sql.SQL("DROP TABLE IF EXISTS {}").format(ident))
            cur.execute(sql.SQL("CREATE TEMP TABLE {} ({})").format(ident, cols))
            with cur.copy(sql.SQL("COPY {} FROM STDIN").format(ident)) as copy:
                for row in rows:
                    copy.write_row(row)
        return exp.table_(name, quoted=True)


# ── Spark ────────────────────────────────────────────────────────────────
class SparkEngine:
    dialect, name = "spark", "Spark"

    def __init__(
        self,
        master: str | None = None,
        remote: str | None = None,
        session=None,
        warehouse: Path | None = None,
    ):
        self.spark = session or spark_session(master, remote, warehouse)

    def columns(self, relation: exp.Table) -> list[Column]:
        try:
            schema = self.spark.table(relation.sql("spark")).schema
        except Exception as exc:  # noqa: BLE001 - Spark raises many kinds; one line each
            raise InfostdError(f"Spark：没有表“{relation.name}”（{_first_line(exc)}）") from exc
        return [Column(f.name, *kind_of(f.dataType.simpleString())) for f in schema.fields]

    def has_table(self, relation: exp.Table) -> bool:
        return bool(self.spark.catalog.tableExists(relation.sql("spark")))

    def rows(self, sql: str) -> Iterable[Sequence[Any]]:
        try:
            yield from self.spark.sql(sql).toLocalIterator()
        except Exception as exc:  # noqa: BLE001
            raise InfostdError(f"Spark 作业失败：{_first_line(exc)}") from exc

    def interrupt(self) -> None:
        """Cancel the running jobs (another thread waits on them)."""
        try:
            self.spark.sparkContext.cancelAllJobs()  # classic (local, a master)
        except Exception:  # noqa: BLE001 - Spark Connect has no SparkContext
            self.spark.interruptAll()

    def load_keys(self, name: str, columns: list[str], rows: list[tuple]) -> exp.Table:
        from pyspark.sql.types import StringType, StructField, StructType

        schema = StructType([StructField(c, StringType()) for c in columns])
        self.spark.createDataFrame([tuple(r) for r in rows], schema).createOrReplaceTempView(name)
        return exp.table_(name, quoted=True)

    def file_view(self, path: Path, index: int) -> tuple[exp.Table, exp.Expression]:
        if path.suffix.lower() != ".parquet" and not path.is_dir():
            raise InfostdError(f"{path}：Spark 引擎读取 Parquet 文件或文件夹")
        if not path.exists():
            raise InfostdError(f"{path}：文件不存在")
        name = f"__infostd_file_{index}"
        try:
            frame = self.spark.read.parquet(str(path))
            line = frame["_metadata.row_index"] + 1
            frame.select("*", line.alias(HELPER_LINE)).createOrReplaceTempView(name)
        except Exception as exc:  # noqa: BLE001
            raise InfostdError(f"{path}：Spark 无法读取（{_first_line(exc)}）") from exc
        return exp.table_(name, quoted=True), exp.column(HELPER_LINE, quoted=True)


def spark_session(
    master: str | None = None, remote: str | None = None, warehouse: Path | None = None
):
    """A Spark session: Spark Connect when ``remote`` (or SPARK_REMOTE) is set, else a
    classic session on ``master`` (default ``local[2]``). With ``warehouse``, a Hive
    catalog kept in that folder (tables under it, an embedded Derby metastore in
    ``metastore_db``), so ``--table db.t`` finds tables saved by earlier sessions."""
    try:
        from pyspark.sql import SparkSession
    except ImportError as exc:
        raise InfostdError("Spark 引擎需要 pyspark（pip install pyspark）") from exc
    hive = hive_settings(warehouse) if warehouse is not None else {}
    try:
        builder = SparkSession.builder.appName("infostd")
        if remote:
            return builder.remote(remote).getOrCreate()
        builder = (
            builder.master(master or "local[2]")
            .config("spark.sql.session.timeZone", "Asia/Shanghai")
            .config("spark.ui.enabled", "false")
        )
        for key, value in hive.items():
            builder = builder.config(key, value)
        return (builder.enableHiveSupport() if hive else builder).getOrCreate()
    except Exception as exc:  # noqa: BLE001
        raise InfostdError(f"无法启动 Spark（{master or remote}）：{_first_line(exc)}") from exc


def hive_settings(warehouse: Path) -> dict[str, str]:
    """The local warehouse's settings. The folder goes into a Derby JDBC URL, where ``;``
    separates attributes: a path with one is refused rather than read as settings."""
    path = Path(warehouse).resolve()
    if any(c in str(path) for c in ";\"'") or not str(path).isprintable():
        raise InfostdError(
            f"--spark-warehouse：路径“{warehouse}”含有 ; 引号或控制字符，请换一个文件夹"
        )
    if path.exists() and not path.is_dir():
        raise InfostdError(f"--spark-warehouse：{warehouse} 不是文件夹")
    return {
        "spark.sql.warehouse.dir": str(path),
        "spark.sql.catalogImplementation": "hive",
        "spark.hadoop.javax.jdo.option.ConnectionURL":
            f"jdbc:derby:;databaseName={path / 'metastore_db'};create=true",
        "spark.driver.extraJavaOptions": f"-Dderby.system.home={path}",
    }  # fmt: skip


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text.splitlines()[0][:300]


def open_url(url: str):
    """``duckdb:///path.duckdb`` or ``postgresql://…`` → engine."""
    scheme = urlsplit(url).scheme.lower()
    if scheme == "duckdb":
        path = url.split("://", 1)[1]
        path = path[1:] if path.startswith("/") else path  # duckdb:////abs → /abs
        if not path or path == ":memory:":
            raise InfostdError(f"{url}：请给出 DuckDB 数据库文件，如 duckdb:///data/crm.duckdb")
        if not Path(path).is_file():
            raise InfostdError(f"{url}：DuckDB 数据库文件 {path} 不存在")
        return DuckDBEngine(path, read_only=True)
    if scheme in ("postgresql", "postgres"):
        return PostgresEngine(url)
    raise InfostdError(
        f"{safe_url(url)}：不支持的数据库地址（支持 duckdb:///文件 和 postgresql://…）"
    )
