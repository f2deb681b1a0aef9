"""Real databases for the SQL tests, started once per session and stopped after it:
a private PostgreSQL 15 cluster on a Unix socket in a temporary folder, and a local
Spark session (``local[2]``)."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

PG_BIN = Path(os.environ.get("INFOSTD_PG_BIN", "/usr/lib/postgresql/15/bin"))


def _as_postgres_user(cmd: list[str]) -> list[str]:
    """PostgreSQL refuses to run as root: run its programs as ``nobody`` then."""
    if os.geteuid() != 0:
        return cmd
    return ["runuser", "-u", "nobody", "--", *cmd]


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    if not (PG_BIN / "initdb").exists():
        pytest.skip(f"PostgreSQL 15 不在 {PG_BIN}（scripts/test.sh 会安装 postgresql-15）")
    # not under pytest's own tmp folder: as root that is private to root, and the
    # cluster runs as nobody
    base = Path(tempfile.mkdtemp(prefix="infostd-pg-"))
    data, sock = base / "data", base / "sock"
    sock.mkdir()
    if os.geteuid() == 0:
        for path in (base, sock):
            shutil.chown(path, "nobody", "nogroup")
    run = lambda cmd: subprocess.run(_as_postgres_user(cmd), check=True, capture_output=True)  # noqa: E731
    run([str(PG_BIN / "initdb"), "-D", str(data), "-U", "infostd", "-E", "UTF8", "--no-locale",
         "--auth=trust"])  # fmt: skip
    options = f"-k {sock} -c listen_addresses='' -c fsync=off -c full_page_writes=off"
    run([str(PG_BIN / "pg_ctl"), "-D", str(data), "-o", options, "-w", "-l", str(base / "log"), "start"])  # fmt: skip
    try:
        yield f"postgresql://infostd@/postgres?host={sock}"
    finally:
        run([str(PG_BIN / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop"])
        shutil.rmtree(base, ignore_errors=True)


@pytest.fixture(scope="session")
def spark():
    """One local Spark session for every Spark test (start-up costs seconds)."""
    pytest.importorskip("pyspark")
    if shutil.which("java") is None:
        pytest.skip("没有 Java 运行时（scripts/test.sh 会安装 openjdk-17-jre-headless）")
    from generators.sql.engines import spark_session

    # a Hive catalog in a temporary warehouse (as --spark-warehouse), not ./spark-warehouse
    warehouse = Path(tempfile.mkdtemp(prefix="infostd-spark-"))
    session = spark_session("local[2]", warehouse=warehouse)
    try:
        yield session
    finally:
        session.stop()
        shutil.rmtree(warehouse, ignore_errors=True)
