"""Working-day deadlines (``max-workdays``) and effective dates (``from``) on rules.

The fixture catalog carries the committee's calendar (work-calendar, 2026 as the State
Council published it) and CT-09: a contract is entered within 2 working days of signing,
for contracts signed from 2026-01-01. Counting is checked around 元旦, 春节 and 国庆 and
their 调休 Saturdays/Sundays; every engine agrees with the reference on the same rows
(generated Python and JavaScript in tests/test_codegen_differential.py, DuckDB and
PostgreSQL in tests/test_sql.py, on ``workday_cases``); the rows
exempt by an effective date are reported, not silently passed; `infostd check` refuses a
rule whose calendar or date field is wrong; `diff` classifies effective-date changes."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from generators.cli import cli
from generators.config import load_config
from generators.loader import load_catalog
from generators.model import Catalog
from generators.release.diff import KINDS, diff_catalogs
from generators.rules import HOLIDAY, WORKDAY, RuleContext, check_rule, exempt, work_calendar
from generators.validate.sample import write_csv

from .conftest import CATALOG, catalog_project

CONTRACT = "standards/records/contract.md"
CT09 = '"max": 2, "calendar": "work-calendar", "from": {"date": "2026-01-01", "field": "signed_at"}'


def calendar(catalog: Catalog):
    return work_calendar(catalog.codelists["work-calendar"])


def d(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


@pytest.mark.parametrize(
    ("start", "end", "days"),
    [
        ("2026-03-06", "2026-03-09", 1),  # Friday → Monday: a plain weekend
        ("2026-03-02", "2026-03-02", 0),
        ("2025-12-31", "2026-01-05", 2),  # 元旦 1–3 off, Sunday 4 调休上班, Monday 5
        ("2026-02-13", "2026-02-14", 1),  # Saturday 2-14 is a 调休 working day
        ("2026-02-14", "2026-02-23", 0),  # 春节 2-15 … 2-23: nine days off
        ("2026-02-13", "2026-02-24", 2),
        ("2026-02-24", "2026-02-28", 4),  # Tuesday → Saturday 2-28 (调休上班)
        ("2026-09-30", "2026-10-08", 1),  # 国庆 10-1 … 10-7 off, Thursday 8
        ("2026-10-09", "2026-10-12", 2),  # Friday → Saturday 10-10 (调休上班) → Monday
        ("2026-09-19", "2026-09-21", 2),  # Sunday 9-20 is a 调休 working day
    ],
)
def test_working_days_around_holidays(fixture_catalog: Catalog, start, end, days) -> None:
    assert calendar(fixture_catalog).workdays(d(start), d(end)) == days


@given(
    st.dates(dt.date(2025, 11, 1), dt.date(2027, 3, 1)),
    st.integers(min_value=0, max_value=60),
)
def test_counting_is_a_day_by_day_walk(fixture_catalog: Catalog, start: dt.date, span: int):
    """The arithmetic (weekdays − holidays + 调休) equals walking the days one by one."""
    entries = fixture_catalog.codelists["work-calendar"].entries
    off = {e.code for e in entries if e.parent == HOLIDAY}
    on = {e.code for e in entries if e.parent == WORKDAY}
    end = start + dt.timedelta(days=span)
    walked = sum(
        1
        for n in range(1, span + 1)
        if (day := (start + dt.timedelta(days=n)).isoformat()) in on
        or ((start + dt.timedelta(days=n)).weekday() < 5 and day not in off)
    )
    assert calendar(fixture_catalog).workdays(start, end) == walked


def workday_rows(catalog: Catalog) -> list[dict]:
    """Contracts signed and entered around 春节 and 国庆, in every date-time spelling;
    one signed before CT-09's effective date (exempt), one signed in UTC."""
    example = catalog.records["contract"].examples[0]
    pairs = [
        ("2026-02-13 10:00", "2026-02-24 10:00"),  # 2 working days: kept
        ("2026-02-13 10:00", "2026-02-25 09:00"),  # 3: broken
        ("2026-09-30T18:00:00+08:00", "2026-10-09T09:00:00+08:00"),  # 2: kept
        ("2026-10-09 10:00", "2026-10-13 10:00"),  # Sat 10-10 works: 3, broken
        ("2026-02-13T17:30:00Z", "2026-02-24T09:00:00+08:00"),  # signed Sat 14 in China: 1
        ("2025-12-30 10:00", "2026-01-09 10:00"),  # before 2026-01-01: exempt
        ("2026-03-02 10:00", "2026-03-01 10:00"),  # entered before signing: broken
        ("2026-03-02 10:00", ""),  # no entry time (template data): nothing to check
    ]
    return [
        {**example, "contract_no": f"HT2026{n:05d}", "signed_at": s, "entered_at": e}
        for n, (s, e) in enumerate(pairs, start=1)
    ]


