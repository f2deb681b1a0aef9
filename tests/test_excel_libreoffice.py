"""Templates opened by a real spreadsheet program (LibreOffice, headless).

Two checks: the data validations survive LibreOffice reading and re-saving the
file, and every custom validation formula gives, in a real formula engine, the
answer the validator's own checks (formats.py, the code-rule regex) give.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import openpyxl
import pytest

from generators import excel
from generators.config import load_config
from generators.formats import FORMAT_CHECKERS
from generators.loader import load_catalog
from generators.model import Catalog, Field
from generators.validate.cells import alternative_ok
from tests.conftest import CATALOG, FIXTURES, make_project

SOFFICE = shutil.which("soffice")
pytestmark = pytest.mark.skipif(
    SOFFICE is None, reason="LibreOffice (soffice) 未安装：scripts/test.sh 以 root 运行时会安装"
)

# (record, field) → [(value, Excel accepts it)]. Where Excel accepts a value the validator
# rejects, the comment says why; Excel never rejects a value the validator accepts,
# except deprecated codes (a template is for new data).
CASES: dict[tuple[str, str], list[tuple[object, bool]]] = {
    ("customer", "customer_code"): [
        ("110001", True),
        ("440123", True),
        ("440301", True),  # 44 + 0301 although 4403 is a code too (matching backtracks)
        ("44030101", True),  # 4403 + 0101
        ("4403010", False),
        ("990001", False),  # 99 is not in the region list
        ("11000A", False),
        ("1100011", False),
        ("*?0001", False),  # no wildcard matching
        ("11 001", False),
    ],
    ("customer", "uscc"): [
        ("91110108MA01ABCD2H", True),
        ("91110108MA01ABCD2I", False),  # I is not in the GB 32100 character set
        ("9111010XMA01ABCD2H", False),  # positions 3–8 are digits
        ("91110108ma01abcd2h", False),
        ("91110108MA01ABCD2", False),
        ("91110108MA01ABCD2J", True),  # wrong check digit: left to the validator
    ],
    ("customer", "mobile"): [
        ("13800138000", True),
        ("19912345678", True),
        ("12800138000", False),
        ("1380013800", False),
        ("1380013800a", False),
        ("1.380013800", False),
    ],
    ("contract", "contract_no"): [("HT0001", True), ("ht0001", False), ("HT001", False)],
    ("station", "station_code"): [
        ("ZD10A001", True),
        ("ZD1A001", True),
        ("ZD2A001", False),  # line 2 is deprecated: not offered for new data
        ("ZD3A001", False),
        ("zd10A001", False),
        ("ZD10a001", False),
        ("ZD10A00X", True),  # the last digits check did not fit in 255 characters
    ],
    ("station", "email"): [
        ("a@b.cn", True),
        ("first.last+tag@mail.example.com", True),
        ("a@b", False),
        ("a b@c.cn", False),
        ("@b.cn", False),
        ("a@@b.cn", False),
        ("a@b.cn.", False),
        ("a@.cn", False),
    ],
    ("station", "website"): [
        ("https://www.example.com", True),
        ("http://云图.中国/a?b=1", True),
        ("www.example.com", False),
        ("ftp://example.com", False),
        ("https://example .com", False),
        ("https://localhost", False),
        ("https://-bad.com", True),  # host syntax: left to the validator
    ],
    ("station", "hotline"): [
        ("+85291234567", True),
        ("+8613800138000", True),
        ("85291234567", False),
        ("+0852912345", False),
        ("+852 9123 4567", False),
        ("+852-91234567", False),
        ("+123456", False),
        ("+1234567890123456", False),
    ],
    ("station", "manager_id"): [
        ("11010519491231002X", True),
        ("11010519491231002x", False),
        ("01010519491231002X", False),
        ("1101051949123100", False),
        ("110105194912310021", True),  # wrong check digit: left to the validator
    ],
    ("station", "old_code"): [("123", True), ("012", True), ("12", False), ("12a", False)],
    ("station", "bank_account"): [
        ("12345678", True),
        ("6228480088123456789", True),
        ("1234567", False),
        ("1234567a", False),
        ("1" * 31, False),
    ],
    ("station", "phone"): [
        ("010-82345678", True),
        ("0755-82345678-8001", True),
        ("010-8234567", True),
        ("10-82345678", False),  # the first character
        ("010 82345678", False),  # a character outside the pattern
        ("010-823", False),  # too short
        ("010-82345678-12345678", False),  # too long
        ("0-123456789", True),  # the shape is a necessary condition: left to the validator
    ],
    ("station", "contact"): [  # anyOf: OR of the three items' conditions
        ("13800138000", True),
        ("+85291234567", True),
        ("010-82345678", True),
        ("0755-8234567", True),
        ("12800138000", False),  # neither a mobile (13–19) nor anything else
        ("85291234567", False),
        ("+0852912345", False),
        ("10-82345678", False),
        ("010-823", False),
        ("0-1234567890", True),  # the landline's shape only (a necessary condition)
    ],
    ("station", "ratio"): [(0.5, True), (0, False), (1, False)],
    ("station", "fee"): [(10.25, True), (19.99, True), (10.255, False), (-1, False)],
}


def validator_accepts(catalog: Catalog, f: Field, value: object) -> bool:
    """What the validator's own building blocks say about a value."""
    if not isinstance(value, str):
        return True  # numbers: the expected column says it
    if f.format in FORMAT_CHECKERS and FORMAT_CHECKERS[f.format](value) is not None:
        return False
    if f.code_rule and not re.fullmatch(f.code_rule.regex(catalog.codelists), value):
        return False
    if f.alternatives and not any(alternative_ok(a, value) for a in f.alternatives):
        return False
    return not (f.pattern and not re.search(f.pattern, value))


