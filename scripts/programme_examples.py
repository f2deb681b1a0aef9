"""The shipped example programme: department data per month and the metrics history
computed from it by `infostd metrics record` (never typed).

    .venv/bin/python scripts/programme_examples.py --data   # rewrite programme/examples/
    .venv/bin/python scripts/programme_examples.py          # rebuild programme/metrics/

The data are deterministic (seeded); defects fall month by month as the pilot at 销售部
takes effect, and 售后服务部 joins in October. A test rebuilds the history in a copy of
the repository and compares it with the committed files.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from generators.cli import cli  # noqa: E402
from generators.config import load_config  # noqa: E402
from generators.loader import load_catalog  # noqa: E402
from generators.programme.data import EXAMPLE_MARK  # noqa: E402
from generators.validate.sample import customer_rows, write_csv  # noqa: E402

# (measured on, department, customer defect rate, share of customers without a contact
# person, share of contracts entered late or None for no contract file)
RUNS = [
    ("2026-06-30", "XS01", 0.12, 0.15, 0.25),
    ("2026-07-31", "XS01", 0.07, 0.06, 0.15),
    ("2026-08-31", "XS01", 0.03, 0.02, 0.06),
    ("2026-09-30", "XS01", 0.01, 0.0, 0.03),
    ("2026-10-31", "XS01", 0.01, 0.0, 0.02),
    ("2026-10-31", "SH01", 0.06, 0.08, None),
]
PROGRAMME_ONLY = ["2026-11-27"]  # no data files: inventory, feedback and training as of that day
CUSTOMERS, CONTRACTS = 80, 30
MARK = f"{EXAMPLE_MARK}：infostd metrics record 根据 programme/examples/ 中的示例数据计算，委员会开始记录本公司指标时删除本目录下的文件"
HANDLERS = ["王磊", "周婷", "刘洋", "陈静", "杨帆", "黄敏"]
ITEMS = ["数据采集终端", "工业网关", "传感器模块", "运维服务", "软件许可", "备品备件"]


def data_files(root: Path, day: str, dept: str, late: float | None) -> list[Path]:
    folder = root / "programme" / "examples" / day[:7]
    names = [f"{dept}-customer.csv"] + ([f"{dept}-contract.csv"] if late is not None else [])
    return [folder / n for n in names]


def write_data(root: Path) -> None:
    catalog = load_catalog(config=load_config(root))
    for n, (day, dept, defects, missing, late) in enumerate(RUNS):
        files = data_files(root, day, dept, late)
        files[0].parent.mkdir(parents=True, exist_ok=True)
        rng = random.Random(300 + n)
        rows = [
            {**row, "owner_dept": dept, "registered_on": f"{day[:8]}{i % 28 + 1:02d}"}
            for i, row in enumerate(
                customer_rows(catalog, CUSTOMERS, seed=100 + n, defect_rate=defects)
            )
        ]
        for row in rows:
            if rng.random() < missing:
                row["contact_name"] = ""  # 联系人 not collected: the survey's most common gap
        write_csv(catalog, "customer", rows, files[0])
        if late is not None:
            write_csv(
                catalog, "contract", contract_rows(rows, day, dept, late, seed=200 + n), files[1]
            )


def contract_rows(customers: list[dict], day: str, dept: str, late: float, seed: int) -> list[dict]:
    rng = random.Random(seed)
    month = dt.date.fromisoformat(day).replace(day=1)
    rows = []
    for i in range(CONTRACTS):
        customer = customers[rng.randrange(len(customers))]
        signed = dt.datetime.combine(month, dt.time(9)) + dt.timedelta(
            days=i % 27, hours=rng.randrange(8)
        )
        delay = rng.randrange(26, 80) if rng.random() < late else rng.randrange(1, 20)
        rows.append(
            {
                "contract_no": f"HT{month.year}{month.month:02d}{i + 1:03d}",
                "contract_name": f"{rng.choice(ITEMS)}销售合同",
                "contract_type": "01",
                "customer_code": customer["customer_code"],
                "counterparty_name": customer["name"].strip() or "示例客户有限公司",
                "amount": f"{rng.randrange(10_000, 2_000_000)}.{rng.randrange(100):02d}",
                "currency": "CNY",
                "signed_at": f"{signed:%Y-%m-%d %H:%M}",
                "entered_at": f"{signed + dt.timedelta(hours=delay):%Y-%m-%d %H:%M}",
                "start_date": f"{signed:%Y-%m-%d}",
                "end_date": f"{month.year}-12-31",
                "owner_dept": dept,
                "handler": rng.choice(HANDLERS),
                "legal_reviewed": "TRUE",
                "status": "履行中",
            }
        )
    return rows


def history_commands(root: Path) -> list[list[str]]:
    """The `infostd` arguments that produce the shipped history, in order."""
    commands = []
    for day, dept, _, _, late in RUNS:
        files = [str(p) for p in data_files(root, day, dept, late)]
        commands.append(["metrics", "record", "--date", day, "--department", dept, *files])
    commands += [["metrics", "record", "--date", day] for day in PROGRAMME_ONLY]
    return commands


def rebuild_history(root: Path) -> list[Path]:
    """Delete programme/metrics/ and run the commands; each month file gets the example mark."""
    folder = root / "programme" / "metrics"
    for old in folder.glob("*.csv"):
        old.unlink()
    for args in history_commands(root):
        cli.main(["--root", str(root), *args], prog_name="infostd", standalone_mode=False)
    written = sorted(folder.glob("*.csv"))
    for path in written:
        text = path.read_text(encoding="utf-8")
        width = text.splitlines()[0].count(",")
        line = next(csv.reader([MARK]))[0] + "," * width
        path.write_text(f"{line}\n{text}", encoding="utf-8")
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", action="store_true", help="也重新生成 programme/examples/")
    args = parser.parse_args()
    if args.data:
        write_data(ROOT)
    for path in rebuild_history(ROOT):
        print(path.relative_to(ROOT))


if __name__ == "__main__":
    main()
