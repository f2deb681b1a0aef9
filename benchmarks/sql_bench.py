"""Validation in place at scale: a customer Parquet table (~2 % defective rows, generated
on the fly by DuckDB, out of core) checked by the DuckDB engine, the polars fast path
(the same rows as CSV) and Spark local (``local[2]``), each a whole process; rows/s and
peak memory (RSS of the process tree: Spark's JVM included) and CPU seconds (on a shared
machine wall-clock rows/s depend on the load; rows per CPU second much less), then the
ratios.

    python benchmarks/sql_bench.py [--rows 10000000] [--no-spark] [--no-fast]
                                   [--memory-limit 4GB] [--work DIR]

``--rows 100000000 --no-fast --no-spark --memory-limit 4GB`` is the 100M-row run. The
last line is one JSON object with every figure.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from validate_bench import bench_project  # noqa: E402

DIGITS = 8  # customer code sequence width in the benchmark's copy: 34 × 10^8 codes
DEFECTS = 200  # per 10,000 rows: 2 %
PROJECT_NOTE = (
    f"standards: a temporary copy of the shipped ones, the customer code's sequence widened "
    f"from 4 to {DIGITS} digits (34 × 10,000 codes cannot hold 10M unique customers); "
    "every other rule is the shipped one"
)


def customer_sql(catalog, rows: int) -> str:
    """A SELECT producing ``rows`` customer rows as people type them: unique codes and
    USCCs (with their check character), ~2 % of rows with one defect of twelve kinds
    (the kinds of ``validate.sample.DEFECTS``). Deterministic: values are hashes of the
    row index, so DuckDB streams it into Parquet or CSV without holding it."""
    from generators.formats import USCC_CHARSET, USCC_WEIGHTS

    lists = catalog.active_only().codelists  # a retired code is an error: not a defect we seed

    def pick(values: list[str], salt: int) -> str:
        quoted = ", ".join("'" + v.replace("'", "''") + "'" for v in values)
        return f"([{quoted}])[(hash(i + {salt}) % {len(values)})::BIGINT + 1]"

    regions = lists["region"].codes
    labels = [lists["region"].label(c) for c in regions]
    industries = [c for c in lists["industry"].codes if c.isdigit()]
    # USCC: "91", region, "01", two digits, the row index in 9 digits (unique), then the
    # check character from the weighted sum of the digits: integer arithmetic, no strings
    assert all(r.isdigit() and len(r) == 2 for r in regions), "region codes: 2 digits"
    w = USCC_WEIGHTS
    region_sums = [int(r[0]) * w[2] + int(r[1]) * w[3] for r in regions]
    digits = " + ".join(f"((i // {10 ** (8 - k)}) % 10) * {w[8 + k]}" for k in range(9))
    fixed = 9 * w[0] + 1 * w[1] + 0 * w[4] + 1 * w[5]
    body = "'91' || region_code || '01' || lpad(hh::VARCHAR, 2, '0') || lpad(i::VARCHAR, 9, '0')"
    total = (
        f"{fixed} + ([{', '.join(map(str, region_sums))}])[i % {len(regions)} + 1] + "
        f"(hh // 10) * {w[6]} + (hh % 10) * {w[7]} + {digits}"
    )
    check = f"substr('{USCC_CHARSET}', ((31 - ({total}) % 31) % 31)::INTEGER + 1, 1)"
    fields = {
        "customer_code": f"region_code || lpad((i // {len(regions)})::VARCHAR, {DIGITS}, '0')",
        "name": "'示例客户' || lpad(i::VARCHAR, 9, '0') || '有限公司'",
        "uscc": f"body || {check}",
        "customer_type": pick(lists["customer-type"].codes, 1),
        "industry": pick(industries, 2),
        "region": f"([{', '.join(repr(x) for x in labels)}])[i % {len(regions)} + 1]",
        "address": "'示例路' || (i % 999 + 1)::VARCHAR || '号'",
        "contact_name": "'张' || substr('三四五六七', (i % 5)::INTEGER + 1, 1)",
        "mobile": "'1' || substr('3456789', (hash(i + 3) % 7)::INTEGER + 1, 1) || "
        "lpad((hash(i + 4) % 1000000000)::VARCHAR, 9, '0')",
        "email": "'user' || i::VARCHAR || '@example.com'",
        "value_grade": pick(list("ABCD"), 5),
        "credit_limit": "(hash(i + 6) % 10000000)::VARCHAR || '.' || "
        "lpad((hash(i + 7) % 100)::VARCHAR, 2, '0')",
        "registered_on": "'2025-' || lpad((i % 12 + 1)::VARCHAR, 2, '0') || '-' || "
        "lpad((i % 28 + 1)::VARCHAR, 2, '0')",
        "owner_dept": pick(lists["department-code"].codes, 8),
        "status": "'正常'",
        "remark": "CASE WHEN customer_type = '9' THEN '主体类型：农民专业合作社' ELSE '' END",
    }
    first = f"'{regions[0]}' || repeat('0', {DIGITS})"
    defect = {  # the kinds of validate.sample._defect, in its order
        "uscc": "CASE WHEN d = 0 THEN substr(uscc, 1, 17) || "
        "CASE WHEN right(uscc, 1) = '1' THEN '2' ELSE '1' END ELSE uscc END",
        "mobile": "CASE WHEN d = 1 THEN substr(mobile, 1, 10) WHEN d = 11 THEN "
        "translate(mobile, '0123456789', '０１２３４５６７８９') ELSE mobile END",
        "name": "CASE WHEN d = 2 THEN '' WHEN d = 10 THEN ' ' || name || ' ' ELSE name END",
        "customer_code": f"CASE WHEN d = 3 THEN {first} ELSE customer_code END",
        "industry": "CASE WHEN d = 4 THEN '1' ELSE industry END",
        "region": "CASE WHEN d = 5 THEN '99' ELSE region END",
        "customer_type": "CASE WHEN d = 6 THEN 'X' ELSE customer_type END",
        "email": "CASE WHEN d = 7 THEN 'user at example' ELSE email END",
        "credit_limit": "CASE WHEN d = 8 THEN '-1' ELSE credit_limit END",
        "registered_on": "CASE WHEN d = 9 THEN '2025-02-30' ELSE registered_on END",
    }
    keys = [f.key for f in catalog.records["customer"].fields]
    inner = ",\n  ".join(f"{fields[k]} AS {k}" for k in keys if k in fields)
    outer = ", ".join(f"{defect.get(k, k)} AS {k}" for k in keys if k in fields)
    return (  # DuckDB resolves an alias of the same SELECT list (body, customer_type)
        f"SELECT {outer} FROM (SELECT d, {body} AS body,\n  {inner} FROM (SELECT i, "
        f"([{', '.join(repr(r) for r in regions)}])[i % {len(regions)} + 1] AS region_code, "
        f"CASE WHEN hash(i + 9) % 10000 < {DEFECTS} THEN hash(i + 10) % 12 ELSE -1 END AS d, "
        f"(hash(i + 11) % 100)::BIGINT AS hh "
        f"FROM range({rows}) t(i)))"
    )


def make_data(catalog, rows: int, folder: Path, csv: bool) -> tuple[Path, Path | None]:
    """The rows as one Parquet file (and a CSV for the fast path), streamed by DuckDB."""
    import duckdb

    parquet, csv_path = folder / "customer.parquet", folder / "customer.csv"
    con = duckdb.connect()
    con.execute("SET preserve_insertion_order = true")
    con.execute(f"SET temp_directory = '{folder / 'duckdb-tmp'}'")
    query = customer_sql(catalog, rows)
    con.execute(f"COPY ({query}) TO '{parquet}' (FORMAT parquet, ROW_GROUP_SIZE 1000000)")
    if csv:
        con.execute(f"COPY (SELECT * FROM read_parquet('{parquet}')) TO '{csv_path}' (HEADER)")
    con.close()
    return parquet, csv_path if csv else None


def tree_usage(pid: int) -> tuple[int, dict[int, float]]:
    """RSS in bytes of a process and all its descendants, and each one's CPU seconds so
    far (Linux /proc). Sampled, because a descendant that is not reaped through the root
    (Spark's JVM) never reaches the root's ``wait4`` figures."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            ppid = int(stat.rsplit(")", 1)[1].split()[1])
            children.setdefault(ppid, []).append(int(entry))
    rss, cpu, todo = 0, {}, [pid]
    while todo:
        p = todo.pop()
        todo += children.get(p, [])
        try:
            fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
            cpu[p] = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    rss += int(line.split()[1]) * 1024
        except OSError:
            continue
    return rss, cpu


