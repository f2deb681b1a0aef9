"""Portal pages of the programme, registered at import: 质量看板 (each goal against its
target over time, per department, pilots and open problems), 常见问题 (resolved
feedback) and 培训 (brief, handbook, one 填写卡 per record, quiz). Static HTML: SVG charts with the figures in a table beside each; every value
read from programme/ goes through ``esc``/``md_text``."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from mkdocs.exceptions import PluginError

from ..config import load_config
from ..errors import ProblemsError
from ..portal.pages import (
    GeneratedPage,
    PortalContext,
    StaticFile,
    md_link,
    register_page,
    register_pages,
    register_static,
)
from ..portal.render import department_label, esc, md_text
from ..portal.requirements_page import REQUIREMENTS_PAGE
from .charts import line_chart
from .data import Programme, load_programme, programme_files
from .goals import LATE, NO_DATA, REACHED, Standing, in_scope
from .report import PERCENT_METRICS, scope_text, shown, standings_of
from .training import Document, documents, page_path, pdf_path, quiz_html, quizzes

DASHBOARD = "programme/dashboard.md"
FAQ = "programme/faq.md"
SECTION = "实施"
CSS = "assets/infostd/programme.css"
ASSETS = Path(__file__).parent / "assets"
STATE_CLASS = {REACHED: "reached", LATE: "late", NO_DATA: "none"}

_cache: dict[int, tuple[PortalContext, Programme]] = {}


def programme_of(ctx: PortalContext) -> Programme:
    """The programme data, loaded once per build; broken data stop the build with the
    same located lines as ``infostd check``."""
    cached = _cache.get(id(ctx))
    if cached is not None and cached[0] is ctx:
        return cached[1]
    try:
        programme = load_programme(ctx.catalog, load_config(ctx.root))
    except ProblemsError as exc:
        raise PluginError("实施记录有错误：\n" + "\n".join(str(p) for p in exc.problems)) from None
    _cache.clear()
    _cache[id(ctx)] = (ctx, programme)
    return programme


def has_programme(ctx: PortalContext) -> bool:
    return bool(programme_files(load_config(ctx.root)))


def example_note(programme: Programme) -> list[str]:
    if not programme.example:
        return []
    return [
        '!!! warning "示例数据"',
        "    本页数据来自随标准库分发的示例（`programme/` 目录），"
        "信息管理委员会用本公司的调研、试点、问题、培训记录和指标替换后，本页随之更新。",
        "",
    ]


# ── 质量看板 ─────────────────────────────────────────────────────────────
def dashboard_page(ctx: PortalContext) -> str:
    programme = programme_of(ctx)
    day, figures, standings = standings_of(ctx.catalog, load_config(ctx.root), programme)
    lines = [
        "# 质量看板",
        "",
        *example_note(programme),
        f"数据截至 {day}。每个目标的当前值由 `infostd metrics` 根据校验结果、台账清单、"
        "问题与反馈和培训记录计算，不手工填写；历史数值见 `programme/metrics/`。",
        "",
        _summary_table(ctx, standings),
        "",
    ]
    for s in standings:
        lines += _goal_section(ctx, s, figures)
    lines += _pilots(ctx, programme)
    lines += _open_problems(ctx, programme, day)
    return "\n".join(lines) + "\n"


def _summary_table(ctx: PortalContext, standings: list[Standing]) -> str:
    rows = "".join(
        f'<tr><th scope="row">{esc(s.goal.id)}</th><td>{esc(s.goal.title)}</td>'
        f"<td>{esc(_current(s))}</td><td>{esc(_target(s))}</td>"
        f'<td><span class="infostd-state infostd-state-{STATE_CLASS.get(s.state, "open")}">'
        f"{esc(s.state)}</span></td></tr>"
        for s in standings
    )
    return _scroll(
        "目标一览",
        '<table class="infostd-table infostd-wide"><caption>目标一览</caption><thead><tr>'
        '<th scope="col">编号</th><th scope="col">目标</th><th scope="col">当前值</th>'
        f'<th scope="col">目标值与截止日期</th><th scope="col">状态</th></tr></thead><tbody>{rows}</tbody></table>',
    )


def _current(s: Standing) -> str:
    if s.current is None or s.current.value is None:
        return "无数据"
    return f"{shown(s.goal.metric, s.current.value)}（{s.current.measured_on}）"


def _target(s: Standing) -> str:
    return f"{s.goal.direction} {shown(s.goal.metric, s.goal.target)}，{s.goal.deadline} 前"


def _goal_section(ctx: PortalContext, s: Standing, figures) -> list[str]:
    g = s.goal
    chart_id = f"chart-{g.id.lower()}"
    scope = scope_text(ctx.catalog, g.department, g.record)
    percent = g.metric in PERCENT_METRICS
    chart = line_chart(
        chart_id, f"{g.id} {g.metric}（{scope}）随时间的变化", s.series, g.target, percent
    )
    over_time = (
        "".join(
            f'<tr><th scope="row">{esc(day)}</th><td>{esc(shown(g.metric, value))}</td></tr>'
            for day, value in s.series
        )
        or '<tr><td colspan="2">暂无数据</td></tr>'
    )
    table = (
        f'<table class="infostd-table"><caption>{esc(g.id)} 各次测量</caption><thead><tr>'
        f'<th scope="col">测量日期</th><th scope="col">{esc(g.metric)}</th></tr></thead>'
        f"<tbody>{over_time}</tbody></table>"
    )
    return [
        f"## {md_text(g.id)} {md_text(g.title)}",
        "",
        f"{md_text(g.metric)}（{md_text(scope)}）· 目标 {md_text(_target(s))} · "
        f"当前 {md_text(_current(s))} · 状态：**{md_text(s.state)}** · "
        f"责任部门 {md_text(department_label(ctx.catalog, g.owner))}",
        "",
        '<div class="infostd-goal" markdown="0">',
        f'<figure class="infostd-figure">{chart}</figure>',
        _scroll(f"{g.id} 各次测量", table),
        "</div>",
        "",
        _by_department(ctx, s, figures),
        "",
    ]


def _by_department(ctx: PortalContext, s: Standing, figures) -> str:
    """Per department: one small chart each against the goal's target, and the same figures
    as a departments × measurement dates table (for screen readers and exact values)."""
    g = s.goal
    series: dict[str, dict[str, float]] = {}
    for f in figures:
        if in_scope(g, f) and f.value is not None:
            label = department_label(ctx.catalog, f.department)
            if f.record and not g.record:
                label += f" · {ctx.catalog.records[f.record].title if f.record in ctx.catalog.records else f.record}"
            series.setdefault(label, {})[f.measured_on] = f.value
    if not series:
        return ""
    days = sorted({d for row in series.values() for d in row})
    head = "".join(f'<th scope="col">{esc(d)}</th>' for d in days)
    body = "".join(
        f'<tr><th scope="row">{esc(name)}</th>'
        + "".join(f"<td>{esc(shown(g.metric, row[d]) if d in row else '—')}</td>" for d in days)
        + "</tr>"
        for name, row in sorted(series.items())
    )
    caption = f"{g.id} {g.metric}：按部门"
    table = _scroll(
        caption,
        f'<table class="infostd-table infostd-wide"><caption>{esc(caption)}</caption><thead><tr>'
        f'<th scope="col">部门</th>{head}</tr></thead><tbody>{body}</tbody></table>',
    )
    percent = g.metric in PERCENT_METRICS
    charts = "".join(
        f'<figure class="infostd-figure"><figcaption>{esc(name)}</figcaption>'
        + line_chart(
            f"chart-{g.id.lower()}-dept{n}",
            f"{g.id} {g.metric}（{name}）随时间的变化",
            sorted(row.items()),
            g.target,
            percent,
        )
        + "</figure>"
        for n, (name, row) in enumerate(sorted(series.items()), start=1)
    )
    return f'<div class="infostd-departments" markdown="0">{charts}</div>\n\n{table}'


def _scroll(label: str, table: str) -> str:
    """A table that scrolls sideways on a phone instead of widening the page; focusable so
    keyboard users can scroll it too."""
    return (
        f'<div class="infostd-scroll" role="region" tabindex="0" aria-label="{esc(label)}" markdown="0">'
        f"{table}</div>"
    )


def _pilots(ctx: PortalContext, programme: Programme) -> list[str]:
    pilots = programme.rows("pilot")
    if not pilots:
        return []
    feedback = programme.rows("feedback")
    rows = ""
    for p in pilots:
        raised = [f for f in feedback if f.get("pilot_id") == p["pilot_id"]]
        open_ = sum(1 for f in raised if f.get("status") not in {"已解决", "不予采纳"})
        rows += (
            f'<tr><th scope="row">{esc(p["pilot_id"])}</th>'
            f"<td>{esc(department_label(ctx.catalog, p['department']))}</td>"
            f"<td>{esc(p['standards'])}</td><td>{esc(p['start_date'])} 至 {esc(p['end_date'])}</td>"
            f"<td>{esc(p['status'])}</td><td>{len(raised)}（未关闭 {open_}）</td>"
            f"<td>{esc(p['exit_criteria'])}</td><td>{esc(p.get('result') or '—')}</td></tr>"
        )
    return [
        "## 试点",
        "",
        _scroll(
            "试点",
            '<table class="infostd-table infostd-wide"><caption>试点及其状态</caption><thead><tr>'
            '<th scope="col">编号</th><th scope="col">部门</th><th scope="col">试点标准</th>'
            '<th scope="col">期间</th><th scope="col">状态</th><th scope="col">问题</th>'
            '<th scope="col">退出标准</th><th scope="col">结论</th></tr></thead>'
            f"<tbody>{rows}</tbody></table>",
        ),
        "",
    ]


def _open_problems(ctx: PortalContext, programme: Programme, day: dt.date) -> list[str]:
    from .metrics import closed_on

    still = [f for f in programme.rows("feedback") if not closed_on(f, day)]
    lines = ["## 未关闭的问题", ""]
    if not still:
        return [*lines, "目前没有未关闭的问题。", ""]
    rows = "".join(
        f'<tr><th scope="row">{esc(f["feedback_id"])}</th><td>{esc(f["raised_on"])}</td>'
        f"<td>{esc(department_label(ctx.catalog, f['raised_by']))}</td><td>{esc(f['kind'])}</td>"
        f"<td>{esc(f['standard_id'])}</td><td>{esc(f['problem'])}</td><td>{esc(f['status'])}</td></tr>"
        for f in still
    )
    return [
        *lines,
        _scroll(
            "未关闭的问题",
            '<table class="infostd-table infostd-wide"><caption>未关闭的问题</caption><thead><tr>'
            '<th scope="col">编号</th><th scope="col">提出日期</th><th scope="col">提出部门</th>'
            '<th scope="col">类型</th><th scope="col">涉及标准</th><th scope="col">问题</th>'
            f'<th scope="col">状态</th></tr></thead><tbody>{rows}</tbody></table>',
        ),
        "",
    ]


# ── 常见问题 ─────────────────────────────────────────────────────────────
def faq_page(ctx: PortalContext) -> str:
    programme = programme_of(ctx)
    by_id = {s.id: s for s in ctx.catalog.standards}
    resolved = [f for f in programme.rows("feedback") if f.get("status") == "已解决"]
    lines = [
        "# 常见问题",
        "",
        *example_note(programme),
        "以下内容由试点和推广中登记的问题与反馈中**已解决**的问题自动汇编，按问题类型分组。",
        "",
    ]
    for kind in dict.fromkeys(f["kind"] for f in resolved):
        lines += [f"## {md_text(kind)}类问题", ""]
        for f in (f for f in resolved if f["kind"] == kind):
            standard = by_id.get(f["standard_id"])
            concerned = f["standard_id"]
            if standard is not None:
                href = _relative(FAQ, standard.path.as_posix())
                concerned = f"[{md_text(standard.id + ' ' + standard.title)}]({href})"
            else:
                concerned = md_text(concerned)
            clause = ""
            if f.get("requirement"):
                anchor = f"{REQUIREMENTS_PAGE}#{f['requirement'].lower()}"
                clause = f" · 要求 {md_link(FAQ, anchor, f['requirement'])}"
            lines += [
                f"### {md_text(f['problem'])}",
                "",
                f"**处理结果**：{md_text(f['resolution'])}",
                "",
                f"涉及：{concerned}{clause} · 提出：{md_text(department_label(ctx.catalog, f['raised_by']))} "
                f"{md_text(f['raised_on'])} · 解决：{md_text(f.get('resolved_on') or '')}"
                + (
                    f" · 变更请求 {md_text(f['change_request'])}" if f.get("change_request") else ""
                ),
                "",
            ]
    if not resolved:
        lines += ["暂无已解决的问题。", ""]
    return "\n".join(lines)


def _relative(from_page: str, target: str) -> str:
    import posixpath

    return posixpath.relpath(target, posixpath.dirname(from_page))


# ── 培训 ─────────────────────────────────────────────────────────────────
TRAINING = "培训"
QUIZ = "training/quiz.md"
QUIZ_SCRIPT = "assets/infostd/programme/quiz.js"
_docs: dict[int, tuple[PortalContext, list[Document]]] = {}


def training_documents(ctx: PortalContext) -> list[Document]:
    cached = _docs.get(id(ctx))
    if cached is not None and cached[0] is ctx:
        return cached[1]
    programme = programme_of(ctx) if has_programme(ctx) else None
    standings = standings_of(ctx.catalog, load_config(ctx.root), programme)[2] if programme else []
    docs = documents(ctx.catalog, programme, standings)
    _docs.clear()
    _docs[id(ctx)] = (ctx, docs)
    return docs


def training_pages(ctx: PortalContext) -> list[GeneratedPage]:
    return [
        GeneratedPage(page_path(d), d.title, lambda c, d=d: training_page(c, d), TRAINING)
        for d in training_documents(ctx)
    ]


def training_page(ctx: PortalContext, doc: Document) -> str:
    path = page_path(doc)
    lines = [f"# {md_text(doc.title)}", ""]
    if doc.key == "management":
        programme = programme_of(ctx) if has_programme(ctx) else None
        lines += example_note(programme) if programme else []
    intro = f"适用：{md_text(doc.audience)}。本页由标准库根据现行标准自动生成，标准修订后随之更新。"
    pdf = f"downloads/{pdf_path(doc)}"
    if ctx.downloads is not None and (ctx.downloads / pdf_path(doc)).is_file():
        intro += " " + md_link(path, pdf, "下载打印版（PDF）")
    lines += [intro, "{: .infostd-meta }", ""]
    for part in doc.parts:
        lines += [f"## {md_text(part.title)}", "", _scroll(part.title, part.html), ""]
    return "\n".join(lines)


def quiz_page(ctx: PortalContext) -> str:
    lines = [
        "# 测验",
        "",
        "每个角色 5 道题，题目由要求清单和数据标准自动生成。选好答案后点“交卷”，页面立即判分并给出正确答案；"
        "答案不会发送到任何地方。",
        "",
    ]
    for index, (role, questions) in enumerate(quizzes(ctx.catalog).items(), start=1):
        lines += [
            f"## {md_text(role)}",
            "",
            f'<div markdown="0">{quiz_html(role, questions, f"quiz-{index}")}</div>',
            "",
        ]
    lines += ["<noscript>判分需要启用 JavaScript。</noscript>", ""]
    return "\n".join(lines)


register_page(GeneratedPage(DASHBOARD, "质量看板", dashboard_page, SECTION, has_programme))
register_page(GeneratedPage(FAQ, "常见问题", faq_page, SECTION, has_programme))
register_page(GeneratedPage(QUIZ, "测验", quiz_page, TRAINING))
register_pages(training_pages)
register_static(StaticFile(CSS, ASSETS / "programme.css", link="css"))
register_static(StaticFile(QUIZ_SCRIPT, ASSETS / "quiz.js", link="js"))
