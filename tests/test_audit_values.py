"""The audit weighs what the values say: a column whose values are not a code field's
codes is not proposed for it, value aliases (VIP, 重点) propose value grades, and a
unit word in a header (万元) proposes a conversion that migrate applies."""

from __future__ import annotations

from pathlib import Path

from generators.audit.ledger import read_ledger
from generators.audit.mapping import dump_mappings, known_headers, load_mappings, propose
from generators.audit.profile import apply_mapping
from generators.model import Catalog

LEDGER = """客户名称,统一社会信用代码,客户类型,客户类别,授信额度（万元）
北京云图智能科技有限公司,91110108MA01ABCD2H,VIP,重点,50
上海市智能制造研究院,12310000425000305T,一般,普通,12.5
苏州恒通电子元件有限公司,91320500MA1N2T3X4Y,一般,潜在,0
杭州示例贸易有限公司,91330100MA27XYZ12A,VIP,重点,8
"""


def mapping(catalog: Catalog, tmp_path: Path):
    path = tmp_path / "售后客户台账.csv"
    path.write_text(LEDGER, encoding="utf-8")
    (table,), _ = read_ledger(path, known_headers(catalog))
    return table, propose(catalog, table, "customer")


def test_values_decide_code_columns(shipped_catalog: Catalog, tmp_path: Path) -> None:
    _, m = mapping(shipped_catalog, tmp_path)
    by_column = {p.column: p for p in m.proposals}
    # 客户类型 (VIP/一般) is not the legal form: its values are none of customer_type's codes
    assert m.columns["客户类型"] != "customer_type"
    assert m.columns["客户类型"] is None and "value_grade" in by_column["客户类型"].reason
    # 客户类别 (重点/普通/潜在) is the value grade, found through the code entries' aliases
    assert m.columns["客户类别"] == "value_grade"
    grades = {p.value: p.code for p in m.value_proposals["value_grade"]}
    assert grades == {"重点": "A", "普通": "C", "潜在": "D"}


def test_unit_words_propose_a_conversion(shipped_catalog: Catalog, tmp_path: Path) -> None:
    table, m = mapping(shipped_catalog, tmp_path)
    assert m.columns["授信额度（万元）"] == "credit_limit"
    assert m.scales == {"credit_limit": 10000}
    assert "乘以 10000" in next(p.reason for p in m.proposals if p.field == "credit_limit")
    text = dump_mappings([m])
    assert "    scales:\n      credit_limit: 10000" in text
    saved = tmp_path / "map.yaml"
    saved.write_text(text, encoding="utf-8")
    (reviewed,) = load_mappings(shipped_catalog, saved)
    assert reviewed.scales == {"credit_limit": 10000}
    amounts = [values["credit_limit"] for _, values in apply_mapping(reviewed, table)]
    assert amounts == ["500000", "125000", "0", "80000"]


def test_a_bad_scale_is_located(shipped_catalog: Catalog, tmp_path: Path) -> None:
    import pytest

    from generators.audit.mapping import MappingError

    _, m = mapping(shipped_catalog, tmp_path)
    saved = tmp_path / "map.yaml"
    saved.write_text(
        dump_mappings([m]).replace("credit_limit: 10000", "name: -1"), encoding="utf-8"
    )
    with pytest.raises(MappingError, match="map.yaml: ledgers 第 1 项: scales 中的“name”不是"):
        load_mappings(shipped_catalog, saved)


def test_a_code_header_whose_values_do_not_fit_is_not_proposed(
    shipped_catalog: Catalog, tmp_path: Path
) -> None:
    from generators.audit.mapping import propose_columns

    path = tmp_path / "only.csv"
    path.write_text("客户名称,客户类型\n甲公司,保内\n乙公司,保外\n丙公司,年保\n", encoding="utf-8")
    (table,), _ = read_ledger(path, known_headers(shipped_catalog))
    found = propose_columns(shipped_catalog, shipped_catalog.records["customer"], table)
    column = next(p for p in found if p.column == "客户类型")
    assert column.field is None and "不建议对应" in column.reason


def test_any_of_values_are_evidence(fixture_catalog: Catalog, tmp_path: Path) -> None:
    """A column of mobiles and landlines under an unknown header is proposed for the anyOf
    field they fit (fixture: customer.service_phone = mobile or landline)."""
    path = tmp_path / "售后台账.csv"
    path.write_text(
        "客户名称,售后热线\n甲公司,010-82345678\n乙公司,13800138000\n丙公司,0755-8234567\n",
        encoding="utf-8",
    )
    (table,), _ = read_ledger(path, known_headers(fixture_catalog))
    found = propose(fixture_catalog, table, "customer")
    [proposal] = [p for p in found.proposals if p.column == "售后热线"]
    assert proposal.field == "service_phone"
    assert "100% 的值符合中国大陆手机号或固定电话" in proposal.reason
