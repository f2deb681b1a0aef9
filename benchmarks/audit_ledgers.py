"""Audit speed on large ledgers: prints figures, asserts nothing.

    .venv/bin/python benchmarks/audit_ledgers.py [ROWS]

Two CSV customer ledgers with non-standard headers (ROWS rows each, default
100,000; about 2% defective values, half the customers in both) are audited
against the shipped standards: reading, mapping proposals, profile with the
validator's checks, duplicates and cross-ledger conflicts.
"""

from __future__ import annotations

import random
import resource
import sys
import tempfile
import time
from pathlib import Path

from generators.audit import audit
from generators.config import load_config
from generators.formats import uscc_check_char
from generators.loader import load_catalog

REPO = Path(__file__).resolve().parent.parent
CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
REGIONS = ["11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37"]


def uscc(rng: random.Random) -> str:
    body = "9111" + "".join(rng.choice("0123456789") for _ in range(4))
    body += "".join(rng.choice(CHARS) for _ in range(9))
    return body + uscc_check_char(body)


def write(path: Path, header: str, rows: list[str]) -> None:
    path.write_text(header + "\n" + "\n".join(rows) + "\n", encoding="utf-8")


def main(n: int) -> None:
    rng = random.Random(7)
    codes = [uscc(rng) for _ in range(n * 3 // 2)]
    sales, service = [], []
    for i in range(n):
        code = codes[i]
        bad = rng.random() < 0.02
        sales.append(
            f"{i + 1},{REGIONS[i // 10000 % len(REGIONS)]}{i % 10000:04d},客户{i}有限公司,{code[:-1] + '0' if bad else code},"
            f"{rng.choice(['VIP', '重点客户', '普通客户'])},1{rng.choice('3589')}{rng.randrange(10**9):09d},"
            f"{rng.choice(['北京', '上海市', '广东省'])},{rng.randrange(100) * 1000}"
        )
        j = i + n // 2
        service.append(
            f"客户{j}有限公司,{codes[j]},{rng.choice('ABC')},1{rng.choice('3589')}{rng.randrange(10**9):09d},"
            f"{rng.choice(['北京市', '上海市'])}"
        )
    catalog = load_catalog(config=load_config(REPO))
    with tempfile.TemporaryDirectory() as tmp:
        a, b = Path(tmp) / "sales.csv", Path(tmp) / "service.csv"
        write(a, "序号,客户编号,单位名称,税号,客户等级,手机号,所在省份,授信额度", sales)
        write(b, "客户名称,信用代码,客户级别,联系电话,地区", service)
        start = time.perf_counter()
        result = audit(catalog, [a, b])
        seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    rows = 2 * n
    print(f"rows audited: {rows:,} (2 ledgers)")
    print(f"time: {seconds:.1f} s, {rows / seconds:,.0f} rows/s, peak RSS {peak:.0f} MiB")
    print(
        f"conflicts: {len(result.conflicts):,}; duplicates: {sum(len(x.duplicates) for x in result.ledgers):,}"
    )
    for x in result.ledgers:
        print(
            f"  {x.name}: score {x.score:.3f} (C {x.completeness:.3f} A {x.accuracy:.3f} U {x.uniqueness:.3f})"
        )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000)
