"""``infostd sheet export|import``: real workbooks written, edited with openpyxl (as Excel
would save them), read back; the Markdown compared byte for byte."""

from __future__ import annotations

import hashlib
import json
import shutil
import zipfile
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from generators.cli import cli
from generators.config import load_config
from generators.loader import load_catalog
from generators.sheet.export import sheet_bytes
from generators.sheet.importer import import_sheet
from generators.sheet.jsonedit import parse, rewrite, same

from .conftest import REPO, catalog_project


def run(root: Path, *args: str, expect: int = 0):
    result = CliRunner().invoke(cli, ["--root", str(root), *args])
    assert result.exit_code == expect, result.output
    return result


def digest(root: Path) -> str:
    """One hash over every standard's bytes: "nothing written" is checked with it."""
    sha = hashlib.sha256()
    for path in sorted((root / "standards").rglob("*")):
        if path.is_file():
            sha.update(path.as_posix().encode() + path.read_bytes())
    return sha.hexdigest()


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return catalog_project(tmp_path)


def exported(root: Path, key: str, tmp_path: Path) -> Path:
    path = tmp_path / f"{key}.xlsx"
    run(root, "sheet", "export", key, "-o", str(path))
    return path


def edit(path: Path, change, sheet: str = "字段") -> Path:
    """Open with openpyxl, let ``change(ws, col)`` edit (col: header → column letter), save."""
    book = openpyxl.load_workbook(path)
    ws = book[sheet]
    col = {c.value: c.column_letter for c in ws[1] if c.value}
    change(ws, col)
    book.save(path)
    return path


def row_of(ws, col: dict, key: str, header: str = "字段键") -> int:
    return next(c.row for c in ws[col[header]] if c.value == key)


# ── round trip without edits: every schema, no byte changed ─────────────────────
def _round_trip_all(root: Path, tmp_path: Path) -> list[str]:
    config = load_config(root)
    catalog = load_catalog(config=config)
    keys = [k for k, s in catalog.schemas.items() if s.kind in ("record", "codelist")]
    before = digest(root)
    for key in keys:
        path = tmp_path / f"{key}.xlsx"
        path.write_bytes(sheet_bytes(catalog, key))
        outcome = import_sheet(config, catalog, path)
        assert not outcome.changed, key
    assert digest(root) == before
    return keys


def test_round_trip_changes_no_byte_for_every_shipped_schema(tmp_path):
    root = tmp_path / "shipped"
    shutil.copytree(REPO / "standards", root / "standards")
    shutil.copy(REPO / "pyproject.toml", root / "pyproject.toml")
    keys = _round_trip_all(root, tmp_path)
    catalog = load_catalog(config=load_config(root))
    assert set(keys) == set(catalog.records) | set(catalog.codelists)  # every one of them


def test_round_trip_changes_no_byte_for_the_fixture_catalog(project, tmp_path):
    keys = _round_trip_all(project, tmp_path)
    assert {"customer", "department-code", "industry", "region"} <= set(keys)


def test_saved_in_a_spreadsheet_program_without_edits_changes_nothing(project, tmp_path):
    before = digest(project)
    path = edit(exported(project, "customer", tmp_path), lambda ws, col: None)
    result = run(project, "sheet", "import", str(path))
    assert "没有修改" in result.output
    assert digest(project) == before


def test_export_has_dropdowns_and_typed_cells(project, tmp_path):
    path = exported(project, "customer", tmp_path)
    book = openpyxl.load_workbook(path)
    ws = book["字段"]
    col = {c.value: c.column_letter for c in ws[1] if c.value}
    name = row_of(ws, col, "name")
    assert ws[f"{col['标题']}{name}"].value == "客户名称"
    assert ws[f"{col['最大长度']}{name}"].value == 100  # a number, not text
    assert ws[f"{col['必填']}{name}"].value == "是"
    validated = {
        str(dv.sqref).split(":")[0][0]: dv.formula1 for dv in ws.data_validations.dataValidation
    }
    assert validated[col["类型"]].startswith("'_选项'!")
    options = book["_选项"]
    assert "url 网址" in [c.value for c in options["B"]]  # formats are the second list
    assert book["_meta"].sheet_state == "hidden"
    with zipfile.ZipFile(path) as archive:  # no formula anywhere in the data sheet
        assert b"<f>" not in archive.read("xl/worksheets/sheet1.xml")


