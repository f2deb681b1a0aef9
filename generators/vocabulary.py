"""Our meta-schemas: what a standard may say, so a typo is an error, not ignored.

Three positions exist in a schema block (record root, record field, code-list
root with its entries) and each allows a closed set of keywords: the JSON
Schema keywords every generator supports, plus our ``x-`` vocabulary
(DESIGN §3). Anything else, ``x-uniqe`` or a keyword the generated validators
would not enforce, is rejected by ``infostd check``.
"""

from __future__ import annotations

from typing import Any

from .glossary import TERM_SCHEMA
from .masking import MASKS
from .requirements import REQUIREMENT_SCHEMA
from .rules import RULE_TYPES

# 草案 → 征求意见 → 试行 → 正式施行 → 废止 (the lifecycle of a standard)
STATUSES = ["draft", "comment", "pilot", "released", "deprecated"]
KINDS = ["record", "codelist", "policy", "guide"]
FORMATS = [
    "date",
    "date-time",
    "email",
    "url",
    "cn-uscc",
    "cn-resident-id",
    "cn-mobile",
    "intl-phone",
]
SENSITIVITY = ["personal", "sensitive-personal"]
MASK_KINDS = list(MASKS)
KEY_PATTERN = r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$"
FIELD_KEY_PATTERN = r"^[a-z][a-z0-9_]*$"
ID_PATTERN = r"^[A-Z][A-Z0-9]*(-[A-Z0-9]+)+$"

FRONT_MATTER: dict[str, Any] = {
    "type": "object",
    "required": ["id", "title", "kind", "status"],
    "additionalProperties": False,
    "properties": {
        "id": {"type": "string", "pattern": ID_PATTERN},
        "title": {"type": "string", "minLength": 1},
        "kind": {"enum": KINDS},
        "category": {"type": "string"},
        "owner": {"type": "string"},
        "reviewers": {"type": "array", "items": {"type": "string"}, "uniqueItems": True},
        "status": {"enum": STATUSES},
        # the requirement register (requirements.py): 每项规范性要求的编号与执行方式
        "requirements": {"type": "array", "items": REQUIREMENT_SCHEMA},
        # the glossary (glossary.py): 术语、定义与已废止的同义词
        "terms": {"type": "array", "items": TERM_SCHEMA},
    },
    "if": {"properties": {"kind": {"const": "guide"}}},
    "else": {"required": ["category", "owner"]},
}

_TEXT = {"type": "string"}
_COMMON = {
    "$comment": _TEXT,
    "title": {"type": "string", "minLength": 1},
    "description": _TEXT,
    "deprecated": {"type": "boolean"},
    "x-deprecated-in": _TEXT,
}
_NUMBER = {"type": "number"}
_SEGMENT = {
    "type": "object",
    "minProperties": 1,
    "oneOf": [
        {"required": ["text"], "properties": {"text": {"type": "string", "minLength": 1}}},
        {"required": ["digits"], "properties": {"digits": {"type": "integer", "minimum": 1}}},
        {"required": ["letters"], "properties": {"letters": {"type": "integer", "minimum": 1}}},
        {
            "required": ["codelist"],
            "properties": {
                "codelist": {"type": "string"},
                "level": {"type": "integer", "minimum": 1},
            },
        },
    ],
    "properties": {
        "title": _TEXT,
        "text": {},
        "digits": {},
        "letters": {},
        "codelist": {},
        "level": {},
    },
    "additionalProperties": False,
}
_CODE_RULE = {
    "type": "object",
    "required": ["segments"],
    "additionalProperties": False,
    "properties": {
        "segments": {"type": "array", "minItems": 1, "items": _SEGMENT},
        "description": _TEXT,
    },
}
# One item of a field's ``anyOf`` (model.Alternative): a closed vocabulary of what every
# engine can check (format, pattern, lengths) and say (title, else the format/pattern in
# words). A value passes the field when it passes one item.
ALTERNATIVE_FORMATS = [f for f in FORMATS if f not in ("date", "date-time")]
ALTERNATIVE: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "title": {"type": "string", "minLength": 1},
        "description": _TEXT,
        "format": {"enum": ALTERNATIVE_FORMATS},
        "pattern": {"type": "string", "format": "regex"},
        "minLength": {"type": "integer", "minimum": 0},
        "maxLength": {"type": "integer", "minimum": 0},
    },
}
_LIFECYCLE_STAGE = {"type": "object", "additionalProperties": {"type": ["string", "array"]}}

