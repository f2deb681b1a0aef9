"""The command line: a thin layer that parses arguments, calls the library and
maps errors to exit codes (DESIGN §4). No logic lives here."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from . import schemas as schema_export
from .clikit import (  # noqa: F401 - re-exported for command modules
    INTERNAL_ERROR,
    SIGPIPE_EXIT,
    _Command,
    _Group,
    catalog_of,
    config_of,
    quiet_stdout,
)
from .config import load_config
from .errors import InfostdError
from .model import display_path
from .release import codeowners, gitlab
from .release import records as release_records
from .textsafe import shown


def _show_version(ctx: click.Context) -> None:
    """The standards' release version (from the committed release record) and the tool's."""
    from importlib.metadata import version as package_version

    from .config import find_root
    from .version import project_version

    given = ctx.params.get("root")
    root = Path(given).resolve() if given else find_root(Path.cwd())
    click.echo(f"infostd {project_version(root)}（工具 {package_version('infostd')}）")
    ctx.exit(0)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--root",
    is_eager=True,  # so that `--root DIR --version` shows that project's version
    type=click.Path(file_okay=False, path_type=Path),
    help="项目根目录（含 pyproject.toml）；默认从当前目录向上查找。",
)
@click.option(
    "--version",
    is_flag=True,
    expose_value=False,
    is_eager=True,
    callback=lambda ctx, _param, value: _show_version(ctx) if value else None,
    help="显示标准库的发布版本（与工具版本）并退出。",
)
@click.pass_context
def cli(ctx: click.Context, root: Path | None) -> None:
    """infostd：企业信息管理标准工具。"""
    ctx.obj = load_config(root)


@cli.command()
@click.pass_context
def check(ctx: click.Context) -> None:
    """检查全部标准：schema、词汇、引用、代码表、示例、前置信息。"""
    from . import codesafety, tables
    from .programme.data import load_programme

    catalog = catalog_of(ctx)
    codeowners.check(catalog, config_of(ctx))
    releases = release_records.check(catalog, config_of(ctx))
    codesafety.check(catalog, config_of(ctx), warn=lambda text: click.echo(text, err=True))
    tables.check(catalog)  # tables of standards/code lists in prose pages are generated
    programme = load_programme(catalog, config_of(ctx))
    records, codelists = len(catalog.records), len(catalog.codelists)
    click.echo(
        f"检查通过：{len(catalog.standards)} 个标准，{records} 个记录，{codelists} 个代码表。"
    )
    if programme.sheets:
        rows = sum(len(s.rows) for s in programme.sheets)
        click.echo(f"实施记录：{len(programme.sheets)} 个文件，{rows} 行。")
    if releases.enabled:
        latest = releases.latest.version.tag if releases.latest else "尚无"
        pending = "、".join(cr.id for cr in releases.open_requests) or "无"
        click.echo(f"发布记录：最新发布 {latest}；待发布的变更申请：{pending}。")


@cli.command()
@click.option(
    "--check", "check_only", is_flag=True, help="只检查 schemas/ 是否与标准一致，不写文件。"
)
@click.option(
    "-o",
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    help="输出目录（默认 schemas/）。",
)
@click.pass_context
def schemas(ctx: click.Context, check_only: bool, out: Path | None) -> None:
    """从标准导出 JSON Schema 文件到 schemas/。"""
    catalog = catalog_of(ctx)
    out_dir = out or config_of(ctx).schemas
    if check_only:
        stale = schema_export.stale_files(catalog, out_dir)
        for name in stale:
            click.echo(f"{display_path(out_dir / name)}: 与标准不一致", err=True)
        if stale:
            click.echo("请运行：infostd schemas", err=True)
            ctx.exit(1)
        click.echo(f"{display_path(out_dir)} 与标准一致（{len(catalog.schemas)} 个文件）。")
        return
    written = schema_export.generate(catalog, out_dir)
    click.echo(f"已写入 {len(written)} 个 schema 到 {display_path(out_dir)}。")


@cli.command()
@click.option(
    "-o", "--out", type=click.Path(file_okay=False, path_type=Path), help="输出目录（默认 site/）。"
)
@click.pass_context
def build(ctx: click.Context, out: Path | None) -> None:
    """构建门户及全部下载物（schema、模板、校验代码、SHA256SUMS）。"""
    from .build import build as build_site

    config = config_of(ctx)
    site = build_site(catalog_of(ctx), config, out or config.root / "site", report=click.echo)
    click.echo(f"构建完成：{display_path(site)}")


@cli.command()
@click.argument("files", nargs=-1, type=click.Path(path_type=Path))
@click.option("--record", help="记录类型（无法从文件推断时指定），如 customer。")
@click.option(
    "--db", help="就地校验数据库中的表：duckdb:///文件.duckdb 或 postgresql://…（需 --table）。"
)
@click.option("--table", help="要校验的表（可写 模式.表）；--engine spark 时为 Spark 表。")
@click.option(
    "--engine",
    type=click.Choice(["auto", "duckdb", "spark"]),
    default="auto",
    show_default=True,
    help="auto：本机校验器；duckdb：用 DuckDB 就地校验 Parquet/CSV/JSON；spark：用 Spark 校验 Parquet 或表。",
)
@click.option(
    "--spark-master", help="Spark master（默认 local[2]）；设置 SPARK_REMOTE 则用 Spark Connect。"
)
@click.option(
    "--spark-warehouse",
    type=click.Path(file_okay=False, path_type=Path),
    help="Spark 本地仓库文件夹（Hive 表及其元数据）：--table 库.表 校验其中的表。",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "xlsx"]),
    default="text",
    show_default=True,
    help="报告格式；xlsx 为带批注的副本（需 -o）。",
)
@click.option("-o", "--out", type=click.Path(dir_okay=False, path_type=Path), help="报告文件。")
@click.option(
    "--lang",
    type=click.Choice(["zh", "en"]),
    default="zh",
    show_default=True,
    help="报告语言：zh 中文，en 英文。",
)
@click.option(
    "--emit",
    type=click.Path(dir_okay=False, path_type=Path),
    help="把通过校验的行（已规范化）写入 .jsonl 或 .csv，供导入。",
)
@click.option(
    "-r",
    "--reference",
    "references",
    multiple=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="参照文件（如已登记的客户台账）：只用于检查编码是否存在，本身不报告；可多次指定。与 --db 同用时为同一数据库中的表名。"
    "也可给出门户发布的代码表（downloads/codelists/<键>.csv 或 .xlsx）：本次校验改用该代码表。",
)
@click.option(
    "--as-of",
    metavar="YYYY-MM-DD",
    help="校验日期（默认今天）：撤销日期在此之前的代码报错，之后撤销的代码警告；"
    "校验历史数据或重现某次结果时指定。",
)
@click.pass_context
def validate(
    ctx: click.Context,
    files: tuple[Path, ...],
    record: str | None,
    fmt: str,
    out: Path | None,
    lang: str,
    emit: Path | None,
    references: tuple[Path, ...],
    db: str | None,
    table: str | None,
    engine: str,
    spark_master: str | None,
    as_of: str | None,
    spark_warehouse: Path | None,
) -> None:
    """校验填写好的台账（xlsx、CSV、JSON、JSON Lines），或就地校验数据库中的表：0 通过，1 数据有误，2 输入不可用。"""
    from .validate.cli import check_as_of, run_validate

    as_of = check_as_of(as_of)
    catalog = catalog_of(ctx)
    if spark_warehouse is not None and engine != "spark":
        raise InfostdError("--spark-warehouse 只用于 --engine spark")
    if db is not None or engine != "auto":
        from .sql.cli import run_in_place

        ctx.exit(
            run_in_place(
                catalog,
                list(files),
                record,
                fmt,
                out,
                lang,
                db,
                table,
                engine,
                spark_master,
                references,
                as_of=as_of,
                spark_warehouse=spark_warehouse,
            )
        )
    if not files:
        raise InfostdError("请给出要校验的文件，或用 --db 指定数据库")
    code = run_validate(catalog, list(files), record, fmt, out, lang, emit, list(references), as_of)
    ctx.exit(code)


@cli.command()
@click.argument("key")
@click.option(
    "-o",
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    help="输出的 .xlsx 文件（默认 <键>.xlsx，位于当前目录）。",
)
@click.pass_context
def template(ctx: click.Context, key: str, out: Path | None) -> None:
    """生成记录 KEY 的 Excel 录入模板（下拉列表、单元格校验、填写说明）。"""
    from .excel import write_template
    from .version import project_version

    config = config_of(ctx)
    path = write_template(
        catalog_of(ctx), key, out or Path(f"{key}.xlsx"), project_version(config.root)
    )
    click.echo(f"已写入模板：{display_path(path)}")


@cli.command()
@click.argument("old_ref", required=False)
@click.argument("new_ref", required=False)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "markdown", "html"]),
    default="text",
    show_default=True,
    help="输出格式；markdown 适合 CI 作业摘要，html 为评审用的修改前后对照。",
)
@click.option(
    "--fail-on",
    type=click.Choice(["major", "minor", "patch"]),
    help="所需版本级别达到该级别时退出码为 1（CI 门禁）。",
)
@click.pass_context
def diff(
    ctx: click.Context, old_ref: str | None, new_ref: str | None, fmt: str, fail_on: str | None
) -> None:
    """比较两个版本的标准并给出所需的版本级别（默认：上一个发布 → 工作区；尚无发布时
    与目标分支 main 比较）。--format html 逐个标准给出修改前后的对照，供评审。"""
    from . import release as release_lib
    from .release.diff import at_least
    from .release.report import FORMATS

    config = config_of(ctx)
    old_ref = old_ref or release_lib.review_base(config)
    result = release_lib.compare(config, old_ref, new_ref)
    click.echo(shown(FORMATS[fmt](result), lines=True))
    if fail_on and at_least(result.bump, fail_on):
        ctx.exit(1)


def _iso_date(_ctx: click.Context, param: click.Parameter, value: str | None):
    """A date option in Chinese: ``--effective 2027-13-01`` is a clear error (exit 2)."""
    import datetime as dt

    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise InfostdError(f"--{param.name}：{value} 不是有效日期（应为 YYYY-MM-DD）") from None


@cli.command()
@click.option(
    "--dry-run", is_flag=True, help="只显示下一个版本号与变更日志，不写文件、不提交、不打标签。"
)
@click.option("--summary", default="", help="委员会的发布说明（写在变更日志本节开头）。")
@click.option(
    "--summary-file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="从文件读取发布说明（如合并请求的正文）。",
)
@click.option("--date", "date", callback=_iso_date, help="发布日期 YYYY-MM-DD（默认今天）。")
@click.option(
    "--effective",
    callback=_iso_date,
    help="实施日期 YYYY-MM-DD（默认：发布日期；主版本变更为发布日期加通知期）。",
)
@click.option("--document", default="", help="发布通知的文号，如 信管发〔2026〕1号。")
@click.option("--title", default="", help="发布通知的标题（默认按版本号生成）。")
@click.pass_context
def release(
    ctx: click.Context,
    dry_run: bool,
    summary: str,
    summary_file: Path | None,
    date,
    effective,
    document: str,
    title: str,
) -> None:
    """发布：检查通过且工作区干净、所需批准齐全时，确定版本号与各标准版次，写发布记录与
    CHANGELOG.md，提交并打附注标签。"""
    from . import release as release_lib

    config = config_of(ctx)
    if summary_file is not None:
        summary = "\n\n".join(p for p in (summary, summary_file.read_text(encoding="utf-8")) if p)
    try:
        release_lib.ensure_clean(config.root)
    except release_lib.ReleaseRefused:
        if not dry_run:
            raise
        click.echo("注意：工作区有未提交的修改，预览包含这些修改；正式发布会拒绝。", err=True)
    ctx.invoke(check)  # exactly `infostd check`: a failing check stops the release
    catalog = catalog_of(ctx)
    plan = release_lib.plan_release(
        config,
        catalog,
        summary.strip(),
        date,
        effective,
        document.strip(),
        title.strip(),
    )
    since = plan.previous.tag if plan.previous else "（尚无发布）"
    if not plan.needed:
        click.echo(f"标准自 {since} 以来没有变化，无需发布。")
        return
    click.echo(f"{since} → {plan.version.tag}（{plan.comparison.bump}）")
    if plan.record is not None:
        from .release.editions import describe_plan

        click.echo(describe_plan(plan.record, plan.missing or []))
    if dry_run:
        click.echo("\n" + shown(plan.section, lines=True))
        click.echo("\n（预览：未写入、未提交、未打标签）")
        if plan.missing:
            ctx.exit(1)
        return
    release_lib.apply_release(config, plan)
    click.echo(
        f"已发布 {plan.version.tag}：发布记录与 CHANGELOG.md 已提交，附注标签已创建（尚未推送）。"
    )


@cli.command(name="codeowners")
@click.option(
    "--check", "check_only", is_flag=True, help="只检查 .github/CODEOWNERS 是否与标准一致。"
)
@click.pass_context
def codeowners_command(ctx: click.Context, check_only: bool) -> None:
    """由各标准的 owner / reviewers 生成 .github/CODEOWNERS 与 .gitlab/CODEOWNERS（部门→团队见 [tool.infostd.teams]）。"""
    config = config_of(ctx)
    if not codeowners.enabled(config):
        raise InfostdError("pyproject.toml 中没有 [tool.infostd.teams]（部门代码 → 评审团队）")
    catalog = catalog_of(ctx)
    if check_only:
        codeowners.check(catalog, config)
        click.echo(
            f"{display_path(codeowners.target(config))} 与 {display_path(gitlab.target(config))}"
            " 与标准一致。"
        )
        return
    path = codeowners.write(catalog, config)
    click.echo(f"已写入 {display_path(path)} 与 {display_path(gitlab.target(config))}。")


def _progress_bar():
    """A rich progress bar on stderr for large ledgers; nothing when not a terminal."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    console = Console(stderr=True)
    bar = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        console=console,
        transient=True,
        disable=not console.is_terminal,
    )
    tasks: dict[str, object] = {}

    def update(name: str, done: int, total: int) -> None:
        if name not in tasks:
            tasks[name] = bar.add_task(name, total=total)
        bar.update(tasks[name], completed=done)

    return bar, update