def run(engine: str, path: Path, project: Path, memory_limit: str | None) -> dict:
    """One whole ``infostd validate`` process; its tree's peak RSS sampled every 0.2 s."""
    report = path.with_suffix(f".{engine}.json")
    args = [sys.executable, "-c", "from generators.cli import cli; cli()", "--root",
            str(project), "validate", str(path), "--format", "json", "-o", str(report)]  # fmt: skip
    if engine != "fast":
        args += ["--engine", engine]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    if memory_limit:
        env["INFOSTD_DUCKDB_MEMORY_LIMIT"] = memory_limit
    errors = report.with_suffix(".stderr")
    start = time.perf_counter()
    with errors.open("wb") as sink:
        proc = subprocess.Popen(args, env=env, stdout=subprocess.DEVNULL, stderr=sink)
    peak, seen, done = [0], {}, threading.Event()

    def sample() -> None:
        while not done.wait(0.2):
            rss, cpu = tree_usage(proc.pid)
            peak[0] = max(peak[0], rss)
            seen.update(cpu)  # each process's last figure, also of those gone since

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    # wait4: the child and the descendants reaped through it; the samples: every process
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - start
    done.set()
    sampler.join()
    code = os.waitstatus_to_exitcode(status)
    if code not in (0, 1):
        raise SystemExit(f"{engine} failed ({code}): {errors.read_text()[-2000:]}")
    cpu = max(usage.ru_utime + usage.ru_stime, sum(seen.values()))
    f = json.loads(report.read_text(encoding="utf-8"))["files"][0]
    return {"engine": engine, "seconds": round(seconds, 1), "rows": f["rows"],
            "errors": len(f["errors"]), "warnings": len(f.get("warnings", [])),
            "rows_per_s": round(f["rows"] / seconds), "cpu_s": round(cpu, 1),
            "rows_per_cpu_s": round(f["rows"] / max(cpu, 0.01)),
            "peak_mib": round(peak[0] / 2**20)}  # fmt: skip