FIELD: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "required": ["title"],
    "properties": {
        **_COMMON,
        "$ref": {"type": "string"},
        "type": {"enum": ["string", "integer", "number", "boolean"]},
        "format": {"enum": FORMATS},
        "pattern": {"type": "string", "format": "regex"},
        "minLength": {"type": "integer", "minimum": 0},
        "maxLength": {"type": "integer", "minimum": 0},
        "minimum": _NUMBER,
        "maximum": _NUMBER,
        "exclusiveMinimum": _NUMBER,
        "exclusiveMaximum": _NUMBER,
        "multipleOf": {"type": "number", "exclusiveMinimum": 0},
        "enum": {"type": "array", "minItems": 1, "uniqueItems": True},
        "const": {},
        "default": {},
        "examples": {"type": "array"},
        "x-code-rule": _CODE_RULE,
        # "personal" (mask from the format), or the level with the mask kind the
        # storage policy prescribes: {"level": "personal", "mask": "name"}
        "x-sensitive": {
            "oneOf": [
                {"enum": SENSITIVITY},
                {
                    "type": "object",
                    "required": ["level", "mask"],
                    "additionalProperties": False,
                    "properties": {"level": {"enum": SENSITIVITY}, "mask": {"enum": MASK_KINDS}},
                },
            ]
        },
        "x-security-level": _TEXT,
        "x-aliases": {"type": "array", "items": {"type": "string", "minLength": 1}},
        # recorded by the system (录入时间): not a template column, never required
        "readOnly": {"type": "boolean"},
        # with "$ref" to a tree code list: only codes of this level (GB/T 4754 大类 = 2)
        "x-level": {"type": "integer", "minimum": 1},
        # either/or: a mainland mobile or an international number (text fields only)
        "anyOf": {"type": "array", "minItems": 2, "items": ALTERNATIVE},
    },
    "dependentRequired": {"x-level": ["$ref"]},
}

RECORD: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "required": ["$id", "title", "type", "properties"],
    "properties": {
        **_COMMON,
        "$id": _TEXT,
        "$schema": {"const": "https://json-schema.org/draft/2020-12/schema"},
        "type": {"const": "object"},
        "properties": {"type": "object", "minProperties": 1, "additionalProperties": FIELD},
        "required": {"type": "array", "items": _TEXT, "uniqueItems": True},
        "additionalProperties": {"const": False},
        "examples": {"type": "array", "items": {"type": "object"}},
        "x-security-level": _TEXT,
        "x-unique": {
            "type": "array",
            "items": {"type": "array", "minItems": 1, "items": _TEXT, "uniqueItems": True},
        },
        "x-foreign-keys": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["field", "record", "ref"],
                "additionalProperties": False,
                "properties": {
                    "field": _TEXT,
                    "record": _TEXT,
                    "ref": _TEXT,
                    "where": {
                        "type": "object",
                        "required": ["field", "in"],
                        "additionalProperties": False,
                        "properties": {
                            "field": _TEXT,
                            "in": {
                                "type": "array",
                                "minItems": 1,
                                "uniqueItems": True,
                                "items": {"type": ["string", "integer", "number", "boolean"]},
                            },
                        },
                    },
                },
            },
        },
        "x-rules": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["id", "type", "message"],
                "properties": {
                    "id": {"type": "string", "pattern": r"^[A-Z]+-[0-9]+$"},
                    "type": {"enum": sorted(RULE_TYPES)},
                    "message": {"type": "string", "minLength": 1},
                },
            },
        },
        "x-lifecycle": {
            "type": "object",
            "required": ["collect", "store", "use", "archive", "dispose"],
            "additionalProperties": False,
            "properties": {
                "collect": _LIFECYCLE_STAGE,
                "store": {
                    **_LIFECYCLE_STAGE,
                    "properties": {"retention": {"type": "string", "pattern": r"^P"}},
                },
                "use": _LIFECYCLE_STAGE,
                "archive": _LIFECYCLE_STAGE,
                "dispose": _LIFECYCLE_STAGE,
            },
        },
    },
}

