"""Training material by role, generated from the catalog so it never drifts from the
standards: a one-page brief for management, a handbook for 信息专员 (every requirement by
id and how it is enforced), a 填写卡 per record for front-line staff (required fields,
examples, the common errors in the validator's own words with their fixes) and a quiz
per role. Each document is a list of sections of escaped HTML: the portal page and the
PDF are the same sections (``pages`` and ``pdf`` below)."""

from __future__ import annotations

import copy
import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ..model import Catalog, Field, Schema, Standard
from ..portal.render import department_label, esc, field_rules, rule_sentence
from ..requirements import BY_LABELS, CHECKS
from ..validate.engine import validate_rows
from .data import PROGRAMME_RECORDS, Programme
from .goals import Standing

LEADER_WORDS = ("领导责任", "管理层", "部门负责人", "一把手")


@dataclass(frozen=True)
class Part:
    title: str
    html: str  # escaped by its producer


@dataclass(frozen=True)
class Document:
    key: str  # management | officer | card-<record>: file names of page and PDF
    title: str
    audience: str
    parts: list[Part]


def table(caption: str, headers: list[str], rows: list[list[str]]) -> str:
    """A captioned table; cells are already-escaped HTML."""
    head = "".join(f'<th scope="col">{esc(h)}</th>' for h in headers)
    body = (
        "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in rows)
        or f'<tr><td colspan="{len(headers)}">无</td></tr>'
    )
    wide = " infostd-wide" if len(headers) >= 4 else ""
    return (
        f'<table class="infostd-table{wide}"><caption>{esc(caption)}</caption>'
        f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
    )


def plain(markdown_line: str) -> str:
    """A line of the committee's Markdown as plain text: links, emphasis, table pipes gone."""
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", markdown_line)
    text = re.sub(r"[*`]", "", text)
    if text.strip().startswith("|"):
        cells = [c.strip() for c in text.strip().strip("|").split("|")]
        text = "：".join(c for c in cells if c)
    return re.sub(r"^\s*(?:[-*]|\d+\.)\s+", "", text).strip()


# ── management ───────────────────────────────────────────────────────────
def management_brief(
    catalog: Catalog, programme: Programme | None, standings: list[Standing]
) -> Document:
    parts = [
        Part(
            "为什么要做",
            "<p>公司信息管理的目标是<strong>一次采集、多方共享、全程可控</strong>：每项信息由一个部门按数据标准"
            "采集一次，其他部门通过系统共享，不再各自建表、重复录入；信息的采集、存储、使用、归档和销毁都有"
            "明确的责任人和可检查的规则。标准、模板、校验工具和门户由同一套标准库生成，始终一致。</p>"
            "<p>信息管理是“一把手”工程：部门负责人对本部门信息的真实、完整、及时负领导责任，"
            "需要亲自推动目标、指定信息专员、组织培训并保障资源。</p>",
        )
    ]
    if standings:
        rows = [
            [
                esc(s.goal.id),
                esc(s.goal.title),
                esc(_value(s)),
                esc(f"{s.goal.direction} {_number(s.goal.target)}，{s.goal.deadline} 前"),
                esc(s.state),
            ]
            for s in standings
        ]
        parts.append(
            Part(
                "目标与进展",
                table("信息管理目标", ["编号", "目标", "当前", "目标值", "状态"], rows),
            )
        )
    lines = leader_lines(catalog)
    items = "".join(f"<li>{esc(text)}（{esc(standard.title)}）</li>" for standard, text in lines)
    parts.append(
        Part(
            "管理层的职责与领导责任",
            "<p>以下条文摘自管理制度，适用于部门负责人和公司管理层：</p>" + f"<ul>{items}</ul>",
        )
    )
    if programme is not None and programme.rows("training"):
        parts.append(Part("管理层培训情况", _leader_training(catalog, programme)))
    return Document("management", "管理层简报", "管理层", parts)


def leader_lines(catalog: Catalog) -> list[tuple[Standard, str]]:
    """Clauses of the policies that name leaders' duties (领导责任, 管理层, 部门负责人)."""
    found = []
    for standard in catalog.standards:
        if standard.kind != "policy":
            continue
        for line in standard.prose.splitlines():
            text = plain(line)
            heading = line.lstrip().startswith("#")
            if any(w in text for w in LEADER_WORDS) and not heading and set(text) - set("-：| "):
                found.append((standard, text))
    return found


