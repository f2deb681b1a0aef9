"""The sheet's columns: which keyword each holds and how a value becomes a cell and back.

One table for both directions. A value a column cannot hold exactly (an empty string,
a number list, a text with a line break, a keyword no column is for) goes to the
column 其他（JSON） instead, so every keyword round-trips, including ones added to the
vocabulary later.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ..labels import SENSITIVITY_LABELS, TYPE_LABELS
from ..limits import CELL_CHARS
from ..masking import MASK_LABELS
from ..model import SCHEMA_SUFFIX, Catalog
from ..vocabulary import FORMAT_DOCS, FORMATS, MASK_KINDS, SENSITIVITY

LIST_SEP = "、"
YES, NO = "是", "否"
# characters a cell must not hold: C0/C1 controls, and Excel's own _xHHHH_ escapes
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_EXCEL_ESCAPE = re.compile(r"_x[0-9A-Fa-f]{4}_")


class CellError(ValueError):
    """A cell that cannot be read as its column says (the reason, in Chinese)."""


class NoFit(Exception):
    """A value its column cannot hold exactly: it goes to 其他（JSON）."""


Options = Callable[[Catalog], list[tuple[str, str]]]  # catalog → [(value, label)]


@dataclass(frozen=True)
class Column:
    header: str
    keyword: str  # the schema keyword; "" for the row's key and 必填 (not a keyword)
    kind: str  # text | int | number | flag | choice | list | json
    width: int
    note: str  # what to write, shown on the sheet 填写说明
    options: Options | None = None
    strict: bool = True  # choice: only the listed values (else any text passes)


# ── the option lists (value, label "<value> <中文名>", as the templates' dropdowns) ────
def _short(text: str) -> str:
    return re.split("[，：]", text)[0]


def type_options(_: Catalog) -> list[tuple[str, str]]:
    return [(t, f"{t} {TYPE_LABELS[t]}") for t in ("string", "integer", "number", "boolean")]


def format_options(_: Catalog) -> list[tuple[str, str]]:
    return [(f, f"{f} {_short(FORMAT_DOCS[f][0])}") for f in FORMATS]


def codelist_options(catalog: Catalog) -> list[tuple[str, str]]:
    return [(f"{k}{SCHEMA_SUFFIX}", f"{k} {c.title}") for k, c in catalog.codelists.items()]


def sensitivity_options(_: Catalog) -> list[tuple[str, str]]:
    return [(s, f"{s} {SENSITIVITY_LABELS[s]}") for s in SENSITIVITY]


def mask_options(_: Catalog) -> list[tuple[str, str]]:
    return [(m, f"{m} {_short(MASK_LABELS.get(m, m))}") for m in MASK_KINDS]


def security_options(catalog: Catalog) -> list[tuple[str, str]]:
    levels = catalog.codelists.get("security-level")
    return [(e.code, e.label) for e in levels.entries if not e.deprecated] if levels else []


def flag_options(_: Catalog) -> list[tuple[str, str]]:
    return [(YES, YES), (NO, NO)]


KEY = Column(
    "字段键", "", "text", 16, "英文小写字母、数字和下划线，字母开头；即数据文件隐藏行中的列名"
)
REQUIRED = Column("必填", "", "flag", 6, "是：必须填写；否：可不填", flag_options)
OTHER = Column(
    "其他（JSON）", "", "json", 30, "表格列容纳不下的关键字，JSON 对象；一般不必修改", None
)

FIELD_COLUMNS = [
    KEY,
    Column("标题", "title", "text", 18, "字段的中文名，即模板列标题"),
    Column("说明", "description", "text", 40, "填写要求，显示在模板提示和门户字段表"),
    Column("类型", "type", "choice", 14, "下拉选择；引用代码表的字段不填", type_options),
    Column("格式", "format", "choice", 20, "下拉选择预定义格式", format_options),
    Column("代码表", "$ref", "choice", 22, "下拉选择：取值须为该代码表中的代码", codelist_options),
    Column("层级", "x-level", "int", 6, "只接受代码表中第几级的代码（需选代码表）"),
    REQUIRED,
    Column("最小长度", "minLength", "int", 8, "最少字符数"),
    Column("最大长度", "maxLength", "int", 8, "最多字符数"),
    Column("最小值", "minimum", "number", 10, "最小值（含）"),
    Column("最大值", "maximum", "number", 12, "最大值（含）"),
    Column("倍数", "multipleOf", "number", 8, "须为该值的整数倍，如金额到分写 0.01"),
    Column("可选值", "enum", "list", 24, f"少量固定取值，用“{LIST_SEP}”分隔"),
    Column("默认值", "default", "text", 10, "默认值（说明用）"),
    Column("示例", "examples", "list", 20, f"示例值，用“{LIST_SEP}”分隔"),
    Column("正则", "pattern", "text", 20, "正则表达式（尽量改用格式或编码规则）"),
    Column("编码规则", "x-code-rule", "json", 30, "编码规则，JSON，写法见编写指南"),
    Column("敏感", "x-sensitive", "choice", 16, "个人信息级别", sensitivity_options),
    Column("脱敏方式", "", "choice", 14, "报告中的脱敏方式（选了敏感时可选）", mask_options),
    Column(
        "安全等级",
        "x-security-level",
        "choice",
        10,
        "字段的安全等级代码",
        security_options,
        strict=False,
    ),
    Column("别名", "x-aliases", "list", 24, f"各部门历史表格中的列名，用“{LIST_SEP}”分隔"),
    Column("只读", "readOnly", "flag", 6, "是：由系统记录，不出现在模板中", flag_options),
    Column("停用", "deprecated", "flag", 6, "是：字段已停用", flag_options),
    Column("停用版本", "x-deprecated-in", "text", 10, "在哪个版本停用"),
    OTHER,
]

CODE_COLUMNS = [
    Column("代码", "const", "text", 12, "代码，全表唯一；已发布的代码不得删除或改作他用"),
    Column("名称", "title", "text", 24, "代码的中文名"),
    Column("说明", "description", "text", 40, "说明"),
    Column("上级代码", "x-parent", "text", 10, "分类树中上一级的代码"),
    Column("别名", "x-aliases", "list", 24, f"各部门历史上对这个代码的叫法，用“{LIST_SEP}”分隔"),
    Column("停用", "deprecated", "flag", 6, "是：代码停用（保留，不再分配）", flag_options),
    Column("停用版本", "x-deprecated-in", "text", 10, "在哪个版本停用"),
    OTHER,
]

MASK = FIELD_COLUMNS[[c.header for c in FIELD_COLUMNS].index("脱敏方式")]

# Where a keyword a row gains goes among the ones it has (the shipped standards' order).
FIELD_ORDER = [
    "title", "description", "$ref", "type", "format", "pattern", "x-code-rule", "x-level",
    "minLength", "maxLength", "minimum", "exclusiveMinimum", "maximum", "exclusiveMaximum",
    "multipleOf", "enum", "const", "default", "examples", "readOnly", "x-sensitive",
    "x-security-level", "deprecated", "x-deprecated-in", "x-aliases", "$comment",
]  # fmt: skip
CODE_ORDER = [
    "const", "title", "description", "x-parent", "x-aliases", "deprecated", "x-deprecated-in",
    "$comment",
]  # fmt: skip


# ── value → cell ───────────────────────────────────────────────────────────────
def text_fits(value: Any) -> bool:
    return (
        isinstance(value, str)
        and value != ""
        and value == value.strip()
        and not value.startswith("=")
        and len(value) < CELL_CHARS
        and not _CONTROL.search(value)
        and not _EXCEL_ESCAPE.search(value)
    )


def number_fits(value: Any) -> bool:
    """A number the cell keeps exactly (XlsxWriter writes 16 significant digits)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return False
    if isinstance(value, int):
        return abs(value) < 10**15
    return math.isfinite(value) and float(f"{value:.16G}") == value