def scan_alone(catalog, parquet: Path, memory_limit: str | None) -> dict:
    """The in-place engine's one scan by itself, in this process: what the database does
    for every row, without the Python that explains the kept rows and writes the report.
    Same query as ``validate --engine duckdb`` (``inplace.flagged_query``)."""
    from generators.sql import inplace
    from generators.sql.engines import DuckDBEngine

    if memory_limit:
        os.environ["INFOSTD_DUCKDB_MEMORY_LIMIT"] = memory_limit
    engine = DuckDBEngine()
    relation, number = engine.file_view(parquet, 0)
    src = inplace.Source(engine, relation, str(parquet), number)
    plan = inplace.clean_plan(catalog)
    rec = next(r for r in plan.records if r.key == "customer")
    cols = inplace.match_columns(catalog, "customer", engine.columns(relation), str(parquet))
    oks = inplace.cell_flags(catalog, rec, cols, plan)
    query = inplace.flagged_query(rec, cols, plan, src, oks).sql(dialect="duckdb")
    wall, cpu = time.perf_counter(), time.process_time()
    (kept,) = engine.con.execute(f"SELECT COUNT(*) FROM ({query})").fetchone()
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    rows = engine.con.execute(f"SELECT COUNT(*) FROM {relation.sql('duckdb')}").fetchone()[0]
    return {"rows": rows, "kept": kept, "seconds": round(wall, 1), "cpu_s": round(cpu, 1),
            "rows_per_s": round(rows / wall)}  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--no-spark", action="store_true")
    parser.add_argument("--no-fast", action="store_true", help="skip the polars fast path")
    parser.add_argument("--memory-limit", default=None, help="DuckDB memory_limit, e.g. 4GB")
    parser.add_argument("--work", type=Path, help="folder for the data, kept and reused by the "
                        "next run with the same --rows (default: a temp folder, removed)")  # fmt: skip
    args = parser.parse_args()
    from generators.config import load_config
    from generators.loader import load_catalog

    print(PROJECT_NOTE)
    with contextlib.ExitStack() as stack:
        if args.work is None:
            work = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="sql-bench-")))
        else:
            work = args.work / f"rows-{args.rows}"
            work.mkdir(parents=True, exist_ok=True)
        shutil.rmtree(work / "project", ignore_errors=True)  # always today's standards
        project = bench_project(work, DIGITS)
        catalog = load_catalog(config=load_config(project))
        start = time.perf_counter()
        ready = work / "READY"  # written after the data: an interrupted run is redone
        if ready.exists() and (args.no_fast or (work / "customer.csv").exists()):
            parquet, csv = (
                work / "customer.parquet",
                None if args.no_fast else work / "customer.csv",
            )
            made = "reused"
        else:
            ready.unlink(missing_ok=True)
            parquet, csv = make_data(catalog, args.rows, work, csv=not args.no_fast)
            ready.touch()
            made = f"generated in {time.perf_counter() - start:.0f} s"
        size = parquet.stat().st_size / 2**20
        print(f"data: {args.rows:,} rows, Parquet {size:,.0f} MiB, {made}")
        results = [run("duckdb", parquet, project, args.memory_limit)]
        scan = scan_alone(catalog, parquet, args.memory_limit)
        if csv is not None:
            results.append(run("fast", csv, project, None))
        if not args.no_spark:
            results.append(run("spark", parquet, project, None))
    load = os.getloadavg()
    for r in results:
        print(f"{r['engine']:>7}: {r['rows']:,} rows in {r['seconds']} s = "
              f"{r['rows_per_s']:,} rows/s ({r['cpu_s']} CPU s = {r['rows_per_cpu_s']:,} "
              f"rows per CPU s), {r['errors']:,} errors, peak {r['peak_mib']:,} MiB")  # fmt: skip
    print(f"   scan: the DuckDB flag scan alone (every field's and rule's check over every "
          f"row, the rows not surely clean counted): {scan['rows_per_s']:,} rows/s "
          f"({scan['seconds']} s, {scan['cpu_s']} CPU s, {scan['kept']:,} rows kept)")  # fmt: skip
    base = results[0]
    for r in results[1:]:
        print(f"duckdb / {r['engine']}: {base['rows_per_s'] / max(r['rows_per_s'], 1):.2f}× "
              f"rows/s, {base['rows_per_cpu_s'] / max(r['rows_per_cpu_s'], 1):.2f}× rows per "
              f"CPU s, {base['peak_mib'] / max(r['peak_mib'], 1):.2f}× memory; "
              f"same errors: {r['errors'] == base['errors']}")  # fmt: skip
    print(f"load average at the end (1/5/15 min): {load[0]:.1f} {load[1]:.1f} {load[2]:.1f}")
    print(json.dumps({"rows": args.rows, "load": load, "results": results, "scan": scan}))


if __name__ == "__main__":
    main()