def span_rows(catalog: Catalog) -> list[dict]:
    """Signed at 18:00, entered 0–11 days later at 09:00, from starts around 元旦, 春节,
    劳动节, 国庆 and their 调休 days (two starts before CT-09's effective date)."""
    example = catalog.records["contract"].examples[0]
    starts = ["2025-12-29", "2025-12-31", "2026-02-12", "2026-02-13", "2026-02-14",
              "2026-02-27", "2026-05-08", "2026-09-18", "2026-09-30", "2026-10-09"]  # fmt: skip
    return [
        {**example, "signed_at": f"{s} 18:00", "entered_at": f"{d(s) + dt.timedelta(days=n)} 09:00"}
        for s in starts
        for n in range(12)
    ]


def expected_holds(catalog: Catalog, rows: list[dict]) -> list[bool]:
    """Where CT-09 surely holds for an engine: kept, and not exempt (an exempt row goes
    to the reference, which counts it)."""
    rule = next(r for r in catalog.records["contract"].rules if r.type == "max-workdays")
    ctx = RuleContext(catalog.records["contract"], catalog.codelists)
    return [not exempt(rule, r) and check_rule(rule, r, ctx) for r in rows]


def test_polars_renders_the_count(fixture_catalog: Catalog) -> None:
    import polars as pl

    from generators.checkplan import plan_for
    from generators.validate import fast

    plan = plan_for(fixture_catalog, "")
    rec = next(r for r in plan.records if r.key == "contract")
    rule = next(r for r in rec.rules if r.type == "max-workdays")
    rows = span_rows(fixture_catalog)
    holds = fast.rule_pass_expr(rule, {f.key: f for f in rec.fields}, plan)
    got = pl.DataFrame(rows).select(holds.alias("ok"))["ok"].to_list()
    assert got == expected_holds(fixture_catalog, rows)
    assert sum(got) >= 40


def workday_cases(catalog: Catalog) -> dict[str, tuple[str, list[dict]]]:
    return {"contract/workdays": ("contract", workday_rows(catalog))}


def test_reference_findings_on_the_shared_rows(fixture_catalog: Catalog) -> None:
    from generators.validate.engine import validate_rows

    found = validate_rows(fixture_catalog, "contract", workday_rows(fixture_catalog))
    broken = [i.row for i in found if i.rule == "rule:CT-09"]
    assert broken == [2, 4, 7]
    (exempt,) = [i for i in found if i.rule == "rule-exempt"]
    assert exempt.severity == "warning" and exempt.field == "signed_at"
    assert exempt.message.startswith("1 行的“签订时间”早于 2026-01-01 生效日期，未按 CT-09 校验")


# ── the exemption is shown in every report ──────────────────────────────────
def test_exemption_is_reported_in_text_json_and_xlsx(tmp_path: Path, fixture_catalog) -> None:
    data = tmp_path / "contracts.csv"
    write_csv(fixture_catalog, "contract", workday_rows(fixture_catalog), data)
    base = ["--root", str(CATALOG), "validate", str(data), "--record", "contract"]
    text = CliRunner().invoke(cli, base)
    assert text.exit_code == 1
    flat = lambda s: "".join(s.split())  # noqa: E731 - the terminal wraps long lines
    assert flat("1 行的“签订时间”早于 2026-01-01 生效日期，未按 CT-09 校验") in flat(text.output)
    english = CliRunner().invoke(cli, [*base, "--lang", "en"])
    assert flat("1 rows have “签订时间” before 2026-01-01, when rule CT-09") in flat(english.output)
    report = json.loads(CliRunner().invoke(cli, [*base, "--format", "json"]).stdout)
    (warning,) = [w for w in report["files"][0]["warnings"] if w["rule"] == "rule-exempt"]
    assert warning["row"] == 1 and warning["column"] == "I"  # the header of 签订时间
    out = tmp_path / "report.xlsx"
    result = CliRunner().invoke(cli, [*base, "--format", "xlsx", "-o", str(out)])
    assert result.exit_code == 1, result.output
    book = openpyxl.load_workbook(out)
    comments = [
        c.comment.text for ws in book.worksheets for r in ws.iter_rows() for c in r if c.comment
    ]
    assert any("未按 CT-09 校验" in c for c in comments)