def cell_of(column: Column, value: Any, catalog: Catalog) -> str | int | float:
    """The cell showing ``value``; NoFit when the column cannot hold it exactly."""
    kind = column.kind
    if kind == "text" and text_fits(value):
        return value
    if kind == "int" and number_fits(value) and isinstance(value, int):
        return value
    if kind == "number" and number_fits(value):
        return value
    if kind == "flag" and isinstance(value, bool):
        return YES if value else NO
    listed = isinstance(value, list) and value
    if kind == "list" and listed and all(text_fits(v) and LIST_SEP not in v for v in value):
        joined = LIST_SEP.join(value)
        if len(joined) < CELL_CHARS:
            return joined
    if kind == "choice":
        labels = dict(column.options(catalog))
        if value in labels:
            return labels[value]
        if not column.strict and text_fits(value):
            return value
    if kind == "json" and isinstance(value, dict):
        from .jsonedit import compact

        text = compact(value)
        if len(text) < CELL_CHARS:
            return text
    raise NoFit


def sensitive_cells(value: Any) -> tuple[str, str]:
    """``x-sensitive`` as the two cells 敏感 and 脱敏方式."""
    if isinstance(value, str) and value in SENSITIVITY:
        return dict(sensitivity_options(None))[value], ""  # type: ignore[arg-type]
    if isinstance(value, dict) and list(value) == ["level", "mask"]:
        levels, masks = dict(sensitivity_options(None)), dict(mask_options(None))  # type: ignore[arg-type]
        if value["level"] in levels and value["mask"] in masks:
            return levels[value["level"]], masks[value["mask"]]
    raise NoFit


