"""Shared wording and figures of the CLI and the portal pages: where a figure comes from,
how a scope and a value are written."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from ..config import Config
from ..model import Catalog, display_path
from .data import PROGRAMME_METRICS, Programme
from .history import history
from .metrics import Figure, programme_figures


def source_of(config: Config):
    """A file as the history names it: relative to the repository when inside it."""

    def name(path: Path) -> str:
        try:
            return path.resolve().relative_to(config.root).as_posix()
        except ValueError:
            return display_path(path)

    return name


def current_figures(
    catalog: Catalog, config: Config, programme: Programme, day: dt.date
) -> list[Figure]:
    """The history plus the programme figures as of ``day`` (computed now, not read back)."""
    return [*history(programme), *programme_figures(programme, day, sources(config, programme))]


def sources(config: Config, programme: Programme) -> dict[str, str]:
    name = source_of(config)
    found: dict[str, list[str]] = {}
    for sheet in programme.sheets:
        found.setdefault(sheet.record, []).append(name(sheet.path))
    return {record: "、".join(paths) for record, paths in found.items()}


def scope_text(catalog: Catalog, department: str | None, record: str | None) -> str:
    where = catalog.codelists["department-code"].label(department) if department else "全公司"
    if record:
        where += f" · {catalog.records[record].title if record in catalog.records else record}"
    return where


def shown(metric: str, value: float | None) -> str:
    if value is None:
        return "—"
    text = str(int(value)) if value == int(value) else f"{value:.1f}"
    return text if metric not in PERCENT_METRICS else f"{text}%"


PERCENT_METRICS = tuple(
    m for m in ("完整性", "有效性", "唯一性", "及时性", *PROGRAMME_METRICS) if m != "未关闭问题数"
)


def as_of(programme: Programme) -> dt.date:
    """The day pages and training material report: the last day anything was recorded
    (a build is reproducible; it does not depend on the clock)."""
    days = [f.measured_on for f in history(programme)]
    return dt.date.fromisoformat(max(days)) if days else dt.date.today()


def standings_of(catalog: Catalog, config: Config, programme: Programme):
    """(day, figures, each goal's standing) as the pages show them."""
    from .goals import goals, standing

    day = as_of(programme)
    figures = current_figures(catalog, config, programme, day)
    return day, figures, [standing(g, figures, day) for g in goals(programme)]