@dataclass
class Converted:
    originals: dict[str, Path]  # name → template as generated
    saved: dict[str, Path]  # name → the same file after LibreOffice opened and saved it
    evaluated: dict[str, Path]
    catalogs: dict[str, Catalog]


def shift(formula: str, column: str, row: int) -> str:
    """The validation formula of the column's first data cell, moved to ``row``."""
    return re.sub(rf"(?<![$A-Z0-9!.]){column}3(?![0-9])", f"{column}{row}", formula)


def evaluation_book(template: Path, cases: dict[str, list[object]], target: Path) -> None:
    """The template with test values typed in and each custom formula in a spare column."""
    book = openpyxl.load_workbook(template)
    sheet = book.worksheets[0]
    keys = {c.value: c.column_letter for c in sheet[2]}
    spare = sheet.max_column + 2
    formulas = {
        sheet.cell(2, next(iter(dv.sqref.ranges)).min_col).value: dv.formula1
        for dv in sheet.data_validations.dataValidation
        if dv.type == "custom"
    }
    for index, (key, values) in enumerate(cases.items()):
        column = keys[key]
        for offset, value in enumerate(values):
            row = 3 + offset
            sheet[f"{column}{row}"] = value
            sheet.cell(row, spare + index).value = "=" + shift(formulas[key], column, row)
    book.save(target)


@pytest.fixture(scope="module")
def converted(tmp_path_factory: pytest.TempPathFactory) -> Converted:
    base = tmp_path_factory.mktemp("lo")
    catalogs = {
        "fixture": load_catalog(config=load_config(make_project(base, FIXTURES / "templates"))),
        "shipped": load_catalog(config=load_config(CATALOG)),
    }
    src, out = base / "src", base / "out"
    originals, evaluated = {}, {}
    for name, catalog in catalogs.items():
        for key in catalog.records:
            path = excel.write_template(catalog, key, src / f"{name}-{key}.xlsx", "1.0.0")
            originals[f"{name}-{key}"] = path
            cases = {f: [v for v, _ in vs] for (k, f), vs in CASES.items() if k == key}
            examples = examples_of(catalog, key)
            if name == "fixture" and cases:
                evaluated[f"fixture-{key}"] = src / f"eval-fixture-{key}.xlsx"
                evaluation_book(path, cases, evaluated[f"fixture-{key}"])
            if examples:
                evaluated[f"examples-{name}-{key}"] = src / f"eval-examples-{name}-{key}.xlsx"
                evaluation_book(path, examples, evaluated[f"examples-{name}-{key}"])
    files = sorted(str(p) for p in src.glob("*.xlsx"))
    profile = (base / "profile").as_uri()
    subprocess.run(
        [SOFFICE, f"-env:UserInstallation={profile}", "--headless", "--convert-to", "xlsx"]
        + ["--outdir", str(out), *files],
        check=True,
        capture_output=True,
        timeout=300,
    )
    return Converted(
        originals=originals,
        saved={k: out / p.name for k, p in originals.items()},
        evaluated={k: out / p.name for k, p in evaluated.items()},
        catalogs=catalogs,
    )