# ── edits ───────────────────────────────────────────────────────────────────────
def test_add_a_field_and_change_a_title(project, tmp_path):
    md = project / "standards/records/customer.md"
    before = md.read_text(encoding="utf-8")

    def change(ws, col):
        ws[f"{col['标题']}{row_of(ws, col, 'name')}"] = "客户全称"
        new = ws.max_row + 1
        ws[f"{col['字段键']}{new}"] = "website"
        ws[f"{col['标题']}{new}"] = "客户官网"
        ws[f"{col['说明']}{new}"] = "客户官方网站，可不填"
        ws[f"{col['类型']}{new}"] = "string 文本"
        ws[f"{col['格式']}{new}"] = "url 网址"
        ws[f"{col['必填']}{new}"] = "否"

    path = edit(exported(project, "customer", tmp_path), change)
    result = run(project, "sheet", "import", str(path))
    assert "新增 website；修改 name" in result.output
    after = md.read_text(encoding="utf-8")
    assert (
        after.replace('"title": "客户全称"', '"title": "客户名称"', 1).replace(
            ',\n    "website": {\n      "title": "客户官网",\n      "description": "客户官方网站，可不填",'
            '\n      "type": "string",\n      "format": "url"\n    }',
            "",
        )
        == before
    )  # exactly these bytes changed, laid out like the other fields
    run(project, "check")
    catalog = load_catalog(config=load_config(project))
    assert catalog.records["customer"].field_by_key["website"].format == "url"


def test_add_a_code(project, tmp_path):
    md = project / "standards/codelists/department-code.md"
    before = md.read_text(encoding="utf-8")

    def change(ws, col):
        new = ws.max_row + 1
        ws[f"{col['代码']}{new}"] = "XS04"
        ws[f"{col['名称']}{new}"] = "西南销售分部"
        ws[f"{col['上级代码']}{new}"] = "XS01"

    path = edit(exported(project, "department-code", tmp_path), change, sheet="代码")
    result = run(project, "sheet", "import", str(path))
    assert "新增 XS04" in result.output
    after = md.read_text(encoding="utf-8")
    end = '"x-withdrawn": "2020-06-30"}'  # KF01, the last entry
    last = before.index(end) + len(end)
    new_line = ',\n    {"const": "XS04", "title": "西南销售分部", "x-parent": "XS01"}'
    assert after == before[:last] + new_line + before[last:]
    run(project, "check")


# ── refusals: located, Chinese, exit 2 (cells) or 1 (check), nothing written ───────
def refused(project: Path, path: Path, expect: int, *said: str, args: tuple = ()) -> str:
    before = digest(project)
    result = run(project, "sheet", "import", str(path), *args, expect=expect)
    for text in said:
        assert text in result.output
    assert "Traceback" not in result.output
    assert digest(project) == before
    return result.output


def test_not_an_xlsx(project, tmp_path):
    path = tmp_path / "fake.xlsx"
    path.write_text("客户编码,客户名称\n", encoding="utf-8")
    refused(project, path, 2, "fake.xlsx：无法打开工作簿")
    refused(project, tmp_path / "missing.xlsx", 2, "missing.xlsx：文件不存在")
    refused(project, tmp_path, 2, "是文件夹")


def _repack(src: Path, dst: Path, change) -> Path:
    with zipfile.ZipFile(src) as old, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as new:
        for info in old.infolist():
            new.writestr(info, change(info.filename, old.read(info)))
    return dst


def test_bombs_are_refused_by_the_limits(project, tmp_path):
    path = exported(project, "customer", tmp_path)
    far = b'<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row>'
    bomb = _repack(path, tmp_path / "far.xlsx", lambda name, data: (
        data.replace(b"</sheetData>", far + b"</sheetData>")
        if name == "xl/worksheets/sheet1.xml" else data))  # fmt: skip
    refused(project, bomb, 2, "far.xlsx", "超过上限：一个工作表的单元格数")
    dtd = b'<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;">]>'
    entity = _repack(path, tmp_path / "dtd.xlsx", lambda name, data: (
        data.replace(b"?>", b"?>" + dtd, 1) if name == "docProps/core.xml" else data))  # fmt: skip
    refused(project, entity, 2, "dtd.xlsx", "含有 DTD")
    # a zip bomb: the directory says the sheet inflates to 4 GB (the file is a few KB)
    data = bytearray(path.read_bytes())
    at = data.find(b"PK\x01\x02")
    while at >= 0:
        size = int.from_bytes(data[at + 28 : at + 30], "little")
        if bytes(data[at + 46 : at + 46 + size]) == b"xl/worksheets/sheet1.xml":
            data[at + 24 : at + 28] = (0xFFFFFFF0).to_bytes(4, "little")
        at = data.find(b"PK\x01\x02", at + 4)
    bomb = tmp_path / "bomb.xlsx"
    bomb.write_bytes(bytes(data))
    refused(project, bomb, 2, "bomb.xlsx", "超过上限：xlsx 解压后的总大小（512 MiB）")


