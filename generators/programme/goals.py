"""Where each goal stands: its metric over its scope, from the figures (history plus
today's programme figures), against its target and deadline."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from .data import Programme, Row, as_date
from .metrics import Figure, combine

REACHED, OPEN, LATE, NO_DATA = "已达成", "进行中", "逾期未达成", "无数据"


@dataclass(frozen=True)
class Goal:
    id: str
    title: str
    metric: str
    department: str | None
    record: str | None
    direction: str  # 不低于 | 不高于
    target: float
    baseline: float | None
    start: dt.date
    deadline: dt.date
    owner: str

    @classmethod
    def from_row(cls, row: Row) -> Goal:
        return cls(
            id=row["goal_id"],
            title=row["title"],
            metric=row["metric"],
            department=row.get("department"),
            record=row.get("record"),
            direction=row["direction"],
            target=float(row["target"]),
            baseline=None if row.get("baseline") is None else float(row["baseline"]),
            start=as_date(row["start_date"]),  # type: ignore[arg-type]
            deadline=as_date(row["deadline"]),  # type: ignore[arg-type]
            owner=row["owner"],
        )

    def met(self, value: float) -> bool:
        return value >= self.target if self.direction == "不低于" else value <= self.target


@dataclass(frozen=True)
class Standing:
    goal: Goal
    current: Figure | None
    series: list[tuple[str, float]]  # (measured_on, value) over the history
    state: str


def goals(programme: Programme) -> list[Goal]:
    return [Goal.from_row(r) for r in programme.rows("goal")]


def in_scope(goal: Goal, figure: Figure) -> bool:
    """Department-level figures of the goal's metric within its scope (company totals in the
    history are not used: they are recomputed from the departments, whatever their dates)."""
    return (
        figure.metric == goal.metric
        and figure.department is not None
        and (goal.department is None or figure.department == goal.department)
        and (goal.record is None or figure.record == goal.record)
    )


def value_as_of(goal: Goal, figures: Sequence[Figure], day: str) -> Figure | None:
    """The latest figure of each (department, record) in scope measured by ``day``, combined."""
    latest: dict[tuple[str | None, str | None], Figure] = {}
    for f in figures:
        if in_scope(goal, f) and f.measured_on <= day:
            key = (f.department, f.record)
            if key not in latest or latest[key].measured_on <= f.measured_on:
                latest[key] = f
    return combine(
        sorted(latest.values(), key=lambda f: (f.department or "", f.record or "")),
        department=goal.department,
        record=goal.record,
    )


def standing(goal: Goal, figures: Sequence[Figure], today: dt.date) -> Standing:
    days = sorted({f.measured_on for f in figures if in_scope(goal, f)})
    series = []
    for day in days:
        found = value_as_of(goal, figures, day)
        if found is not None and found.value is not None:
            series.append((day, found.value))
    current = value_as_of(goal, figures, today.isoformat())
    if current is None or current.value is None:
        state = NO_DATA
    elif goal.met(current.value):
        state = REACHED
    else:
        state = LATE if today > goal.deadline else OPEN
    return Standing(goal, current, series, state)