def examples_of(catalog: Catalog, key: str) -> dict[str, list[object]]:
    """Example values of every text field with a custom formula (they must be accepted)."""
    schema = catalog.records[key]
    found: dict[str, list[object]] = {}
    for f in schema.fields:
        values = [e[f.key] for e in schema.examples if f.key in e] + list(f.examples)
        if values and f.type == "string" and not f.codelist and f.enum is None:
            dv = excel.field_validation(f, "A3", catalog, excel.template_choices(catalog, schema))
            if dv and dv["validate"] == "custom":
                found[f.key] = values
    return found


LO_BOOLEANS = {"=TRUE()": True, "=FALSE()": False}  # how LibreOffice saves a TRUE cell


def two_values(dv) -> bool:
    return dv.type not in (None, "list", "custom") and dv.operator in (
        None,
        "between",
        "notBetween",
    )


def described(sheet) -> dict[str, tuple]:
    found = {}
    for dv in sheet.data_validations.dataValidation:
        cells = next(iter(dv.sqref.ranges))
        assert cells.min_row == 3 and cells.max_row >= 1002, dv.sqref
        formula = (dv.formula1 or "").replace("'代码表'!", "代码表!") if dv.type else ""
        found[sheet.cell(2, cells.min_col).value] = (
            dv.type,
            formula,
            dv.formula2 if two_values(dv) else None,  # LibreOffice writes "0" for unused ones
            dv.promptTitle,
            dv.prompt,
            dv.errorTitle,
            dv.error,
        )
    return found


def test_validations_survive_libreoffice(converted: Converted) -> None:
    assert len(converted.saved) >= 5 + 3, "every shipped record and the fixture records"
    for name, original in converted.originals.items():
        before = openpyxl.load_workbook(original)
        after = openpyxl.load_workbook(converted.saved[name])
        assert after.sheetnames == before.sheetnames, name
        assert after["_meta"].sheet_state == "hidden"
        assert list(after["_meta"].values) == list(before["_meta"].values)
        data_before, data_after = before.worksheets[0], after.worksheets[0]
        assert [c.value for c in data_after[1]] == [c.value for c in data_before[1]]
        assert [c.value for c in data_after[2]] == [c.value for c in data_before[2]]
        assert data_after.row_dimensions[2].hidden and data_after.protection.sheet
        assert described(data_after) == described(data_before), name
        codes_before = list(before["代码表"].values)
        codes_after = [tuple(LO_BOOLEANS.get(v, v) for v in r) for r in after["代码表"].values]
        assert codes_after[: len(codes_before)] == codes_before


@pytest.mark.parametrize(("record", "key"), sorted(CASES))
def test_formulas_agree_with_validator(converted: Converted, record: str, key: str) -> None:
    catalog = converted.catalogs["fixture"]
    f = catalog.records[record].field_by_key[key]
    book = openpyxl.load_workbook(converted.evaluated[f"fixture-{record}"], data_only=True)
    sheet = book.worksheets[0]
    cases = {k: vs for (r, k), vs in CASES.items() if r == record}
    spare = len(catalog.records[record].fields) + 2 + list(cases).index(key)
    for offset, (value, expected) in enumerate(CASES[(record, key)]):
        got = sheet.cell(3 + offset, spare).value
        assert got is expected, f"{key}={value!r}: LibreOffice 得出 {got!r}"
        if isinstance(value, str) and validator_accepts(catalog, f, value):
            assert got or value == "ZD2A001", f"Excel 拒绝了校验器接受的 {value!r}"


def test_examples_pass_the_formulas(converted: Converted) -> None:
    checked = 0
    for name, path in converted.evaluated.items():
        if not name.startswith("examples-"):
            continue
        sheet = openpyxl.load_workbook(path, data_only=True).worksheets[0]
        width = sum(1 for c in sheet[2] if c.value)
        for row in sheet.iter_rows(min_row=3, min_col=width + 2, values_only=True):
            for value in row:
                if value is not None:
                    assert value is True, f"{name}: 示例被公式拒绝"
                    checked += 1
    assert checked >= 10
