"""Rule kinds `segment-equals`, `required-any` and foreign keys with a condition on the
target (`where`): `check`'s located errors for bad parameters, the reference semantics
(fast path and the reference engine on the same file), the portal's words and `diff`'s
classification. The generated validators and SQL are compared with the reference on the
shared corpus (tests/codegen_support.broken_rows) in test_codegen_differential/test_sql."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from generators.cli import cli
from generators.config import load_config
from generators.loader import load_catalog
from generators.model import Catalog, Rule
from generators.portal.render import rule_sentence
from generators.release.compat import rule_implied
from generators.release.diff import diff_catalogs
from generators.validate import validate_paths
from generators.validate.engine import validate_rows
from generators.validate.messages import MESSAGES

from .codegen_support import NODE, generate_into, needs_node
from .conftest import CATALOG, catalog_project

ASSET = "records/asset.md"
CONTRACT = "records/contract.md"
AS03 = '"segment": 2, "equals": "category"'
CT09 = '"fields": ["customer_code", "supplier_code"]'


def edit(root: Path, file: str, old: str, new: str) -> None:
    path = root / "standards" / file
    text = path.read_text(encoding="utf-8")
    assert old in text, f"fixture changed: {old!r} not in {file}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def check(root: Path):
    return CliRunner().invoke(cli, ["--root", str(root), "check"])


@pytest.mark.parametrize(
    ("file", "old", "new", "words"),
    [
        (ASSET, AS03, '"segment": 4, "equals": "category"', "segment 4 超出范围：字段 asset_code 的编码规则只有 3 段"),
        (ASSET, AS03, '"segment": 0, "equals": "category"', "的参数 segment"),
        (ASSET, '"field": "asset_code", "segment"', '"field": "asset_name", "segment"', "字段 asset_name 没有 x-code-rule"),
        (ASSET, AS03, '"segment": 2, "equals": "categry"', "规则 AS-03 引用的字段 categry 未定义"),
        (ASSET, AS03, '"segment": 2, "equals": "original_value"', "字段 original_value 不是文本字段"),
        (CONTRACT, CT09, '"fields": ["customer_code"]', "规则 CT-10（required-any）的参数 fields"),
        (CONTRACT, CT09, '"fields": ["customer_code", "supplier"]', "规则 CT-10 引用的字段 supplier 未定义"),
    ],
)  # fmt: skip
def test_bad_parameters_are_located_errors(tmp_path: Path, file, old, new, words) -> None:
    root = catalog_project(tmp_path)
    edit(root, file, old, new)
    result = check(root)
    assert result.exit_code == 1, result.output
    line = next(x for x in result.output.splitlines() if words in x)
    lines = (root / "standards" / file).read_text(encoding="utf-8").splitlines()
    at = next(n for n, text in enumerate(lines, start=1) if new in text)
    assert f"standards/{file}:{at}: " in line, line  # file and line of the rule


def test_segment_equals_semantics(fixture_catalog: Catalog) -> None:
    example = fixture_catalog.records["asset"].examples[0]  # ZC04000123, category 04
    rows = [
        example,
        {**example, "category": "03"},  # the code says 04
        {**example, "category": "04 电子设备"},  # a dropdown label is the code 04
        {**example, "asset_code": "ZC99000123", "category": "03"},  # a broken code: one error
        {**example, "category": ""},  # missing category: only `required`
    ]
    issues = validate_rows(fixture_catalog, "asset", rows)
    found = [(i.row, i.field, i.rule) for i in issues if i.rule != "unique"]
    assert found == [
        (2, "asset_code", "rule:AS-03"),
        (4, "asset_code", "code-rule"),
        (5, "category", "required"),
    ]
    issue = next(i for i in validate_rows(fixture_catalog, "asset", rows[1:2]))
    assert (issue.message, issue.value) == (
        "资产编码中的类别码须与资产类别一致（规则 AS-03）",
        "ZC04000123",
    )


def test_required_any_semantics(fixture_catalog: Catalog) -> None:
    example = fixture_catalog.records["contract"].examples[1]  # 03, customer code only
    rows = [
        example,
        {**example, "customer_code": ""},
        {**example, "customer_code": "", "supplier_code": "39-0001"},
        {**example, "customer_code": "1100"},  # a broken code counts as absent: two errors
    ]
    issues = validate_rows(fixture_catalog, "contract", rows)
    found = [(i.row, i.field, i.rule) for i in issues if i.rule not in ("unique", "foreign-key")]
    assert found == [
        (2, "customer_code", "rule:CT-10"),
        (4, "customer_code", "code-rule"),
        (4, "customer_code", "rule:CT-10"),
    ]


CSV_HEADER = "资产编码,资产名称,资产类别,保管部门,保管人,购置日期,原值（元）,使用年限（年）,存放地点,资产状态\n"


def test_fast_path_agrees_with_the_reference(fixture_catalog: Catalog, tmp_path: Path) -> None:
    lines = [
        "ZC04000123,服务器,04,XX01,刘洋,2024-06-18,86500,5,机房,在用",
        "ZC04000124,服务器,03,XX01,刘洋,2024-06-18,86500,5,机房,在用",
        "ZC04000125,服务器,04 电子设备,XX01,刘洋,2024-06-18,86500,5,机房,在用",
        "ZC03000126,汽车,04 电子设备,XX01,刘洋,2024-06-18,86500,5,机房,在用",
        "ZC0400012,服务器,03,XX01,刘洋,2024-06-18,86500,5,机房,在用",
    ] * 3
    data = tmp_path / "assets.csv"
    data.write_text(CSV_HEADER + "\n".join(lines) + "\n", encoding="utf-8")
    reports = [
        validate_paths(fixture_catalog, [data], engine=engine).to_dict()
        for engine in ("auto", "python")
    ]
    assert reports[0] == reports[1]
    rules = [(e["row"], e["rule"]) for e in reports[0]["files"][0]["errors"]]
    assert (3, "rule:AS-03") in rules and (5, "rule:AS-03") in rules
    assert (6, "rule:AS-03") not in rules and (6, "code-rule") in rules


def test_rules_in_words(fixture_catalog: Catalog) -> None:
    asset, contract = fixture_catalog.records["asset"], fixture_catalog.records["contract"]
    seg = next(r for r in asset.rules if r.id == "AS-03")
    anyof = next(r for r in contract.rules if r.id == "CT-10")
    assert rule_sentence(asset, seg.type, seg.params) == (
        "资产编码 中的第 2 段（资产类别）须与 资产类别 一致"
    )
    assert rule_sentence(contract, anyof.type, anyof.params) == "客户编码、供应商编码 至少填写一项"


CT09_LINES = [
    (CONTRACT, ',\n    {"id": "CT-10", "type": "required-any", ' + CT09 + ', "message": "客户编码和供应商编码至少填写一项"}', ""),
    (CONTRACT, '  - {id: CT-10, text: "客户编码和供应商编码至少填写一项", by: validator, rule: "CT-10"}\n', ""),
    (CONTRACT, "（CT-10）", ""),
]  # fmt: skip


def test_diff_adding_a_required_any_rule_is_major(tmp_path: Path) -> None:
    """CT-10 over two optional fields: contracts valid before (neither code) now fail."""
    old = catalog_project(tmp_path / "old")
    for file, text, new in CT09_LINES:
        edit(old, file, text, new)
    before = load_catalog(config=load_config(old))
    after = load_catalog(config=load_config(catalog_project(tmp_path / "new")))
    changes = [c for c in diff_catalogs(before, after) if c.kind.startswith("rule")]
    assert [(c.kind, c.bump, "CT-10" in c.message) for c in changes] == [
        ("rule-added", "major", True)
    ]


def test_compatibility_reasoning(fixture_catalog: Catalog) -> None:
    contract, asset = fixture_catalog.records["contract"], fixture_catalog.records["asset"]
    wider = Rule("CT-11", "required-any", "x", {"fields": ["supplier_code", "contract_no"]})
    assert rule_implied(wider, contract) == (
        True,
        "字段 contract_no 在旧版中已是必填，任何有效记录都满足",
    )
    superset = Rule(
        "CT-12", "required-any", "x", {"fields": ["supplier_code", "customer_code", "remark"]}
    )
    assert rule_implied(superset, contract)[0]  # CT-10 already asks for one of the first two
    other = Rule(
        "AS-09",
        "segment-equals",
        "x",
        {"field": "asset_code", "segment": 2, "equals": "spec_model"},
    )
    assert rule_implied(other, asset) == (False, "旧版的有效记录可能不满足该规则")


# ── foreign keys with a condition on the target (SU-05: only 合格 suppliers) ──
def _csv(path: Path, rows: list[dict]) -> Path:
    keys = list(dict.fromkeys(k for r in rows for k in r))
    lines = [",".join(keys)] + [",".join(str(r.get(k, "")) for k in keys) for r in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def fk_files(fixture_catalog: Catalog, tmp_path: Path) -> tuple[Path, Path]:
    """Suppliers: 39-0001 合格, 52-0002 暂停合作, 65-0003 without a status; contracts
    citing each of them and one that does not exist."""
    sup = fixture_catalog.records["supplier"].examples
    suppliers = [sup[0], sup[2], {**sup[1], "status": ""}]
    contract = fixture_catalog.records["contract"].examples[2]  # a purchase contract
    codes = ["39-0001", "52-0002", "65-0003", "65-0009"]
    contracts = [
        {**contract, "contract_no": f"HT2026{n:05d}", "supplier_code": code}
        for n, code in enumerate(codes, start=1)
    ]
    return _csv(tmp_path / "suppliers.csv", suppliers), _csv(tmp_path / "contracts.csv", contracts)


def _validate(*args: str) -> dict:
    result = CliRunner().invoke(
        cli, ["--root", str(CATALOG), "validate", "--format", "json", *args]
    )
    assert result.exit_code in (0, 1), result.output
    return json.loads(result.stdout)


def _fk_findings(report: dict) -> list[tuple]:
    file = report["files"][0]
    keys = ("foreign-key", "foreign-key-where", "foreign-key-unchecked")
    return [
        (e["row"], e["rule"], e["value"], e["message"])
        for e in file["errors"] + file["warnings"]
        if e["rule"] in keys
    ]


def test_foreign_key_condition_names_what_the_target_holds(fk_files) -> None:
    suppliers, contracts = fk_files
    report = _validate(str(contracts), str(suppliers))
    catalog = load_catalog(config=load_config(CATALOG))
    assert report == validate_paths(catalog, [contracts, suppliers], engine="python").to_dict()
    assert report == _validate(str(contracts), str(suppliers), "--engine", "duckdb")
    assert _fk_findings(report) == [
        (3, "foreign-key-where", "52-0002",
         "“供应商编码”的值“52-0002”在“供应商信息”中的准入状态为“暂停合作”，不符合要求（须为：合格）"),
        (4, "foreign-key-where", "65-0003",
         "“供应商编码”的值“65-0003”在“供应商信息”中未填写准入状态（须为：合格）"),
        (5, "foreign-key", "65-0009", "“供应商编码”的值“65-0009”在“供应商信息”中不存在"),
    ]  # fmt: skip
    english = _validate(str(contracts), "-r", str(suppliers), "--lang", "en")
    assert _fk_findings(english)[0][3] == (
        "“供应商编码” “52-0002” exists in “供应商信息” but its 准入状态 is “暂停合作” (must be: 合格)"
    )


def test_validated_alone_the_warning_names_the_condition(fk_files) -> None:
    _, contracts = fk_files
    alone = _validate(str(contracts))
    assert _validate(str(contracts), "--engine", "duckdb") == alone
    (warning,) = _fk_findings(alone)
    assert warning == (
        1, "foreign-key-unchecked", None,
        "“供应商编码”须在“供应商信息”中存在且准入状态为：合格，但本次未提供“供应商信息”文件，"
        "未作检查（可同时校验该文件，或用 --reference 指定参照文件）",
    )  # fmt: skip


@needs_node
def test_generated_validators_check_the_condition(fk_files, fixture_catalog, tmp_path) -> None:
    suppliers, contracts = fk_files
    gen = generate_into(fixture_catalog, tmp_path / "gen", MESSAGES)
    for args in ([str(contracts)], [str(contracts), str(suppliers)]):
        for lang in ("zh", "en"):
            reference = _validate(*args, "--lang", lang)
            for cmd in (
                [sys.executable, str(gen["infostd_validators.py"])],
                [NODE or "node", str(gen["infostd-validators.mjs"])],
            ):
                done = subprocess.run(
                    [*cmd, *args, "--format", "json", "--lang", lang],
                    capture_output=True,
                    text=True,
                )
                got = json.loads(done.stdout)
                for mine, theirs in zip(got["files"], reference["files"], strict=True):
                    assert mine["errors"] == theirs["errors"], done.stderr
                    assert mine["warnings"] == theirs["warnings"], done.stderr


@pytest.mark.parametrize(
    ("old", "new", "words"),
    [
        ('"where": {"field": "status"', '"where": {"field": "state"', "外键条件中的字段 supplier.state 不存在"),
        ('"in": ["合格"]', '"in": ["合格供应商"]', "外键条件中的值 '合格供应商' 不是 supplier.status 的可选值"),
        ('"in": ["合格"]', '"in": []', "x-foreign-keys"),
    ],
)  # fmt: skip
def test_bad_condition_is_a_located_error(tmp_path: Path, old, new, words) -> None:
    root = catalog_project(tmp_path)
    edit(root, CONTRACT, old, new)
    result = check(root)
    assert result.exit_code == 1, result.output
    line = next(x for x in result.output.splitlines() if words in x)
    lines = (root / "standards" / CONTRACT).read_text(encoding="utf-8").splitlines()
    at = next(n for n, text in enumerate(lines, start=1) if new in text)
    assert f"standards/{CONTRACT}:{at}: " in line, line


def test_condition_in_words_and_in_diff(fixture_catalog: Catalog, tmp_path: Path) -> None:
    from generators.excel import field_rule

    contract = fixture_catalog.records["contract"]
    supplier_code = contract.field_by_key["supplier_code"]
    assert "须为「供应商信息」中已有的供应商编码，且其准入状态为“合格”" in field_rule(
        supplier_code, contract, fixture_catalog
    )
    where = '"where": {"field": "status", "in": ["合格"]}'
    cases = [  # the condition removed, widened, replaced by another
        (", " + where, "", "foreign-key-removed", "minor"),
        ('"in": ["合格"]', '"in": ["合格", "暂停合作"]', "foreign-key-removed", "minor"),
        (
            '"field": "status", "in": ["合格"]',
            '"field": "owner_dept", "in": ["CG01"]',
            "foreign-key-added",
            "major",
        ),
    ]
    before = load_catalog(config=load_config(CATALOG))
    edited = []
    for n, (old, new, kind, bump) in enumerate(cases):
        root = catalog_project(tmp_path / str(n))
        edit(root, CONTRACT, old, new)
        if not new:  # without a condition SU-05 enforces nothing: people check it again
            edit(root, "records/supplier.md", PEOPLE[0], PEOPLE[1])
        edited.append(load_catalog(config=load_config(root)))
        (change,) = [c for c in diff_catalogs(before, edited[-1]) if c.kind.startswith("foreign")]
        assert (change.kind, change.bump, change.field) == (kind, bump, "supplier_code"), change
    # …and a condition added to a key that had none: major
    (change,) = [c for c in diff_catalogs(edited[0], before) if c.kind.startswith("foreign")]
    assert (change.kind, change.bump) == ("foreign-key-added", "major")
    assert change.message.endswith("的条件由“无”改为“status ∈ 合格”（收紧）")


PEOPLE = (
    'by: validator, rule: "contract.supplier_code:foreign-key-where"',
    'by: people, who: "法务部", when: "审核每份采购合同时", evidence: "合同审核单"',
)


def test_template_checks_the_segment_when_the_code_is_typed(
    fixture_catalog: Catalog, tmp_path: Path
) -> None:
    """The asset template's 资产编码 validation also asks characters 3–4 to equal the start
    of 资产类别 (a code or its dropdown label), unless 资产类别 is still empty."""
    import openpyxl

    from generators import excel

    path = excel.write_template(fixture_catalog, "asset", tmp_path / "asset.xlsx", "1.0.0")
    sheet = openpyxl.load_workbook(path).worksheets[0]
    by_key = {sheet.cell(2, c).value: c for c in range(1, sheet.max_column + 1)}
    code, category = (
        openpyxl.utils.get_column_letter(by_key[k]) for k in ("asset_code", "category")
    )
    (formula,) = [
        dv.formula1 for dv in sheet.data_validations.dataValidation if f"{code}3" in str(dv.sqref)
    ]
    part = f"OR(LEN({category}3)=0,EXACT(MID({code}3,3,2),LEFT({category}3,2)))"
    assert part in formula, formula
