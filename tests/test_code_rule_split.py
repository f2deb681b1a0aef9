"""Code-rule matching by backtracking (issue 18, class 4): after code 4403 is added under
44, ``440301`` (= 44 + 0301, valid before) stays valid in every engine — the reference,
the fast polars path, the generated Python and JavaScript validators (the 在线校验 page
runs the latter) — and in the exported ``pattern``; rejected values get the same message
everywhere."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from generators import codegen
from generators.config import load_config
from generators.loader import load_catalog
from generators.model import Catalog
from generators.validate import validate_paths
from generators.validate.engine import validate_rows
from generators.validate.messages import MESSAGES

from .browser import needs_chromium, serve
from .codegen_support import generate_into, import_module, needs_node
from .conftest import make_project
from .test_codegen_differential import three_way

REGION = "codelists/region.md"
GD = '{"const": "44", "title": "广东省"}'
SZ = '{"const": "4403", "title": "深圳市", "x-parent": "44"}'
ROW = {"name": "北京示例科技有限公司", "uscc": "91110108MA01ABCD2H", "region": "11"}
ACCEPTED = ["440301", "44030101", "110001", "440399"]
REJECTED = ["4403", "44030", "4403011", "440301111", "990301", "44x301", "4403010", "", "44"]


@pytest.fixture(scope="module")
def widened(tmp_path_factory: pytest.TempPathFactory) -> Catalog:
    root = make_project(tmp_path_factory.mktemp("split"))
    path = root / "standards" / REGION
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace(GD, f"{GD},\n    {SZ}"), encoding="utf-8")
    return load_catalog(config=load_config(root))


def rows(values: list[str]) -> list[dict]:
    return [{**ROW, "customer_code": v} for v in values]


def code_errors(issues) -> dict[int, str]:
    return {i.row: i.message for i in issues if i.field == "customer_code"}


def test_split_backtracks_to_a_shorter_code(widened: Catalog) -> None:
    rule = widened.records["customer"].field_by_key["customer_code"].code_rule
    assert rule is not None
    lists = widened.codelists
    assert rule.split("440301", lists) == ["44", "0301"]
    assert rule.split("44030101", lists) == ["4403", "0101"]
    assert rule.split("4403", lists) is None
    # a rejected value is explained by the left-to-right walk taking the longest code
    assert rule.diagnose("440301111", lists) == ("code-rule:extra", {"part": "1"})
    assert rule.diagnose("4403011", lists) == (
        "code-rule:length",
        {"index": 1, "position": 2, "part": "011", "limit": 4},
    )


def test_reference_and_exported_pattern_agree(widened: Catalog) -> None:
    issues = validate_rows(widened, "customer", rows(ACCEPTED + REJECTED))
    errors = code_errors(issues)
    assert sorted(errors) == list(range(len(ACCEPTED) + 1, len(ACCEPTED + REJECTED) + 1))
    assert errors[len(ACCEPTED) + 1].endswith(
        "缺少第 2 段（顺序号：4位数字）"
    )  # 4403: longest code
    pattern = widened.exported("customer")["properties"]["customer_code"]["pattern"]
    for value in ACCEPTED:
        assert re.fullmatch(pattern, value), value
    for value in REJECTED:
        assert not re.fullmatch(pattern, value), value


def test_fast_path_agrees_with_the_reference(widened: Catalog, tmp_path: Path) -> None:
    lines = ["客户编码,客户名称,统一社会信用代码,地区"]
    lines += [f"{v},{ROW['name']},{ROW['uscc']},{ROW['region']}" for v in ACCEPTED + REJECTED]
    path = tmp_path / "customers.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    fast = validate_paths(widened, [path], record="customer")
    slow = validate_paths(widened, [path], record="customer", engine="python")
    assert fast.to_dict() == slow.to_dict()
    codes = {i.value for i in fast.files[0].errors if i.field == "customer_code"}
    assert codes.isdisjoint(ACCEPTED)
    assert "440301" not in codes and "440301111" in codes


@needs_node
def test_generated_validators_agree_with_the_reference(widened: Catalog, tmp_path: Path) -> None:
    paths = generate_into(widened, tmp_path, MESSAGES)
    modules = {"py": import_module(paths[codegen.PYTHON_MODULE]), "js": paths[codegen.JS_MODULE]}
    cases = {
        "table": ("customer", rows(ACCEPTED + REJECTED)),
        "labels": ("customer", rows([" 440301", "４４0301", "440301\n"])),
    }
    found = three_way(modules, widened, cases)  # same findings, same messages, word for word
    rejected = {e["value"] for e in found["table"] if e["field"] == "customer_code"}
    assert rejected.isdisjoint(ACCEPTED)
    assert len({e["row"] for e in found["table"] if e["field"] == "customer_code"}) == len(REJECTED)


@needs_chromium
def test_validator_page_agrees_with_the_reference(
    widened: Catalog, fixture_site: Path, browser, tmp_path: Path
) -> None:
    """The 在线校验 page runs the generated JS module of its catalog: a copy of the fixture
    portal serving the widened catalog's module checks a CSV exactly as the reference does."""
    site = tmp_path / "site"
    shutil.copytree(fixture_site, site, ignore=shutil.ignore_patterns("downloads", "*.pdf"))
    module = site / "assets/infostd/validator" / codegen.JS_MODULE
    assert module.is_file()
    generated = generate_into(widened, tmp_path / "module", MESSAGES)
    shutil.copy(generated[codegen.JS_MODULE], module)
    lines = ["客户编码,客户名称,统一社会信用代码,地区"]
    lines += [
        f"{v},{ROW['name']}{n},{ROW['uscc']},{ROW['region']}"
        for n, v in enumerate(ACCEPTED + REJECTED)
    ]
    path = tmp_path / "customers.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    expected = [
        (str(e.row), e.field, e.rule, e.message, e.value or "")
        for e in validate_paths(widened, [path], record="customer").files[0].errors
    ]
    assert {e[4] for e in expected if e[1] == "customer_code"}.isdisjoint(ACCEPTED)
    server = serve(site)
    url = next(server)
    context = browser.new_context()
    try:
        page = context.new_page()
        page.goto(url + "tools/validator/", wait_until="networkidle")
        page.wait_for_selector("body[data-infostd-validator=ready]", timeout=15000)
        page.locator("#infostd-file").set_input_files(str(path))
        page.wait_for_function("Number(document.body.dataset.infostdFinished || 0) > 0")
        shown = page.locator("#infostd-errors tbody tr").evaluate_all(
            """rows => rows.map(tr => {
                const cells = [...tr.cells].map(td => td.textContent);
                return [tr.dataset.row, tr.dataset.field, tr.dataset.rule, cells[4], cells[5]];
            })"""
        )
    finally:
        context.close()
        server.close()
    assert [tuple(r) for r in shown] == expected