# ── cell → value ───────────────────────────────────────────────────────────────
def text_of(cell: Any) -> str | None:
    """A text cell's value, stripped; None when empty. Numbers typed in a text column are
    taken as their digits (Excel stores 2024 as a number)."""
    if cell is None:
        return None
    if isinstance(cell, bool):
        raise CellError("须为文本，单元格是 TRUE/FALSE")
    if isinstance(cell, int):
        cell = str(cell)
    elif isinstance(cell, float):
        if not cell.is_integer():
            raise CellError("须为文本，单元格是小数：请把单元格格式设为“文本”后重新输入")
        cell = str(int(cell))
    elif not isinstance(cell, str):
        raise CellError("须为文本，单元格是日期或时间：请把单元格格式设为“文本”后重新输入")
    if len(cell) >= CELL_CHARS:  # openpyxl cuts a longer cell to the limit without a word
        raise CellError(f"文字过长（达到单元格上限 {CELL_CHARS} 个字符，可能已被截断）")
    if found := _CONTROL.search(cell):
        raise CellError(f"含不可见的控制字符 U+{ord(found.group()):04X}，请删除")
    if found := _EXCEL_ESCAPE.search(cell):
        raise CellError(f"含 Excel 转义的字符 {found.group()}（多为不可见的控制字符），请删除")
    text = cell.strip()
    if text.startswith("="):
        raise CellError("以“=”开头，Excel 会把它当作公式：请删去“=”")
    return text or None


def value_of(column: Column, cell: Any, catalog: Catalog) -> Any:
    """The keyword's value from a cell; None when the cell is empty."""
    kind = column.kind
    if kind in ("int", "number"):
        if cell is None or (isinstance(cell, str) and not cell.strip()):
            return None
        return _number(cell, integer=kind == "int")
    text = text_of(cell)
    if text is None:
        return None
    if kind == "text":
        return text
    if kind == "flag":
        if text not in (YES, NO):
            raise CellError(f"须为“{YES}”或“{NO}”，不是“{text}”")
        return text == YES
    if kind == "list":
        items = [item.strip() for item in text.split(LIST_SEP)]
        if any(not item for item in items):
            raise CellError(f"“{LIST_SEP}”之间有空项")
        return items
    if kind == "choice":
        return choose(column, text, catalog)
    return _json(text)


def choose(column: Column, text: str, catalog: Catalog) -> str:
    """The value of a dropdown cell: the value itself, its label or its Chinese name."""
    options = column.options(catalog)
    folded = " ".join(text.split())
    for value, label in options:
        if folded in (value, label, label.partition(" ")[2]):
            return value
    if not column.strict:
        return text
    from difflib import get_close_matches

    labels = [label for _, label in options]
    names = {v: label for v, label in options} | {
        label.partition(" ")[2]: label for label in labels
    }
    close = get_close_matches(folded, [*names, *labels], n=1, cutoff=0.5)
    hint = f"（是否应为“{names.get(close[0], close[0])}”？）" if close else ""
    shown = "、".join(labels[:12]) + ("…" if len(labels) > 12 else "")
    raise CellError(f"“{text}”不在下拉列表中{hint}；可选：{shown}")


def _number(cell: Any, integer: bool) -> int | float:
    if isinstance(cell, bool) or not isinstance(cell, (int, float, str)):
        raise CellError("须为数字")
    if isinstance(cell, str):
        text = cell.strip()
        if len(text) > 40:
            raise CellError("须为数字（过长）")
        try:
            cell = int(text) if re.fullmatch(r"[+-]?[0-9]+", text) else float(text)
        except ValueError:
            raise CellError(f"须为数字，不是“{text}”") from None
    if isinstance(cell, float):
        if not math.isfinite(cell):
            raise CellError("须为有限的数字")
        if cell.is_integer() and abs(cell) < 2**53:
            cell = int(cell)
    if integer and not isinstance(cell, int):
        raise CellError(f"须为整数，不是 {cell}")
    return cell


def _json(text: str) -> dict:
    import json

    from ..jsonpos import syntax_message
    from ..limits import JSON_DEPTH, json_depth_line

    if json_depth_line(text) is not None:
        raise CellError(f"JSON 嵌套超过 {JSON_DEPTH} 层")
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        raise CellError(f"JSON 语法错误，{syntax_message(exc)}") from None
    except RecursionError:  # pragma: no cover - json_depth_line refuses it first
        raise CellError(f"JSON 嵌套超过 {JSON_DEPTH} 层") from None
    if not isinstance(value, dict):
        raise CellError("须为 JSON 对象（{…}）")
    return value


# ── a whole row ────────────────────────────────────────────────────────────────
def row_cells(
    columns: list[Column], item: dict, catalog: Catalog, key: str = "", required: bool = False
) -> list[Any]:
    """The cells of one field (or code) in ``columns`` order; None for an empty cell."""
    from .jsonedit import compact

    cells: dict[str, Any] = {}
    rest = dict(item)
    for column in columns:
        if column is KEY:
            cells[column.header] = key
        elif column is REQUIRED:
            cells[column.header] = YES if required else NO
        elif column.keyword == "x-sensitive" and "x-sensitive" in rest:
            try:
                cells[column.header], cells[MASK.header] = sensitive_cells(rest["x-sensitive"])
                del rest["x-sensitive"]
            except NoFit:
                pass
        elif column.keyword and column.keyword in rest:
            try:
                cells[column.header] = cell_of(column, rest[column.keyword], catalog)
                del rest[column.keyword]
            except NoFit:
                pass
    cells[OTHER.header] = compact(rest) if rest else None
    values = [cells.get(column.header) for column in columns]
    return [None if value == "" else value for value in values]
