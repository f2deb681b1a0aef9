"""Report writers: text (rich), json (DESIGN §4), xlsx (annotated copy)."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ..fsutil import atomic_open, batched, write_pieces
from ..textsafe import shown
from .issues import Issue, Report

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(text: str | None) -> str | None:
    """Text that a spreadsheet would run as a formula gets a leading apostrophe."""
    if text and text.startswith(FORMULA_START):
        return "'" + text
    return text


def to_json(report: Report) -> str:
    """The report as one string (tests, small reports); files and the terminal get the
    same text from ``json_pieces`` without ever holding all of it."""
    return "".join(json_pieces(report))


def json_pieces(report: Report) -> Iterator[str]:
    """The report indented like ``json.dumps(indent=2)``, except that a flat object (an
    issue) stays on one line: readable, diff-friendly, and written by the C encoder
    (``indent`` forces the pure-Python one, ≈ 25 µs per issue). Piece by piece: each
    issue becomes its dict and its line only when its turn comes (a 100M-row run has
    millions of them)."""
    yield from _pieces(report.to_dict(issue=_kept), "")
    yield "\n"


def _kept(issue: Issue) -> Issue:
    return issue


def _pieces(value: Any, indent: str) -> Iterator[str]:
    inner = indent + "  "
    if isinstance(value, dict) and any(isinstance(v, dict | list) for v in value.values()):
        yield "{\n"
        for n, (k, v) in enumerate(value.items()):
            yield (",\n" if n else "") + f"{inner}{_compact(k)}: "
            yield from _pieces(v, inner)
        yield "\n" + indent + "}"
    elif isinstance(value, list) and value:
        yield "[\n"
        for n, v in enumerate(value):
            if isinstance(v, Issue):  # flat: one line, no generator per issue
                yield (",\n" if n else "") + inner + _compact(v.to_dict())
            else:
                yield (",\n" if n else "") + inner
                yield from _pieces(v, inner)
        yield "\n" + indent + "]"
    else:
        yield _compact(value)


# json.dumps(value, ensure_ascii=False, separators=(", ", ": ")) without a new encoder per call
_compact = json.JSONEncoder(ensure_ascii=False, separators=(", ", ": ")).encode


RULE_LABELS = {"zh": ("规则", "次数"), "en": ("rule", "count")}


def render_text(report: Report, console, lang: str = "zh") -> None:
    """Issues grouped by file and row, then a summary per file and per rule."""
    from rich.table import Table as RichTable

    zh = lang == "zh"
    for f in report.files:
        style = "green" if f.valid else "red"
        head = _escape(
            f"{f.path}（{f.record}，{f.rows} 行）"
            if zh
            else f"{f.path} ({f.record}, {f.rows} rows)"
        )
        console.print(f"[bold {style}]{head}[/]", highlight=False)
        current = object()
        for issue in f.issues:
            if issue.row != current:
                current = issue.row
                where = (
                    ("文件" if zh else "file")
                    if issue.row is None
                    else (f"第 {issue.row} 行" if zh else f"row {issue.row}")
                )
                if issue.sheet:
                    where = _escape(f"{issue.sheet} {where}")
                console.print(f"  [bold]{where}[/]", highlight=False)
            colour = "red" if issue.severity == "error" else "yellow"
            cell = _escape(f"{issue.column} ") if issue.column else ""
            console.print(
                f"    [{colour}]{cell}\\[{_escape(issue.rule)}][/] {_escape(issue.message)}",
                highlight=False,
            )
        summary = (
            f"  {f.rows} 行，{f.invalid_rows} 行有错误，{len(f.errors)} 个错误，{len(f.warnings)} 个警告"
            if zh
            else f"  {f.rows} rows, {f.invalid_rows} invalid, {len(f.errors)} errors, {len(f.warnings)} warnings"
        )
        console.print(summary, highlight=False)
    counts = Counter(i.rule for f in report.files for i in f.issues)
    if counts:
        table = RichTable(*RULE_LABELS.get(lang, RULE_LABELS["zh"]))
        for rule, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])):
            table.add_row(_escape(rule), str(n))  # cells are markup too
        console.print(table)
    verdict = (
        ("校验通过" if zh else "valid") if report.valid else ("校验未通过" if zh else "invalid")
    )
    console.print(f"[bold {'green' if report.valid else 'red'}]{verdict}[/]")


def _escape(text: str) -> str:
    """Data in a rich line: control characters shown escaped, then markup escaped."""
    from rich.markup import escape

    return escape(shown(text))


def write_json(report: Report, path: Path) -> None:
    """Streamed to a temp file beside ``path``, renamed over it when complete."""
    with atomic_open(path) as handle:
        write_pieces(handle, json_pieces(report))


def write_text(report: Report, path: Path, lang: str = "zh") -> None:
    """The text report as a plain file (no colours, no styles even on a terminal device),
    line by line into ``atomic_open``'s temp file: never the whole text in memory."""
    import io

    from rich.console import Console

    with atomic_open(path) as handle:
        text = io.TextIOWrapper(handle, encoding="utf-8", newline="")
        console = Console(file=text, width=120, no_color=True, force_terminal=False)
        render_text(report, console, lang)
        text.flush()
        text.detach()  # the handle is atomic_open's to close


def deliver(report: Report, fmt: str, out: Path | None, lang: str, write_xlsx) -> None:
    """Write ``report`` as ``fmt`` to ``out`` (or the terminal); ``write_xlsx(out)`` is the
    caller's xlsx report (an annotated copy of files, or an issue list for a database)."""
    import click

    if fmt == "json":
        if out is None:
            for text in batched(json_pieces(report)):
                click.echo(text, nl=False)
        else:
            write_json(report, out)
    elif fmt == "xlsx":
        write_xlsx(out)
    else:
        from rich.console import Console

        if out is None:
            render_text(report, Console(), lang)
        else:
            write_text(report, out, lang)


def say_verdict(report: Report, out: Path | None) -> None:
    """A report written to a file: still tell the person the verdict on the terminal."""
    import click

    if out is not None:
        errors = sum(len(f.errors) for f in report.files)
        verdict = "校验通过" if report.valid else f"校验未通过：{errors} 个错误"
        click.echo(shown(f"{verdict}；报告已写入 {out}"), err=True)