def _leader_training(catalog: Catalog, programme: Programme) -> str:
    rows = [
        [
            esc(department_label(catalog, r["department"])),
            esc(r["course"]),
            esc(r["held_on"]),
            esc(f"{r['attended']}/{r['expected']}"),
        ]
        for r in programme.rows("training")
        if r["level"] == "管理层"
    ]
    return table("管理层培训", ["部门", "课程", "日期", "实到/应到"], rows)


def _value(s: Standing) -> str:
    if s.current is None or s.current.value is None:
        return "无数据"
    unit = "" if s.goal.metric == "未关闭问题数" else "%"
    return f"{_number(s.current.value)}{unit}（{s.current.measured_on}）"


def _number(value: float) -> str:
    return str(int(value)) if value == int(value) else f"{value:.1f}"


# ── 信息专员 ─────────────────────────────────────────────────────────────
WORKFLOW = (
    "<ol>"
    "<li>从门户“下载”页取得最新的 Excel 模板（<code>infostd template 记录键</code> 也可生成），交填写人按填写卡录入。</li>"
    "<li>收回后运行 <code>infostd validate 文件.xlsx</code>（或门户“在线校验”），把 <code>--format xlsx -o 报告.xlsx</code> "
    "生成的带批注报告退回填写人修改，直到没有错误，再导入系统。</li>"
    "<li>各部门原有台账先用 <code>infostd audit 台账.xlsx --mapping 映射.yaml</code> 诊断，核对映射后用 "
    "<code>infostd migrate</code> 迁移为标准模板。</li>"
    "<li>每月用 <code>infostd metrics record --department 部门 文件…</code> 记录本部门数据的完整性、有效性、唯一性和及时性，"
    "<code>infostd metrics</code> 查看目标进展；试点和推广中发现的问题登记到问题与反馈。</li>"
    "<li>标准需要修改时提交合并请求：<code>infostd check</code> 检查，<code>infostd diff</code> 列出变更及版本级别，"
    "评审通过后由信息部 <code>infostd release</code> 发布。</li>"
    "</ol>"
)


def officer_handbook(catalog: Catalog) -> Document:
    parts = [Part("工作流程", WORKFLOW)]
    rows = [
        [
            esc(schema.title),
            esc(catalog.standard_of(schema).id),
            f"<code>downloads/templates/{esc(key)}.xlsx</code>",
            f"<code>infostd validate 文件 --record {esc(key)}</code>",
        ]
        for key, schema in catalog.records.items()
    ]
    parts.append(
        Part("模板与校验", table("各记录的模板与校验命令", ["记录", "标准", "模板", "校验"], rows))
    )
    for standard in sorted(catalog.standards, key=lambda s: s.id):
        if not standard.requirements:
            continue
        req_rows = [
            [
                f'<span id="{esc(r.id.lower())}">{esc(r.id)}</span>',
                esc(r.text),
                esc(BY_LABELS.get(r.by, r.by)),
                esc(how_enforced(r)),
            ]
            for r in standard.requirements
        ]
        parts.append(
            Part(
                f"{standard.id} {standard.title}",
                table(
                    f"{standard.title}的要求", ["编号", "要求", "执行方式", "如何执行"], req_rows
                ),
            )
        )
    return Document("officer", "信息专员手册", "信息专员", parts)


def how_enforced(requirement) -> str:
    if requirement.by == "people":
        return f"{requirement.who}；{requirement.when}；凭证：{requirement.evidence}"
    if requirement.by == "check":
        return f"infostd check：{CHECKS.get(requirement.target or '', requirement.target)}"
    if requirement.by == "template":
        return f"Excel 模板：{requirement.target}"
    return f"infostd validate：{requirement.target}"


# ── 填写卡 ───────────────────────────────────────────────────────────────
def fill_card(catalog: Catalog, schema: Schema) -> Document:
    example = schema.examples[0] if schema.examples else {}
    required = [f for f in schema.fields if f.required]
    rows = [
        [
            esc(f.title),
            esc("；".join(_how(catalog, f))),
            esc(_shown(catalog, f, example.get(f.key))),
        ]
        for f in required
    ]
    optional = "、".join(f.title for f in schema.fields if not f.required)
    parts = [
        Part(
            "必填字段",
            table(f"{schema.title}：必填字段", ["字段", "怎么填", "示例"], rows)
            + (f"<p>选填：{esc(optional)}。</p>" if optional else ""),
        )
    ]
    errors = common_errors(catalog, schema)
    items = "".join(
        f"<li><p><strong>校验提示</strong>：{esc(message)}</p><p><strong>改正</strong>：{esc(fix)}</p></li>"
        for message, fix in errors
    )
    parts.append(Part("最常见的五类错误", f'<ol class="infostd-errors">{items}</ol>'))
    parts.append(
        Part(
            "提交前",
            "<ol><li>表头带 * 的列全部填写；代码列只从下拉列表选择。</li>"
            "<li>保存后在门户“在线校验”页面检查，或请信息专员运行 <code>infostd validate</code>，按提示逐项改正。</li>"
            "<li>没有错误后交部门主管审核，再交本部门信息专员导入。</li></ol>",
        )
    )
    return Document(f"card-{schema.key}", f"填写卡：{schema.title}", "一线员工", parts)


