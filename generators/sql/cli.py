"""``infostd sql …`` and the in-place part of ``infostd validate`` (``--db``, ``--engine``)."""

from __future__ import annotations

from pathlib import Path

import click

from ..clikit import _Group
from ..errors import InfostdError
from ..fsutil import atomic_write_text
from ..model import Catalog, display_path
from ..validate.issues import FileReport, Report
from ..version import project_version


@click.group(name="sql", cls=_Group)
def sql_group() -> None:
    """SQL：按标准建表（DDL），以及在数据库中就地校验（见 validate --db）。"""


@sql_group.command(name="ddl")
@click.argument("keys", nargs=-1)
@click.option(
    "--dialect",
    type=click.Choice(["postgres", "mysql", "duckdb"]),
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
    as_of: str | None = None,
) -> Report:
    """Validation in place: a database table (``--db``/``--table``) or files read by an
    engine (``--engine duckdb|spark``)."""
    from .engines import DuckDBEngine, SparkEngine, open_url, safe_url, table_ref
    from .inplace import Source, validate_source

    version = ""
    if record is not None and record not in catalog.records:
        raise InfostdError(f"没有记录“{record}”（可选：{'、'.join(catalog.records)}）")
    reports: list[FileReport] = []
    if db is not None or (engine == "spark" and table):
        if not table:
            raise InfostdError("--db 需要 --table 指定要校验的表")
        key = record or table.split(".")[-1]
        if key not in catalog.records:
            raise InfostdError(
                f"表“{table}”对应哪个记录？请用 --record 指定（可选：{'、'.join(catalog.records)}）"
            )
        eng = SparkEngine(spark_master, spark_remote) if engine == "spark" else open_url(db or "")
        label = f"{safe_url(db)}#{table}" if db else f"spark:{table}"
        src = Source(eng, table_ref(table), label)
        reports.append(validate_source(catalog, src, key, lang, version, as_of))
        return Report(reports)
    eng = SparkEngine(spark_master, spark_remote) if engine == "spark" else DuckDBEngine()
    for index, path in enumerate(_expand(files)):
        relation, number = eng.file_view(path, index)
        key = record or _record_of(catalog, eng, relation, path)
        src = Source(
            eng, relation, display_path(path), number, letters=path.suffix.lower() == ".csv"
        )
        reports.append(validate_source(catalog, src, key, lang, version, as_of))
    return Report(reports)


def _expand(files: list[Path]) -> list[Path]:
    out: list[Path] = []
    for p in files:
        if p.is_dir():
            found = sorted(
                q
                for q in p.iterdir()
                if q.suffix.lower() in (".parquet", ".csv", ".json", ".jsonl")
            )
            if not found:
                raise InfostdError(f"{p}：文件夹中没有 .parquet、.csv、.json、.jsonl 文件")
            out += found
        else:
            out.append(p)
    if not out:
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
    as_of: str | None = None,
) -> int:
    """``validate --db``/``--engine``: the same reports as the file validator."""
    import os

    from ..validate.reports import render_text, to_json, write_json, write_text

    if db is not None and files:
        raise InfostdError("--db 与文件不能同时给出")
    if fmt == "xlsx" and (out is None or out.suffix.lower() != ".xlsx"):
        raise InfostdError("--format xlsx 需要用 -o 指定以 .xlsx 结尾的报告文件")
    report = in_place_report(
        catalog, db=db, table=table, files=files, engine=engine, record=record, lang=lang,
        spark_master=spark_master, spark_remote=os.environ.get("SPARK_REMOTE"), as_of=as_of,
    )  # fmt: skip
    if fmt == "json":
        if out is None:
            click.echo(to_json(report), nl=False)
        else:
            write_json(report, out)
    elif fmt == "xlsx":
        from .xlsx import write_issue_list

        write_issue_list(report, out, lang)  # type: ignore[arg-type]
    else:
        from rich.console import Console

        if out is None:
            render_text(report, Console(), lang)
        else:
            write_text(report, out, lang)
    if out is not None:
        errors = sum(len(f.errors) for f in report.files)
        verdict = "校验通过" if report.valid else f"校验未通过：{errors} 个错误"
        click.echo(f"{verdict}；报告已写入 {out}", err=True)
    return report.exit_code
