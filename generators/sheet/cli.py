"""``infostd sheet export|import``: the fields or codes of a standard edited in Excel.

Attached to the main group in ``cli.py``; the work is in ``export.py`` and ``importer.py``."""

from __future__ import annotations

from pathlib import Path

import click

from ..clikit import _Group, catalog_of, config_of
from ..model import display_path
from .export import schema_of, write_sheet
from .importer import import_sheet


@click.group(name="sheet", cls=_Group)
def sheet_group() -> None:
    """在 Excel 中编辑记录的字段或代码表的代码（export 导出，import 写回标准）。"""


@sheet_group.command(name="export")
@click.argument("key")
@click.option(
    "-o",
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    help="输出文件（默认 KEY.xlsx，在当前目录）。",
)
@click.pass_context
def export(ctx: click.Context, key: str, out: Path | None) -> None:
    """把记录 KEY 的字段（或代码表 KEY 的代码）导出为 Excel 表，带下拉列表。"""
    catalog = catalog_of(ctx)
    schema = schema_of(catalog, key)
    path = out or Path(f"{key}.xlsx")
    write_sheet(catalog, key, path)
    what = "字段" if schema.kind == "record" else "代码"
    click.echo(f"已导出“{schema.title}”的{what}：{display_path(path)}")
    click.echo(f"改完保存后运行：infostd sheet import {display_path(path)}")


@sheet_group.command(name="import")
@click.argument("file", type=click.Path(path_type=Path))  # said in Chinese by import_sheet
@click.option("--key", help="核对文件是否为这个记录或代码表的表（可选）。")
@click.pass_context
def import_(ctx: click.Context, file: Path, key: str | None) -> None:
    """把 sheet export 导出并修改过的 FILE 写回标准的 schema 块。

    写回前逐格检查，并按 infostd check 检查修改后的标准；有问题时逐条指出
    （工作表、行、列），标准文件不作任何改动。"""
    outcome = import_sheet(
        config_of(ctx), catalog_of(ctx), file, key, warn=lambda t: click.echo(t, err=True)
    )
    if not outcome.changed:
        click.echo(f"没有修改：{display_path(outcome.path)} 未改动。")
        return
    parts = [
        f"{label} {'、'.join(items)}"
        for label, items in (
            ("新增", outcome.added),
            ("删除", outcome.removed),
            ("修改", outcome.edited),
        )
        if items
    ]
    summary = "；".join(parts) or "顺序调整"
    click.echo(f"已写回 {display_path(outcome.path)}：{summary}。检查通过。")
    click.echo("下一步：infostd prepare（更新 schemas/ 并生成合并请求说明）。")