def _how(catalog: Catalog, f: Field) -> list[str]:
    how = field_rules(f, catalog)
    if f.codelist:
        title = catalog.schemas[f.codelist].title if f.codelist in catalog.schemas else f.codelist
        how.insert(0, f"从下拉列表选择（代码表：{title}）")
    if f.type == "boolean":
        how.insert(0, "从下拉列表选择 TRUE（是）或 FALSE（否）")
    return how or [f.description or "按实际情况填写"]


def _shown(catalog: Catalog, f: Field, value: Any) -> str:
    """An example as the template shows it (code-list values as their dropdown label)."""
    if value is None:
        return "—"
    if f.codelist and f.codelist in catalog.codelists:
        return catalog.codelists[f.codelist].label(str(value))
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    return str(value)


Mutation = Callable[[dict], list[dict]]


def common_errors(catalog: Catalog, schema: Schema, limit: int = 5) -> list[tuple[str, str]]:
    """Errors people make most, each produced by breaking the schema's first example the
    way people do and asking the reference validator: the message is the validator's own."""
    if not schema.examples:
        return []
    found: list[tuple[str, str]] = []
    for rule, mutate, fix in _mistakes(catalog, schema):
        rows = mutate(copy.deepcopy(schema.examples[0]))
        issues = [i for i in validate_rows(catalog, schema.key, rows) if i.severity == "error"]
        match = next((i for i in issues if i.rule == rule or i.rule.startswith(rule)), None)
        if match is not None and all(match.message != m for m, _ in found):
            found.append((match.message, fix))
        if len(found) == limit:
            break
    return found


