"""Model → HTML/Markdown for the portal: plain functions, no mkdocs.

Every piece of text that comes from a standard (titles, descriptions,
examples, messages, code-list names) passes through ``esc`` (HTML) or
``md_text`` (Markdown), so a ``<script>`` in a description is shown, never run.
Links to other pages are produced by a ``Linker`` the caller supplies, because
only the site generator knows page URLs.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Callable, Iterable
from typing import Any

from ..labels import KIND_LABELS, SENSITIVITY_LABELS, STATUS_LABELS, TYPE_LABELS, where_words
from ..masking import MASK_LABELS
from ..model import Catalog, CodeList, CodeRule, Field, Schema, Standard
from ..patterns import alternatives_detail
from ..patterns import describe as pattern_words
from ..rules import parse_duration

# A schema key → URL of the section that defines it, relative to the current page.
Linker = Callable[[str], str | None]

STATUS_BANNERS = {
    "pilot": (
        "warning",
        "试行标准",
        "本标准在指定部门试行，其他部门可参照执行；内容可能在正式发布前调整。",
    ),
    "deprecated": ("danger", "已废止", "本标准已废止，仅供查阅历史数据，不得用于新的信息采集。"),
    "draft": ("note", "草案", "本标准正在起草或评审，不得用于生产。"),
    "comment": (
        "note",
        "征求意见稿",
        "本标准正在征求意见，请通过“反馈意见”提出修改建议；正式发布前不得用于生产。",
    ),
}
FORMAT_LABELS = {
    "cn-uscc": "统一社会信用代码（GB 32100-2015，含校验位）",
    "cn-resident-id": "居民身份证号（GB 11643-1999，含校验位）",
    "cn-mobile": "中国大陆手机号（11 位）",
    "intl-phone": "国际电话号码（+ 加国家或地区代码，如 +85291234567）",
    "email": "电子邮箱",
    "url": "网址（http:// 或 https:// 开头）",
    "date": "日期 YYYY-MM-DD",
    "date-time": "日期时间 YYYY-MM-DD HH:MM",
}
LIFECYCLE_STAGES = [
    ("collect", "采集"),
    ("store", "存储"),
    ("use", "使用"),
    ("archive", "归档"),
    ("dispose", "销毁"),
]
LIFECYCLE_KEYS = {
    "who": "责任人",
    "when": "时点",
    "what": "内容",
    "how": "方式",
    "system": "系统",
    "location": "位置",
    "where": "位置",
    "format": "格式",
    "retention": "保存期限",
    "retention_note": "期限说明",
    "backup": "备份",
    "encryption": "加密",
    "roles": "角色",
    "permissions": "权限",
    "sharing": "共享",
    "conditions": "条件",
    "period": "期限",
    "procedure": "程序",
    "approver": "批准人",
}


# ── escaping ───────────────────────────────────────────────────────────────
def esc(value: Any) -> str:
    """Any schema value as safe HTML text (strings as is, others as JSON)."""
    if not isinstance(value, str):
        value = json.dumps(value, ensure_ascii=False)
    return html.escape(value, quote=True)


_MD_SPECIAL = re.compile(r"[\\`*_{}\[\]()#+!|<>&~^$=:-]")


def md_text(value: Any) -> str:
    """Text as inline Markdown that renders literally: every character Markdown (or one
    of our extensions) might interpret becomes a numeric entity; newlines become spaces."""
    if not isinstance(value, str):
        value = json.dumps(value, ensure_ascii=False)
    value = " ".join(value.split())
    return _MD_SPECIAL.sub(lambda m: f"&#{ord(m.group(0))};", value)


def _tag(name: str, body: str, cls: str = "", **attrs: str) -> str:
    attributes = f' class="{cls}"' if cls else ""
    attributes += "".join(f' {k.replace("_", "-")}="{html.escape(v)}"' for k, v in attrs.items())
    return f"<{name}{attributes}>{body}</{name}>"


def _table(
    headers: Iterable[str],
    rows: Iterable[Iterable[str]],
    cls: str,
    row_ids: Iterable[str] | None = None,
) -> str:
    """A table whose cells carry their column's name (``data-label``: on a phone each row
    is shown as a card, each value under its name) and, given ``row_ids``, a stable anchor
    per row (a field, a code)."""
    headers = list(headers)
    head = "".join(_tag("th", esc(h)) for h in headers)
    ids = list(row_ids) if row_ids is not None else None
    body = ""
    for n, row in enumerate(rows):
        anchor = f' id="{html.escape(ids[n])}"' if ids else ""
        cells = "".join(_tag("td", c, data_label=h) for h, c in zip(headers, row, strict=False))
        body += f"<tr{anchor}>{cells}</tr>"
    return f'<table class="{cls}"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


def field_anchor(schema_key: str, field_key: str) -> str:
    """The stable anchor of one field on its standard page, e.g. ``customer.uscc``."""
    return f"{schema_key}.{field_key}"


def _link(href: str | None, text: str) -> str:
    """An <a> when the target is known, else the (already escaped) text."""
    return f'<a href="{html.escape(href)}">{text}</a>' if href else text


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


# ── fields ─────────────────────────────────────────────────────────────────
def field_rules(f: Field, catalog: Catalog) -> list[str]:
    """The constraints of one field in words (plain text, not yet escaped)."""
    parts = []
    if f.format:
        parts.append(FORMAT_LABELS.get(f.format, f.format))
    if f.codelist and f.codelist_level is not None:
        parts.append(f"只取代码表中的第 {f.codelist_level} 级代码")
    if f.code_rule is not None:
        length = f.code_rule.fixed_length(catalog.codelists)
        parts.append(
            f"编码规则：{f.code_rule.describe(catalog.codelists)}"
            + (f"（共 {length} 位）" if length else "")
        )
    if f.min_length is not None and f.max_length is not None:
        parts.append(
            f"长度 {f.min_length}"
            if f.min_length == f.max_length
            else f"长度 {f.min_length}–{f.max_length}"
        )
    elif f.min_length is not None:
        parts.append(f"长度至少 {f.min_length}")
    elif f.max_length is not None:
        parts.append(f"长度至多 {f.max_length}")
    for value, text in (
        (f.minimum, "≥ {}"),
        (f.exclusive_minimum, "> {}"),
        (f.maximum, "≤ {}"),
        (f.exclusive_maximum, "< {}"),
    ):
        if value is not None:
            parts.append(text.format(_number(value)))
    if f.multiple_of is not None:
        parts.append(f"精度 {_number(f.multiple_of)}")
    if f.pattern:
        parts.append(f"格式：{pattern_words(f.pattern)}")
    if f.alternatives:
        parts.append(alternatives_detail(f.alternatives, FORMAT_LABELS))
    if f.enum:
        parts.append("取值：" + "、".join(str(v) for v in f.enum))
    if f.const is not None:
        parts.append(f"固定为 {f.const}")
    if f.default is not None:
        parts.append(f"默认 {f.default}")
    return parts


def field_note(f: Field) -> str:
    parts = [esc(f.description)] if f.description else []
    if f.aliases:
        parts.append('<span class="infostd-aliases">旧称：' + esc("、".join(f.aliases)) + "</span>")
    if f.deprecated or f.deprecated_in:
        since = f"（自 {f.deprecated_in} 起）" if f.deprecated_in else ""
        parts.append(f'<span class="infostd-deprecated">已停用{esc(since)}</span>')
    return "<br>".join(parts)


def field_sensitivity(f: Field, catalog: Catalog) -> str:
    parts = []
    if f.sensitive:
        parts.append(SENSITIVITY_LABELS.get(f.sensitive, f.sensitive))
        parts.append("脱敏显示：" + MASK_LABELS.get(f.mask or "partial", ""))
    if f.security_level:
        levels = catalog.codelists.get("security-level")
        parts.append("密级 " + (levels.label(f.security_level) if levels else f.security_level))
    return esc("；".join(parts))


def field_table(schema: Schema, catalog: Catalog, link: Linker) -> str:
    # 名称 first: readers know a field by its Chinese name; the key is for systems.
    headers = ["名称", "字段", "类型", "必填", "规则/格式", "代码表", "说明", "示例", "敏感级别"]
    rows = []
    for f in schema.fields:
        keys = [f.codelist] if f.codelist else []
        if f.code_rule is not None:
            keys += [str(s.value) for s in f.code_rule.segments if s.kind == "codelist"]
        codelist_cell = "<br>".join(
            _link(link(k), esc(catalog.codelists[k].title)) for k in keys if k in catalog.codelists
        )
        rows.append(
            [
                f'<a class="infostd-field-name" href="#{esc(field_anchor(schema.key, f.key))}">'
                f"{esc(f.title)}</a>",
                f"<code>{esc(f.key)}</code>",
                esc(TYPE_LABELS.get(f.type, f.type)),
                "是" if f.required else "否",
                "<br>".join(esc(r) for r in field_rules(f, catalog)),
                codelist_cell,
                field_note(f),
                "<br>".join(f"<code>{esc(e)}</code>" for e in f.examples),
                field_sensitivity(f, catalog),
            ]
        )
    # 示例 and 敏感级别 are often empty for a whole schema: an empty column only narrows the rest.
    optional = {headers.index("示例"), headers.index("敏感级别")}
    keep = [i for i in range(len(headers)) if i not in optional or any(r[i] for r in rows)]
    return _table(
        [headers[i] for i in keep],
        [[r[i] for i in keep] for r in rows],
        "infostd-fields",
        [field_anchor(schema.key, f.key) for f in schema.fields],
    )


def code_rule_diagram(f: Field, rule: CodeRule, catalog: Catalog, link: Linker) -> str:
    """One box per segment (name above, content below). The derived regex is for systems:
    readers see it only in the raw schema (issues 14, 17)."""
    boxes = []
    for segment in rule.segments:
        if segment.kind == "codelist":
            target = catalog.codelists.get(str(segment.value))
            name = target.title if target else str(segment.value)
            level = f"第 {segment.level} 级" if segment.level else ""
            # "行政区划代码 代码" reads twice: the suffix only when the title lacks it.
            suffix = "" if name.endswith("代码") and not level else f" {level}代码"
            content = _link(link(str(segment.value)), esc(name)) + esc(suffix)
        elif segment.kind == "text":
            content = f"<code>{esc(segment.value)}</code>"
        else:
            unit = "数字" if segment.kind == "digits" else "大写字母"
            content = esc(f"{segment.value} 位{unit}")
        title = esc(segment.title or {"text": "固定文字"}.get(segment.kind, ""))
        boxes.append(
            '<span class="infostd-segment">'
            f'<span class="infostd-segment-title">{title}</span>'
            f'<span class="infostd-segment-body">{content}</span></span>'
        )
    return (
        f'<div class="infostd-code-rule"><p><strong>{esc(f.title)}</strong>'
        f"（<code>{esc(f.key)}</code>）编码规则：</p>"
        f'<div class="infostd-segments">{"".join(boxes)}</div></div>'
    )


def _field_name(schema: Schema, key: str) -> str:
    """A field as readers know it: its Chinese name (the key is for systems)."""
    f = schema.field_by_key.get(key)
    return f.title if f else key


def _duration_words(text: str) -> str:
    delta = parse_duration(text)
    if delta is None:
        return text
    hours = delta.total_seconds() / 3600
    if hours <= 48 or not hours.is_integer() or hours % 24:
        return f"{_number(hours)} 小时"
    return f"{_number(hours / 24)} 天"


def rule_sentence(
    schema: Schema, rule_type: str, params: dict[str, Any], catalog: Catalog | None = None
) -> str:
    """A cross-field rule in words (plain text), with its effective date if it has one."""
    sentence = _rule_words(schema, rule_type, params, catalog)
    since = params.get("from")
    if since:
        sentence += (
            f"；自 {since['date']} 起适用（{_field_name(schema, since['field'])}早于该日的行"
            "不按本规则检查，校验报告注明未检查的行数）"
        )
    return sentence


def _rule_words(
    schema: Schema, rule_type: str, params: dict[str, Any], catalog: Catalog | None
) -> str:
    name = lambda key: _field_name(schema, key)  # noqa: E731 - short local helper
    if rule_type == "max-workdays":
        key = params["calendar"]
        calendar = catalog.codelists[key].title if catalog and key in catalog.codelists else key
        return (
            f"{name(params['end'])} 不得早于 {name(params['start'])}，且须在其后"
            f" {params['max']} 个工作日内（工作日按“{calendar}”计算：周一至周五，"
            "除去法定节假日，加上调休上班日）"
        )
    if rule_type == "max-interval":
        return (
            f"{name(params['end'])} 不得早于 {name(params['start'])}，"
            f"且两者间隔不超过 {_duration_words(params['max'])}"
        )
    if rule_type == "date-order":
        return f"{name(params['end'])} 不得早于 {name(params['start'])}"
    if rule_type == "required-if":
        when = params["when"]
        return f"当 {name(when['field'])} 为“{when['equals']}”时，{name(params['field'])} 必须填写"
    if rule_type == "required-any":
        return "、".join(name(k) for k in params["fields"]) + " 至少填写一项"
    if rule_type == "segment-equals":
        return (
            f"{name(params['field'])} 中的{_segment_words(schema, params)}"
            f"须与 {name(params['equals'])} 一致"
        )
    return rule_type


def _segment_words(schema: Schema, params: dict[str, Any]) -> str:
    """「第 2 段（资产类别）」: the segment by its place and the title the standard gives it."""
    f = schema.field_by_key.get(params["field"])
    n = params["segment"]
    segments = f.code_rule.segments if f is not None and f.code_rule is not None else []
    title = segments[n - 1].title if 0 < n <= len(segments) else ""
    return f"第 {n} 段" + (f"（{title}）" if title else "")


def table_rules(schema: Schema, catalog: Catalog, link: Linker) -> str:
    """Unique keys, foreign keys and cross-field rules as a list in words."""
    items = []
    for group in schema.unique:
        names = " + ".join(_field_name(schema, k) for k in group)
        items.append(f"<strong>唯一</strong>：{esc(names)} 在全表中不得重复")
    for fk in schema.foreign_keys:
        target = catalog.records.get(fk.record)
        ref = _field_name(target, fk.ref) if target else fk.ref
        record = _link(link(fk.record), esc(target.title if target else fk.record))
        items.append(
            f"<strong>外键</strong>：{esc(_field_name(schema, fk.field))} 须为{record}中已登记的 {esc(ref)}"
            + esc(where_words(fk, target))
        )
    for rule in schema.rules:
        items.append(
            f"<strong>{esc(rule.id)}</strong>："
            f"{esc(rule_sentence(schema, rule.type, rule.params, catalog))}"
            f"。<em>{esc(rule.message)}</em>"
        )
    if not items:
        return ""
    return '<ul class="infostd-table-rules">' + "".join(f"<li>{i}</li>" for i in items) + "</ul>"


def _lifecycle_value(key: str, value: Any) -> str:
    if isinstance(value, list):
        return esc("、".join(str(v) for v in value))
    if key == "retention" and isinstance(value, str) and value.startswith("P"):
        years = re.fullmatch(r"P(\d+)Y", value)
        return esc(f"{years.group(1)} 年" if years else value)
    return esc(value)


def lifecycle_table(schema: Schema) -> str:
    """采集 → 存储 → 使用 → 归档 → 销毁, one row per stage."""
    if not schema.lifecycle:
        return ""
    rows = []
    for key, label in LIFECYCLE_STAGES:
        stage = schema.lifecycle.get(key) or {}
        details = "<br>".join(
            f"<strong>{esc(LIFECYCLE_KEYS.get(k, k))}</strong>：{_lifecycle_value(k, v)}"
            for k, v in stage.items()
        )
        rows.append([esc(label), details])
    flow = " → ".join(label for _, label in LIFECYCLE_STAGES)
    return f'<p class="infostd-flow">{esc(flow)}</p>' + _table(
        ["阶段", "要求"], rows, "infostd-lifecycle"
    )


def raw_schema(schema: Schema) -> str:
    text = json.dumps(schema.raw, ensure_ascii=False, indent=2)
    return (
        '<details class="infostd-raw"><summary>JSON Schema 原文</summary>'
        f"<pre><code>{esc(text)}</code></pre></details>"
    )


def codelist_table(codelist: CodeList) -> str:
    has_parent = any(e.parent for e in codelist.entries)
    has_description = any(e.description for e in codelist.entries)
    headers = ["代码", "名称"] + (["上级代码"] if has_parent else [])
    headers += ["说明"] if has_description else []
    has_withdrawn = any(e.withdrawn for e in codelist.entries)
    headers += ["状态"] + (["撤销日期"] if has_withdrawn else [])
    rows = []
    for e in codelist.entries:
        row = [f"<code>{esc(e.code)}</code>", esc(e.title)]
        row += [esc(e.parent or "")] if has_parent else []
        row += [esc(e.description)] if has_description else []
        row.append(e.state)
        row += [esc(e.withdrawn or "")] if has_withdrawn else []
        rows.append(row)
    return _table(headers, rows, "infostd-codelist")


def schema_html(schema: Schema, catalog: Catalog, link: Linker) -> str:
    """Everything a reader needs about one embedded schema, as one HTML block."""
    parts = [f"<p>{esc(schema.description)}</p>"] if schema.description else []
    if schema.kind == "codelist" and schema.codelist is not None:
        if schema.codelist.code_rule is not None:
            words = schema.codelist.code_rule.describe(catalog.codelists)
            parts.append(f"<p>编码规则：{esc(words)}</p>")
        parts.append(codelist_table(schema.codelist))
    else:
        if schema.security_level:
            levels = catalog.codelists.get("security-level")
            label = levels.label(schema.security_level) if levels else schema.security_level
            parts.append(f"<p>整体安全等级：<strong>{esc(label)}</strong></p>")
        parts.append(field_table(schema, catalog, link))
        rules = [
            code_rule_diagram(f, f.code_rule, catalog, link) for f in schema.fields if f.code_rule
        ]
        if rules:
            parts.append("<h4>编码规则</h4>" + "".join(rules))
        if table := table_rules(schema, catalog, link):
            parts.append("<h4>表级规则</h4>" + table)
        if lifecycle := lifecycle_table(schema):
            parts.append("<h4>生命周期</h4>" + lifecycle)
    parts.append(raw_schema(schema))
    return (
        f'<div class="infostd-schema" data-schema="{esc(schema.key)}">' + "".join(parts) + "</div>"
    )


def schema_anchor(key: str) -> str:
    return f"schema-{key}"


def schema_markdown(schema: Schema, catalog: Catalog, link: Linker) -> str:
    """A heading (for the table of contents and search) followed by the HTML block.
    The HTML is one line: Markdown leaves a raw HTML block alone until a blank line."""
    heading = f"### {md_text(schema.title)} {{#{schema_anchor(schema.key)}}}"
    return f"{heading}\n\n{schema_html(schema, catalog, link)}\n"


# ── header card ────────────────────────────────────────────────────────────
def department_label(catalog: Catalog, code: str | None) -> str:
    if not code:
        return ""
    departments = catalog.codelists.get("department-code")
    return departments.label(code) if departments else code


def header_card(
    standard: Standard,
    catalog: Catalog,
    version: str,
    last_change: str | None,
    downloads: list[tuple[str, str]],
    feedback_url: str | None,
) -> str:
    """The card under a standard's title: id, status, departments, version, downloads."""
    status = STATUS_LABELS.get(standard.status, standard.status)
    rows = [
        ("编号", f"<code>{esc(standard.id)}</code>"),
        (
            "状态",
            f'<span class="infostd-status infostd-status-{esc(standard.status)}">{esc(status)}</span>',
        ),
        ("类型", esc(KIND_LABELS.get(standard.kind, standard.kind))),
    ]
    if standard.category:
        categories = catalog.codelists.get("info-category")
        rows.append(
            (
                "信息类别",
                esc(categories.label(standard.category) if categories else standard.category),
            )
        )
    if standard.owner:
        rows.append(("归口部门", esc(department_label(catalog, standard.owner))))
    if standard.reviewers:
        rows.append(
            ("评审部门", esc("、".join(department_label(catalog, r) for r in standard.reviewers)))
        )
    rows.append(("版本", f"<code>{esc(version)}</code>"))
    rows.append(("最近修改", esc(last_change or "尚未提交")))
    items = "".join(f"<dt>{esc(k)}</dt><dd>{v}</dd>" for k, v in rows)
    buttons = "".join(
        f'<a class="md-button infostd-download" href="{html.escape(href)}" download>{esc(label)}</a>'
        for label, href in downloads
    )
    if feedback_url:
        buttons += (
            f'<a class="md-button infostd-feedback" href="{html.escape(feedback_url)}">反馈意见</a>'
        )
    card = f'<div class="infostd-card"><dl>{items}</dl>'
    card += f'<div class="infostd-buttons">{buttons}</div>' if buttons else ""
    card += "</div>"
    if standard.status in STATUS_BANNERS:
        kind, title, text = STATUS_BANNERS[standard.status]
        card = (
            f'<div class="admonition {kind} infostd-banner"><p class="admonition-title">{esc(title)}</p>'
            f"<p>{esc(text)}</p></div>" + card
        )
    return card


# ── a whole standard page ──────────────────────────────────────────────────
def standard_markdown(standard: Standard, catalog: Catalog, link: Linker, card: str) -> str:
    """The page body: the author's Markdown with each ``json schema`` block replaced by its
    rendered form (positions from the model) and the header card under the first title."""
    lines = standard.source.splitlines()
    blocks = {s.location.line: s for s in standard.schemas}
    out: list[str] = []
    number = standard.body_line
    while number <= len(lines):
        schema = blocks.get(number)
        if schema is not None:
            out.append(schema_markdown(schema, catalog, link))
            number = schema.end_line + 1
            continue
        out.append(lines[number - 1])
        number += 1
    title = _first_heading(out)
    card_block = ["", card, ""]
    if title is None:
        out[0:0] = card_block
    else:
        out[title + 1 : title + 1] = card_block
    return "\n".join(out) + "\n"


def _first_heading(lines: list[str]) -> int | None:
    fence = None
    for index, line in enumerate(lines):
        stripped = line.lstrip()
        marker = re.match(r"(`{3,}|~{3,})", stripped)
        if marker:
            fence = None if fence and stripped.startswith(fence) else fence or marker.group(1)
            continue
        if fence is None and re.match(r"^# \S", line):
            return index
    return None