@cli.command()
@click.argument("ledgers", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--record", help="台账对应的标准记录键（默认按表头和取值自动判断）。")
@click.option(
    "--mapping",
    "mapping_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="映射文件（YAML）：存在则按其映射；不存在则把自动提议的映射写入该文件供核对。",
)
@click.option(
    "-o",
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    help="报告文件：.html、.xlsx 或 .json。",
)
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", help="终端输出格式。"
)
@click.pass_context
def audit(
    ctx: click.Context,
    ledgers: tuple[Path, ...],
    record: str | None,
    mapping_path: Path | None,
    out: Path | None,
    fmt: str,
) -> None:
    """现状诊断：把各部门台账对照标准，提议映射，统计符合度，找出跨台账不一致。"""
    from .audit import audit as run_audit
    from .audit.mapping import dump_mappings, load_mappings
    from .audit.report import render_json, render_text, write_report
    from .fsutil import atomic_write_text

    catalog = catalog_of(ctx)
    reuse = mapping_path is not None and mapping_path.exists()
    mappings = load_mappings(catalog, mapping_path) if reuse else None
    bar, update = _progress_bar()
    with bar:
        result = run_audit(
            catalog, list(ledgers), record=record, mappings=mappings, progress=update
        )
    if out is not None:
        write_report(result, out)
    click.echo(render_json(result) if fmt == "json" else render_text(result), nl=False)
    if mapping_path is not None and not reuse:
        atomic_write_text(mapping_path, dump_mappings(result.mappings))
        click.echo(
            shown(f"已写入映射文件 {display_path(mapping_path)}，请核对后用 --mapping 复用。"),
            err=True,
        )
    if out is not None:
        click.echo(shown(f"已写入报告 {display_path(out)}"), err=True)