def _mistakes(catalog: Catalog, schema: Schema) -> list[tuple[str, Mutation, str]]:
    """(rule the validator reports, how a row gets broken, the fix), most frequent first:
    blanks, free text in code columns, hand-made codes, mistyped numbers, rules, duplicates."""
    out: list[tuple[str, Mutation, str]] = []
    required = [f for f in schema.fields if f.required]
    titles = "、".join(f.title for f in required)
    if required:
        key = required[-1].key
        out.append(("required", lambda r, k=key: [{**r, k: ""}], f"带 * 的列必须填写：{titles}。"))
    for f in schema.fields:
        if f.codelist:
            out.append(
                ("codelist", lambda r, k=f.key: [{**r, k: "其他"}],
                 f"“{f.title}”只能从下拉列表选择（显示为“代码 名称”），不要手工输入名称或简称。")
            )  # fmt: skip
            break
    for f in schema.fields:
        if f.enum and not f.codelist:
            allowed = "、".join(str(v) for v in f.enum)
            out.append(
                ("enum", lambda r, k=f.key: [{**r, k: "其他"}],
                 f"“{f.title}”只能从下拉列表选择：{allowed}。")
            )  # fmt: skip
            break
    for f in schema.fields:
        if f.code_rule is not None and f.key in schema.examples[0]:
            rule = f.code_rule.describe(catalog.codelists)
            sample = schema.examples[0][f.key]
            out.append(
                ("code-rule", lambda r, k=f.key: [{**r, k: str(r[k])[:-1]}],
                 f"“{f.title}”按“{rule}”编写，如 {sample}；由信息专员分配的编码照抄，不要自编。")
            )  # fmt: skip
            break
    fixes = {
        "cn-uscc": "对照营业执照逐位核对 18 位代码，常见原因是字母 O 与数字 0、字母 I 与数字 1 混淆。",
        "cn-mobile": "填写 11 位手机号，不加区号、空格或横线；该列是文本格式，粘贴时选“只粘贴数值”。",
        "date": "日期写成 2026-03-01 的形式，并确认是真实存在的日期。",
        "date-time": "时间写成 2026-03-01 10:00 的形式。",
        "email": "电子邮箱写成 name@example.com 的形式，不含空格。",
        "cn-resident-id": "对照身份证逐位核对 18 位号码，最后一位 X 大写。",
    }
    broken = {
        "cn-uscc": lambda v: v[:-1] + ("1" if v[-1] != "1" else "2"),
        "cn-mobile": lambda v: v[:-1],
        "date": lambda v: v[:8] + "32",
        "date-time": lambda v: v[:10] + " 25:00",
        "email": lambda v: v.replace("@", " at "),
        "cn-resident-id": lambda v: v[:-1] + ("1" if v[-1] != "1" else "2"),
    }
    seen_formats = set()
    for f in schema.fields:
        if (
            f.format in broken
            and f.format not in seen_formats
            and isinstance(schema.examples[0].get(f.key), str)
        ):
            seen_formats.add(f.format)
            out.append(
                ("format", lambda r, k=f.key, b=broken[f.format]: [{**r, k: b(r[k])}],
                 f"“{f.title}”：{fixes[f.format]}")
            )  # fmt: skip
    for f in schema.fields:
        if f.key not in schema.examples[0] or f.code_rule is not None or f.codelist:
            continue
        if f.pattern:
            out.append(
                ("pattern", lambda r, k=f.key: [{**r, k: f"{r[k]}（备注）"}],
                 f"“{f.title}”按格式填写，如 {schema.examples[0][f.key]}；不要加说明文字或空格。")
            )  # fmt: skip
        elif f.minimum is not None or f.exclusive_minimum is not None:
            out.append(
                ("minimum", lambda r, k=f.key: [{**r, k: -1}],
                 f"“{f.title}”填写不小于 {_number(f.minimum if f.minimum is not None else f.exclusive_minimum)} 的数。")
            )  # fmt: skip
    for rule in schema.rules:
        mutate = _break_rule(schema, rule)
        if mutate is not None:
            out.append(
                (f"rule:{rule.id}", mutate, f"{rule_sentence(schema, rule.type, rule.params)}。")
            )
    for group in schema.unique:
        names = "、".join(schema.field_by_key[k].title for k in group if k in schema.field_by_key)
        out.append(
            ("unique", lambda r: [r, dict(r)], f"同一{names}只登记一次；录入前先查询是否已有。")
        )
        break
    return out


def _break_rule(schema: Schema, rule) -> Mutation | None:
    p = rule.params
    if rule.type in ("date-order", "max-interval", "max-workdays"):
        start, end = p["start"], p["end"]
        late = {"date": "2000-01-01", "date-time": "2000-01-01 00:00"}
        # past the deadline: 3 days for the entry deadlines in hours, more for working days
        days = 3 if rule.type != "max-workdays" else 2 * p["max"] + 10

        def swap(r: dict) -> list[dict]:
            r = _in_force(schema, rule, r)
            kind = schema.field_by_key[end].format or "date"
            if rule.type != "date-order" and isinstance(r.get(start), str):
                return [{**r, end: _later(r[start], kind, days)}]
            return [{**r, start: r.get(start) or late.get(kind), end: late.get(kind)}]

        return swap if end in schema.field_by_key else None
    if rule.type == "required-if":
        when = p["when"]
        return lambda r: [{**r, when["field"]: when["equals"], p["field"]: ""}]
    if rule.type == "required-any":
        return lambda r: [{**r, **dict.fromkeys(p["fields"], "")}]
    return None


def _in_force(schema: Schema, rule, row: dict) -> dict:
    """The example moved to the rule's effective date (``from``) if it is dated before:
    an exempt row would show no mistake."""
    since = rule.params.get("from")
    value = row.get(since["field"]) if since else None
    if not since or (isinstance(value, str) and value[:10] >= since["date"]):
        return row
    dated = schema.field_by_key[since["field"]].format == "date"
    return {**row, since["field"]: since["date"] if dated else f"{since['date']} 10:00"}


def _later(moment: str, kind: str, days: int = 3) -> str:
    """``days`` days after ``moment``: beyond the deadline of the rule being broken."""
    import datetime as dt

    text = moment.replace("T", " ")[:16]
    if kind == "date":
        day = dt.date.fromisoformat(text[:10]) + dt.timedelta(days=days)
        return day.isoformat()
    when = dt.datetime.fromisoformat(text) + dt.timedelta(days=days)
    return when.strftime("%Y-%m-%d %H:%M")


# ── quizzes ──────────────────────────────────────────────────────────────
@dataclass(frozen=True)
class Question:
    text: str
    options: list[str]
    answer: int  # index into options


