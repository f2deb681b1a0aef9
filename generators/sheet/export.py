"""``infostd sheet export``: a record's fields (or a code list's codes) as a workbook.

Sheets: the data sheet (字段 or 代码: one row per field/code, dropdowns on the columns with
a closed list), 填写说明 (what each column means, from the vocabulary's words), a hidden
``_选项`` holding the dropdown lists, and a hidden ``_meta`` naming the schema and the
SHA-256 of its block as exported: ``import`` refuses a sheet whose standard changed since,
so no edit made in the Markdown meanwhile is overwritten. Cells are written typed
(``write_string``/``write_number``): a value never becomes a formula.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
from dataclasses import dataclass
from pathlib import Path

import xlsxwriter

from ..authoring import block_text
from ..errors import InfostdError
from ..fsutil import atomic_write_bytes
from ..model import Catalog, Schema
from ..vocabulary import KEYWORD_DOCS
from .columns import CODE_COLUMNS, FIELD_COLUMNS, Column, row_cells

MARK = "infostd-sheet"
META_SHEET = "_meta"
OPTIONS_SHEET = "_选项"
GUIDE_SHEET = "填写说明"
DATA_SHEETS = {"record": "字段", "codelist": "代码"}
FIXED_TIME = dt.datetime(2000, 1, 1)
SPARE_ROWS = 200  # rows below the last one that still have the dropdowns


class SheetError(InfostdError):
    """A sheet that cannot be made or read (exit 2)."""


@dataclass(frozen=True)
class Layout:
    kind: str  # record | codelist
    sheet: str
    columns: list[Column]


def layout_of(kind: str) -> Layout:
    return Layout(kind, DATA_SHEETS[kind], FIELD_COLUMNS if kind == "record" else CODE_COLUMNS)


def schema_of(catalog: Catalog, key: str) -> Schema:
    schema = catalog.schemas.get(key)
    if schema is None or schema.kind not in DATA_SHEETS:
        records, lists = "、".join(catalog.records), "、".join(catalog.codelists)
        raise SheetError(f"没有键为“{key}”的记录或代码表（记录：{records}；代码表：{lists}）")
    return schema


def block_sha256(catalog: Catalog, schema: Schema) -> str:
    return hashlib.sha256(block_text(catalog, schema).text.encode("utf-8")).hexdigest()


def rows_of(catalog: Catalog, schema: Schema) -> list[list]:
    layout = layout_of(schema.kind)
    raw = schema.raw
    if schema.kind == "codelist":
        return [row_cells(layout.columns, entry, catalog) for entry in raw["oneOf"]]
    required = set(raw.get("required", []))
    return [
        row_cells(layout.columns, field, catalog, key, key in required)
        for key, field in raw["properties"].items()
    ]


def sheet_bytes(catalog: Catalog, key: str) -> bytes:
    """The workbook of schema ``key`` (deterministic bytes)."""
    schema = schema_of(catalog, key)
    standard = catalog.standard_of(schema)
    layout = layout_of(schema.kind)
    rows = rows_of(catalog, schema)
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_numbers": False})
    book.set_properties(
        {
            "title": f"{schema.title}（{key}）{layout.sheet}表",
            "subject": f"{standard.id} {standard.title}",
            "author": MARK,
            "comments": "由 infostd sheet export 生成；改完后运行 infostd sheet import 写回标准。",
            "created": FIXED_TIME,
        }
    )
    header = book.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True})
    text = book.add_format({"num_format": "@", "valign": "top"})
    wrap = book.add_format({"num_format": "@", "valign": "top", "text_wrap": True})
    data = book.add_worksheet(layout.sheet)
    guide = book.add_worksheet(GUIDE_SHEET)
    options = book.add_worksheet(OPTIONS_SHEET)
    meta = book.add_worksheet(META_SHEET)
    number = book.add_format({"valign": "top"})
    for c, column in enumerate(layout.columns):
        data.write_string(0, c, column.header, header)
        # text columns keep what is typed (01 stays 01); number columns take numbers
        style = number if column.kind in ("int", "number") else wrap if column.width >= 30 else text
        data.set_column(c, c, column.width, style)
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row):
            if isinstance(value, str):
                data.write_string(r, c, value)
            elif value is not None:
                data.write_number(r, c, value)
    data.freeze_panes(1, 1)
    last = len(rows) + SPARE_ROWS
    _dropdowns(catalog, data, options, layout.columns, last)
    _guide(guide, header, wrap, standard.id, standard.title, schema, layout)
    for r, (name, value) in enumerate(
        [
            ("template", MARK),
            ("key", key),
            ("kind", schema.kind),
            ("standard_id", standard.id),
            ("path", standard.path.as_posix()),
            ("block_sha256", block_sha256(catalog, schema)),
        ]
    ):
        meta.write_string(r, 0, name)
        meta.write_string(r, 1, value)
    options.hide()
    meta.hide()
    data.activate()
    book.close()
    return buffer.getvalue()


def _dropdowns(catalog: Catalog, data, options, columns: list[Column], last: int) -> None:
    """A list validation on each column with options, its list in a column of ``_选项``
    (a range, never an inline list: labels may hold commas)."""
    slot = 0
    for c, column in enumerate(columns):
        if column.options is None or not (labels := [lab for _, lab in column.options(catalog)]):
            continue
        for r, label in enumerate(labels):
            options.write_string(r, slot, label)
        letter = xlsxwriter.utility.xl_col_to_name(slot)
        data.data_validation(
            1,
            c,
            last,
            c,
            {
                "validate": "list",
                "source": f"='{OPTIONS_SHEET}'!${letter}$1:${letter}${len(labels)}",
                "error_type": "stop" if column.strict else "information",
                "error_title": "不在下拉列表中",
                "error_message": f"“{column.header}”请从下拉列表中选择。",
            },
        )
        slot += 1


def _guide(
    guide, header, wrap, std_id: str, std_title: str, schema: Schema, layout: Layout
) -> None:
    what = "字段" if layout.kind == "record" else "代码"
    lines = [
        f"{std_id} {std_title}：{schema.title}（{schema.key}）",
        f"工作表“{layout.sheet}”每行一个{what}。可以改单元格、增加或删除行、调整行的顺序；"
        "不要改第 1 行的列名和隐藏的工作表。",
        "改完保存后运行：infostd sheet import 文件名.xlsx —— 写回标准前会按 infostd check "
        "检查，有错误时逐格指出（工作表、行、列），标准文件不会改动。",
        "有下拉列表的列请从列表中选择；多个值用“、”分隔。",
    ]
    for r, line in enumerate(lines):
        guide.write_string(r, 0, line)
    top = len(lines) + 1
    for c, title in enumerate(["列", "关键字", "含义", "写法示例"]):
        guide.write_string(top, c, title, header)
    for r, column in enumerate(layout.columns, start=top + 1):
        meaning, example, _ = KEYWORD_DOCS.get(column.keyword, ("", "", ""))
        guide.write_string(r, 0, column.header)
        guide.write_string(r, 1, column.keyword or "—")
        guide.write_string(r, 2, column.note + (f"（{meaning}）" if meaning else ""), wrap)
        guide.write_string(r, 3, example)
    guide.set_column(0, 0, 14)
    guide.set_column(1, 1, 16)
    guide.set_column(2, 2, 60)
    guide.set_column(3, 3, 50)


def write_sheet(catalog: Catalog, key: str, path: Path) -> None:
    atomic_write_bytes(path, sheet_bytes(catalog, key))