def test_missing_sheet_or_columns(project, tmp_path):
    path = exported(project, "customer", tmp_path)
    book = openpyxl.load_workbook(path)
    book["字段"].title = "Sheet1"
    book.save(tmp_path / "renamed.xlsx")
    refused(project, tmp_path / "renamed.xlsx", 2, "缺少工作表“字段”")

    def drop(ws, col):
        ws[f"{col['类型']}1"] = None
        ws[f"{col['说明']}1"] = "备注栏"

    out = refused(project, edit(path, drop), 2, "缺少列“类型”", "C1：未知的列“备注栏”")
    assert "customer.xlsx：工作表“字段”" in out
    outside = edit(
        exported(project, "customer", tmp_path), lambda ws, col: ws.__setitem__("AC5", "备注")
    )
    refused(project, outside, 2, "工作表“字段”AC5：这一列没有列名，内容无法写回标准")


def test_formula_and_equals_text(project, tmp_path):
    path = exported(project, "customer", tmp_path)

    def formulas(ws, col):
        ws[f"{col['最大长度']}{row_of(ws, col, 'name')}"] = "=50+50"
        cell = ws[f"{col['说明']}{row_of(ws, col, 'uscc')}"]
        cell.value = "=cmd|' /C calc'!A0"
        cell.data_type = "s"  # text that looks like a formula (pasted as text)

    out = refused(project, edit(path, formulas), 2)
    assert "工作表“字段”J3（最大长度）：单元格是公式" in out
    assert "工作表“字段”C4（说明）：以“=”开头，Excel 会把它当作公式" in out


def test_values_outside_the_dropdowns(project, tmp_path):
    path = exported(project, "customer", tmp_path)

    def pasted(ws, col):
        ws[f"{col['类型']}{row_of(ws, col, 'name')}"] = "strin"
        ws[f"{col['格式']}{row_of(ws, col, 'uscc')}"] = "uscc"
        ws[f"{col['必填']}{row_of(ws, col, 'address')}"] = "yes"
        ws[f"{col['最大长度']}{row_of(ws, col, 'address')}"] = "二百"

    out = refused(project, edit(path, pasted), 2)
    assert "D3（类型）：“strin”不在下拉列表中（是否应为“string 文本”？）" in out
    assert "E4（格式）：“uscc”不在下拉列表中" in out
    assert "（必填）：须为“是”或“否”，不是“yes”" in out
    assert "（最大长度）：须为数字，不是“二百”" in out


def test_duplicate_and_bad_keys(project, tmp_path):
    path = exported(project, "customer", tmp_path)

    def keys(ws, col):
        ws[f"{col['字段键']}{row_of(ws, col, 'uscc')}"] = "name"
        ws[f"{col['字段键']}{row_of(ws, col, 'address')}"] = "Address 1"

    out = refused(project, edit(path, keys), 2)
    assert "A4（字段键）：字段键“name”重复（第 3 行已有）" in out
    assert "字段键“Address 1”须为小写英文字母开头" in out


def test_wrong_key_and_another_standards_file(project, tmp_path):
    path = exported(project, "customer", tmp_path)
    refused(project, path, 2, "这是“customer”的表，不是“supplier”的", args=("--key", "supplier"))
    run(project, "sheet", "export", "nope", expect=2)
    template = tmp_path / "template.xlsx"
    run(project, "template", "customer", "-o", str(template))
    refused(project, template, 2, "这是数据填写模板")
    plain = tmp_path / "plain.xlsx"
    openpyxl.Workbook().save(plain)
    refused(project, plain, 2, "不是 infostd sheet export 导出的文件")
    # the standard changed after the export: importing would undo that change
    md = project / "standards/records/customer.md"
    text = md.read_text(encoding="utf-8").replace('"title": "客户名称"', '"title": "客户全名"')
    md.write_text(text, encoding="utf-8")
    refused(project, path, 2, "schema 块已被修改", "请重新导出")


def test_control_characters_and_very_long_text(project, tmp_path):
    path = exported(project, "customer", tmp_path)

    def hostile(ws, col):
        ws[f"{col['标题']}{row_of(ws, col, 'name')}"] = "客户_x0007_名称"
        ws[f"{col['说明']}{row_of(ws, col, 'uscc')}"] = "长" * 40_000

    out = refused(project, edit(path, hostile), 2)
    assert "B3（标题）：含 Excel 转义的字符 _x0007_" in out
    assert "C4（说明）：文字过长（达到单元格上限 32767 个字符，可能已被截断）" in out


