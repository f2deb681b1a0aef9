"""Deterministic sample ledgers with seeded defects, for the benchmark and the tests.

Rows are dicts field key → text as a person would type it. About ``defect_rate``
of the rows carry exactly one defect from ``DEFECTS``.
"""

from __future__ import annotations

import csv
import random
from collections.abc import Iterator
from pathlib import Path

from ..formats import USCC_CHARSET, uscc_check_char
from ..model import Catalog

DEFECTS = [
    "uscc-check",
    "mobile",
    "missing-name",
    "duplicate-code",
    "leading-zero",
    "region",
    "customer-type",
    "email",
    "credit",
    "date",
    "whitespace",
    "full-width",
]


def make_uscc(rng: random.Random, region: str) -> str:
    body = "91" + region + "".join(rng.choice("0123456789") for _ in range(2))
    body += "".join(rng.choice(USCC_CHARSET) for _ in range(9))
    return body + uscc_check_char(body)


def customer_rows(
    catalog: Catalog, n: int, seed: int = 7, defect_rate: float = 0.02
) -> Iterator[dict[str, str]]:
    """``n`` customer rows for the shipped ``customer`` record.

    Customer codes are region + sequence, the sequence as wide as the code rule says
    (shipped: 4 digits, so 34 × 10,000 = 340,000 distinct codes; rows beyond that
    necessarily repeat a code and are reported as duplicates)."""
    rng = random.Random(seed)
    lists = {k: c.active() for k, c in catalog.codelists.items()}  # clean rows: current codes
    width = sequence_digits(catalog)
    regions = lists["region"].codes
    types = lists["customer-type"].codes
    industries = [c for c in lists["industry"].codes if c.isdigit()]
    depts = lists["department-code"].codes
    for i in range(n):
        region = regions[i % len(regions)]
        row = {
            "customer_code": f"{region}{(i // len(regions)) % 10**width:0{width}d}",
            "name": f"示例客户{i:07d}有限公司",
            "uscc": make_uscc(rng, region + "01"),
            "customer_type": rng.choice(types),
            "industry": rng.choice(industries),
            "region": lists["region"].label(region),
            "address": f"示例路{i % 999 + 1}号",
            "contact_name": "张" + "三四五六七"[i % 5],
            "mobile": f"1{rng.choice('3456789')}{rng.randrange(10**9):09d}",
            "email": f"user{i}@example.com",
            "value_grade": rng.choice("ABCD"),
            "credit_limit": f"{rng.randrange(0, 10**7)}.{rng.randrange(100):02d}",
            "registered_on": f"2025-{i % 12 + 1:02d}-{i % 28 + 1:02d}",
            "owner_dept": rng.choice(depts),
            "status": "正常",
            "remark": "",
        }
        if row["customer_type"] == "9":  # rule CU-08: 其他 needs the kind of body in 备注
            row["remark"] = "主体类型：农民专业合作社"
        if rng.random() < defect_rate:
            _defect(row, DEFECTS[rng.randrange(len(DEFECTS))], f"{regions[0]}{0:0{width}d}")
        yield row


def sequence_digits(catalog: Catalog) -> int:
    """Width of the customer code's sequence segment (the digits segment of its code rule)."""
    rule = catalog.records["customer"].field_by_key["customer_code"].code_rule
    digits = [int(s.value) for s in (rule.segments if rule else []) if s.kind == "digits"]
    return digits[0] if digits else 4


def _defect(row: dict[str, str], kind: str, first_code: str) -> None:
    if kind == "uscc-check":
        last = row["uscc"][-1]
        row["uscc"] = row["uscc"][:-1] + ("1" if last != "1" else "2")
    elif kind == "mobile":
        row["mobile"] = row["mobile"][:-1]
    elif kind == "missing-name":
        row["name"] = ""
    elif kind == "duplicate-code":
        row["customer_code"] = first_code  # the code of row 1
    elif kind == "leading-zero":
        row["industry"] = "1"
    elif kind == "region":
        row["region"] = "99"
    elif kind == "customer-type":
        row["customer_type"] = "X"
    elif kind == "email":
        row["email"] = "user at example"
    elif kind == "credit":
        row["credit_limit"] = "-1"
    elif kind == "date":
        row["registered_on"] = "2025-02-30"
    elif kind == "whitespace":
        row["name"] = f" {row['name']} "
    elif kind == "full-width":
        row["mobile"] = row["mobile"].translate({ord(c): ord(c) + 0xFEE0 for c in "0123456789"})


def write_csv(catalog: Catalog, key: str, rows, path: Path, encoding: str = "utf-8") -> None:
    fields = catalog.records[key].fields
    with path.open("w", encoding=encoding, newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow([f.title + (" *" if f.required else "") for f in fields])
        for row in rows:
            writer.writerow([row.get(f.key, "") for f in fields])


def write_xlsx(catalog: Catalog, key: str, rows, path: Path, meta: dict | None = None) -> None:
    """A workbook in the template layout: titles in row 1, hidden keys in row 2, data from row 3."""
    import xlsxwriter

    schema = catalog.records[key]
    book = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    sheet = book.add_worksheet(schema.title)
    for c, f in enumerate(schema.fields):
        sheet.write_string(0, c, f.title + (" *" if f.required else ""))
    for c, f in enumerate(schema.fields):
        sheet.write_string(1, c, f.key)
    sheet.set_row(1, None, None, {"hidden": True})
    for r, row in enumerate(rows, start=2):
        for c, f in enumerate(schema.fields):
            value = row.get(f.key)
            if value is None or value == "":
                continue
            if isinstance(value, str):
                sheet.write_string(r, c, value)
            else:
                sheet.write(r, c, value)
    info = book.add_worksheet("_meta")
    for r, (k, v) in enumerate((meta or {"template": "infostd", "record": key}).items()):
        info.write_string(r, 0, k)
        info.write_string(r, 1, str(v))
    info.hide()
    book.close()
