"""The loader: the model it builds, and a located error for each broken standard."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from generators.cli import cli
from generators.config import load_config
from generators.loader import CatalogError, load_catalog
from generators.model import Catalog

from .conftest import FIXTURES

BROKEN = FIXTURES / "broken"

# file → (line, words the message must contain)
EXPECTED = {
    "bad-json.md": (18, "JSON 语法错误"),
    "unknown-keyword.md": (19, "不支持的关键字 x-uniqe（是否应为 x-unique？）"),
    "dangling-ref.md": (18, "$ref nowhere.schema.json 指向不存在的 schema"),
    "duplicate-id.md": (13, "$id region.schema.json 重复"),
    "duplicate-code.md": (18, "代码 1 重复"),
    "bad-example.md": (22, "示例 2 不符合本 schema：uscc"),
    "missing-status.md": (1, "缺少必需的 status"),
    "status-typo.md": (7, '"relased" 不允许'),
    "no-front-matter.md": (1, "缺少 YAML 前置信息"),
    "nested-record.md": (18, "记录须为扁平表"),
    "bad-link.md": (11, "链接指向不存在的文件：../records/nowhere.md"),
    "bad-references.md": (19, "外键引用的记录 nowhere 不存在"),
    "pattern-and-code-rule.md": (17, "不要再写 pattern"),
    "bad-owner.md": (6, "owner: ZZ99 不在代码表 department-code 中"),
    "alias-collision.md": (
        20,
        "字段 value_grade 的别名“客户 类型”与字段 customer_type 的标题“客户类型”相同",
    ),
}


def test_every_broken_fixture_has_an_expectation() -> None:
    assert sorted(p.name for p in BROKEN.glob("*.md")) == sorted(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_broken_standard_gives_located_error_and_exit_1(
    mini_project: Path, name: str, monkeypatch
) -> None:
    shutil.copy(BROKEN / name, mini_project / "standards" / "records" / name)
    monkeypatch.chdir(mini_project)
    result = CliRunner().invoke(cli, ["check"])
    line, words = EXPECTED[name]
    assert result.exit_code == 1, result.output
    assert f"standards/records/{name}:{line}: " in result.output
    assert words in result.output
    assert "Traceback" not in result.output


def test_model_of_a_record(mini_catalog: Catalog) -> None:
    customer = mini_catalog.records["customer"]
    assert customer.title == "客户信息"
    assert [f.key for f in customer.fields][:3] == ["customer_code", "name", "uscc"]
    code = customer.field_by_key["customer_code"]
    assert code.required and code.is_code
    assert code.code_rule.regex(mini_catalog.codelists) == "^(?:11|31|44)[0-9]{4}$"
    assert customer.field_by_key["region"].codelist == "region"
    assert customer.field_by_key["registered_on"].type == "date"
    assert customer.field_by_key["mobile"].sensitive == "personal"
    assert customer.unique == [["customer_code"], ["uscc"]]
    contract = mini_catalog.records["contract"]
    assert contract.foreign_keys[0].record == "customer"
    assert contract.rules[0].params == {"start": "signed_at", "end": "entered_at", "max": "PT24H"}


def test_model_of_a_code_list(mini_catalog: Catalog) -> None:
    region = mini_catalog.codelists["region"]
    assert region.codes == ["11", "31", "44"]
    assert region.label("11") == "11 北京市"
    category = mini_catalog.codelists["info-category"]
    assert category.by_code["01.01"].parent == "01"


def test_all_problems_reported_at_once(mini_project: Path) -> None:
    for name in ("unknown-keyword.md", "status-typo.md"):
        shutil.copy(BROKEN / name, mini_project / "standards" / "records" / name)
    with pytest.raises(CatalogError) as raised:
        load_catalog(config=load_config(mini_project))
    assert len(raised.value.problems) >= 2


def test_non_utf8_file_is_located(mini_project: Path, monkeypatch) -> None:
    (mini_project / "standards" / "gbk.md").write_bytes("---\ntitle: 客户\n---\n".encode("gbk"))
    monkeypatch.chdir(mini_project)
    result = CliRunner().invoke(cli, ["check"])
    assert result.exit_code == 1
    assert "standards/gbk.md:1: 文件不是 UTF-8 编码" in result.output


def test_unquoted_category_is_an_error_not_a_float(mini_project: Path, monkeypatch) -> None:
    path = mini_project / "standards" / "codelists" / "region.md"
    path.write_text(
        path.read_text(encoding="utf-8").replace('category: "01"', "category: 01.10"),
        encoding="utf-8",
    )
    monkeypatch.chdir(mini_project)
    result = CliRunner().invoke(cli, ["check"])
    assert result.exit_code == 1
    assert "standards/codelists/region.md:5: 前置信息 category 的类型应为 string" in result.output


def test_code_rule_example_must_match_rule(mini_project: Path) -> None:
    path = mini_project / "standards" / "records" / "customer.md"
    path.write_text(
        path.read_text(encoding="utf-8").replace('"110001"', '"990001"', 1), encoding="utf-8"
    )
    with pytest.raises(CatalogError) as raised:
        load_catalog(config=load_config(mini_project))
    assert any("字段 customer_code 的示例" in p.message for p in raised.value.problems)


def test_example_breaking_a_cross_field_rule(mini_project: Path) -> None:
    path = mini_project / "standards" / "records" / "customer.md"
    text = path.read_text(encoding="utf-8").replace(
        "2026-03-01T18:00:00+08:00", "2026-03-03T18:00:00+08:00"
    )
    path.write_text(text, encoding="utf-8")
    with pytest.raises(CatalogError) as raised:
        load_catalog(config=load_config(mini_project))
    assert [p.message for p in raised.value.problems] == [
        "示例 1 违反规则 CT-01：合同信息需在签订后24小时内录入"
    ]


def test_dropdown_labels_normalise_to_codes(mini_catalog: Catalog) -> None:
    region = mini_catalog.codelists["region"]
    assert region.normalise("11") == "11"
    assert region.normalise("11 北京市") == "11"
    assert region.normalise("11  北京市 ") == "11"
    assert region.normalise("北京市") == "11"
    assert region.normalise("11 上海市") is None
    assert region.normalise("99") is None


def test_multiple_of_uses_exact_decimals(mini_catalog: Catalog) -> None:
    from generators.loader import SchemaValidator

    validator = SchemaValidator({"type": "number", "multipleOf": 0.01})
    assert validator.is_valid(1234567.89)
    assert validator.is_valid(19.99)
    assert not validator.is_valid(19.999)


def test_code_rule_segment_level(mini_catalog: Catalog) -> None:
    tree = mini_catalog.codelists["info-category"]
    assert tree.codes_at(1) == ["01"] and tree.codes_at(2) == ["01.01"]
    assert tree.level_of("01.01") == 2
    assert tree.regex(2) == r"(?:01\.01)"


@pytest.mark.parametrize("where", [["--root", "."], []])
def test_broken_pyproject_is_a_located_error_not_silent_defaults(
    mini_project: Path, monkeypatch, where
) -> None:
    """A typo in pyproject.toml must not quietly drop [tool.infostd] (base_url, teams)."""
    pyproject = mini_project / "pyproject.toml"
    pyproject.write_text(
        '[tool.infostd]\nbase_url = "https://example.test/schemas"\n[tool.infostd.teams]\nXS01 = @sales\n',
        encoding="utf-8",
    )
    monkeypatch.chdir(mini_project / "standards")
    if where:
        where = ["--root", str(mini_project)]
    result = CliRunner().invoke(cli, [*where, "check"])
    assert result.exit_code == 2, result.output
    assert "pyproject.toml:4" in result.output and "TOML" in result.output


def test_outside_a_project_the_message_says_how_to_find_it(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["check"])
    assert result.exit_code == 1
    assert "标准目录不存在" in result.output and "--root" in result.output


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            "(../codelists/region.md)",
            "(../codelists/regoin.md)",
            "链接指向不存在的文件：../codelists/regoin.md（是否应为 ../codelists/region.md？）",
        ),
        ('"region": "11"}', '"region": "99"}', 'region 的取值 "99" 不在代码表“地区代码”中'),
        ('"name": "北京示例科技有限公司"', '"name": "北"', '"北" 太短：至少 2 个字符'),
        (
            '"format": "cn-mobile"',
            '"pattern": "^\\d+$"',
            "JSON 语法错误，第 62 列：无效的反斜杠转义（正则中的 \\ 须写成 \\\\，如 \\\\d）",
        ),
        (
            '"x-sensitive": "personal"}',
            '"x-sensitive": "personal",}',
            "此处应为用双引号括起的键名（最后一项后面是否多了逗号？）",
        ),
    ],
)
def test_mistakes_are_told_in_chinese(mini_project: Path, old: str, new: str, message: str) -> None:
    """A committee member's typical slips: every message Chinese, with a hint where one helps
    (jsonschema's and json's own messages are English)."""
    path = mini_project / "standards" / "records" / "customer.md"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(CatalogError) as raised:
        load_catalog(config=load_config(mini_project))
    problems = [p.message for p in raised.value.problems]
    assert any(message in p for p in problems), problems
    assert not any(re.search(r"[A-Za-z]{4,} [a-z]{3,} [a-z]{3,}", p) for p in problems), problems


def test_code_list_code_rule_checks_every_code(mini_project: Path) -> None:
    path = mini_project / "standards" / "codelists" / "region.md"
    text = path.read_text(encoding="utf-8").replace(
        '  "oneOf": [',
        '  "x-code-rule": {"segments": [{"digits": 2, "title": "省级码"}]},\n  "oneOf": [',
    )
    path.write_text(text, encoding="utf-8")
    load_catalog(config=load_config(mini_project))  # the shipped codes fit the rule
    bad = text.replace('{"const": "44", "title": "广东省"}', '{"const": "4４", "title": "广东省"}')
    path.write_text(bad.replace('{"const": "31",', '{"const": "x31",'), encoding="utf-8")
    with pytest.raises(CatalogError) as raised:
        load_catalog(config=load_config(mini_project))
    found = [str(p) for p in raised.value.problems]
    assert any(
        "region.md:20: 代码 x31 不符合本代码表的编码规则（省级码：2位数字）" in p for p in found
    )
    assert any("region.md:21: 代码 4４ 不符合" in p for p in found), found
    self_ref = text.replace('{"digits": 2, "title": "省级码"}', '{"codelist": "region"}')
    path.write_text(self_ref, encoding="utf-8")
    with pytest.raises(CatalogError) as raised:
        load_catalog(config=load_config(mini_project))
    assert "代码表的编码规则不能引用代码表自身" in str(raised.value.problems[0])


ANY_OF = '"anyOf": [{"format": "cn-mobile"}, {"format": "intl-phone"}]'


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (  # the either/or keyword on a field is anyOf, and the hint says so
            '"format": "cn-mobile"',
            '"oneOf": [{"format": "cn-mobile"}, {"format": "intl-phone"}]',
            "properties/mobile 中有不支持的关键字 oneOf（字段的“多选一”请写 anyOf",
        ),
        (
            '"additionalProperties": false',
            '"additionalProperties": false, ' + ANY_OF,
            "有不支持的关键字 anyOf（anyOf 只能写在字段上",
        ),
        (
            '"format": "cn-mobile"',
            '"anyOf": [{"format": "cn-mobile", "fromat": "x"}, {"format": "intl-phone"}]',
            "anyOf/0 中有不支持的关键字 fromat（是否应为 format？）",
        ),
        (
            '"format": "cn-mobile"',
            '"anyOf": [{"format": "cn-mobile"}, {"minimum": 1}]',
            "anyOf/1 中有不支持的关键字 minimum",
        ),
        ('"format": "cn-mobile"', '"anyOf": [{"format": "cn-mobile"}]', "anyOf 至少要有 2 项"),
        (
            '"format": "cn-mobile"',
            '"anyOf": [{"format": "cn-mobile"}, {"format": "date"}]',
            "可选：email、url、cn-uscc、cn-resident-id、cn-mobile、intl-phone",
        ),
        (
            '"format": "cn-mobile"',
            '"anyOf": [{"format": "cn-mobile"}, {"title": "港澳", "maxLength": 12}]',
            "字段 mobile 的 anyOf 第 2 项须写 format 或 pattern",
        ),
        (
            '"format": "cn-mobile"',
            '"format": "cn-mobile", ' + ANY_OF,
            "字段 mobile 已有 anyOf，不要再写 format：把它写进 anyOf 的某一项",
        ),
        (
            '"type": "number", "minimum": 0',
            '"type": "number", "minimum": 0, ' + ANY_OF,
            "anyOf 只用于文本字段的几种格式，不能与 type number 同时使用",
        ),
        (
            '"format": "cn-mobile"',
            '"anyOf": [{"format": "email"}, {"format": "intl-phone"}]',
            '示例 1 不符合本 schema：mobile 的取值 "13800138000" 不符合要求：应为电子邮箱或国际电话号码',
        ),
    ],
)
def test_any_of_mistakes_are_located_and_chinese(
    mini_project: Path, old: str, new: str, message: str
) -> None:
    path = mini_project / "standards" / "records" / "customer.md"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    result = CliRunner().invoke(cli, ["--root", str(mini_project), "check"])
    assert result.exit_code == 1
    assert re.search(r"customer\.md:\d+: .*" + re.escape(message), result.output), result.output
    assert not re.search(r"[A-Za-z]{4,} [a-z]{3,} [a-z]{3,}", result.output), result.output


def test_any_of_field_reads_as_alternatives(mini_project: Path) -> None:
    path = mini_project / "standards" / "records" / "customer.md"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace('"format": "cn-mobile"', ANY_OF, 1), encoding="utf-8")
    mobile = (
        load_catalog(config=load_config(mini_project)).records["customer"].field_by_key["mobile"]
    )
    assert [a.format for a in mobile.alternatives] == ["cn-mobile", "intl-phone"]
    assert mobile.format is None and mobile.is_code
    assert mobile.mask == "mobile"  # "x-sensitive": "personal": masked as its first format
