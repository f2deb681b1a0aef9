"""One-off: print the entries of standards/codelists/work-calendar.md from published data.

Not used at run time and not pinned: the committee runs it when the State Council
publishes a year's arrangement, checks the output against the notice, and pastes it
into the code list (the code list, not this script, is the source of truth).

    pip install chinese-calendar==1.11.0 holidays==0.108
    python scripts/seed_work_calendar.py 2026 2027

``chinese-calendar`` carries the published arrangements (holidays *and* 调休 working
days) up to its release; for a later year only the statutory days of the 《全国年节及
纪念日放假办法》 are known in advance (``holidays``: computed from the lunar calendar,
without the "observed"/substituted days it guesses) and the output says so.
"""

from __future__ import annotations

import datetime as dt
import json
import sys

import chinese_calendar
import holidays

NAMES = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "Mid-autumn Festival": "中秋节",
    "National Day": "国庆节",
}


def published(year: int) -> list[tuple[str, str, str]]:
    """(date, kind, title) of a year chinese-calendar knows: every day off and every 调休."""
    out = []
    day = dt.date(year, 1, 1)
    while day.year == year:
        on_holiday, name = chinese_calendar.get_holiday_detail(day)
        festival = NAMES.get(getattr(name, "value", name) or "", "")
        if on_holiday and name is not None:
            out.append((day.isoformat(), "H", festival or "放假"))
        elif not on_holiday and day.weekday() >= 5:
            out.append((day.isoformat(), "W", f"{festival}调休上班" if festival else "调休上班"))
        day += dt.timedelta(days=1)
    return out


STATUTORY = {
    "New Year's Day": "元旦",
    "Chinese New Year's Eve": "春节",
    "Chinese New Year (Spring Festival)": "春节",
    "Tomb-Sweeping Day": "清明节",
    "Labor Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "Mid-Autumn Festival": "中秋节",
    "National Day": "国庆节",
}


def statutory(year: int) -> list[tuple[str, str, str]]:
    """The statutory days of a year whose arrangement is not published yet."""
    found = holidays.China(years=[year], language="en_US")
    return [(d.isoformat(), "H", STATUTORY[n]) for d, n in sorted(found.items()) if n in STATUTORY]


def main(years: list[int]) -> None:
    for year in years:
        try:
            entries = published(year)
        except NotImplementedError:
            print(f"// {year}：调休安排尚未发布，以下仅为法定节假日", file=sys.stderr)
            entries = statutory(year)
        for code, kind, title in entries:
            weekday = "一二三四五六日"[dt.date.fromisoformat(code).weekday()]
            entry = {"const": code, "title": f"{title}（周{weekday}）", "x-parent": kind}
            print("    " + json.dumps(entry, ensure_ascii=False) + ",")


if __name__ == "__main__":
    main([int(y) for y in sys.argv[1:]] or [dt.date.today().year])