CODE_ENTRY: dict[str, Any] = {
    "type": "object",
    "required": ["const", "title"],
    "additionalProperties": False,
    "properties": {
        **_COMMON,
        "const": {"type": "string", "minLength": 1},
        "x-parent": _TEXT,
        # legacy names departments use for this code ("VIP" → 重点客户); read by the audit
        "x-aliases": {"type": "array", "items": {"type": "string", "minLength": 1}},
        # the last day the code may be used: after it a value using it is an error
        "x-withdrawn": {"type": "string", "pattern": r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"},
    },
}

CODELIST: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "required": ["$id", "title", "oneOf"],
    "properties": {
        **_COMMON,
        "$id": _TEXT,
        "$schema": {"const": "https://json-schema.org/draft/2020-12/schema"},
        "type": {"const": "string"},
        "oneOf": {"type": "array", "minItems": 1, "items": CODE_ENTRY},
        # the shape every code of the list has (check validates each code against it)
        "x-code-rule": _CODE_RULE,
    },
}

# Every keyword a schema block may use, for "did you mean" suggestions.
ALL_KEYWORDS = sorted(set(FIELD["properties"]) | set(RECORD["properties"]) | {"oneOf", "const"})

# JSON Schema keywords the generated validators implement (issue: codegen).
SUPPORTED_JSON_SCHEMA_KEYWORDS = sorted(k for k in ALL_KEYWORDS if not k.startswith("x-"))