@cli.command()
@click.argument("ledger", type=click.Path(path_type=Path))
@click.option(
    "--mapping",
    "mapping_path",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="核对过的映射文件（由 infostd audit --mapping 生成）。",
)
@click.option(
    "-o",
    "--out",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="输出 .xlsx。",
)
@click.pass_context
def migrate(ctx: click.Context, ledger: Path, mapping_path: Path, out: Path) -> None:
    """按映射把台账迁移为标准模板，并校验；不能迁移的行逐行列出。"""
    from .audit.mapping import load_mappings
    from .audit.migrate import migrate as run_migrate

    catalog = catalog_of(ctx)
    from .version import project_version

    version = project_version(config_of(ctx).root)
    result = run_migrate(catalog, ledger, load_mappings(catalog, mapping_path), out, version)
    for name, row, why in result.skipped:
        click.echo(shown(f"{name} 第 {row} 行：{why}，未迁移"))
    for note in result.notes:
        click.echo(shown(f"注意：{note}"))
    for p in result.problems:
        click.echo(shown(f"{p.ledger} 第 {p.ledger_row} 行（输出第 {p.out_row} 行）：{p.message}"))
    rows = len(result.problem_rows)
    click.echo(
        shown(f"已写入 {display_path(out)}：{result.record}，{result.written} 行")
        + (f"，其中 {rows} 行需修改（见上）。" if rows else "，全部通过校验。")
    )
    if rows:
        ctx.exit(1)


# Command groups in their own modules (imported last: they use the classes above).
from .programme.cli import metrics  # noqa: E402

cli.add_command(metrics)

from .edit_cli import COMMANDS as EDIT_COMMANDS  # noqa: E402

for _command in EDIT_COMMANDS:  # new, add-code, deprecate, prepare (edit_cli.py)
    cli.add_command(_command)

from .sql.cli import sql_group  # noqa: E402

cli.add_command(sql_group)

from .sheet.cli import sheet_group  # noqa: E402

cli.add_command(sheet_group)


def main() -> None:
    try:
        cli(prog_name="infostd")
    except BrokenPipeError:  # output flushed after the command into a closed pipe
        quiet_stdout()
        sys.exit(SIGPIPE_EXIT)


if __name__ == "__main__":
    sys.exit(main())