def test_check_problems_are_said_as_cells(project, tmp_path):
    path = exported(project, "customer", tmp_path)

    def broken(ws, col):
        ws[f"{col['正则']}{row_of(ws, col, 'address')}"] = "^[0-9"
        ws[f"{col['标题']}{row_of(ws, col, 'name')}"] = "统一社会信用代码"

    out = refused(project, edit(path, broken), 1)
    assert "工作表“字段”Q8（正则）：properties/address/pattern 不是有效的正则表达式" in out
    broken_title = edit(exported(project, "customer", tmp_path), lambda ws, col: broken(ws, col)
                        or ws.__setitem__(f"{col['正则']}8", None))  # fmt: skip
    out = refused(project, broken_title, 1)
    assert "工作表“字段”B4（标题）：字段 uscc 的标题“统一社会信用代码”与字段 name 的标题" in out

    def deleted(ws, col):
        ws.delete_rows(row_of(ws, col, "uscc"))

    out = refused(project, edit(exported(project, "customer", tmp_path), deleted), 1)
    assert "customer.md:" in out and "x-unique 中的字段 uscc 未定义" in out  # not a cell: the line


def test_rows_beyond_the_limit(project, tmp_path, monkeypatch):
    import generators.sheet.importer as importer

    monkeypatch.setattr(importer, "SHEET_ROWS", 10)
    path = exported(project, "customer", tmp_path)
    refused(project, path, 2, "工作表“字段”）：超过上限：sheet import 读取的字段表或代码表的行数")


# ── the text editor under it: any layout, any edit ──────────────────────────────
scalars = st.one_of(
    st.none(), st.booleans(), st.integers(-(10**6), 10**6), st.text(max_size=5),
    st.floats(allow_nan=False, allow_infinity=False, width=32),
)  # fmt: skip
values = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=3), inner, max_size=4)
    ),
    max_leaves=12,
)
layouts = st.sampled_from([None, 2, 4, "\t"])


@given(values, layouts)
def test_rewrite_without_change_keeps_every_byte(value, indent):
    text = json.dumps(value, ensure_ascii=False, indent=indent)
    assert rewrite(text, json.loads(text)) == text


@given(values, values, layouts)
def test_rewrite_gives_the_new_value(old, new, indent):
    text = "\n" + json.dumps(old, ensure_ascii=False, indent=indent) + "\n"
    out = rewrite(text, new)
    assert same(json.loads(out), new)
    assert out.startswith("\n") and out.endswith("\n")  # the text around the value stays


@given(st.dictionaries(st.text(max_size=3), values, min_size=2, max_size=5), st.data(), layouts)
def test_rewrite_touches_only_the_changed_member(old, data, indent):
    text = json.dumps(old, ensure_ascii=False, indent=indent)
    key = data.draw(st.sampled_from(sorted(old)))
    new = {**old, key: data.draw(values)}
    out = rewrite(text, new)
    assert same(json.loads(out), new)
    value = next(node for k, _, node in parse(text).elements if k == key)
    assert out.startswith(text[: value.start]) and out.endswith(text[value.end :])


def test_code_sheet_refusals(project, tmp_path):
    path = exported(project, "department-code", tmp_path)

    def broken(ws, col):
        ws[f"{col['代码']}{row_of(ws, col, 'XS02', '代码')}"] = "XS01"
        ws[f"{col['停用']}{row_of(ws, col, 'CW01', '代码')}"] = "停用"
        ws[f"{col['名称']}{row_of(ws, col, 'SH01', '代码')}"] = None
        ws[f"{col['说明']}{row_of(ws, col, 'SH01', '代码')}"] = None
        ws[f"{col['代码']}{row_of(ws, col, 'SH01', '代码')}"] = None

    untitled = edit(exported(project, "department-code", tmp_path),
                    lambda ws, col: ws.__setitem__(f"{col['代码']}{ws.max_row + 1}", "XS09"), "代码")  # fmt: skip
    refused(project, untitled, 1, "工作表“代码”B15（名称）：oneOf/13 缺少必需的 title")
    out = refused(project, edit(path, broken, sheet="代码"), 2)
    assert "工作表“代码”A4（代码）：代码“XS01”重复（第 3 行已有）" in out
    assert "（停用）：须为“是”或“否”，不是“停用”" in out

    # a code that breaks the list's code rule is refused by check, at its cell
    def lower_case(ws, col):
        row = ws.max_row + 1
        ws[f"{col['代码']}{row}"], ws[f"{col['名称']}{row}"] = "xs9", "测试部"

    out = refused(
        project, edit(exported(project, "department-code", tmp_path), lower_case, "代码"), 1
    )
    assert "工作表“代码”A15（代码）：" in out and "xs9" in out and "编码规则" in out
