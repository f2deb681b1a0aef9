"""The requirement register: every normative requirement has an id, declared once in
its standard's front matter with how it is enforced, and cited in the prose.

    requirements:
      - {id: CT-01, text: 合同签订后 24 小时内录入, by: validator, rule: CT-01}
      - {id: CT-05, text: 合同变更后 2 个工作日内更新状态, by: people, who: 信息专员,
         when: 每月质量检查, evidence: 合同状态变更记录}

``by``: ``validator`` (``rule``: an ``x-rules`` id, ``record.field`` — the field's own
checks —, ``record.field:unique``, ``record.field:foreign-key`` or
``record.field:foreign-key-where``: its condition on the target), ``template``
(``field``: ``record.field``, what the Excel template does for it), ``check``
(``check``: one of :data:`CHECKS`, done by ``infostd check``) or ``people`` (``who``,
``when``, ``evidence``). ``check_register`` returns every broken promise, located.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from .model import Catalog, Location, Requirement, Standard, StandardError

BY = ["validator", "template", "check", "people"]
BY_LABELS = {
    "validator": "校验工具",
    "template": "Excel 模板",
    "check": "标准库检查",
    "people": "人工",
}
# What ``infostd check`` itself enforces, by name.
CHECKS = {
    "glossary": "术语表：正文不得使用已废止的同义词",
    "requirements": "要求登记：每项要求有编号、被引用、有执行方式",
    "vocabulary": "数据结构只使用约定的关键字",
    "references": "引用的代码表、记录和链接必须存在",
    "owners": "每份标准的负责部门、评审部门必须是登记的部门",
    "category": "每份标准的所属类目必须在信息分类代码表中",
    "programme": "实施记录：programme/ 中的数据逐行校验并交叉检查（引用的标准和记录存在、数量一致）",
}
ID_PATTERN = r"^[A-Z]{2,4}-[0-9]{2}$"
# An id cited in prose: not part of a longer token (IMS-DS-002, 2019-01, KF01-x).
CITATION = re.compile(r"(?<![A-Za-z0-9-])([A-Z]{2,4}-[0-9]{2})(?![0-9A-Za-z-])")

REQUIREMENT_SCHEMA = {
    "type": "object",
    "required": ["id", "text", "by"],
    "additionalProperties": False,
    "properties": {
        "id": {"type": "string", "pattern": ID_PATTERN},
        "text": {"type": "string", "minLength": 2},
        "by": {"enum": BY},
        "rule": {"type": "string", "minLength": 1},
        "field": {"type": "string", "pattern": r"^[a-z][a-z0-9-]*\.[a-z][a-z0-9_]*$"},
        "check": {"enum": sorted(CHECKS)},
        "who": {"type": "string", "minLength": 1},
        "when": {"type": "string", "minLength": 1},
        "evidence": {"type": "string", "minLength": 1},
    },
    "allOf": [
        {"if": {"properties": {"by": {"const": b}}}, "then": {"required": need}}
        for b, need in (
            ("validator", ["rule"]),
            ("template", ["field"]),
            ("check", ["check"]),
            ("people", ["who", "when", "evidence"]),
        )
    ],
}


def read_requirements(front: dict, source: str, path) -> list[Requirement]:
    """The register of one standard (already checked against REQUIREMENT_SCHEMA)."""
    out = []
    for index, raw in enumerate(front.get("requirements", [])):
        out.append(
            Requirement(
                id=raw["id"],
                text=raw["text"],
                by=raw["by"],
                target=raw.get("rule") or raw.get("field") or raw.get("check"),
                who=raw.get("who"),
                when=raw.get("when"),
                evidence=raw.get("evidence"),
                location=Location(path, item_line(source, "requirements", index)),
            )
        )
    return out


def item_line(source: str, key: str, index: int) -> int:
    """The line where item ``index`` of the front-matter list ``key`` begins (1 if unknown)."""
    lines = source.splitlines()
    start = next((n for n, line in enumerate(lines) if line.startswith(f"{key}:")), None)
    if start is None:
        return 1
    seen = -1
    for number, line in enumerate(lines[start + 1 :], start=start + 2):
        if line.strip() == "---":
            break
        if line.lstrip().startswith("- "):
            seen += 1
            if seen == index:
                return number
    return start + 1


def citations(standard: Standard) -> Iterator[tuple[str, int]]:
    """(id, line) for every id cited in the prose (front matter and schema blocks excluded)."""
    blocks = {n for s in standard.schemas for n in range(s.location.line, s.end_line + 1)}
    for number, line in enumerate(standard.source.splitlines(), start=1):
        if number >= standard.body_line and number not in blocks:
            for match in CITATION.finditer(line):
                yield match.group(1), number


def enforcing_rule(catalog: Catalog, target: str) -> str | None:
    """Why ``target`` (a validator ``rule`` value) enforces nothing, or None when it does."""
    rule_ids = {r.id for s in catalog.records.values() for r in s.rules}
    if target in rule_ids:
        return None
    path, _, aspect = target.partition(":")
    record, _, key = path.partition(".")
    schema = catalog.records.get(record)
    if not key:
        return f"没有编号为 {target} 的校验规则（x-rules）"
    if schema is None:
        return f"记录 {record} 不存在"
    f = schema.field_by_key.get(key)
    if f is None:
        return f"记录 {record} 没有字段 {key}"
    if aspect == "unique":
        return None if any(key in g for g in schema.unique) else f"字段 {target} 没有唯一性约束"
    if aspect == "foreign-key":
        fks = [fk for fk in schema.foreign_keys if fk.field == key]
        return None if fks else f"字段 {path} 没有外键"
    if aspect == "foreign-key-where":
        fks = [fk for fk in schema.foreign_keys if fk.field == key and fk.where_field]
        return None if fks else f"字段 {path} 没有带条件（where）的外键"
    if aspect:
        return f"未知的检查“{aspect}”（可用 unique、foreign-key、foreign-key-where）"
    checks = [
        f.required,
        f.format,
        f.pattern,
        f.codelist,
        f.code_rule,
        f.enum,
        f.const is not None,
        f.min_length is not None,
        f.max_length is not None,
        f.minimum is not None,
        f.maximum is not None,
        f.exclusive_minimum is not None,
        f.exclusive_maximum is not None,
        f.multiple_of is not None,
        f.type in ("integer", "number", "boolean", "date", "date-time"),
    ]
    return None if any(checks) else f"字段 {path} 没有任何校验"


def check_register(catalog: Catalog) -> list[StandardError]:
    problems: list[StandardError] = []
    declared: dict[str, Requirement] = {}
    for standard in catalog.standards:
        for req in standard.requirements:
            if req.id in declared:
                first = declared[req.id].location
                problems.append(
                    StandardError(req.location, f"要求编号 {req.id} 重复（已在 {first} 登记）")
                )
                continue
            declared[req.id] = req
            problems += _enforcement(catalog, req)
    for standard in catalog.standards:
        cited = {rid for rid, _ in citations(standard)}
        for rid, line in citations(standard):
            if rid not in declared:
                where = Location(catalog.root / standard.path, line)
                problems.append(
                    StandardError(where, f"正文引用的要求 {rid} 没有登记（前置信息 requirements）")
                )
        for req in standard.requirements:
            if req.id not in cited:
                problems.append(
                    StandardError(req.location, f"要求 {req.id} 已登记，但正文中没有引用")
                )
        if standard.requirements:
            mine = {r.id for r in standard.requirements}
            for schema in standard.schemas:
                for rule in schema.rules:
                    if rule.id not in mine:
                        where = Location(catalog.root / standard.path, schema.location.line)
                        problems.append(
                            StandardError(where, f"规则 {rule.id} 没有登记为本标准的要求")
                        )
    return problems


def _enforcement(catalog: Catalog, req: Requirement) -> list[StandardError]:
    why = None
    if req.by == "validator":
        why = enforcing_rule(catalog, str(req.target))
    elif req.by == "template":
        record, _, key = str(req.target).partition(".")
        schema = catalog.records.get(record)
        if schema is None or key not in schema.field_by_key:
            why = f"模板中没有字段 {req.target}"
    if why is None:
        return []
    return [StandardError(req.location, f"要求 {req.id} 标为由{BY_LABELS[req.by]}执行，但{why}")]


def counts(catalog: Catalog) -> dict[str, int]:
    """How many requirements each way of enforcing carries, catalog-wide."""
    out = dict.fromkeys(BY, 0)
    for standard in catalog.standards:
        for req in standard.requirements:
            out[req.by] += 1
    return out
