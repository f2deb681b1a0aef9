"""What ``infostd validate`` does between parsing arguments and exiting."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ..errors import InfostdError
from ..formats import parse_date
from ..model import Catalog
from ..textsafe import shown
from .api import validate_tables, with_published_lists
from .readers import read_table
from .reports import deliver, say_verdict

LARGE = 50_000  # rows; above this the text report shows a progress bar


def run_validate(
    catalog: Catalog,
    files: list[Path],
    record: str | None,
    fmt: str,
    out: Path | None,
    lang: str,
    emit: Path | None,
    references: list[Path] | None = None,
    as_of: str | None = None,
) -> int:
    """Validate, write the report, return the exit code (0 valid, 1 invalid)."""
    resolved = {p.resolve() for p in [*files, *(references or [])]}
    for target in (out, emit):
        if target is not None and target.resolve() in resolved:
            raise InfostdError(f"{target}：报告不能写到输入文件上")
    if fmt == "xlsx" and out is None:
        raise InfostdError("--format xlsx 需要用 -o 指定报告文件（.xlsx）")
    if fmt == "xlsx" and out is not None and out.suffix.lower() != ".xlsx":
        raise InfostdError(f"{out}：--format xlsx 的报告文件应以 .xlsx 结尾")
    if emit is not None and emit.suffix.lower() not in (".jsonl", ".csv"):
        raise InfostdError(f"{emit}：--emit 只支持 .jsonl 或 .csv")
    catalog, reference_files = with_published_lists(catalog, references or [])
    tables = [read_table(catalog, p, record) for p in files]
    refs = [read_table(catalog, p) for p in reference_files]
    if emit is not None:
        from .emit import check_target

        check_target(tables, emit)
    report = validate_tables(
        catalog, tables, lang=lang, progress=_progress(fmt, out), references=refs, as_of=as_of
    )

    def annotated(path: Path) -> None:
        from .annotate import write_annotated

        write_annotated(catalog, tables, report, path, lang)

    deliver(report, fmt, out, lang, annotated)
    if emit is not None:
        from .emit import write_clean

        _, risky = write_clean(catalog, tables, report, emit)
        if risky:
            click.echo(shown(
                f"注意：{emit} 中字段 {'、'.join(risky)} 有以 = + - @ 开头的文本，已原样写出供程序导入；"
                "用 Excel 等电子表格打开时可能被当作公式执行，请勿直接打开"
            ), err=True)  # fmt: skip
    say_verdict(report, out)
    return report.exit_code


def check_as_of(text: str | None) -> str | None:
    """``--as-of``: a real date written YYYY-MM-DD (exit 2 otherwise)."""
    if text is None:
        return None
    if parse_date(text.strip()) is None:
        raise InfostdError(
            f"--as-of：“{shown(text)}”不是有效日期，请写成 YYYY-MM-DD，如 2026-01-31"
        )
    return text.strip()


def _progress(fmt: str, out: Path | None):
    """A rich progress line on stderr for large inputs (only on a terminal)."""
    if not sys.stderr.isatty():
        return None
    from rich.console import Console

    console = Console(stderr=True)
    state = {"status": None}

    def report(path: str, done: int, total: int | None) -> None:
        if done < LARGE:
            return
        if state["status"] is None:
            state["status"] = console.status("")
            state["status"].start()
        state["status"].update(f"校验 {path}：已处理 {done:,} 行")

    return report