# ── check refuses what cannot work ──────────────────────────────────────────
@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (CT09, CT09.replace('"work-calendar"', '"region"'), "不是工作日历"),
        (CT09, CT09.replace('"work-calendar"', '"holidays"'), "工作日历 holidays 不是代码表"),
        (CT09, CT09.replace('"field": "signed_at"', '"field": "amount"'), "不是日期或时间字段"),
        (CT09, CT09.replace('"field": "signed_at"', '"field": "signed_on"'), "signed_on 未定义"),
        (CT09, CT09.replace("2026-01-01", "2026-02-30"), "不是有效日期"),
        (CT09, CT09.replace('"max": 2', '"max": "2"'), "CT-09（max-workdays）的参数"),
        (
            '"end": "entered_at", "max": 2',
            '"end": "amount", "max": 2',
            "字段 amount 不是日期或时间字段",
        ),
    ],
)
def test_check_refuses_a_bad_calendar_or_date_field(tmp_path: Path, old, new, message) -> None:
    root = catalog_project(tmp_path)
    path = root / CONTRACT
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    result = CliRunner().invoke(cli, ["--root", str(root), "check"])
    assert result.exit_code == 1
    line = next(n for n, t in enumerate(text.splitlines(), 1) if '"id": "CT-09"' in t)
    assert f"contract.md:{line}:" in result.output and message in result.output, result.output


def test_check_refuses_a_weekday_as_a_tiao_xiu_working_day(tmp_path: Path) -> None:
    root = catalog_project(tmp_path)
    path = root / "standards/codelists/work-calendar.md"
    entry = '{"const": "2026-02-14", "title": "春节调休上班（周六）", "x-parent": "W"}'
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace(entry, entry.replace("02-14", "02-12")), encoding="utf-8")
    result = CliRunner().invoke(cli, ["--root", str(root), "check"])
    assert result.exit_code == 1
    assert "调休上班日 2026-02-12 不是周六或周日" in result.output, result.output


# ── diff: a later effective date relaxes, an earlier one or a smaller max tightens ──
def _edited(tmp_path: Path, name: str, old: str, new: str) -> Catalog:
    root = tmp_path / name
    shutil.copytree(CATALOG, root)
    path = root / CONTRACT
    path.write_text(path.read_text(encoding="utf-8").replace(old, new, 1), encoding="utf-8")
    return load_catalog(config=load_config(root))


@pytest.mark.parametrize(
    ("new", "kind"),
    [
        (CT09.replace("2026-01-01", "2027-01-01"), "rule-relaxed"),
        (CT09.replace("2026-01-01", "2025-01-01"), "rule-tightened"),
        (
            CT09.replace(', "from": {"date": "2026-01-01", "field": "signed_at"}', ""),
            "rule-tightened",
        ),
        (CT09.replace('"max": 2', '"max": 3'), "rule-relaxed"),
        (CT09.replace('"max": 2', '"max": 1'), "rule-tightened"),
    ],
)
def test_diff_classifies_effective_dates_and_limits(tmp_path: Path, new: str, kind: str) -> None:
    old = load_catalog(config=load_config(CATALOG))
    changes = [
        c for c in diff_catalogs(old, _edited(tmp_path, "new", CT09, new)) if "CT-09" in c.message
    ]
    assert [c.kind for c in changes] == [kind]
    assert KINDS[kind].bump == ("minor" if kind == "rule-relaxed" else "major")


def _calendar_edited(tmp_path: Path, old: str, new: str) -> Catalog:
    root = tmp_path / "new"
    shutil.copytree(CATALOG, root)
    path = root / "standards/codelists/work-calendar.md"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return load_catalog(config=load_config(root))


SATURDAY = '{"const": "2026-02-14", "title": "春节调休上班（周六）", "x-parent": "W"}'


@pytest.mark.parametrize(
    ("old", "new", "kind"),
    [  # a 调休 Saturday added: one more working day → deadlines kept before may break
        (
            SATURDAY,
            SATURDAY
            + ',\n    {"const": "2026-03-07", "title": "调休上班（周六）", "x-parent": "W"}',
            "rule-tightened",
        ),
        (SATURDAY + ",\n", "", "rule-relaxed"),  # that Saturday is a rest day again
    ],
)
def test_diff_of_the_calendar_names_the_rules_it_counts_for(tmp_path: Path, old, new, kind):
    before = load_catalog(config=load_config(CATALOG))
    changes = [
        c
        for c in diff_catalogs(before, _calendar_edited(tmp_path, old, new))
        if c.kind.startswith("rule-")
    ]
    assert [c.kind for c in changes] == [kind]
    assert "contract 规则 CT-09" in changes[0].message
