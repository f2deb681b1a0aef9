"""``infostd sql …`` and the in-place part of ``infostd validate`` (``--db``, ``--engine``)."""

from __future__ import annotations

from pathlib import Path

import click

from ..clikit import _Group
from ..errors import InfostdError
from ..fsutil import atomic_write_text
from ..model import Catalog, display_path
from ..validate.issues import Report
from ..version import project_version

DATA_SUFFIXES = (".parquet", ".csv", ".json", ".jsonl", ".ndjson")


@click.group(name="sql", cls=_Group)
def sql_group() -> None:
    """SQL：按标准建表（DDL），以及在数据库中就地校验（见 validate --db）。"""


@sql_group.command(name="ddl")
@click.argument("keys", nargs=-1)
@click.option(
    "--dialect",
    type=click.Choice(["postgres", "mysql", "duckdb", "spark"]),
    default="postgres",
    show_default=True,
    help="SQL 方言。",
)
@click.option("-o", "--out", type=click.Path(dir_okay=False, path_type=Path), help="写入文件。")
@click.pass_context
def ddl_command(ctx: click.Context, keys: tuple[str, ...], dialect: str, out: Path | None) -> None:
    """生成建表语句：类型、非空、CHECK 约束、主键/唯一、外键、代码表及其数据、中文注释。

    KEY 为记录键（如 customer）；不给则生成全部记录。外键指向的记录会一并生成。"""
    from ..checkplan import plan_for
    from ..clikit import catalog_of, config_of
    from .ddl import render_ddl

    catalog = catalog_of(ctx)
    for key in keys:
        if key not in catalog.records:
            raise InfostdError(f"没有记录“{key}”（可选：{'、'.join(catalog.records)}）")
    plan = plan_for(catalog, project_version(config_of(ctx).root))
    text = render_ddl(plan, list(keys), dialect)
    if out is None:
        click.echo(text, nl=False)
    else:
        atomic_write_text(out, text)
        click.echo(f"已写入 {display_path(out)}", err=True)


@sql_group.command(name="migrate")
@click.argument("old_ref", metavar="OLD")
@click.argument("args", nargs=-1, metavar="[NEW] [KEY]...")
@click.option(
    "--dialect",
    type=click.Choice(["postgres", "mysql", "duckdb"]),
    default="postgres",
    show_default=True,
    help="SQL 方言。",
)
@click.option("-o", "--out", type=click.Path(dir_okay=False, path_type=Path), help="写入文件。")
@click.option(
    "--allow-destructive", is_flag=True, help="允许删除表/列、收窄类型、删除代码等破坏性步骤。"
)
@click.pass_context
def migrate_command(
    ctx: click.Context,
    old_ref: str,
    args: tuple[str, ...],
    dialect: str,
    out: Path | None,
    allow_destructive: bool,
) -> None:
    """生成两个版本之间的表结构迁移脚本：sql migrate OLD [NEW] [KEY…]。

    OLD、NEW 为 git 引用（如标签 v1.0.0）；不给 NEW 则与工作区比较。
    KEY 为记录键，只迁移这些记录的表（及其外键指向的表）。
    删除表或列、收窄类型、删除代码、无默认值的新必填列是破坏性步骤：默认拒绝生成，确认后加 --allow-destructive。"""
    from .. import release as release_lib
    from ..clikit import catalog_of, config_of
    from ..release import git
    from .migrate import build_migration

    config = config_of(ctx)
    new_ref, keys = _ref_and_keys(ctx, args)
    for ref in (old_ref, new_ref):
        if ref is not None and git.resolve_or_none(config.root, ref) is None:
            raise InfostdError(f"找不到 git 引用“{ref}”（标签、分支或提交）")
    current = None if new_ref is not None else catalog_of(ctx)
    comparison = release_lib.compare(config, old_ref, new_ref, new=current)
    text = build_migration(comparison, keys, dialect, allow_destructive).render()
    if out is None:
        click.echo(text, nl=False)
    else:
        atomic_write_text(out, text)
        click.echo(f"已写入 {display_path(out)}", err=True)


def _ref_and_keys(ctx: click.Context, args: tuple[str, ...]) -> tuple[str | None, list[str]]:
    """After OLD: record keys are KEYs, the first other word is NEW (a git ref)."""
    from ..clikit import catalog_of

    records = set(catalog_of(ctx).records)
    refs = [a for a in args if a not in records]
    if len(refs) > 1:
        raise InfostdError(f"只能给出两个版本：“{refs[1]}”既不是第二个版本也不是记录键")
    return (refs[0] if refs else None), [a for a in args if a in records]


def generate(catalog: Catalog, config, out_dir: Path) -> list[Path]:
    """Build step: ``downloads/sql/<dialect>.sql`` for every dialect."""
    from ..checkplan import plan_for
    from .ddl import DIALECTS, render_ddl

    plan = plan_for(catalog, project_version(config.root))
    written = []
    for dialect in DIALECTS:
        path = out_dir / f"{dialect}.sql"
        atomic_write_text(path, render_ddl(plan, [], dialect))
        written.append(path)
    return written


