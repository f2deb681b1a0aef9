"""click's own messages in Chinese: usage errors ("Missing argument", "No such option",
"'foo' is not one of …") are what a committee member meets first, before any of our code
runs, so they follow the project's rule "Chinese by default, English on request".

click marks every message with ``gettext``/``ngettext`` imported into each of its modules
and ships no translations; ``install()`` points those names at this table. Templates keep
click's placeholders, so click formats them as before. A message missing here stays
English (a new click version adds one) — never an error. ``INFOSTD_LANG=en`` or
``--lang en`` on the command line keeps click's English.
"""

from __future__ import annotations

import gettext
import os
import sys

SINGULAR: dict[str, str] = {
    "Error: {message}": "错误：{message}",
    "Try '{command} {option}' for help.": "运行 “{command} {option}” 查看帮助。",
    "Invalid value: {message}": "无效的值：{message}",
    "Invalid value for {param_hint}: {message}": "{param_hint} 的值无效：{message}",
    "Missing argument": "缺少参数",
    "Missing option": "缺少选项",
    "Missing parameter": "缺少参数",
    "Missing {param_type}": "缺少{param_type}",
    "Missing parameter: {param_name}": "缺少参数：{param_name}",
    "Missing command.": "缺少子命令。",
    "No such option {name!r}.": "没有选项 {name!r}。",
    "No such command {name!r}.": "没有命令 {name!r}。",
    "Option {name!r} does not take a value.": "选项 {name!r} 不带值。",
    "Argument {name!r} takes {nargs} values.": "参数 {name!r} 需要 {nargs} 个值。",
    "Could not open file {filename!r}: {message}": "无法打开文件 {filename!r}：{message}",
    "unknown error": "未知错误",
    "Aborted!": "已中止。",
    "{value!r} is not a valid {number_type}.": "{value!r} 不是有效的数（{number_type}）。",
    "{value} is not in the range {range}.": "{value} 不在范围 {range} 内。",
    "{value!r} is not a valid boolean. Recognized values: {states}": (
        "{value!r} 不是有效的是/否值，可用：{states}"
    ),
    "{value!r} is not a valid UUID.": "{value!r} 不是有效的 UUID。",
    "Value must be an iterable.": "值必须是一组值。",
    "file": "文件",
    "directory": "目录",
    "path": "路径",
    "{name} {filename!r} does not exist.": "{name} {filename!r} 不存在。",
    "{name} {filename!r} is a file.": "{name} {filename!r} 是文件，这里要的是目录。",
    "{name} {filename!r} is a directory.": "{name} {filename!r} 是目录，这里要的是文件。",
    "{name} {filename!r} is not readable.": "{name} {filename!r} 不可读。",
    "{name} {filename!r} is not writable.": "{name} {filename!r} 不可写。",
    "{name} {filename!r} is not executable.": "{name} {filename!r} 不可执行。",
    "Options": "选项",
    "Commands": "命令",
    "Positional arguments": "参数",
    "Show this message and exit.": "显示本帮助并退出。",
    "Show the version and exit.": "显示版本并退出。",
    "default: {default}": "默认：{default}",
    "env var: {var}": "环境变量：{var}",
    "required": "必填",
    "deprecated": "已停用",
}
# (singular, plural) → (Chinese for one, Chinese for several)
PLURAL: dict[tuple[str, str], tuple[str, str]] = {
    ("Did you mean {possibility}?", "(Did you mean one of: {possibilities}?)"): (
        "是否应为 {possibility}？",
        "（是否应为以下之一：{possibilities}？）",
    ),
    ("Got unexpected extra argument ({args})", "Got unexpected extra arguments ({args})"): (
        "多余的参数（{args}）",
        "多余的参数（{args}）",
    ),
    ("Option {name!r} requires an argument.", "Option {name!r} requires {nargs} arguments."): (
        "选项 {name!r} 需要一个值。",
        "选项 {name!r} 需要 {nargs} 个值。",
    ),
    ("{value!r} is not {choice}.", "{value!r} is not one of {choices}."): (
        "{value!r} 不是 {choice}。",
        "{value!r} 不是 {choices} 之一。",
    ),
    (
        "{value!r} does not match the format {format}.",
        "{value!r} does not match the formats {formats}.",
    ): ("{value!r} 不符合格式 {format}。", "{value!r} 不符合格式 {formats} 中的任何一种。"),
    ("Takes {nargs} values but 1 was given.", "Takes {nargs} values but {len} were given."): (
        "需要 {nargs} 个值，只给了 1 个。",
        "需要 {nargs} 个值，给了 {len} 个。",
    ),
}
CLICK_MODULES = ("core", "exceptions", "parser", "types", "decorators", "formatting", "termui")


def english() -> bool:
    """English on request: ``INFOSTD_LANG=en``, or ``--lang en`` among the arguments."""
    if os.environ.get("INFOSTD_LANG", "").lower().startswith("en"):
        return True
    args = sys.argv[1:]
    return "--lang=en" in args or any(
        a == "--lang" and b == "en" for a, b in zip(args, args[1:], strict=False)
    )


def translate(message: str) -> str:
    return message if english() else SINGULAR.get(message, gettext.gettext(message))


def translate_plural(singular: str, plural: str, n: int) -> str:
    found = None if english() else PLURAL.get((singular, plural))
    if found is None:
        return gettext.ngettext(singular, plural, n)
    return found[0] if n == 1 else found[1]


def install() -> None:
    """Point click's message functions at the tables above (idempotent)."""
    import importlib

    for name in CLICK_MODULES:
        module = importlib.import_module(f"click.{name}")
        if hasattr(module, "_"):
            module._ = translate  # type: ignore[attr-defined]
        if hasattr(module, "ngettext"):
            module.ngettext = translate_plural  # type: ignore[attr-defined]
