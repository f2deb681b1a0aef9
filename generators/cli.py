"""The command line: a thin layer that parses arguments, calls the library and
maps errors to exit codes (DESIGN §4). No logic lives here."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from . import schemas as schema_export
from .config import Config, load_config
from .errors import InfostdError, ProblemsError
from .loader import load_catalog
from .model import Catalog, display_path

INTERNAL_ERROR = 70


class _Group(click.Group):
    """Turns our errors into one line each and an exit code; a traceback is a bug."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except ProblemsError as exc:
            for problem in exc.problems:
                click.echo(str(problem), err=True)
            click.echo(f"共 {len(exc.problems)} 个问题。", err=True)
            ctx.exit(exc.exit_code)
        except InfostdError as exc:
            click.echo(f"错误：{exc}", err=True)
            ctx.exit(exc.exit_code)
        except (click.exceptions.Exit, click.ClickException, click.Abort):
            raise
        except KeyboardInterrupt:
            click.echo("已中断。", err=True)
            ctx.exit(130)
        except Exception as exc:  # noqa: BLE001 - last line of defence, see docstring
            if os.environ.get("INFOSTD_DEBUG"):
                raise
            click.echo(f"内部错误（请报告）：{type(exc).__name__}: {exc}", err=True)
            ctx.exit(INTERNAL_ERROR)


def config_of(ctx: click.Context) -> Config:
    return ctx.find_root().obj


def catalog_of(ctx: click.Context) -> Catalog:
    return load_catalog(config=config_of(ctx))


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--root",
    type=click.Path(file_okay=False, path_type=Path),
    help="项目根目录（含 pyproject.toml）；默认从当前目录向上查找。",
)
@click.version_option(package_name="infostd")
@click.pass_context
def cli(ctx: click.Context, root: Path | None) -> None:
    """infostd：企业信息管理标准工具。"""
    ctx.obj = load_config(root)


@cli.command()
@click.pass_context
def check(ctx: click.Context) -> None:
    """检查全部标准：schema、词汇、引用、代码表、示例、前置信息。"""
    catalog = catalog_of(ctx)
    records, codelists = len(catalog.records), len(catalog.codelists)
    click.echo(
        f"检查通过：{len(catalog.standards)} 个标准，{records} 个记录，{codelists} 个代码表。"
    )


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


def main() -> None:
    cli(prog_name="infostd")


if __name__ == "__main__":
    sys.exit(main())
