"""The shipped standards say what the source guide and the policies require (issue 12's
list): each point is checked on the content itself."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
from click.testing import CliRunner

from generators import excel
from generators.cli import cli
from generators.model import Catalog
from generators.validate import validate_rows
from tests import audit_ledgers as L

from .conftest import REPO


def prose(catalog: Catalog, standard_id: str) -> str:
    return next(s for s in catalog.standards if s.id == standard_id).prose


def issues(catalog: Catalog, key: str, **changes) -> list[tuple[str, str]]:
    row = {**catalog.records[key].examples[0], **changes}
    row = {k: v for k, v in row.items() if v is not None}
    return [(i.field, i.rule) for i in validate_rows(catalog, key, [row])]


def test_industry_is_a_major_group_code(shipped_catalog: Catalog) -> None:
    for key in ("customer", "supplier"):
        assert shipped_catalog.records[key].field_by_key["industry"].codelist_level == 2
    assert ("industry", "codelist") in issues(shipped_catalog, "customer", industry="I")


def test_other_customer_type_needs_a_remark(shipped_catalog: Catalog) -> None:
    assert ("remark", "rule:CU-08") in issues(shipped_catalog, "customer", customer_type="9")
    assert issues(shipped_catalog, "customer", customer_type="9", remark="农民专业合作社") == []


def test_hong_kong_and_landline_only_customers(shipped_catalog: Catalog) -> None:
    for phone in ("+852 91234567", "+886912345678", "010-82345678"):
        assert issues(shipped_catalog, "customer", mobile=None, phone=phone) == []
    assert ("phone", "pattern") in issues(shipped_catalog, "customer", phone="12345")


def test_entry_time_is_recorded_by_the_system(shipped_catalog: Catalog, tmp_path: Path) -> None:
    contract = shipped_catalog.records["contract"]
    assert contract.field_by_key["entered_at"].read_only
    assert "entered_at" not in contract.required
    book = openpyxl.load_workbook(
        excel.write_template(shipped_catalog, "contract", tmp_path / "c.xlsx", "1.0.0")
    )
    assert "entered_at" not in [c.value for c in book.worksheets[0][2]]
    # a migrated/template row without 录入时间 has no error; history signed before the
    # standard takes effect (2027-01-01) is exempt from CT-01, and the report says so
    assert issues(shipped_catalog, "contract", entered_at=None) == [("signed_at", "rule-exempt")]
    late = issues(shipped_catalog, "contract", entered_at="2026-03-09T10:00:00+08:00")
    assert late == [("signed_at", "rule-exempt")]
    # a system export of a contract signed since then still gets CT-01
    signed = {"contract_no": "HT202700012", "signed_at": "2027-03-02T10:00:00+08:00"}
    late = issues(shipped_catalog, "contract", **signed, entered_at="2027-03-09T10:00:00+08:00")
    assert late == [("entered_at", "rule:CT-01")]


def test_office_phone_has_a_template_check(shipped_catalog: Catalog, tmp_path: Path) -> None:
    book = openpyxl.load_workbook(
        excel.write_template(shipped_catalog, "department", tmp_path / "d.xlsx", "1.0.0")
    )
    sheet = book.worksheets[0]
    column = [c.value for c in sheet[2]].index("phone") + 1
    letter = openpyxl.utils.get_column_letter(column)
    (dv,) = [d for d in sheet.data_validations.dataValidation if str(d.sqref).startswith(letter)]
    assert dv.type == "custom" and f"LEN({letter}3)>=11" in dv.formula1


def test_missing_class_clause_and_group(shipped_catalog: Catalog) -> None:
    tree = shipped_catalog.codelists["info-category"]
    assert any(e.title == "项目信息" for e in tree.entries)
    assert "核心信息需存储于企业内部服务器" in prose(shipped_catalog, "IMS-PL-003")
    accountability = prose(shipped_catalog, "IMS-PL-004")
    assert "分管副总经理任组长" in accountability and "**专项小组**" in accountability
    glossary = next(s for s in shipped_catalog.standards if s.front_matter.get("terms"))
    terms = {t["term"]: t.get("deprecated", []) for t in glossary.front_matter["terms"]}
    assert "信息化领导小组" in terms["专项小组"] and "所有部门" in terms["归口部门"]
    assert "流水号" in terms["顺序号"] and "L3 秘密" in terms["受限"]


def test_security_grades_do_not_reuse_state_secret_words(shipped_catalog: Catalog) -> None:
    titles = [e.title for e in shipped_catalog.codelists["security-level"].entries]
    assert not {"秘密", "机密", "绝密"} & set(titles)


def test_policy_prose_has_no_schema_jargon(shipped_catalog: Catalog) -> None:
    for standard in shipped_catalog.standards:
        if standard.kind == "policy":
            for word in ("x-sensitive", "x-unique", "x-code-rule", "`required`", '"deprecated"'):
                assert word not in standard.prose, (standard.id, word)


def test_supplier_code_reading_is_the_committees_decision(shipped_catalog: Catalog) -> None:
    assert "专项小组决定" in prose(shipped_catalog, "IMS-DS-003")


def test_migrated_contract_history_is_exempt_from_ct01(tmp_path: Path) -> None:
    """A contract ledger kept before the standard (late entries included) goes through
    audit → migrate → validate: 录入时间 is the system's (not migrated), and CT-01 applies
    from 2027-01-01, so history is not judged by it and the report says how many rows."""
    ledger, mapping, out = L.contract_ledger(tmp_path), tmp_path / "m.yaml", tmp_path / "o.xlsx"
    run = lambda *a: CliRunner().invoke(cli, ["--root", str(REPO), *a])  # noqa: E731
    assert (
        run("audit", str(ledger), "--record", "contract", "--mapping", str(mapping)).exit_code == 0
    )
    run("migrate", str(ledger), "--mapping", str(mapping), "-o", str(out))
    book = openpyxl.load_workbook(out)
    assert "entered_at" not in [c.value for c in book.worksheets[0][2]]
    report = run("validate", str(out), "--format", "json")
    found = json.loads(report.stdout)["files"][0]
    assert not [e for e in found["errors"] if e["rule"].startswith("rule:CT-01")]
    (exempt,) = [w["message"] for w in found["warnings"] if w["rule"] == "rule-exempt"]
    assert exempt.startswith("2 行的“签订时间”早于 2027-01-01 生效日期，未按 CT-01 校验")
