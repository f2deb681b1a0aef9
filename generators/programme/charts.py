"""Static SVG line charts (no script): a goal's value over time against its target.

The chart is decoration for sighted readers; the same figures are always in a table
beside it. Every text that comes from data is escaped (``esc``)."""

from __future__ import annotations

from collections.abc import Sequence

from ..portal.render import esc

WIDTH, HEIGHT = 480, 250
LEFT, RIGHT, TOP, BOTTOM = 58, 16, 22, 34


def y_range(values: Sequence[float], target: float, percent: bool) -> tuple[float, float]:
    """Percentages from a round floor below the lowest figure up to 100; counts from 0."""
    if percent:
        low = min([*values, target])
        floor = max(0.0, (int(low) // 10) * 10 - (10 if low % 10 == 0 and low > 0 else 0))
        return floor, 100.0
    return 0.0, max([*values, target, 1.0]) * 1.2


def line_chart(
    chart_id: str,
    title: str,
    series: Sequence[tuple[str, float]],
    target: float,
    percent: bool,
) -> str:
    """An ``<svg role="img">`` with ``<title>``/``<desc>``; ``series`` is (date, value)."""
    values = [v for _, v in series]
    low, high = y_range(values, target, percent)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def y(value: float) -> float:
        return TOP + plot_h * (1 - (value - low) / ((high - low) or 1))

    def x(index: int) -> float:
        if len(series) == 1:
            return LEFT + plot_w / 2
        return LEFT + plot_w * index / (len(series) - 1)

    unit = "%" if percent else ""
    desc = "；".join(f"{d} {_num(v)}{unit}" for d, v in series) or "暂无数据"
    parts = [
        f'<svg class="infostd-chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-labelledby="{chart_id}-t {chart_id}-d" preserveAspectRatio="xMidYMid meet">',
        f'<title id="{chart_id}-t">{esc(title)}</title>',
        f'<desc id="{chart_id}-d">{esc(f"目标 {_num(target)}{unit}。{desc}")}</desc>',
    ]
    for step in range(5):  # grid and y labels
        value = low + (high - low) * step / 4
        parts.append(
            f'<line class="grid" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y(value):.1f}" y2="{y(value):.1f}"/>'
            f'<text class="axis" x="{LEFT - 6}" y="{y(value) + 4:.1f}" text-anchor="end">'
            f"{_num(round(value, 1))}{unit}</text>"
        )
    parts.append(
        f'<line class="target" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y(target):.1f}" y2="{y(target):.1f}"/>'
        f'<text class="target-label" x="{WIDTH - RIGHT}" y="{y(target) - 6:.1f}" text-anchor="end">'
        f"目标 {_num(target)}{unit}</text>"
    )
    if series:
        points = " ".join(f"{x(i):.1f},{y(v):.1f}" for i, (_, v) in enumerate(series))
        parts.append(f'<polyline class="value" points="{points}"/>')
    for i, (day, value) in enumerate(series):
        parts.append(
            f'<circle class="point" cx="{x(i):.1f}" cy="{y(value):.1f}" r="4"/>'
            f'<text class="axis" x="{x(i):.1f}" y="{HEIGHT - BOTTOM + 18}" text-anchor="middle">'
            f"{esc(day[5:])}</text>"
        )
    parts.append("</svg>")
    return "".join(parts)


def _num(value: float) -> str:
    return str(int(value)) if value == int(value) else f"{value:.1f}"
