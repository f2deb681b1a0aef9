"""`diff_catalogs`: each kind of edit to a real standard yields the expected change and bump.

Both versions are real standards trees (the mini fixture, edited as an author
would edit the Markdown) loaded by the one loader.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from generators import vocabulary
from generators.config import load_config
from generators.loader import load_catalog
from generators.model import Catalog
from generators.release.diff import (
    CODE_ENTRY_KEYWORDS_COMPARED,
    CODELIST_KEYWORDS_COMPARED,
    FIELD_KEYWORDS_COMPARED,
    KINDS,
    RECORD_KEYWORDS_COMPARED,
    diff_catalogs,
    required_bump,
)
from tests.conftest import make_project

CUSTOMER = "records/customer.md"
REGION = "codelists/region.md"
BASICS = "codelists/basics.md"
MOBILE = '"mobile": {"title": "手机", "type": "string", "format": "cn-mobile", "x-sensitive": "personal"},'
NAME = '"name": {"title": "客户名称", "type": "string", "minLength": 2, "maxLength": 50},'
REQUIRED = '"required": ["customer_code", "name", "uscc", "region"],'
LEVEL = '"level": {"title": "等级", "type": "string", "enum": ["A", "B", "C"]},'
RULE = '"max": "PT24H"'
FK = '"x-foreign-keys": [{"field": "customer_code", "record": "customer", "ref": "customer_code"}],'


ANY_OF = (
    '"anyOf": [{"format": "cn-mobile"}, '
    '{"title": "港澳台手机号", "pattern": "^\\\\+(852|853)[0-9]{8}$|^\\\\+886[0-9]{9}$"}]'
)
HT = '[{"text": "HT"}, {"digits": 4}]'
SUPPLIER_INFO = (
    BASICS,
    '{"const": "01", "title": "基础信息"},',
    '{"const": "01", "title": "基础信息"},\n    {"const": "01.02", "title": "供应商信息", "x-parent": "01"},',
)
CATEGORY = '"category": {"title": "信息分类", "$ref": "info-category.schema.json", "x-level": 2},'
GD = '{"const": "44", "title": "广东省"}'
SZ = '{"const": "4403", "title": "深圳市", "x-parent": "44"}'
REQUIRED_IF = (
    '"x-rules": [{"id": "C-01", "type": "required-if", "field": "name", '
    '"when": {"field": "region", "equals": "44"}, "message": "广东客户须填名称"}]'
)

Edit = tuple[str, str, str]  # file under standards/, text, replacement


def edited(tmp_path: Path, name: str, edits: list[Edit]) -> Catalog:
    root = make_project(tmp_path / name)
    for file, old, new in edits:
        path = root / "standards" / file
        text = path.read_text(encoding="utf-8")
        assert old in text, f"fixture changed: {old!r} not in {file}"
        path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return load_catalog(config=load_config(root))


def changes_between(tmp_path: Path, before: list[Edit], after: list[Edit]):
    return diff_catalogs(edited(tmp_path, "old", before), edited(tmp_path, "new", after))


ADD_LEVEL = (CUSTOMER, NAME, NAME + LEVEL)

# id, edits to the old tree, edits to the new tree, expected kind, bump of that change
RULE_BLOCK = '"x-rules": [{"id": "CT-01", "type": "max-interval", "start": "signed_at", "end": "entered_at", "max": "PT24H", "message": "合同信息需在签订后24小时内录入"}],'
CASES = [
    (
        "field removed",
        [],
        [(CUSTOMER, MOBILE, ""), (CUSTOMER, ', "mobile": "13800138000"', "")],
        "field-removed",
        "major",
    ),
    (
        "optional field added",
        [],
        [
            (
                CUSTOMER,
                NAME,
                NAME + '"email": {"title": "邮箱", "type": "string", "format": "email"},',
            )
        ],
        "field-added",
        "minor",
    ),
    (
        "required field added",
        [],
        [
            (CUSTOMER, NAME, NAME + '"grade": {"title": "级别", "type": "string"},'),
            (CUSTOMER, REQUIRED, REQUIRED.replace('"region"]', '"region", "grade"]')),
            (CUSTOMER, '"region": "11"}', '"region": "11", "grade": "A"}'),
        ],
        "required-field-added",
        "major",
    ),
    (
        "field made required",
        [],
        [(CUSTOMER, REQUIRED, REQUIRED.replace('"region"]', '"region", "mobile"]'))],
        "required-added",
        "major",
    ),
    (
        "field made optional",
        [],
        [(CUSTOMER, REQUIRED, REQUIRED.replace('"uscc", ', ""))],
        "required-removed",
        "minor",
    ),
    (
        "type narrowed",
        [],
        [(CUSTOMER, '"type": "number", "minimum": 0', '"type": "integer", "minimum": 0')],
        "type-narrowed",
        "major",
    ),
    (
        "type widened",
        [(CUSTOMER, '"type": "number", "minimum": 0', '"type": "integer", "minimum": 0')],
        [],
        "type-relaxed",
        "minor",
    ),
    (
        "format narrowed",
        [],
        [(CUSTOMER, '"format": "date"}', '"format": "date-time"}')],
        "format-narrowed",
        "major",
    ),
    (
        "format removed",
        [],
        [(CUSTOMER, '"type": "string", "format": "cn-uscc"', '"type": "string"')],
        "format-relaxed",
        "minor",
    ),
    (
        "pattern added",
        [],
        [(CUSTOMER, '"maxLength": 50}', '"maxLength": 50, "pattern": "^\\\\S+$"}')],
        "pattern-tightened",
        "major",
    ),
    (
        "max length tightened",
        [],
        [(CUSTOMER, '"maxLength": 50', '"maxLength": 30')],
        "length-tightened",
        "major",
    ),
    (
        "max length relaxed",
        [],
        [(CUSTOMER, '"maxLength": 50', '"maxLength": 100')],
        "length-relaxed",
        "minor",
    ),
    (
        "min length relaxed",
        [],
        [(CUSTOMER, '"minLength": 2', '"minLength": 1')],
        "length-relaxed",
        "minor",
    ),
    (
        "minimum raised",
        [],
        [(CUSTOMER, '"minimum": 0', '"minimum": 100')],
        "range-tightened",
        "major",
    ),
    ("minimum dropped", [], [(CUSTOMER, ', "minimum": 0', "")], "range-relaxed", "minor"),
    (
        "maximum added",
        [],
        [(CUSTOMER, '"minimum": 0', '"minimum": 0, "maximum": 1000000')],
        "range-tightened",
        "major",
    ),
    (
        "enum value removed",
        [ADD_LEVEL],
        [(CUSTOMER, NAME, NAME + LEVEL.replace(', "C"', ""))],
        "enum-narrowed",
        "major",
    ),
    (
        "enum value added",
        [ADD_LEVEL],
        [(CUSTOMER, NAME, NAME + LEVEL.replace('"C"', '"C", "D"'))],
        "enum-relaxed",
        "minor",
    ),
    (
        "code removed",
        [],
        [(REGION, ',\n    {"const": "44", "title": "广东省"}', "")],
        "code-removed",
        "major",
    ),
    (
        "code added",
        [],
        [
            (
                REGION,
                '{"const": "44", "title": "广东省"}',
                '{"const": "44", "title": "广东省"},\n    {"const": "32", "title": "江苏省"}',
            )
        ],
        "code-added",
        "minor",
    ),
    (
        "code renamed: old labels in files stop matching",
        [],
        [(REGION, '"title": "广东省"', '"title": "广东"')],
        "code-label-lost",
        "major",
    ),
    (
        "code renamed in a list no field takes by name",
        [],
        [(BASICS, '"title": "基础信息"', '"title": "基本信息"')],
        "code-title-changed",
        "minor",
    ),
    (
        "code added to a list a code rule uses (backtracking keeps 440301)",
        [],
        [(REGION, GD, f"{GD},\n    {SZ}")],
        "code-added",
        "minor",
    ),
    (
        "code moved off the level an x-level field takes",
        [(CUSTOMER, NAME, NAME + CATEGORY), SUPPLIER_INFO],
        [
            (CUSTOMER, NAME, NAME + CATEGORY),
            SUPPLIER_INFO,
            (BASICS, '"title": "客户信息", "x-parent": "01"', '"title": "客户信息"'),
        ],
        "codelist-narrowed",
        "major",
    ),
    (
        "code removed from a list a code rule uses",
        [],
        [(REGION, ',\n    {"const": "44", "title": "广东省"}', "")],
        "code-rule-narrowed",
        "major",
    ),
    (
        "code rule changed",
        [],
        [
            (CUSTOMER, HT, '[{"letters": 2}, {"digits": 5}]'),
            (CUSTOMER, '"contract_no": "HT0001"', '"contract_no": "HT00001"'),
        ],
        "code-rule-changed",
        "major",
    ),
    (
        "unique added",
        [],
        [
            (
                CUSTOMER,
                '"x-unique": [["customer_code"], ["uscc"]]',
                '"x-unique": [["customer_code"], ["uscc"], ["name"]]',
            )
        ],
        "unique-added",
        "major",
    ),
    ("unique removed", [], [(CUSTOMER, ', ["uscc"]]', "]")], "unique-removed", "minor"),
    ("foreign key added", [(CUSTOMER, FK, "")], [], "foreign-key-added", "major"),
    ("foreign key removed", [], [(CUSTOMER, FK, "")], "foreign-key-removed", "minor"),
    (
        "rule added",
        [(CUSTOMER, RULE_BLOCK, "")],
        [],
        "rule-added",
        "major",
    ),
    ("rule tightened", [], [(CUSTOMER, RULE, '"max": "PT12H"')], "rule-tightened", "major"),
    ("rule relaxed", [], [(CUSTOMER, RULE, '"max": "PT48H"')], "rule-relaxed", "minor"),
    (
        "field deprecated",
        [],
        [
            (
                CUSTOMER,
                '"x-sensitive": "personal"}',
                '"x-sensitive": "personal", "deprecated": true, "x-deprecated-in": "1.1.0"}',
            )
        ],
        "deprecated",
        "minor",
    ),
    (
        "code withdrawn",
        [],
        [(REGION, GD, GD[:-1] + ', "x-withdrawn": "2030-06-30"}')],
        "code-withdrawn",
        "major",
    ),
    (
        "withdrawal earlier",
        [(REGION, GD, GD[:-1] + ', "x-withdrawn": "2030-06-30"}')],
        [(REGION, GD, GD[:-1] + ', "x-withdrawn": "2029-12-31"}')],
        "code-withdrawal-earlier",
        "major",
    ),
    (
        "withdrawal later",
        [(REGION, GD, GD[:-1] + ', "x-withdrawn": "2030-06-30"}')],
        [(REGION, GD, GD[:-1] + ', "x-withdrawn": "2031-01-01"}')],
        "code-withdrawal-later",
        "minor",
    ),
    (
        "withdrawal cancelled",
        [(REGION, GD, GD[:-1] + ', "x-withdrawn": "2030-06-30"}')],
        [],
        "code-unwithdrawn",
        "minor",
    ),
    (
        "standard deprecated",
        [],
        [(CUSTOMER, "status: released", "status: deprecated")],
        "deprecated",
        "minor",
    ),
    (
        "codelist removed",
        [],
        [
            (
                BASICS,
                '```json schema\n{\n  "$id": "security-level.schema.json",\n  "title": "密级",\n  "oneOf": [\n    {"const": "L1", "title": "公开"},\n    {"const": "L3", "title": "秘密"}\n  ]\n}\n```\n',
                "",
            )
        ],
        "codelist-removed",
        "major",
    ),
    (
        "security level changed",
        [],
        [(CUSTOMER, '"x-security-level": "L3"', '"x-security-level": "L1"')],
        "security-level-changed",
        "minor",
    ),
    (
        "description added",
        [],
        [(CUSTOMER, '"minLength": 2', '"description": "营业执照上的全称", "minLength": 2')],
        "description-changed",
        "patch",
    ),
    (
        "field title changed: old headers lost",
        [],
        [(CUSTOMER, '"title": "客户名称"', '"title": "客户全称"')],
        "header-lost",
        "major",
    ),
    (
        "field title changed, old title kept as alias",
        [],
        [(CUSTOMER, '"title": "客户名称"', '"title": "客户全称", "x-aliases": ["客户名称"]')],
        "alias-added",
        "minor",
    ),
    (
        "field title reworded only in spacing",
        [],
        [(CUSTOMER, '"title": "客户名称"', '"title": "客户 名称"')],
        "title-changed",
        "patch",
    ),
    (
        "alias removed",
        [(CUSTOMER, '"title": "客户名称"', '"title": "客户名称", "x-aliases": ["单位名称"]')],
        [],
        "alias-removed",
        "major",
    ),
    (
        "enum reordered",
        [ADD_LEVEL],
        [(CUSTOMER, NAME, NAME + LEVEL.replace('"A", "B", "C"', '"C", "B", "A"'))],
        "enum-reordered",
        "patch",
    ),
    (
        "exclusiveMinimum 0 → minimum 0",
        [(CUSTOMER, '"minimum": 0', '"exclusiveMinimum": 0')],
        [],
        "range-relaxed",
        "minor",
    ),
    (
        "minimum 0 → exclusiveMinimum 0",
        [],
        [(CUSTOMER, '"minimum": 0', '"exclusiveMinimum": 0')],
        "range-tightened",
        "major",
    ),
    (
        "integer exclusiveMinimum 0 → minimum 1: the same values",
        [(CUSTOMER, '"type": "number", "minimum": 0', '"type": "integer", "exclusiveMinimum": 0')],
        [(CUSTOMER, '"type": "number", "minimum": 0', '"type": "integer", "minimum": 1')],
        "range-restated",
        "patch",
    ),
    (
        "weaker unique (uscc → uscc+name)",
        [],
        [(CUSTOMER, ', ["uscc"]]', ', ["uscc", "name"]]')],
        "unique-implied",
        "minor",
    ),
    (
        "unique set implied by an existing one",
        [],
        [(CUSTOMER, ', ["uscc"]]', ', ["uscc"], ["name", "customer_code"]]')],
        "unique-implied",
        "minor",
    ),
    (
        "rule no valid record can break (its field is already required)",
        [],
        [(CUSTOMER, '"x-unique":', REQUIRED_IF + ',\n  "x-unique":')],
        "rule-implied",
        "minor",
    ),
    (
        "rule an old record can break",
        [],
        [(CUSTOMER, '"x-unique":', REQUIRED_IF.replace('"name"', '"mobile"') + ',\n  "x-unique":')],
        "rule-added",
        "major",
    ),
    (
        "code-rule segment relaxed: code list → any 2 digits",
        [],
        [
            (
                CUSTOMER,
                '[{"codelist": "region", "title": "地区码"}',
                '[{"digits": 2, "title": "地区码"}',
            )
        ],
        "code-rule-relaxed",
        "minor",
    ),
    (
        "code-rule segment narrowed: any 2 digits → code list",
        [
            (
                CUSTOMER,
                '[{"codelist": "region", "title": "地区码"}',
                '[{"digits": 2, "title": "地区码"}',
            )
        ],
        [],
        "code-rule-changed",
        "major",
    ),
    (
        "code-rule segment relaxed: level 2 → any level",
        [
            (CUSTOMER, HT, '[{"codelist": "info-category", "level": 2}, {"digits": 4}]'),
            (CUSTOMER, '"contract_no": "HT0001"', '"contract_no": "01.010001"'),
        ],
        [
            (CUSTOMER, HT, '[{"codelist": "info-category"}, {"digits": 4}]'),
            (CUSTOMER, '"contract_no": "HT0001"', '"contract_no": "01.010001"'),
        ],
        "code-rule-relaxed",
        "minor",
    ),
    (
        "code rule restated: the same codes",
        [],
        [(CUSTOMER, HT, '[{"text": "H"}, {"text": "T"}, {"digits": 2}, {"digits": 2}]')],
        "code-rule-restated",
        "patch",
    ),
    (
        "prose edited",
        [],
        [(CUSTOMER, "见[地区代码]", "地区见[地区代码]")],
        "prose-changed",
        "patch",
    ),
    ("owner changed", [], [(CUSTOMER, "owner: XS01", "owner: XX01")], "metadata-changed", "patch"),
    (
        "format → anyOf keeping it: widened",
        [],
        [(CUSTOMER, '"format": "cn-mobile"', ANY_OF)],
        "alternatives-widened",
        "minor",
    ),
    (
        "anyOf gains an alternative: widened",
        [(CUSTOMER, '"format": "cn-mobile"', ANY_OF)],
        [(CUSTOMER, '"format": "cn-mobile"', ANY_OF[:-1] + ', {"format": "email"}]')],
        "alternatives-widened",
        "minor",
    ),
    (
        "anyOf loses an alternative: narrowed",
        [(CUSTOMER, '"format": "cn-mobile"', ANY_OF)],
        [
            (
                CUSTOMER,
                '"format": "cn-mobile"',
                '"anyOf": [{"format": "cn-mobile"}, {"format": "email"}]',
            )
        ],
        "alternatives-narrowed",
        "major",
    ),
    (
        "anyOf on a field without a format: narrowed",
        [],
        [
            (
                CUSTOMER,
                NAME,
                NAME.replace(
                    '"minLength": 2',
                    '"anyOf": [{"pattern": "公司$"}, {"pattern": "^[A-Z]"}], "minLength": 2',
                ),
            )
        ],
        "alternatives-added",
        "major",
    ),
    (
        "anyOf → its first alternative: narrowed",
        [(CUSTOMER, '"format": "cn-mobile"', ANY_OF)],
        [],
        "alternatives-narrowed",
        "major",
    ),
    (
        "anyOf renamed alternative: the same values",
        [(CUSTOMER, '"format": "cn-mobile"', ANY_OF)],
        [(CUSTOMER, '"format": "cn-mobile"', ANY_OF.replace("港澳台", "境外"))],
        "alternatives-restated",
        "patch",
    ),
    (
        "anyOf removed: any text",
        [(CUSTOMER, '"format": "cn-mobile"', ANY_OF)],
        [(CUSTOMER, '"format": "cn-mobile", ', "")],
        "alternatives-removed",
        "minor",
    ),
]


@pytest.mark.parametrize(
    ("before", "after", "kind", "bump"),
    [pytest.param(b, a, k, bump, id=name) for name, b, a, k, bump in CASES],
)
def test_each_kind_of_edit(tmp_path: Path, before, after, kind: str, bump: str) -> None:
    changes = changes_between(tmp_path, before, after)
    kinds = {c.kind: c for c in changes}
    assert kind in kinds, [c.message for c in changes]
    assert kinds[kind].bump == bump
    assert required_bump(changes) == bump


def test_removed_field_names_field_and_standard(tmp_path: Path) -> None:
    changes = changes_between(
        tmp_path, [], [(CUSTOMER, MOBILE, ""), (CUSTOMER, ', "mobile": "13800138000"', "")]
    )
    removed = next(c for c in changes if c.kind == "field-removed")
    assert removed.as_json() == {
        "standard": "T-DS-001",
        "schema": "customer",
        "field": "mobile",
        "kind": "field-removed",
        "bump": "major",
        "message": "删除字段 customer.mobile（手机）",
    }
    assert changes[0] == removed  # most severe first


def test_code_removal_names_the_fields_it_breaks(tmp_path: Path) -> None:
    changes = changes_between(
        tmp_path, [], [(REGION, ',\n    {"const": "44", "title": "广东省"}', "")]
    )
    (change,) = [c for c in changes if c.kind == "code-removed"]
    assert (
        change.message
        == "region（地区代码） 删除代码 44 广东省（影响 customer.customer_code、customer.region）"
    )


def test_reformatting_a_schema_block_is_no_change(tmp_path: Path) -> None:
    changes = changes_between(
        tmp_path,
        [],
        [
            (
                CUSTOMER,
                '"title": "客户信息",\n  "type": "object",',
                '"title": "客户信息", "type": "object",',
            )
        ],
    )
    assert changes == []
    assert required_bump(changes) == "none"


def test_only_patch_changes_give_patch(tmp_path: Path) -> None:
    after = [
        (CUSTOMER, '"title": "客户名称"', '"title": "客户 名称"'),
        (CUSTOMER, "见[地区代码]", "参见[地区代码]"),
    ]
    changes = changes_between(tmp_path, [], after)
    assert {c.bump for c in changes} == {"patch"}
    assert required_bump(changes) == "patch"


def test_every_vocabulary_keyword_is_compared() -> None:
    """A keyword added to the vocabulary must be classified here too, or diff would miss it."""
    assert set(vocabulary.FIELD["properties"]) <= FIELD_KEYWORDS_COMPARED
    assert set(vocabulary.RECORD["properties"]) <= RECORD_KEYWORDS_COMPARED
    assert set(vocabulary.CODE_ENTRY["properties"]) <= CODE_ENTRY_KEYWORDS_COMPARED
    assert set(vocabulary.CODELIST["properties"]) <= CODELIST_KEYWORDS_COMPARED


def test_every_kind_has_a_known_bump_and_section() -> None:
    for info in KINDS.values():
        assert info.bump in ("patch", "minor", "major")
        assert info.section in ("新增", "变更", "弃用", "移除")


def test_standard_prose_is_the_body_without_schema_blocks(mini_catalog: Catalog) -> None:
    customer = next(s for s in mini_catalog.standards if s.id == "T-DS-001")
    assert "见[地区代码](../codelists/region.md)。" in customer.prose
    assert "客户信息数据标准" in customer.prose
    assert "$id" not in customer.prose and "```" not in customer.prose
    assert "id: T-DS-001" not in customer.prose  # front matter is not prose either


def test_code_entry_aliases_are_a_patch(tmp_path: Path) -> None:
    """``x-aliases`` on a code entry (legacy names for the audit) never invalidates data."""
    entry = '{"const": "11", "title": "北京市"}'
    after = [(REGION, entry, '{"const": "11", "title": "北京市", "x-aliases": ["北京"]}')]
    changes = changes_between(tmp_path, [], after)
    assert [(c.kind, c.bump) for c in changes] == [("description-changed", "patch")]
    assert "旧称" in changes[0].message


def test_changes_of_one_level_are_listed_by_standard_id(mini_catalog) -> None:
    """Within a bump level the changelog reads in standard order, not file order."""
    import copy

    from generators.release.diff import diff_catalogs

    new = copy.deepcopy(mini_catalog)
    for schema in new.schemas.values():
        raw = schema.raw
        raw["description"] = raw.get("description", "") + "（修订）"
    ids = [c.standard for c in diff_catalogs(mini_catalog, new)]
    assert ids == sorted(ids)


def test_messages_carry_the_reasoning(tmp_path: Path) -> None:
    changes = changes_between(
        tmp_path,
        [],
        [
            (CUSTOMER, '"title": "客户名称"', '"title": "单位全称"'),
            (REGION, '"title": "广东省"', '"title": "广东"'),
            (CUSTOMER, HT, '[{"letters": 2}, {"digits": 5}]'),
            (CUSTOMER, '"contract_no": "HT0001"', '"contract_no": "HT00001"'),
        ],
    )
    messages = {c.kind: c.message for c in changes}
    assert "旧表头“客户名称”将无法识别：请把旧标题加入 x-aliases" in messages["header-lost"]
    assert "“44 广东省”、“广东省”将不再被接受" in messages["code-label-lost"]
    assert "旧规则接受的“HT0000”将被拒绝" in messages["code-rule-changed"]


def test_a_new_rule_is_named_in_words(tmp_path: Path) -> None:
    """Readers of 变更说明 and the portal's unreleased-changes notice meet 时限, not the
    type an author writes (max-interval)."""
    before = [(CUSTOMER, RULE_BLOCK, "")]
    changes = changes_between(tmp_path, before, [])
    [added] = [c for c in changes if c.kind == "rule-added"]
    assert "规则 CT-01（时限）新增：合同信息需在签订后24小时内录入" in added.message
    assert "max-interval" not in added.message


def test_every_rule_type_has_a_name_in_words() -> None:
    from generators.labels import RULE_TYPE_NAMES
    from generators.rules import RULE_TYPES

    assert set(RULE_TYPES) <= set(RULE_TYPE_NAMES)


def test_every_rule_type_has_compatibility_reasoning() -> None:
    """A new x-rules type must say when a new rule of it cannot reject old data."""
    from generators.release.compat import RULE_IMPLIED
    from generators.rules import RULE_TYPES

    assert set(RULE_TYPES) <= set(RULE_IMPLIED)


def test_a_rule_without_reasoning_cannot_be_proven_compatible(mini_catalog: Catalog) -> None:
    from generators.model import Rule
    from generators.release.compat import rule_implied

    rule = Rule("X-1", "no-such-type", "…", {"field": "name"})
    implied, reason = rule_implied(rule, mini_catalog.records["customer"])
    assert not implied
    assert reason.startswith("无法证明兼容：规则类型 no-such-type")


def test_any_of_widening_says_what_was_added(tmp_path: Path) -> None:
    changes = changes_between(tmp_path, [], [(CUSTOMER, '"format": "cn-mobile"', ANY_OF)])
    [change] = [c for c in changes if c.kind.startswith("alternatives")]
    assert change.message == (
        "字段 customer.mobile（手机） 可选格式：中国大陆手机号 → 中国大陆手机号或港澳台手机号："
        "新增港澳台手机号，旧数据仍符合原有各项"
    )
