"""Masking as 《信息存储与安全管理办法》 11.3 prescribes, the same in the reference and
in both generated validators (which the 在线校验 page runs)."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generators.masking import MASKS, mask
from generators.validate import validate_rows

from .codegen_support import generate_into, import_module, needs_node, run_node

POLICY = [
    ("mobile", "13800138000", "138****8000"),
    ("name", "张三", "张*"),
    ("name", "欧阳娜娜", "欧***"),
    ("name", "王", "*"),
    ("bank-account", "6222020200112233445", "***************3445"),
    ("bank-account", "1234", "****"),
    ("id-number", "11010519491231002X", "110105********002X"),
    ("email", "zhang.san@example.com", "z********@example.com"),
    ("email", "@example.com", "@exa*****com"),  # no local part: the generic mask
    ("partial", "13800138000", "1380****000"),
    ("mobile", "+852 91234567", "+85******4567"),
]


@pytest.mark.parametrize(("kind", "text", "shown"), POLICY)
def test_each_kind_as_the_policy_says(kind: str, text: str, shown: str) -> None:
    assert mask(text, kind) == shown


def test_shipped_fields_declare_the_policy_masks(shipped_catalog) -> None:
    customer = shipped_catalog.records["customer"].field_by_key
    assert (customer["contact_name"].mask, customer["mobile"].mask, customer["email"].mask) == (
        "name",
        "mobile",
        "email",
    )
    supplier = shipped_catalog.records["supplier"].field_by_key
    assert supplier["bank_account"].mask == "bank-account"
    assert supplier["bank_account"].sensitive == "sensitive-personal"


def test_validation_reports_show_the_policy_mask(shipped_catalog) -> None:
    row = dict(shipped_catalog.records["customer"].examples[0], mobile="1380013800")
    issues = [i for i in validate_rows(shipped_catalog, "customer", [row]) if i.field == "mobile"]
    assert issues  # the format, and CU-09 (a wrong mobile counts as absent): both masked
    for issue in issues:
        assert issue.value == "138***3800" and "1380013800" not in issue.message


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory, shipped_catalog) -> dict[str, Path]:
    return generate_into(shipped_catalog, tmp_path_factory.mktemp("masking"))


TEXTS = st.text(alphabet=st.sampled_from("0123456789@.+ 张欧阳𠀀abX"), max_size=24)


@settings(max_examples=60, deadline=None)
@given(texts=st.lists(TEXTS, min_size=1, max_size=20))
def test_generated_python_masks_like_the_reference(generated, texts: list[str]) -> None:
    py = import_module(generated["infostd_validators.py"])
    for kind in MASKS:
        assert [py.mask(t, kind) for t in texts] == [mask(t, kind) for t in texts]


@needs_node
def test_generated_js_masks_like_the_reference(generated) -> None:
    texts = ["", "1", "张三", "欧阳娜娜", "13800138000", "a@b.cn", "@x", "𠀀𠀀𠀀@例.中国"]
    texts += ["6222020200112233445", "11010519491231002X", "+852 91234567", "abc"]
    got = run_node(
        generated["infostd-validators.mjs"],
        "return data.kinds.map((k) => data.texts.map((t) => v.mask(t, k)));",
        {"kinds": list(MASKS), "texts": texts},
    )
    assert got == [[mask(t, k) for t in texts] for k in MASKS]


def test_short_form_takes_the_mask_from_the_format(mini_catalog) -> None:
    mobile = mini_catalog.records["customer"].field_by_key["mobile"]  # "x-sensitive": "personal"
    assert (mobile.sensitive, mobile.mask) == ("personal", "mobile")
