"""Commands for editing standards: ``new``, ``add-code``, ``deprecate`` and ``prepare``.

Attached to the main group in ``cli.py``; the work is in ``authoring.py`` (edits) and
``release`` (the bump against the base branch)."""

from __future__ import annotations

from pathlib import Path

import click

from . import authoring
from .clikit import _Command, catalog_of, config_of
from .model import display_path


@click.command(name="new", cls=_Command)
@click.argument("kind", type=click.Choice(list(authoring.KIND_FOLDERS)))
@click.argument("key")
@click.option("--title", required=True, help="标准名称，如 项目信息数据标准。")
@click.option("--owner", required=True, help="归口部门代码，如 XX01。")
@click.option("--category", required=True, help="信息分类代码，如 02.01。")
@click.option("--reviewer", "reviewers", multiple=True, help="评审部门代码，可重复。")
@click.option("--rule-prefix", default="", help="要求和规则编号的前缀，如 XM（默认取键的首字母）。")
@click.pass_context
def new(
    ctx: click.Context,
    kind: str,
    key: str,
    title: str,
    owner: str,
    category: str,
    reviewers: tuple[str, ...],
    rule_prefix: str,
) -> None:
    """新建标准 KIND（record 数据标准、codelist 代码表、policy 管理制度），键为 KEY。

    生成前置信息、该类标准应有的章节和能通过 infostd check 的 schema 块（状态为草案）。"""
    config = config_of(ctx)
    prefix = (rule_prefix or key.replace("-", "")[:2]).upper()
    missing: list[str] = []
    path = authoring.new_standard(
        config,
        catalog_of(ctx),
        kind,
        key,
        title,
        owner,
        category,
        list(reviewers),
        prefix,
        on_team_missing=missing.append,
    )
    click.echo(f"已新建{authoring.KIND_NAMES[kind]}：{display_path(path)}（草案，schema 通过检查）")
    for code in missing:
        click.echo(
            f"注意：部门 {code} 还没有评审团队。请在 pyproject.toml 的 [tool.infostd.teams] "
            f'中加一行 {code} = "@组织/团队"，再运行 infostd prepare 更新 CODEOWNERS。',
            err=True,
        )
    click.echo("下一步：补全各章的“（待填写）”，然后运行 infostd prepare（更新 CODEOWNERS 等）。")


@click.command(name="add-code", cls=_Command)
@click.argument("codelist")
@click.option("--title", required=True, help="代码的名称，如 西南销售分部。")
@click.option("--code", help="代码；不写则按编码规则提议下一个空闲代码。")
@click.option("--prefix", default="", help="提议代码时的前缀，如 XS。")
@click.option("--parent", help="上级代码（x-parent），如 XS01。")
@click.option("--description", default="", help="说明。")
@click.pass_context
def add_code(
    ctx: click.Context,
    codelist: str,
    title: str,
    code: str | None,
    prefix: str,
    parent: str | None,
    description: str,
) -> None:
    """在代码表 CODELIST 末尾新增一个代码（检查编码规则；不给代码时提议下一个空闲代码）。"""
    added, path = authoring.add_code(
        config_of(ctx), catalog_of(ctx), codelist, title, code, prefix, parent, description
    )
    click.echo(f"已在 {display_path(path)} 新增代码 {added} {title}（检查通过）。")


@click.command(cls=_Command)
@click.argument("codelist")
@click.argument("code")
@click.option("--note", default="", help="停用说明，写入该代码的说明，如“2026 年 3 月撤销”。")
@click.option(
    "--withdrawn",
    metavar="YYYY-MM-DD",
    help="撤销日期（该代码可以使用的最后一天）：此后使用该代码的数据校验报错。"
    "已停用的代码也可补写撤销日期。",
)
@click.pass_context
def deprecate(
    ctx: click.Context, codelist: str, code: str, note: str, withdrawn: str | None
) -> None:
    """停用代码表 CODELIST 中的代码 CODE：保留代码并标记停用，模板不再提供，不得再分配。"""
    path = authoring.deprecate_code(
        config_of(ctx), catalog_of(ctx), codelist, code, note, withdrawn
    )
    when = f"，{withdrawn} 撤销" if withdrawn else ""
    click.echo(f"已停用 {codelist} 中的代码 {code}{when}（{display_path(path)}，检查通过）。")


@click.command(cls=_Command)
@click.option("--base", help="比较的目标分支（默认 origin/main 或 main）。")
@click.option(
    "-o",
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    help="把合并请求说明写入该文件（默认显示在屏幕上）。",
)
@click.pass_context
def prepare(ctx: click.Context, base: str | None, out: Path | None) -> None:
    """提交前的准备：重新生成 schemas/ 和 CODEOWNERS，运行检查，给出相对目标分支的版本级别，
    并起草中文的合并请求说明。"""
    from . import release, tables
    from . import schemas as schema_export
    from .cli import check
    from .fsutil import atomic_write_text
    from .release import codeowners, git
    from .release.mr import merge_request_text

    config = config_of(ctx)
    catalog = catalog_of(ctx)
    for path in tables.write_all(catalog):
        click.echo(f"0. 已更新 {display_path(path)} 中自动生成的表格。")
    written = schema_export.generate(catalog, config.schemas)
    click.echo(f"1. 已重新生成 {len(written)} 个 schema（{display_path(config.schemas)}）。")
    if codeowners.enabled(config):
        click.echo(f"2. 已更新 {display_path(codeowners.write(catalog, config))}。")
    else:
        click.echo("2. 未配置评审团队（[tool.infostd.teams]），跳过 CODEOWNERS。")
    click.echo("3. 检查：")
    ctx.invoke(check)
    if base is None:
        base = git.base_branch(config.root)
    if base is None:
        raise authoring.AuthoringError("找不到目标分支（main）：请用 --base 指定")
    result = release.compare(config, base, new=catalog)
    text = merge_request_text(result, catalog, base)
    click.echo(f"4. 相对 {base}：需要 {result.bump}。合并请求说明：\n")
    if out is not None:
        atomic_write_text(out, text)
        click.echo(f"已写入 {display_path(out)}。")
    else:
        click.echo(text)


COMMANDS = [new, add_code, deprecate, prepare]
