"""The pieces every command module shares: Chinese help, error → exit code, the
project's config and catalog. Separate from ``cli.py`` so command groups in their own
modules (``programme/cli.py``, ``sql/cli.py``…) import it without importing ``cli``
(which imports them: ``python -m generators.cli`` would otherwise be circular)."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager

import click

from . import clickzh
from .config import Config
from .errors import InfostdError, ProblemsError
from .loader import load_catalog
from .model import Catalog
from .textsafe import shown

INTERNAL_ERROR = 70
clickzh.install()  # click's own usage errors in Chinese, before any command parses


class _ChineseHelp(click.HelpFormatter):
    """click's help headings in Chinese (its own texts are English)."""

    SECTIONS = {"Options": "选项", "Commands": "命令", "Arguments": "参数"}

    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        super().write_usage(prog, args, prefix="用法：")

    @contextmanager
    def section(self, name: str) -> Iterator[None]:
        with super().section(self.SECTIONS.get(name, name)):
            yield


class _Context(click.Context):
    formatter_class = _ChineseHelp


class _ChineseHelpOption:
    """Mixed into our command classes: the --help option and the usage line's
    placeholders in Chinese."""

    context_class = _Context

    def __init__(self, *args, **kwargs) -> None:
        if not clickzh.english():
            kwargs.setdefault("options_metavar", "[选项]")
            if isinstance(self, click.Group):
                kwargs.setdefault("subcommand_metavar", "命令 [参数]...")
        super().__init__(*args, **kwargs)  # type: ignore[call-arg]

    def get_help_option(self, ctx: click.Context) -> click.Option | None:
        option = super().get_help_option(ctx)  # type: ignore[misc]
        if option is not None:
            option.help = "显示本帮助并退出。"
        return option


class _Command(_ChineseHelpOption, click.Command):
    pass


class _Group(_ChineseHelpOption, click.Group):
    """Turns our errors into one line each and an exit code; a traceback is a bug."""

    command_class = _Command

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except ProblemsError as exc:
            for problem in exc.problems:
                click.echo(shown(problem), err=True)
            click.echo(f"共 {len(exc.problems)} 个问题。", err=True)
            ctx.exit(exc.exit_code)
        except InfostdError as exc:
            click.echo(f"错误：{shown(exc)}", err=True)
            ctx.exit(exc.exit_code)
        except (click.exceptions.Exit, click.ClickException, click.Abort):
            raise
        except KeyboardInterrupt:
            click.echo("已中断。", err=True)
            ctx.exit(130)
        except BrokenPipeError:  # the reader went away (`infostd check | head -1`)
            quiet_stdout()
            ctx.exit(SIGPIPE_EXIT)
        except Exception as exc:  # noqa: BLE001 - last line of defence, see docstring
            if os.environ.get("INFOSTD_DEBUG"):
                raise
            click.echo(f"内部错误（请报告）：{type(exc).__name__}: {shown(exc)}", err=True)
            ctx.exit(INTERNAL_ERROR)


SIGPIPE_EXIT = 141  # as a shell reports a program stopped by SIGPIPE


def quiet_stdout() -> None:
    """Point stdout at /dev/null so the interpreter's final flush into a closed pipe does
    not print a second error (the Python documentation's recipe for SIGPIPE)."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())


def config_of(ctx: click.Context) -> Config:
    return ctx.find_root().obj


def catalog_of(ctx: click.Context) -> Catalog:
    return load_catalog(config=config_of(ctx))
