"""``validate_paths``: files in, one ``Report`` out (foreign keys across the files)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..model import Catalog, display_path
from .cells import today
from .engine import (
    RecordContext,
    exempt_issues,
    foreign_key_issues,
    run_rows,
    target_columns,
    unchecked_foreign_keys,
)
from .issues import FileReport, Issue, Report
from .readers import InputError, Table, read_table, table_issues

Progress = Callable[[str, int, int | None], None]  # (path, rows done, rows total or None)


@dataclass
class TableResult:
    """What an engine found in one table, before foreign keys are resolved."""

    rows: int
    issues: list[Issue]
    fk_rows: list[tuple[int, dict[str, Any]]] = field(default_factory=list)
    own: dict[str, set] = field(default_factory=dict)  # ref field → values other tables may cite
    exempt: dict[str, int] = field(default_factory=dict)  # rule id → rows before its ``from``


def context(catalog: Catalog, table: Table, lang: str, as_of: str | None = None) -> RecordContext:
    schema = catalog.records[table.record]
    return RecordContext(catalog, schema, lang, table.sheet, table.column_of, as_of or today())


def python_engine(
    catalog: Catalog,
    table: Table,
    refs: set[str],
    lang: str,
    progress: Progress | None,
    as_of: str | None = None,
) -> TableResult:
    """The reference engine over a table's rows."""
    ctx = context(catalog, table, lang, as_of)
    counted = _count(table, progress)
    issues, fk_rows, own = run_rows(ctx, counted, refs)
    return TableResult(counted.count, issues, fk_rows, own, ctx.exempt)


class _count:
    """Iterates a table's rows, counting them and reporting progress."""

    def __init__(self, table: Table, progress: Progress | None):
        self.table, self.progress, self.count = table, progress, 0

    def __iter__(self):
        for item in self.table.rows:
            self.count += 1
            if self.progress and self.count % 10000 == 0:
                self.progress(str(self.table.path), self.count, None)
            yield item


def validate_table(
    catalog: Catalog,
    table: Table,
    refs: set[str] | None = None,
    lang: str = "zh",
    progress: Progress | None = None,
    engine: str = "auto",
    as_of: str | None = None,
) -> TableResult:
    if engine != "python":
        from polars.exceptions import PolarsError

        from .fast import NotFast, fast_engine, fast_supported

        if fast_supported(catalog, table):
            try:
                return fast_engine(catalog, table, refs or set(), lang, progress, as_of)
            except (NotFast, PolarsError):  # what polars reads otherwise, the reference decides
                if engine == "fast":
                    raise
        elif engine == "fast":
            raise NotFast(f"{table.kind} table of {table.record}: not for the fast path")
    return python_engine(catalog, table, refs or set(), lang, progress, as_of)


def with_published_lists(
    catalog: Catalog, references: Iterable[Path | str]
) -> tuple[Catalog, list[Path]]:
    """``--reference`` files that are code lists published by the portal
    (``downloads/codelists/<key>.csv|.xlsx``) replace the built-in list of that key for this
    run (a list newer than the installed standards: a department added or withdrawn since);
    the other files are returned to be read as reference tables."""
    from ..codelist_export import read_published

    lists, tables = {}, []
    for path in map(Path, references):
        published = read_published(catalog, path)
        if published is None:
            tables.append(path)
        elif published.key in lists:
            raise InputError(path, f"代码表 {published.key} 已由另一个参照文件给出")
        else:
            lists[published.key] = published
    return (catalog.with_codelists(lists) if lists else catalog), tables


def validate_paths(
    catalog: Catalog,
    paths: Iterable[Path | str],
    record: str | None = None,
    *,
    lang: str = "zh",
    progress: Progress | None = None,
    engine: str = "auto",
    references: Iterable[Path | str] = (),
    as_of: str | None = None,
) -> Report:
    """Validate each file; foreign keys are checked against the other files given
    and the ``references`` (files only looked up, not reported on).

    ``engine``: ``auto`` (column-wise fast path where possible), ``python`` (the
    reference engine only; same result, slower), ``fast`` (the fast path or an error,
    never the silent fallback: for tests and benchmarks). ``as_of`` (YYYY-MM-DD, default
    today): the date withdrawn codes are judged at."""
    catalog, reference_files = with_published_lists(catalog, references)
    tables = [read_table(catalog, p, record) for p in paths]
    refs = [read_table(catalog, p) for p in reference_files]
    return validate_tables(
        catalog, tables, lang=lang, progress=progress, engine=engine, references=refs,
        as_of=as_of,
    )  # fmt: skip


def validate_tables(
    catalog: Catalog,
    tables: list[Table],
    *,
    lang: str = "zh",
    progress: Progress | None = None,
    engine: str = "auto",
    references: Sequence[Table] = (),
    as_of: str | None = None,
) -> Report:
    """Validate ``tables`` together (foreign keys resolved across them and the
    ``references``); a foreign key whose target is in neither gets one warning."""
    as_of = as_of or today()
    wanted = target_columns(catalog, [t.record for t in tables])
    results = [
        validate_table(catalog, t, wanted.get(t.record, set()), lang, progress, engine, as_of)
        for t in tables
    ]
    for table, result in zip(tables, results, strict=True):
        if result.rows == 0:  # a header and nothing else: as unusable as an empty JSON array
            raise InputError(table.path, "文件中没有数据（0 行，只有表头）")
    targets: dict[str, set] = {}
    for table, result in zip(tables, results, strict=True):
        for ref, values in result.own.items():
            targets.setdefault(f"{table.record}.{ref}", set()).update(values)
    for ref_table in references:  # a reference row with an error of its own is not a target
        result = validate_table(
            catalog, ref_table, wanted.get(ref_table.record, set()), lang, None, engine, as_of
        )
        for ref, values in result.own.items():
            targets.setdefault(f"{ref_table.record}.{ref}", set()).update(values)
    files = []
    for table, result in zip(tables, results, strict=True):
        ctx = context(catalog, table, lang, as_of)
        issues = result.issues + foreign_key_issues(ctx, result.fk_rows, targets)
        issues += unchecked_foreign_keys(ctx, result.fk_rows, targets, table.header_row or None)
        issues += exempt_issues(ctx, result.exempt, table.header_row or None)
        issues.sort(key=ctx.sort_key)
        files.append(
            FileReport(
                path=display_path(table.path),
                record=table.record,
                template_version=table.template_version,
                rows=result.rows,
                issues=table_issues(catalog, table, lang) + issues,
                sheet=table.sheet,
            )
        )
    return Report(files)
