"""Validation in place at scale: a customer Parquet table (~2 % defects, generated on the
fly) checked by the DuckDB engine, the polars fast path (same rows as CSV) and Spark
local; rows/s and peak memory of each, in its own process.

    python benchmarks/sql_bench.py [--rows 10000000] [--no-spark] [--memory-limit 4GB]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
CHUNK = 500_000


def make_data(rows: int, folder: Path) -> tuple[Path, Path]:
    """The sample customer rows as one Parquet file and one CSV, written in chunks."""
    import polars as pl

    from generators.config import load_config
    from generators.loader import load_catalog
    from generators.validate.sample import customer_rows

    catalog = load_catalog(config=load_config(REPO))
    parquet, csv = folder / "customer.parquet", folder / "customer.csv"
    frames = []
    batch: list[dict] = []
    for row in customer_rows(catalog, rows):
        batch.append(row)
        if len(batch) == CHUNK:
            frames.append(pl.DataFrame(batch))
            batch = []
    if batch:
        frames.append(pl.DataFrame(batch))
    frame = pl.concat(frames, how="diagonal_relaxed")
    frame.write_parquet(parquet)
    frame.write_csv(csv)
    return parquet, csv


def run(engine: str, path: Path, memory_limit: str | None) -> dict:
    # the child reports its own peak memory (and its children's: Spark's JVM) at exit
    code = (
        "import atexit, resource, sys\n"
        "def peak():\n"
        "    r = resource.getrusage\n"
        "    print('PEAK', max(r(resource.RUSAGE_SELF).ru_maxrss, r(resource.RUSAGE_CHILDREN).ru_maxrss), file=sys.stderr)\n"
        "atexit.register(peak)\n"
        "from generators.cli import main; sys.argv = sys.argv[1:]; main()\n"
    )
    args = [
        "infostd",
        "--root",
        str(REPO),
        "validate",
        str(path),
        "--format",
        "json",
        "-o",
        str(path.with_suffix(f".{engine}.json")),
    ]
    if engine != "fast":
        args += ["--engine", engine]
    env = None
    if memory_limit and engine == "duckdb":
        import os

        env = {**os.environ, "INFOSTD_DUCKDB_MEMORY_LIMIT": memory_limit}
    start = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, env=env
    )
    seconds = time.perf_counter() - start
    peaks = [int(line.split()[1]) for line in proc.stderr.splitlines() if line.startswith("PEAK ")]
    peak = (peaks[-1] if peaks else 0) / 1024  # MiB
    report = json.loads(path.with_suffix(f".{engine}.json").read_text(encoding="utf-8"))
    f = report["files"][0]
    return {"engine": engine, "seconds": round(seconds, 1), "rows": f["rows"],
            "errors": len(f["errors"]), "exit": proc.returncode,
            "rows_per_s": round(f["rows"] / seconds), "peak_mib": round(peak)}  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--no-spark", action="store_true")
    parser.add_argument("--memory-limit", default=None, help="DuckDB memory_limit, e.g. 4GB")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        parquet, csv = make_data(args.rows, Path(tmp))
        results = [run("duckdb", parquet, args.memory_limit), run("fast", csv, None)]
        if not args.no_spark:
            results.append(run("spark", parquet, None))
    for r in results:
        print(f"{r['engine']:>7}: {r['rows']:,} rows in {r['seconds']} s = {r['rows_per_s']:,} rows/s, "
              f"{r['errors']:,} errors, peak {r['peak_mib']:,} MiB, exit {r['exit']}")  # fmt: skip
    base = results[0]["rows_per_s"]
    for r in results[1:]:
        print(f"duckdb / {r['engine']}: {base / max(r['rows_per_s'], 1):.2f}×")
    print(json.dumps(results))


if __name__ == "__main__":
    main()