def in_place_report(
    catalog: Catalog,
    *,
    db: str | None,
    table: str | None,
    files: list[Path],
    engine: str,
    record: str | None,
    lang: str,
    spark_master: str | None = None,
    spark_remote: str | None = None,
    references: list[str] | tuple[str, ...] = (),
    as_of: str | None = None,
    spark_warehouse: Path | None = None,
) -> Report:
    """Validation in place: a database table (``--db``/``--table``), a Spark catalog table
    (``--engine spark --table db.t``; with ``--spark-warehouse`` a Hive catalog kept in a
    folder) or files read by an engine (``--engine duckdb|spark``); foreign keys resolved
    across the files given and the references (files, or tables of the same database)."""
    from .engines import DuckDBEngine, SparkEngine, open_url, safe_url, table_ref
    from .inplace import Source, validate_sources

    version = ""
    if record is not None and record not in catalog.records:
        raise InfostdError(f"没有记录“{record}”（可选：{'、'.join(catalog.records)}）")
    if db is not None or (engine == "spark" and table):
        if not table:
            raise InfostdError("--db 需要 --table 指定要校验的表")
        key = record or table.split(".")[-1]
        if key not in catalog.records:
            raise InfostdError(
                f"表“{table}”对应哪个记录？请用 --record 指定（可选：{'、'.join(catalog.records)}）"
            )
        eng = (
            SparkEngine(spark_master, spark_remote, warehouse=spark_warehouse)
            if engine == "spark"
            else open_url(db or "")
        )
        where = f"{safe_url(db)}#" if db else "spark:"
        main = Source(eng, table_ref(table), where + table)
        refs = [
            (Source(eng, table_ref(t), where + t), _table_record(catalog, t)) for t in references
        ]
        refs += _sibling_tables(catalog, eng, table, key, {r for _, r in refs}, where)
        return Report(validate_sources(catalog, [(main, key)], refs, lang, version, as_of))
    eng = (
        SparkEngine(spark_master, spark_remote, warehouse=spark_warehouse)
        if engine == "spark"
        else DuckDBEngine()
    )
    given = _expand(files)
    sources = [_file_source(catalog, eng, p, i, record) for i, p in enumerate(given)]
    refs = [
        _file_source(catalog, eng, p, len(given) + i, None)
        for i, p in enumerate(_expand([Path(r) for r in references], "参照文件"))
    ]
    return Report(validate_sources(catalog, sources, refs, lang, version, as_of))


def _file_source(catalog: Catalog, eng, path: Path, index: int, record: str | None):
    from .inplace import Source

    relation, number = eng.file_view(path, index)
    key = record or _record_of(catalog, eng, relation, path)
    csv = path.suffix.lower() == ".csv"
    label = display_path(path)
    return Source(eng, relation, label, number, letters=csv, header_row=1 if csv else None), key


def _table_record(catalog: Catalog, table: str) -> str:
    key = table.split(".")[-1]
    if key not in catalog.records:
        raise InfostdError(f"参照表“{table}”的表名应为记录键（可选：{'、'.join(catalog.records)}）")
    return key


def _sibling_tables(catalog: Catalog, eng, table: str, key: str, given: set[str], where: str):
    """Target tables of the record's foreign keys not given with ``--reference``: the table
    named after the target record in the same schema, when the database has one."""
    from .engines import table_ref
    from .inplace import Source

    schema = table.split(".")[:-1]
    found = []
    for fk in catalog.records[key].foreign_keys:
        if fk.record == key or fk.record in given:
            continue
        name = ".".join([*schema, fk.record])
        if eng.has_table(table_ref(name)):
            found.append((Source(eng, table_ref(name), where + name), fk.record))
            given.add(fk.record)
    return found


def _expand(files: list[Path], what: str = "文件") -> list[Path]:
    """Folders → their data files, glob patterns → the files they match (sorted)."""
    out: list[Path] = []
    for p in files:
        if p.is_dir():
            found = sorted(q for q in p.iterdir() if q.suffix.lower() in DATA_SUFFIXES)
            if not found:
                raise InfostdError(f"{p}：文件夹中没有 .parquet、.csv、.json、.jsonl 文件")
            out += found
        elif not p.exists() and any(c in str(p) for c in "*?["):
            anchor = Path(p.anchor or ".")
            found = sorted(q for q in anchor.glob(str(p.relative_to(anchor))) if q.is_file())
            if not found:
                raise InfostdError(f"{p}：没有与之匹配的{what}")
            out += found
        else:
            out.append(p)
    if not out and what == "文件":
        raise InfostdError("请给出要校验的文件，或用 --db 指定数据库")
    return out


def _record_of(catalog: Catalog, eng, relation, path: Path) -> str:
    """The record whose fields the columns name (as the file validator infers it)."""
    from ..validate.readers import choose_record

    names = [c.name for c in eng.columns(relation) if not c.name.startswith("__infostd")]
    return choose_record(catalog, path, [names], None)[0]


def run_in_place(
    catalog: Catalog,
    files: list[Path],
    record: str | None,
    fmt: str,
    out: Path | None,
    lang: str,
    db: str | None,
    table: str | None,
    engine: str,
    spark_master: str | None,
    references: list[Path] | tuple[Path, ...] = (),
    as_of: str | None = None,
    spark_warehouse: Path | None = None,
) -> int:
    """``validate --db``/``--engine``: the same reports as the file validator."""
    import os

    from ..validate.reports import deliver, say_verdict

    if db is not None and files:
        raise InfostdError("--db 与文件不能同时给出")
    if fmt == "xlsx" and (out is None or out.suffix.lower() != ".xlsx"):
        raise InfostdError("--format xlsx 需要用 -o 指定以 .xlsx 结尾的报告文件")
    report = in_place_report(
        catalog, db=db, table=table, files=files, engine=engine, record=record, lang=lang,
        spark_master=spark_master, spark_remote=os.environ.get("SPARK_REMOTE"),
        references=[str(r) for r in references], as_of=as_of,
        spark_warehouse=spark_warehouse,
    )  # fmt: skip

    def issue_list(path: Path) -> None:
        from .xlsx import write_issue_list

        write_issue_list(report, path, lang)

    deliver(report, fmt, out, lang, issue_list)
    say_verdict(report, out)
    return report.exit_code
