"""``x-level``: a field of a tree code list accepts the codes of one level only
(所属行业 = a GB/T 4754 大类, never a 门类 letter) — in the reference, the fast engine,
both generated validators, the template's dropdown, the exported schema and ``diff``."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from generators import codegen, excel
from generators.config import load_config
from generators.loader import load_catalog
from generators.model import Catalog
from generators.release.diff import diff_catalogs
from generators.validate import validate_paths
from generators.validate.engine import validate_rows
from generators.validate.messages import MESSAGES

from .codegen_support import generate_into, import_module, needs_node, run_node
from .conftest import make_project
from .test_codegen_parity import JS_ROWS

FIELD = '"registered_on": {"title": "登记日期", "type": "string", "format": "date"}'
CATEGORY = '"category": {"title": "信息类别", "$ref": "info-category.schema.json", "x-level": 2}'
VALUES = ["01.01", "01.01 客户信息", "客户信息", "01", "01 基础信息", "基础信息", "0101", ""]


def project(tmp_path: Path, field: str = CATEGORY) -> Path:
    root = make_project(tmp_path)
    path = root / "standards" / "records" / "customer.md"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace(FIELD, f"{FIELD},\n    {field}", 1), encoding="utf-8")
    return root


@pytest.fixture
def catalog(tmp_path: Path) -> Catalog:
    return load_catalog(config=load_config(project(tmp_path)))


def rows(catalog: Catalog) -> list[dict]:
    example = catalog.records["customer"].examples[0]
    return [{**example, "customer_code": f"11{n:04d}", "category": v} for n, v in enumerate(VALUES)]


def test_reference_accepts_only_the_level(catalog: Catalog) -> None:
    issues = validate_rows(catalog, "customer", rows(catalog))
    found = {(i.row, i.rule) for i in issues if i.field == "category"}
    assert found == {(4, "codelist"), (5, "codelist"), (6, "codelist"), (7, "codelist")}
    message = next(i.message for i in validate_rows(catalog, "customer", rows(catalog)[3:4]))
    assert "信息分类（第 2 级）" in message


def test_fast_engine_agrees(catalog: Catalog, tmp_path: Path) -> None:
    path = tmp_path / "rows.csv"
    header = ["customer_code", "name", "uscc", "region", "category"]
    lines = [",".join(header)] + [
        ",".join(str(r.get(k, "")) for k in header) for r in rows(catalog)
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    fast = validate_paths(catalog, [path]).to_dict()
    assert fast == validate_paths(catalog, [path], engine="python").to_dict()
    errors = fast["files"][0]["errors"]
    assert [e["row"] for e in errors if e["field"] == "category"] == [5, 6, 7, 8]


@needs_node
def test_generated_validators_agree(catalog: Catalog, tmp_path: Path) -> None:
    paths = generate_into(catalog, tmp_path / "gen", MESSAGES)
    expected = [i.to_dict() for i in validate_rows(catalog, "customer", rows(catalog))]
    py = import_module(paths[codegen.PYTHON_MODULE])
    assert [e.to_dict() for e in py.validate_rows("customer", rows(catalog))] == expected
    js = run_node(paths[codegen.JS_MODULE], JS_ROWS, {"c": ["customer", rows(catalog), True]})
    assert [{k: e[k] for k in expected[0]} for e in js["c"]] == expected


def test_template_offers_only_the_level(catalog: Catalog, tmp_path: Path) -> None:
    path = excel.write_template(catalog, "customer", tmp_path / "c.xlsx", "1.0.0")
    book = openpyxl.load_workbook(path)
    data = book.worksheets[0]
    keys = [c.value for c in data[2]]
    letter = openpyxl.utils.get_column_letter(keys.index("category") + 1)
    (dv,) = [d for d in data.data_validations.dataValidation if str(d.sqref).startswith(letter)]
    first, last = dv.formula1.split("!")[1].replace("$", "").split(":")
    offered = [c.value for row in book["代码表"][first:last] for c in row]
    assert offered == ["01.01 客户信息"]


def test_exported_schema_and_diff(tmp_path: Path) -> None:
    catalog = load_catalog(config=load_config(project(tmp_path / "new")))
    assert catalog.exported("customer")["properties"]["category"]["enum"] == ["01.01"]
    old = load_catalog(
        config=load_config(project(tmp_path / "old", CATEGORY.replace(', "x-level": 2', "")))
    )
    (tightened,) = [c for c in diff_catalogs(old, catalog) if c.kind.startswith("codelist-ref")]
    assert (tightened.kind, tightened.bump) == ("codelist-ref-changed", "major")
    assert "“01”" in tightened.message
    (relaxed,) = [c for c in diff_catalogs(catalog, old) if c.kind.startswith("codelist-ref")]
    assert relaxed.bump == "minor"


def test_a_level_the_list_does_not_have_is_located(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from generators.cli import cli

    root = project(tmp_path, CATEGORY.replace('"x-level": 2', '"x-level": 5'))
    result = CliRunner().invoke(cli, ["--root", str(root), "check"])
    assert result.exit_code == 1 and "customer.md:" in result.output
    assert "代码表 info-category 没有第 5 级代码" in result.output
