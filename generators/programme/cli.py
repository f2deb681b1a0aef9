"""``infostd metrics`` (where each goal stands) and ``infostd metrics record`` (append a
run's figures to the history). Attached in ``cli.py``; logic lives in the modules."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import click

from ..clikit import _Group, catalog_of, config_of
from ..errors import InfostdError
from ..model import Catalog, display_path
from .data import load_programme
from .goals import Standing, goals, standing
from .history import append, month_file
from .metrics import Figure, audit_figures, programme_figures, run_figures
from .report import current_figures, scope_text, shown, source_of, sources


def parse_day(text: str | None) -> dt.date:
    if not text:
        return dt.date.today()
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise InfostdError(f"--date {text!r} 不是日期（应为 YYYY-MM-DD，如 2026-09-30）") from None


def department_code(catalog: Catalog, text: str) -> str:
    codes = catalog.codelists["department-code"]
    code = codes.normalise(text)
    if code is None or code not in codes.codes:
        known = "、".join(codes.label(c) for c in codes.codes)
        raise InfostdError(f"--department {text!r} 不是部门代码（可选：{known}）")
    return code


@click.group(name="metrics", cls=_Group, invoke_without_command=True)
@click.option("--date", "day_text", help="按哪一天计算（YYYY-MM-DD，默认今天）。")
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", help="输出格式。"
)
@click.pass_context
def metrics(ctx: click.Context, day_text: str | None, fmt: str) -> None:
    """质量指标：列出每个目标的当前值与达成情况；record 子命令记录一次运行的指标。"""
    if ctx.invoked_subcommand is not None:
        return
    catalog, config = catalog_of(ctx), config_of(ctx)
    day = parse_day(day_text)
    programme = load_programme(catalog, config)
    figures = current_figures(catalog, config, programme, day)
    standings = [standing(g, figures, day) for g in goals(programme)]
    if fmt == "json":
        click.echo(
            json.dumps([_as_dict(catalog, s) for s in standings], ensure_ascii=False, indent=2)
        )
        return
    if not standings:
        click.echo(f"{display_path(config.programme)} 中没有登记目标。")
        return
    for s in standings:
        click.echo(_line(catalog, s))
    if programme.example:
        click.echo("注意：programme/ 中仍是随仓库分发的示例数据，请替换为本公司数据。")


def _as_dict(catalog: Catalog, s: Standing) -> dict:
    g = s.goal
    return {
        "goal": g.id,
        "title": g.title,
        "metric": g.metric,
        "scope": scope_text(catalog, g.department, g.record),
        "direction": g.direction,
        "target": g.target,
        "deadline": g.deadline.isoformat(),
        "value": None if s.current is None else s.current.value,
        "numerator": None if s.current is None else s.current.numerator,
        "denominator": None if s.current is None else s.current.denominator,
        "measured_on": None if s.current is None else s.current.measured_on,
        "state": s.state,
        "series": [{"date": d, "value": v} for d, v in s.series],
    }


def _line(catalog: Catalog, s: Standing) -> str:
    g = s.goal
    head = f"{g.id} {g.title}\n  {g.metric}（{scope_text(catalog, g.department, g.record)}）"
    target = f"目标 {g.direction} {shown(g.metric, g.target)}，截止 {g.deadline}"
    if s.current is None or s.current.value is None:
        return f"{head}：无数据；{target} —— {s.state}"
    c = s.current
    basis = f"{c.numerator}/{c.denominator}，{c.measured_on}"
    return f"{head}：{shown(g.metric, c.value)}（{basis}）；{target} —— {s.state}"


@metrics.command(name="record")
@click.argument("files", nargs=-1, type=click.Path(path_type=Path))
@click.option("-d", "--department", help="数据所属部门（代码或名称，如 XS01 或 销售部）。")
@click.option("--record", help="记录键（无法从文件推断时指定），如 customer。")
@click.option("--date", "day_text", help="测量日期（YYYY-MM-DD，默认今天）。")
@click.option(
    "--mapping",
    "mapping_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="文件是部门原有台账：按核对过的映射文件（infostd audit --mapping 生成）诊断后计算。",
)
@click.pass_context
def record_command(
    ctx: click.Context,
    files: tuple[Path, ...],
    department: str | None,
    record: str | None,
    day_text: str | None,
    mapping_path: Path | None,
) -> None:
    """校验一个部门提交的数据文件，计算完整性、有效性、唯一性、及时性，连同台账清单、
    问题与反馈、培训记录得出的指标，写入 programme/metrics/<年-月>.csv。"""
    from ..validate.api import validate_tables
    from ..validate.readers import read_table

    catalog, config = catalog_of(ctx), config_of(ctx)
    day = parse_day(day_text)
    programme = load_programme(catalog, config)
    figures: list[Figure] = []
    code = department_code(catalog, department) if department else None
    if files:
        if code is None:
            raise InfostdError("给出数据文件时必须用 --department 指明所属部门")
        if mapping_path is not None:
            figures += _audited(catalog, files, mapping_path, record, code, day, source_of(config))
        else:
            tables = [read_table(catalog, path, record) for path in files]
            report = validate_tables(catalog, tables)
            figures += run_figures(catalog, tables, report.files, code, day, source_of(config))
    figures += programme_figures(programme, day, sources(config, programme))
    if not figures:
        raise InfostdError(
            "没有可记录的指标：未给出数据文件，programme/ 中也没有台账清单、问题或培训记录"
        )
    path = month_file(config, day)
    append(catalog, path, figures)
    for f in figures:
        click.echo(
            f"{f.measured_on} {scope_text(catalog, f.department, f.record)} {f.metric}："
            f"{shown(f.metric, f.value)}（{f.numerator}/{f.denominator}）"
        )
    click.echo(f"已写入 {len(figures)} 项指标到 {display_path(path)}。")


def _audited(catalog, files, mapping_path: Path, record, department, day, source) -> list[Figure]:
    """Figures of legacy ledgers through ``infostd audit`` with a reviewed mapping file."""
    from ..audit import audit as run_audit
    from ..audit.mapping import load_mappings

    if not mapping_path.is_file():
        raise InfostdError(
            f"映射文件 {display_path(mapping_path)} 不存在：先运行 infostd audit 台账 --mapping 文件 生成并核对"
        )
    result = run_audit(
        catalog, list(files), record=record, mappings=load_mappings(catalog, mapping_path)
    )
    return audit_figures(result.ledgers, department, day, source)
