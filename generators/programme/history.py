"""The metrics history: ``programme/metrics/<YYYY-MM>.csv``, one file per month, one
figure per line, written only by ``infostd metrics record`` and read back through the
``quality-metric`` record (so ``infostd check`` validates it like any programme file)."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Sequence
from pathlib import Path

from ..config import Config
from ..errors import InfostdError
from ..fsutil import atomic_write_text
from ..model import Catalog, display_path
from .data import METRICS_DIR, Programme
from .metrics import Figure

RECORD = "quality-metric"
COLUMNS = (
    "measured_on",
    "department",
    "record",
    "metric",
    "value",
    "numerator",
    "denominator",
    "source",
)


def history(programme: Programme) -> list[Figure]:
    """Every figure in the history files, in file order."""
    return [
        Figure(
            measured_on=row["measured_on"],
            department=row.get("department"),
            record=row.get("record"),
            metric=row["metric"],
            numerator=row["numerator"],
            denominator=row["denominator"],
            source=row.get("source") or "",
        )
        for row in programme.rows(RECORD)
    ]


def month_file(config: Config, day: dt.date) -> Path:
    return config.programme / METRICS_DIR / f"{day:%Y-%m}.csv"


def header(catalog: Catalog) -> list[str]:
    fields = catalog.records[RECORD].field_by_key
    return [fields[key].title for key in COLUMNS]


def append(catalog: Catalog, path: Path, figures: Sequence[Figure]) -> int:
    """Write ``figures`` into ``path``: a figure with the same date, department, record and
    metric as one already there replaces it (a re-run corrects, never doubles); lines above
    the header (the example mark) are kept. Returns the number of figures written."""
    titles = header(catalog)
    preface: list[list[str]] = []
    rows: list[list[str]] = []
    if path.exists():
        preface, rows = _split(path, titles)
    labels = catalog.codelists["department-code"]
    new = {f.key: f for f in figures}
    kept = [r for r in rows if _key(r) not in new]
    for f in figures:
        dept = labels.label(f.department) if f.department else ""
        value = "" if f.value is None else _number(f.value)
        kept.append(
            [
                f.measured_on,
                dept,
                f.record or "",
                f.metric,
                value,
                str(f.numerator),
                str(f.denominator),
                f.source,
            ]
        )
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerows([*preface, titles, *kept])
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_text(path, out.getvalue())
    return len(figures)


def _split(path: Path, titles: list[str]) -> tuple[list[list[str]], list[list[str]]]:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise InfostdError(f"{display_path(path)}: 无法读取（{exc}）") from exc
    lines = list(csv.reader(io.StringIO(text)))
    for index, line in enumerate(lines):
        if [c.strip() for c in line] == titles:
            return lines[:index], [r for r in lines[index + 1 :] if any(c.strip() for c in r)]
    raise InfostdError(
        f"{display_path(path)}: 不是指标历史文件（找不到表头行“{','.join(titles)}”），未修改"
    )


def _key(row: list[str]) -> tuple[str, str | None, str | None, str]:
    cells = [*row, "", "", "", ""]
    dept = cells[1].split(" ")[0] or None
    return (cells[0], dept, cells[2] or None, cells[3])


def _number(value: float) -> str:
    return str(int(value)) if value == int(value) else f"{value:.1f}"