# ── the editor's guide: every keyword in words (portal 编写指南 › 关键字参考) ──────
# keyword → (what it means, an example as written in a standard, how readers meet it in
# the Excel template and in validation reports). A test fails when a keyword has no entry.
KEYWORD_DOCS: dict[str, tuple[str, str, str]] = {
    "id": ("标准编号，全库唯一", "id: IMS-DS-013", "模板“填写说明”页和报告抬头显示"),
    "title": (
        "名称：前置信息中为标准名称；schema 中为记录、字段或代码的中文名",
        '"title": "客户名称"',
        "模板列标题、报告中的字段名",
    ),
    "kind": (
        "标准类型：record 数据标准、codelist 代码表、policy 管理制度、guide 指南",
        "kind: record",
        "门户导航分组",
    ),
    "category": ("信息分类代码（须加引号）", 'category: "01.04"', "门户分类导航"),
    "owner": ("归口部门代码", "owner: XS01", "“填写说明”页显示归口部门；决定合并请求的评审团队"),
    "reviewers": ("评审部门代码列表", "reviewers: [SH01, FW01]", "决定合并请求的评审团队"),
    "status": (
        "状态：draft 草案、pilot 试行、released 发布、deprecated 废止",
        "status: draft",
        "门户页顶部的状态提示",
    ),
    "requirements": (
        "要求登记：每条规范性要求的编号、内容和落实方式",
        '- {id: XM-01, text: "项目编码全公司唯一", by: validator, rule: "project.project_code:unique"}',
        "门户“要求清单”",
    ),
    "terms": (
        "术语表：术语、定义和已废止的同义词（正文中使用已废止的说法时 check 提示）",
        '- {term: 顺序号, definition: "编码中按赋码先后依次分配的号码", deprecated: [流水号]}',
        "门户“术语表”",
    ),
    "$comment": ("给编写者看的备注，不显示给读者", '"$comment": "2026 年评审意见"', "不显示"),
    "description": (
        "说明",
        '"description": "营业执照上的全称"',
        "模板输入提示、“填写说明”页、门户字段表",
    ),
    "deprecated": (
        "已停用（字段或代码保留，新数据不再使用）",
        '"deprecated": true',
        "模板不再提供停用的代码；数据中使用时 validate 警告，示例中使用时 check 警告",
    ),
    "x-deprecated-in": ("在哪个版本停用", '"x-deprecated-in": "1.2.0"', "门户字段表"),
    "x-withdrawn": (
        "代码的撤销日期（YYYY-MM-DD，该代码可以使用的最后一天）：此日之后使用该代码的数据"
        "校验报错，此日之前校验提示警告；代码保留在表中，不得再分配",
        '"x-withdrawn": "2020-06-30"',
        "模板下拉列表不再提供；门户代码表显示撤销日期；报告在撤销日期前为警告、之后为错误"
        "（校验日期可用 --as-of 指定）",
    ),
    "$id": (
        "schema 的键 + .schema.json，键即文件名、模板名",
        '"$id": "project.schema.json"',
        "模板文件名 project.xlsx",
    ),
    "$schema": (
        "JSON Schema 版本（可省略）",
        '"$schema": "https://json-schema.org/draft/2020-12/schema"',
        "不显示",
    ),
    "type": (
        "类型：string 文本、integer 整数、number 数字、boolean 是否；记录为 object",
        '"type": "string"',
        "模板列格式与校验；报告“类型不符”",
    ),
    "properties": ("记录的字段，一个键一列", '"properties": {"name": {…}}', "模板的列"),
    "required": (
        "必填字段列表",
        '"required": ["customer_code", "name"]',
        "模板列标题带 *；报告“必填”",
    ),
    "additionalProperties": (
        "记录不允许其他字段（固定写 false）",
        '"additionalProperties": false',
        "报告“未知列”",
    ),
    "examples": (
        "示例（整条记录或字段值），check 会逐条校验",
        '"examples": ["110001"]',
        "模板输入提示中的“示例”",
    ),
    "x-security-level": ("安全等级代码", '"x-security-level": "L3"', "门户与“填写说明”页"),
    "x-unique": (
        "唯一性：这些字段（组合）在全表中不得重复",
        '"x-unique": [["customer_code"]]',
        "报告“重复”",
    ),
    "x-foreign-keys": (
        "外键：字段的值须在另一记录中已有；可加条件 where：所引用的那一行的某字段须取给定值之一"
        "（如只有准入状态为“合格”的供应商）",
        '"x-foreign-keys": [{"field": "supplier_code", "record": "supplier", "ref": "supplier_code", "where": {"field": "status", "in": ["合格"]}}]',
        "模板提示“须为「供应商信息」中准入状态为“合格”的供应商编码”；报告“外键”或“不满足条件”",
    ),
    "x-rules": (
        "跨字段规则（见下方“跨字段规则”）；任何规则可加生效日期"
        " from：{date, field}，该日期字段早于 date 的行（生效前的历史数据）不检查",
        '"x-rules": [{"id": "XM-02", "type": "date-order", …, "from": {"date": "2027-01-01", "field": "start_date"}}]',
        "报告显示规则的 message；因生效日期未检查的行数以提醒列出",
    ),
    "x-lifecycle": (
        "采集、存储、使用、归档、销毁五个阶段的要求",
        '"x-lifecycle": {"collect": {"who": "…"}, …}',
        "门户生命周期表",
    ),
    "$ref": (
        "引用代码表：字段取值须为该代码表中的代码",
        '"$ref": "region.schema.json"',
        "模板下拉列表“11 北京市”；报告“不在代码表中”",
    ),
    "format": (
        "预定义格式（见下方“格式”）",
        '"format": "url"',
        "模板校验与提示；报告逐项说明错在哪里",
    ),
    "pattern": (
        "正则表达式（尽量改用 format 或 x-code-rule；反斜杠须写成 \\\\）",
        '"pattern": "^0[0-9]{2,3}-[0-9]{7,8}$"',
        "报告“格式不符”",
    ),
    "minLength": ("最少字符数", '"minLength": 2', "模板长度校验；报告“太短”"),
    "maxLength": ("最多字符数", '"maxLength": 100', "模板长度校验；报告“太长”"),
    "minimum": ("最小值（含）", '"minimum": 0', "模板数值校验；报告“小于最小值”"),
    "maximum": ("最大值（含）", '"maximum": 100000000', "模板数值校验；报告“大于最大值”"),
    "exclusiveMinimum": ("须大于该值", '"exclusiveMinimum": 0', "模板数值校验"),
    "exclusiveMaximum": ("须小于该值", '"exclusiveMaximum": 1', "模板数值校验"),
    "multipleOf": (
        "须为该值的整数倍（如金额到分写 0.01）",
        '"multipleOf": 0.01',
        "报告“须为 0.01 的整数倍”",
    ),
    "enum": (
        "可选值列表（少量固定取值；多的请建代码表）",
        '"enum": ["正常", "暂停", "注销"]',
        "模板下拉列表",
    ),
    "const": (
        "代码表中一项的代码",
        '{"const": "XS01", "title": "销售部"}',
        "下拉列表“XS01 销售部”",
    ),
    "default": ("默认值（说明用）", '"default": "正常"', "门户字段表"),
    "x-code-rule": (
        "编码规则：由若干段组成（固定文字 text、数字 digits、大写字母 letters、代码表 codelist）；"
        "写在字段上校验数据，写在代码表上校验每个代码",
        '"x-code-rule": {"segments": [{"letters": 2, "title": "职能字母码"}, {"digits": 2, "title": "顺序号"}]}',
        "门户编码结构图；模板提示“2位大写字母 + 2位数字”；报告“不符合编码规则”",
    ),
    "x-sensitive": (
        "个人信息：personal 个人信息、sensitive-personal 敏感个人信息（可指定脱敏方式）",
        '"x-sensitive": "personal"',
        "报告中脱敏显示，如 138****8000",
    ),
    "x-aliases": (
        "旧名称：各部门历史表格中的列名或代码名，导入与现状诊断时识别",
        '"x-aliases": ["客户代码", "客户号"]',
        "导入时自动对应",
    ),
    "readOnly": (
        "由系统记录的字段（如录入时间）：不出现在模板中，不得设为必填",
        '"readOnly": true',
        "模板中没有这一列",
    ),
    "x-level": ("字段只接受代码表中第几级的代码", '"x-level": 2', "模板下拉只列该级代码"),
    "anyOf": (
        "二选一（或多选一）：字段的值符合其中任一项即可；每项写 format 或 pattern，"
        "可加 minLength/maxLength，建议加 title 说明这一项是什么（如“港澳手机号”）",
        '"anyOf": [{"format": "cn-mobile"}, {"title": "港澳台手机号", "pattern": "^\\\\+(852|853)[0-9]{8}$|^\\\\+886[0-9]{9}$"}]',
        "模板提示“中国大陆手机号或港澳台手机号”；报告“应为中国大陆手机号或港澳台手机号”",
    ),
    "oneOf": (
        "代码表的代码列表，每项一行",
        '"oneOf": [{"const": "01", "title": "企业"}]',
        "模板“代码表”页与下拉列表",
    ),
    "x-parent": ("上级代码（构成代码树）", '"x-parent": "XS01"', "门户代码表“上级代码”列"),
}