def _pick(items: list, key: Callable[[Any], str], n: int) -> list:
    """A stable choice of ``n`` items (by hash), so the quiz does not change between builds."""
    return sorted(items, key=lambda i: hashlib.sha1(key(i).encode()).hexdigest())[:n]


def _options(answer: str, pool: list[str], n: int = 4) -> tuple[list[str], int]:
    others = _pick([p for p in dict.fromkeys(pool) if p != answer], lambda p: answer + p, n - 1)
    options = sorted([answer, *others], key=lambda o: hashlib.sha1(o.encode()).hexdigest())
    return options, options.index(answer)


def quizzes(catalog: Catalog, n: int = 5) -> dict[str, list[Question]]:
    """Per role, questions generated from the requirement register and the records."""
    requirements = [r for s in catalog.standards for r in s.requirements]
    policies = [r for s in catalog.standards if s.kind == "policy" for r in s.requirements]
    people = [r for r in policies if r.by == "people" and r.who] or [
        r for r in requirements if r.by == "people" and r.who
    ]
    whos = [r.who for r in people if r.who]
    management = []
    for r in _pick(people, lambda r: r.id, n):
        options, answer = _options(r.who, whos)
        management.append(Question(f"要求 {r.id}“{r.text}”由谁负责落实？", options, answer))
    labels = list(BY_LABELS.values())
    officer = []
    for r in _pick([r for r in requirements if r.by != "people"], lambda r: r.id, n):
        options = labels
        officer.append(
            Question(f"要求 {r.id}“{r.text}”由什么执行？", options, options.index(BY_LABELS[r.by]))
        )
    front: list[Question] = []
    business = [s for k, s in catalog.records.items() if k not in PROGRAMME_RECORDS]
    fields = [(s, f) for s in business or catalog.records.values() for f in s.fields]
    coded = [(s, f) for s, f in fields if f.codelist]
    titles = [catalog.schemas[k].title for k in catalog.codelists if k in catalog.schemas]
    for schema, f in _pick(coded, lambda sf: f"{sf[0].key}.{sf[1].key}", n // 2):
        options, answer = _options(catalog.schemas[f.codelist].title, titles)
        front.append(
            Question(
                f"填写“{schema.title}”的“{f.title}”时，从哪个代码表的下拉列表中选择？",
                options,
                answer,
            )
        )
    for schema, f in _pick(fields, lambda sf: f"{sf[0].key}.{sf[1].key}", n - len(front)):
        front.append(
            Question(
                f"“{schema.title}”中的“{f.title}”是必填还是选填？",
                ["必填", "选填"],
                0 if f.required else 1,
            )
        )
    return {"管理层": management, "信息专员": officer, "一线员工": front}


def quiz_html(role: str, questions: list[Question], form_id: str) -> str:
    """A form the page script checks; answers travel as option indexes in data-answer."""
    blocks = []
    for q_index, q in enumerate(questions, start=1):
        name = f"{form_id}-q{q_index}"
        options = "".join(
            f'<label data-option="{i}"><input type="radio" name="{name}" value="{i}"> {esc(o)}</label>'
            for i, o in enumerate(q.options)
        )
        blocks.append(
            f'<fieldset data-answer="{q.answer}"><legend>{q_index}. {esc(q.text)}</legend>{options}'
            f'<p class="infostd-quiz-result" aria-live="polite"></p></fieldset>'
        )
    return (
        f'<form class="infostd-quiz" id="{form_id}" aria-label="{esc(role)}测验">{"".join(blocks)}'
        f'<p><button type="submit" class="md-button md-button--primary">交卷</button></p>'
        f'<p class="infostd-quiz-score" role="status"></p></form>'
    )


def documents(
    catalog: Catalog, programme: Programme | None, standings: list[Standing]
) -> list[Document]:
    """Every training document of this catalog: brief, handbook, one card per record."""
    return [
        management_brief(catalog, programme, standings),
        officer_handbook(catalog),
        *(fill_card(catalog, schema) for schema in catalog.records.values()),
    ]


def page_path(doc: Document) -> str:
    if doc.key.startswith("card-"):
        return f"training/cards/{doc.key.removeprefix('card-')}.md"
    return f"training/{doc.key}.md"


PDF_FOLDER = "training"


def pdf_path(doc: Document) -> str:
    """Inside the build's downloads/ folder."""
    return f"{PDF_FOLDER}/{doc.key}.pdf"
