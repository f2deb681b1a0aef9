"""Chinese names of the model's enumerations, shared by every generator (portal, Excel, reports)."""

from __future__ import annotations

from .model import ForeignKey, Schema

KIND_LABELS = {"record": "数据标准", "codelist": "代码表", "policy": "管理制度", "guide": "指南"}
STATUS_LABELS = {
    "draft": "草案",
    "comment": "征求意见",
    "pilot": "试行",
    "released": "正式施行",
    "deprecated": "废止",
}
TYPE_LABELS = {
    "string": "文本",
    "integer": "整数",
    "number": "数值",
    "boolean": "是/否",
    "date": "日期",
    "date-time": "日期时间",
}
# A format as a noun, for "应为中国大陆手机号或国际电话号码" (anyOf messages and prompts).
FORMAT_NOUNS = {
    "zh": {
        "cn-uscc": "统一社会信用代码",
        "cn-resident-id": "居民身份证号",
        "cn-mobile": "中国大陆手机号",
        "intl-phone": "国际电话号码",
        "email": "电子邮箱",
        "url": "网址",
    },
    "en": {
        "cn-uscc": "a unified social credit code",
        "cn-resident-id": "a resident ID number",
        "cn-mobile": "a mainland China mobile number",
        "intl-phone": "an international phone number",
        "email": "an e-mail address",
        "url": "a web address",
    },
}
SENSITIVITY_LABELS = {"personal": "个人信息", "sensitive-personal": "敏感个人信息"}

# Chinese names of the validator's rule ids (Issue.rule), for readers of a report: the
# 在线校验 page groups findings by field and by these names.
RULE_NAMES = {
    "required": "必填",
    "type": "数据类型",
    "pattern": "格式",
    "enum": "取值范围",
    "const": "固定取值",
    "minLength": "最短长度",
    "maxLength": "最大长度",
    "minimum": "最小值",
    "maximum": "最大值",
    "exclusiveMinimum": "最小值",
    "exclusiveMaximum": "最大值",
    "multipleOf": "数值精度",
    "format:cn-uscc": "统一社会信用代码格式",
    "format:cn-resident-id": "居民身份证号格式",
    "format:cn-mobile": "手机号格式",
    "format:intl-phone": "国际电话号码格式",
    "format:url": "网址格式",
    "anyOf": "格式（多选一）",
    "format:email": "电子邮箱格式",
    "format:date": "日期格式",
    "format:date-time": "日期时间格式",
    "codelist": "代码取值",
    "code-rule": "编码规则",
    "unique": "不得重复",
    "foreign-key": "引用的记录",
    "foreign-key-where": "引用的记录不满足条件",
    "foreign-key-unchecked": "引用未核对",
    "additionalProperties": "多余的列",
    "leading-zero": "前导零",
    "whitespace": "首尾空格",
    "full-width": "全角字符",
    "template-version": "模板版本",
    "rule": "业务规则",
}

# Chinese names of the x-rules types, for readers of a diff or a release note (authors
# write the type; readers of 变更说明 should not meet "max-workdays")
RULE_TYPE_NAMES = {
    "date-order": "日期先后",
    "max-interval": "时限",
    "max-workdays": "工作日时限",
    "required-if": "条件必填",
    "required-any": "至少填一项",
    "segment-equals": "编码段一致",
}


def rule_type_name(rule_type: str) -> str:
    """A rule type in words; an unknown one stays as written (never hidden)."""
    return RULE_TYPE_NAMES.get(rule_type, rule_type)


def rule_name(rule: str) -> str:
    """``format:cn-uscc`` → 统一社会信用代码格式, ``rule:CT-01`` → 业务规则 CT-01, ``type:integer``
    → 数据类型; an id we do not know stays as it is (never hidden)."""
    if rule in RULE_NAMES:
        return RULE_NAMES[rule]
    head, _, tail = rule.partition(":")
    if head == "rule" and tail:
        return f"业务规则 {tail}"
    for prefix in sorted(RULE_NAMES, key=len, reverse=True):
        if rule.startswith(prefix + ":"):
            return RULE_NAMES[prefix]
    return rule


def where_words(fk: ForeignKey, target: Schema | None) -> str:
    """A foreign key's condition on the target row in words (plain text), or "":
    "，且其准入状态为“合格”" (portal rule list, template prompts)."""
    if fk.where_field is None:
        return ""
    f = target.field_by_key.get(fk.where_field) if target else None
    allowed = "”或“".join(str(v) for v in fk.where_in)
    return f"，且其{f.title if f else fk.where_field}为“{allowed}”"
