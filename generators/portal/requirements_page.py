"""要求清单: every standard's requirement register, one stable anchor per requirement
(``#ct-01``), and a catalog-wide count of how requirements are enforced (tools vs people).
Registered in the portal registry at import. Each standard's own page (and its PDF edition)
ends with the same table for that standard (``standard_requirements``)."""

from __future__ import annotations

from ..model import Catalog, Requirement, Standard
from ..requirements import BY, BY_LABELS, CHECKS, counts
from .pages import GeneratedPage, PortalContext, by_id, md_link, register_page
from .render import md_text, rule_sentence

REQUIREMENTS_PAGE = "catalog/requirements.md"


def anchor(rid: str) -> str:
    """The stable anchor of a requirement: its id in lower case (CT-01 → ct-01)."""
    return rid.lower()


TARGET_KINDS = {
    "unique": "不得重复",
    "foreign-key": "须在被引用的记录中存在",
    "foreign-key-where": "所引用的记录须满足外键条件",
}


def _rule_words(catalog: Catalog, rule_id: str) -> str:
    """A rule id with what the rule says (「规则 CT-01：录入时间 不得早于 签订时间，…」)."""
    for schema in catalog.records.values():
        for rule in schema.rules:
            if rule.id == rule_id:
                return f"规则 {rule_id}：{rule_sentence(schema, rule.type, rule.params, catalog)}"
    return f"规则 {rule_id}"


def validator_target(catalog: Catalog, target: str, default: str = "的字段规则") -> str:
    """``record.field[:kind]`` or a rule id, said with the record's and field's Chinese names
    (readers never see schema keys)."""
    path, _, kind = target.partition(":")
    record_key, _, field_key = path.partition(".")
    schema = catalog.records.get(record_key)
    if schema is None or not field_key:
        return _rule_words(catalog, target)
    field = next((f for f in schema.fields if f.key == field_key), None)
    name = f"{schema.title}·{field.title if field else field_key}"
    return f"{name}{TARGET_KINDS.get(kind, kind or default)}"


def how(req: Requirement, catalog: Catalog) -> str:
    """How a requirement is enforced, in words (Markdown-safe)."""
    if req.by == "people":
        return md_text(f"人工：{req.who}；{req.when}；证据：{req.evidence}")
    if req.by == "check":
        return md_text(f"标准库检查（infostd check）：{CHECKS.get(str(req.target), req.target)}")
    if req.by == "template":
        return md_text(f"Excel 模板：{validator_target(catalog, str(req.target), '')}")
    return md_text(f"校验工具：{validator_target(catalog, str(req.target))}")


SECTION_ANCHOR = "requirements"  # the 要求清单 section of a standard's page


def _table(standard: Standard, catalog: Catalog) -> list[str]:
    lines = ["| 编号 | 要求 | 执行方式 | 执行依据 |", "| --- | --- | --- | --- |"]
    for req in standard.requirements:
        cell = f'<span id="{anchor(req.id)}"></span>`{req.id}`'
        lines.append(
            f"| {cell} | {md_text(req.text)} | {BY_LABELS[req.by]} | {how(req, catalog)} |"
        )
    return lines


def enforcement_summary(standard: Standard) -> str:
    """「共 5 项要求：校验工具 3 项，人工 2 项」 in the register's order of kinds."""
    n = {b: sum(1 for r in standard.requirements if r.by == b) for b in BY}
    parts = "，".join(f"{BY_LABELS[b]} {n[b]} 项" for b in BY if n[b])
    return f"共 {len(standard.requirements)} 项要求：{parts}"


def standard_requirements(standard: Standard, catalog: Catalog, links: bool = True) -> str:
    """The 要求清单 section closing a standard's page: its register, how each requirement is
    enforced, and (on the portal) a link to the catalog-wide list. Empty without a register."""
    if not standard.requirements:
        return ""
    page = standard.path.as_posix()
    see = "全库的要求见" + md_link(page, REQUIREMENTS_PAGE, "要求清单") + "。" if links else ""
    lines = [
        f"## 要求清单 {{#{SECTION_ANCHOR}}}",
        "",
        f"本标准的规范性要求在正文中以编号引用。{enforcement_summary(standard)}。{see}",
        "",
        *_table(standard, catalog),
    ]
    return "\n" + "\n".join(lines) + "\n"


def requirements_page(ctx: PortalContext) -> str:
    standards = [s for s in by_id(ctx.catalog.standards) if s.requirements]
    total = counts(ctx.catalog)
    tools = total["validator"] + total["template"] + total["check"]
    lines = [
        "# 要求清单",
        "",
        "每项规范性要求都有编号，在标准正文中以编号引用，并写明由谁、如何执行。"
        f"全库共 {sum(total.values())} 项要求：由工具执行 {tools} 项，由人工执行 "
        f"{total['people']} 项。",
        "",
        "| 标准 | 编号 | 要求数 | " + " | ".join(BY_LABELS[b] for b in BY) + " |",
        "| --- | --- | --- | " + " | ".join("---" for _ in BY) + " |",
    ]
    for s in standards:
        n = {b: sum(1 for r in s.requirements if r.by == b) for b in BY}
        link = md_link(REQUIREMENTS_PAGE, s.path.as_posix(), s.title)
        lines.append(
            f"| {link} | `{s.id}` | {len(s.requirements)} | "
            + " | ".join(str(n[b]) for b in BY)
            + " |"
        )
    lines.append(
        f"| 合计 | | {sum(total.values())} | " + " | ".join(str(total[b]) for b in BY) + " |"
    )
    for s in standards:
        lines += ["", f"## {md_text(s.title)} {{#{s.id.lower()}}}", ""]
        here = md_link(REQUIREMENTS_PAGE, s.path.as_posix(), "正文")
        section = md_link(
            REQUIREMENTS_PAGE, f"{s.path.as_posix()}#{SECTION_ANCHOR}", "该标准的要求清单"
        )
        lines += [f"{s.id}，见{here}及{section}。", ""]
        lines += _table(s, ctx.catalog)
    return "\n".join(lines) + "\n"


register_page(GeneratedPage(REQUIREMENTS_PAGE, "要求清单", requirements_page))
