"""The one message catalog of the validator (zh default, en).

Plain data on purpose: the code generators render these same templates into the
downloadable Python/JS validators so every tool says the same thing. Keys are
message ids: the rule name (``required``), or ``rule:reason`` where one rule has
several explanations (``format:cn-uscc:check-digit``). Placeholders are
``str.format`` names; every message may use ``{title}`` (the field title) and
``{value}`` (the cell text, already masked for ``x-sensitive`` fields). No message ever
shows a regex: a pattern is said in words (``patterns.shape``), ``anyOf`` alternatives
by their names (``patterns.alternatives_words``).
"""

from __future__ import annotations

MESSAGES: dict[str, dict[str, str]] = {
    "required": {
        "zh": "必填项“{title}”未填写",
        "en": "Required field “{title}” is empty",
    },
    "type:integer": {
        "zh": "“{title}”应为整数，“{value}”不是整数",
        "en": "“{title}” must be a whole number; “{value}” is not",
    },
    "type:number": {
        "zh": "“{title}”应为数字，“{value}”不是数字",
        "en": "“{title}” must be a number; “{value}” is not",
    },
    "type:boolean": {
        "zh": "“{title}”应填“是”或“否”，“{value}”无法识别",
        "en": "“{title}” must be yes or no (是/否); “{value}” is not",
    },
    "type:string": {
        "zh": "“{title}”应为文本，“{value}”不是文本",
        "en": "“{title}” must be text; “{value}” is not",
    },
    "pattern": {
        "zh": "“{title}”的格式不正确：“{value}”不符合规定的格式：{shape}",
        "en": "“{title}” has the wrong form: “{value}” does not match the required form: {shape}",
    },
    "anyOf": {
        "zh": "“{title}”应为{expected}，“{value}”都不是",
        "en": "“{title}” must be {expected}; “{value}” is not",
    },
    "enum": {
        "zh": "“{title}”只能填：{allowed}；“{value}”不在其中",
        "en": "“{title}” must be one of: {allowed}; “{value}” is not",
    },
    "const": {
        "zh": "“{title}”只能是“{expected}”",
        "en": "“{title}” must be “{expected}”",
    },
    "minLength": {
        "zh": "“{title}”至少 {limit} 个字，当前 {actual} 个",
        "en": "“{title}” needs at least {limit} characters, has {actual}",
    },
    "maxLength": {
        "zh": "“{title}”最多 {limit} 个字，当前 {actual} 个",
        "en": "“{title}” allows at most {limit} characters, has {actual}",
    },
    "minimum": {
        "zh": "“{title}”不能小于 {limit}，当前为 {value}",
        "en": "“{title}” must be at least {limit}, is {value}",
    },
    "maximum": {
        "zh": "“{title}”不能大于 {limit}，当前为 {value}",
        "en": "“{title}” must be at most {limit}, is {value}",
    },
    "exclusiveMinimum": {
        "zh": "“{title}”必须大于 {limit}，当前为 {value}",
        "en": "“{title}” must be greater than {limit}, is {value}",
    },
    "exclusiveMaximum": {
        "zh": "“{title}”必须小于 {limit}，当前为 {value}",
        "en": "“{title}” must be less than {limit}, is {value}",
    },
    "multipleOf": {
        "zh": "“{title}”必须是 {limit} 的整数倍（最多保留到该精度），当前为 {value}",
        "en": "“{title}” must be a multiple of {limit}, is {value}",
    },
    "format:cn-uscc:length": {
        "zh": "“{title}”应为 18 位统一社会信用代码，“{value}”有 {actual} 位",
        "en": "“{title}” must be an 18-character unified social credit code; “{value}” has {actual}",
    },
    "format:cn-uscc:charset": {
        "zh": "“{title}”含不允许的字符：统一社会信用代码只用数字和大写字母（不含 I、O、Z、S、V），第 3–8 位为数字",
        "en": "“{title}” has characters a unified social credit code cannot contain (digits and capitals without I, O, Z, S, V; positions 3–8 digits)",
    },
    "format:cn-uscc:check-digit": {
        "zh": "“{title}”校验位错误：按 GB 32100-2015，“{value}”的最后一位应为“{expected}”，请核对原件",
        "en": "“{title}” has a wrong check character: by GB 32100-2015 the last character of “{value}” should be “{expected}”",
    },
    "format:cn-resident-id:length": {
        "zh": "“{title}”应为 18 位居民身份证号，当前 {actual} 位",
        "en": "“{title}” must be an 18-character resident ID number, has {actual}",
    },
    "format:cn-resident-id:charset": {
        "zh": "“{title}”格式不正确：前 17 位为数字，最后一位为数字或 X",
        "en": "“{title}” is malformed: 17 digits then a digit or X",
    },
    "format:cn-resident-id:birth-date": {
        "zh": "“{title}”中的出生日期不存在",
        "en": "“{title}” contains a birth date that does not exist",
    },
    "format:cn-resident-id:check-digit": {
        "zh": "“{title}”校验位错误：按 GB 11643-1999，最后一位应为“{expected}”",
        "en": "“{title}” has a wrong check character: by GB 11643-1999 it should be “{expected}”",
    },
    "format:cn-mobile:length": {
        "zh": "“{title}”应为 11 位手机号，“{value}”有 {actual} 位",
        "en": "“{title}” must be an 11-digit mobile number; “{value}” has {actual} digits",
    },
    "format:cn-mobile:charset": {
        "zh": "“{title}”只能包含数字，“{value}”含有其他字符",
        "en": "“{title}” may contain digits only; “{value}” does not",
    },
    "format:cn-mobile:prefix": {
        "zh": "“{title}”不是有效的手机号：“{value}”应以 13–19 开头",
        "en": "“{title}” is not a mobile number: “{value}” must start with 13–19",
    },
    "format:intl-phone:plus": {
        "zh": "“{title}”应以 + 和国家（地区）代码开头，如 +85291234567，“{value}”不是",
        "en": "“{title}” must start with + and a country code, e.g. +85291234567; “{value}” does not",
    },
    "format:intl-phone:charset": {
        "zh": "“{title}”在 + 之后只能是数字（不含空格和横线），“{value}”含有其他字符",
        "en": "“{title}” may contain only digits after + (no spaces or dashes); “{value}” does not",
    },
    "format:intl-phone:length": {
        "zh": "“{title}”应为 + 加 7–15 位数字（国家代码不以 0 开头），“{value}”不是",
        "en": "“{title}” must be + and 7–15 digits (no leading 0 in the country code); “{value}” is not",
    },
    "format:url:scheme": {
        "zh": "“{title}”应以 http:// 或 https:// 开头，“{value}”不是",
        "en": "“{title}” must start with http:// or https://; “{value}” does not",
    },
    "format:url:space": {
        "zh": "“{title}”不能包含空格，“{value}”含有空格",
        "en": "“{title}” may not contain spaces; “{value}” does",
    },
    "format:url:host": {
        "zh": "“{title}”不是有效的网址：“{value}”，网址应形如 https://www.example.com",
        "en": "“{title}” is not a valid web address: “{value}”; write e.g. https://www.example.com",
    },
    "format:email:syntax": {
        "zh": "“{title}”不是有效的电子邮箱：“{value}”",
        "en": "“{title}” is not a valid e-mail address: “{value}”",
    },
    "format:date:syntax": {
        "zh": "“{title}”不是有效日期：“{value}”，请按 YYYY-MM-DD 填写，如 2026-03-01",
        "en": "“{title}” is not a valid date: “{value}”; write YYYY-MM-DD, e.g. 2026-03-01",
    },
    "format:date-time:syntax": {
        "zh": "“{title}”不是有效时间：“{value}”，请按 YYYY-MM-DD HH:MM 填写，如 2026-03-01 10:00",
        "en": "“{title}” is not a valid date and time: “{value}”; write YYYY-MM-DD HH:MM",
    },
    "codelist": {
        "zh": "“{title}”的值“{value}”不在代码表“{codelist}”中，请从下拉列表选择",
        "en": "“{title}”: “{value}” is not in the code list “{codelist}”; pick from the dropdown",
    },
    "withdrawn": {
        "zh": "“{title}”的代码“{value}”已于 {date} 撤销（代码表“{codelist}”），不得再使用"
        "（校验日期 {as_of}；校验撤销前的历史数据请用 --as-of 指定日期）",
        "en": "“{title}”: code “{value}” was withdrawn on {date} (code list “{codelist}”) and may"
        " no longer be used (checked as of {as_of}; for older data give --as-of)",
    },
    "withdrawn:pending": {
        "zh": "“{title}”的代码“{value}”将于 {date} 撤销（代码表“{codelist}”），此后不得再使用，"
        "请改用有效代码",
        "en": "“{title}”: code “{value}” will be withdrawn on {date} (code list “{codelist}”);"
        " use a current code",
    },
    "deprecated": {
        "zh": "“{title}”的代码“{value}”已停用（代码表“{codelist}”），新数据请勿使用",
        "en": "“{title}”: code “{value}” is deprecated (code list “{codelist}”); do not use it"
        " for new data",
    },
    "deprecated:segment": {
        "zh": "“{title}”的编码“{value}”中的“{part}”是已停用的代码（{segment}），"
        "已有编码可以保留，新赋的编码不得使用",
        "en": "“{title}”: “{part}” in code “{value}” is a retired code ({segment}); existing"
        " codes may stay, new codes must not use it",
    },
    "code-rule": {
        "zh": "“{title}”不符合编码规则（{code_rule}）：{problem}",
        "en": "“{title}” breaks the code rule ({code_rule}): {problem}",
    },
    "code-rule:length": {
        "zh": "第 {position} 段（{segment}）应有 {limit} 位，“{part}”不符合",
        "en": "segment {position} ({segment}) needs {limit} characters, “{part}” does not fit",
    },
    "code-rule:segment": {
        "zh": "第 {position} 段（{segment}）“{part}”不正确",
        "en": "segment {position} ({segment}): “{part}” is wrong",
    },
    "code-rule:extra": {
        "zh": "多出了“{part}”",
        "en": "unexpected trailing “{part}”",
    },
    "code-rule:missing": {
        "zh": "缺少第 {position} 段（{segment}）",
        "en": "segment {position} ({segment}) is missing",
    },
    "unique": {
        "zh": "“{title}”的值“{value}”与第 {first_row} 行重复，应唯一",
        "en": "“{title}” “{value}” duplicates row {first_row}; it must be unique",
    },
    "foreign-key": {
        "zh": "“{title}”的值“{value}”在“{target}”中不存在",
        "en": "“{title}” “{value}” does not exist in “{target}”",
    },
    "foreign-key-unchecked": {
        "zh": "“{title}”须在“{target}”中存在，但本次未提供“{target}”文件，未作检查"
        "（可同时校验该文件，或用 --reference 指定参照文件）",
        "en": "“{title}” must exist in “{target}”, but no “{target}” file was given, so it was"
        " not checked (validate that file together, or name one with --reference)",
    },
    "foreign-key-unchecked:where": {
        "zh": "“{title}”须在“{target}”中存在且{where}为：{allowed}，但本次未提供“{target}”文件，"
        "未作检查（可同时校验该文件，或用 --reference 指定参照文件）",
        "en": "“{title}” must exist in “{target}” with {where}: {allowed}, but no “{target}” file"
        " was given, so it was not checked (validate that file together, or name one with"
        " --reference)",
    },
    "foreign-key-where": {
        "zh": "“{title}”的值“{value}”在“{target}”中的{where}为“{actual}”，不符合要求（须为：{allowed}）",
        "en": "“{title}” “{value}” exists in “{target}” but its {where} is “{actual}”"
        " (must be: {allowed})",
    },
    "foreign-key-where:empty": {
        "zh": "“{title}”的值“{value}”在“{target}”中未填写{where}（须为：{allowed}）",
        "en": "“{title}” “{value}” exists in “{target}” but its {where} is empty (must be: {allowed})",
    },
    "rule": {
        "zh": "{message}（规则 {id}）",
        "en": "Rule {id} is broken: {message}",
    },
    "rule-exempt": {
        "zh": "{count} 行的“{title}”早于 {date} 生效日期，未按 {id} 校验（生效前的历史数据不适用该规则）",
        "en": "{count} rows have “{title}” before {date}, when rule {id} takes effect; they were"
        " not checked against {id} (history before the rule applies)",
    },
    "additionalProperties": {
        "zh": "列“{column}”不是“{record}”的字段，已忽略",
        "en": "Column “{column}” is not a field of “{record}”; ignored",
    },
    "leading-zero": {
        "zh": "“{title}”的值“{value}”丢失了前导零（应为“{suggestion}”）：Excel 把代码当成了数字。请把该列设为“文本”格式后重新输入",
        "en": "“{title}” “{value}” lost its leading zero (should be “{suggestion}”): Excel stored the code as a number; format the column as text and re-enter it",
    },
    "whitespace": {
        "zh": "“{title}”首尾有空格，已自动去除",
        "en": "“{title}” has leading or trailing spaces; they were removed",
    },
    "full-width": {
        "zh": "“{title}”含全角字符“{value}”，应使用半角“{suggestion}”",
        "en": "“{title}” contains full-width characters “{value}”; use half-width “{suggestion}”",
    },
    "template-version": {
        "zh": "文件由模板版本 {found} 生成，当前标准版本为 {current}，建议下载最新模板",
        "en": "The file was made from template version {found}; the standard is now {current}; download the current template",
    },
    "template-version:checksum": {
        "zh": "文件所用模板的字段规则与当前标准不一致（模板生成后标准有修改），建议下载最新模板",
        "en": "The template's field rules differ from the current standard; download the current template",
    },
    "template-version:major": {
        "zh": "文件由不兼容的模板版本 {found} 生成（当前 {current}），请用最新模板重新填写",
        "en": "The file was made from incompatible template version {found} (current {current}); refill the current template",
    },
}

LANGS = ("zh", "en")


def render(message_id: str, lang: str = "zh", **params: object) -> str:
    """The message for ``message_id`` in ``lang``; falls back to the rule name before ``:``."""
    entry = MESSAGES.get(message_id) or MESSAGES[message_id.rsplit(":", 1)[0]]
    return entry.get(lang, entry["zh"]).format(**params)