FORMAT_DOCS: dict[str, tuple[str, str]] = {
    "date": ("日期 YYYY-MM-DD", "2026-03-01"),
    "date-time": ("日期时间，北京时间", "2026-03-01 10:00"),
    "email": ("电子邮箱", "name@example.com"),
    "url": ("网址，以 http:// 或 https:// 开头", "https://www.example.com"),
    "cn-uscc": ("统一社会信用代码，18 位，含校验位", "91110108MA01C7K26W"),
    "cn-resident-id": ("居民身份证号，18 位，含出生日期与校验位", "11010519491231002X"),
    "cn-mobile": ("中国大陆手机号，11 位，13–19 开头", "13800138000"),
    "intl-phone": ("国际电话号码：+、国家或地区代码和号码，不含空格", "+85291234567"),
}

RULE_DOCS: dict[str, tuple[str, str]] = {
    "date-order": (
        "结束日期不得早于开始日期（两者都填时）",
        '{"id": "XM-02", "type": "date-order", "start": "start_date", "end": "end_date", "message": "结束日期不得早于开始日期"}',
    ),
    "max-interval": (
        "两个时间之间不得超过给定时长（ISO 8601，如 PT24H 为 24 小时）",
        '{"id": "CT-01", "type": "max-interval", "start": "signed_at", "end": "entered_at", "max": "PT24H", "message": "合同信息需在签订后24小时内录入"}',
    ),
    "max-workdays": (
        "结束时间须在开始时间后 N 个工作日内；工作日按工作日历代码表（calendar，第一级 H 法定节假日、"
        "W 调休上班）计算。任何规则都可加 from：该日期字段早于生效日期的行不检查，报告注明行数",
        '{"id": "XM-05", "type": "max-workdays", "start": "changed_on", "end": "updated_at", "max": 2, "calendar": "work-calendar", "from": {"date": "2027-01-01", "field": "changed_on"}, "message": "变更后 2 个工作日内更新"}',
    ),
    "required-if": (
        "当另一字段取某值时，本字段必填",
        '{"id": "CT-03", "type": "required-if", "field": "customer_code", "when": {"field": "contract_type", "equals": "01"}, "message": "销售合同必须填写客户编码"}',
    ),
    "required-any": (
        "所列字段至少填写一项（如手机、电话至少留一个）；报告在第一个字段上",
        '{"id": "CU-09", "type": "required-any", "fields": ["mobile", "phone"], "message": "联系人手机和联系电话至少填写一项"}',
    ),
    "segment-equals": (
        "编码中的第 n 段（按编码规则从 1 数起）须与另一字段相同（两者都填时）",
        '{"id": "AS-03", "type": "segment-equals", "field": "asset_code", "segment": 2, "equals": "category", "message": "资产编码中的类别码须与资产类别一致"}',
    ),
}


def every_keyword() -> list[str]:
    """Each keyword a standard may write, in the order of the positions that allow it."""
    positions = (FRONT_MATTER, RECORD, FIELD, CODELIST, CODE_ENTRY)
    return list(dict.fromkeys(k for p in positions for k in p["properties"]))
