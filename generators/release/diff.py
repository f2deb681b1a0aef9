"""What changed between two catalogs, and the version bump it requires.

The bump follows data compatibility (DESIGN.md "Release"): **major** when data
valid under the old version can be invalid under the new one, **minor** when
old data stays valid but the standard says more, **patch** for prose, titles,
descriptions and examples only. Every change has a *kind*; the kind alone fixes
the bump and the changelog section (``KINDS``), so the rules are one table.

Pure functions over two ``Catalog``s: nothing here reads files or runs git.
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Literal

from ..model import Catalog, Field, Schema, Standard
from ..rules import parse_duration

Bump = Literal["none", "patch", "minor", "major"]
BUMPS: tuple[Bump, ...] = ("none", "patch", "minor", "major")
BUMP_NAMES = {"major": "主版本（不兼容）", "minor": "次版本（兼容）", "patch": "修订", "none": "无"}

# Keep a Changelog sections, in Chinese, in the order they are written.
ADDED, CHANGED, DEPRECATED, REMOVED = "新增", "变更", "弃用", "移除"
SECTIONS = (ADDED, CHANGED, DEPRECATED, REMOVED)


@dataclass(frozen=True)
class KindInfo:
    bump: Bump
    section: str


KINDS: dict[str, KindInfo] = {
    # whole standards and schemas
    "standard-added": KindInfo("minor", ADDED),
    "standard-removed": KindInfo("major", REMOVED),
    "record-added": KindInfo("minor", ADDED),
    "record-removed": KindInfo("major", REMOVED),
    "codelist-added": KindInfo("minor", ADDED),
    "codelist-removed": KindInfo("major", REMOVED),
    "schema-kind-changed": KindInfo("major", CHANGED),
    "status-changed": KindInfo("minor", CHANGED),
    "deprecated": KindInfo("minor", DEPRECATED),
    "undeprecated": KindInfo("minor", CHANGED),
    # fields
    "field-added": KindInfo("minor", ADDED),
    "required-field-added": KindInfo("major", ADDED),
    "field-removed": KindInfo("major", REMOVED),
    "required-added": KindInfo("major", CHANGED),
    "required-removed": KindInfo("minor", CHANGED),
    "type-narrowed": KindInfo("major", CHANGED),
    "type-relaxed": KindInfo("minor", CHANGED),
    "format-narrowed": KindInfo("major", CHANGED),
    "format-relaxed": KindInfo("minor", CHANGED),
    "pattern-tightened": KindInfo("major", CHANGED),
    "pattern-relaxed": KindInfo("minor", CHANGED),
    "length-tightened": KindInfo("major", CHANGED),
    "length-relaxed": KindInfo("minor", CHANGED),
    "range-tightened": KindInfo("major", CHANGED),
    "range-relaxed": KindInfo("minor", CHANGED),
    "enum-narrowed": KindInfo("major", CHANGED),
    "enum-relaxed": KindInfo("minor", CHANGED),
    "codelist-ref-changed": KindInfo("major", CHANGED),
    "codelist-ref-removed": KindInfo("minor", CHANGED),
    "code-rule-changed": KindInfo("major", CHANGED),
    "code-rule-removed": KindInfo("minor", CHANGED),
    "alias-removed": KindInfo("major", CHANGED),
    "alias-added": KindInfo("minor", CHANGED),
    "default-changed": KindInfo("minor", CHANGED),
    "sensitivity-changed": KindInfo("minor", CHANGED),
    "security-level-changed": KindInfo("minor", CHANGED),
    # record-level constraints
    "unique-added": KindInfo("major", CHANGED),
    "unique-removed": KindInfo("minor", CHANGED),
    "foreign-key-added": KindInfo("major", CHANGED),
    "foreign-key-removed": KindInfo("minor", CHANGED),
    "rule-added": KindInfo("major", ADDED),
    "rule-removed": KindInfo("minor", REMOVED),
    "rule-tightened": KindInfo("major", CHANGED),
    "rule-relaxed": KindInfo("minor", CHANGED),
    "lifecycle-changed": KindInfo("minor", CHANGED),
    # code lists
    "code-added": KindInfo("minor", ADDED),
    "code-removed": KindInfo("major", REMOVED),
    "code-title-changed": KindInfo("minor", CHANGED),
    "code-parent-changed": KindInfo("minor", CHANGED),
    # words only
    "title-changed": KindInfo("patch", CHANGED),
    "description-changed": KindInfo("patch", CHANGED),
    "examples-changed": KindInfo("patch", CHANGED),
    "prose-changed": KindInfo("patch", CHANGED),
    "metadata-changed": KindInfo("patch", CHANGED),
    "order-changed": KindInfo("patch", CHANGED),
}


@dataclass(frozen=True)
class Change:
    standard: str  # standard id
    schema: str | None  # schema key
    field: str | None  # field key (records) — codes are named in the message
    kind: str
    message: str

    @property
    def bump(self) -> Bump:
        return KINDS[self.kind].bump

    @property
    def section(self) -> str:
        return KINDS[self.kind].section

    def as_json(self) -> dict[str, Any]:
        return {
            "standard": self.standard,
            "schema": self.schema,
            "field": self.field,
            "kind": self.kind,
            "bump": self.bump,
            "message": self.message,
        }


def required_bump(changes: list[Change]) -> Bump:
    """The highest bump among the changes; ``none`` when nothing changed."""
    return max((c.bump for c in changes), key=BUMPS.index, default="none")


def at_least(bump: Bump, level: Bump) -> bool:
    return BUMPS.index(bump) >= BUMPS.index(level)


def diff_catalogs(old: Catalog, new: Catalog) -> list[Change]:
    """Every change from ``old`` to ``new``: standards first, then their schemas."""
    changes: list[Change] = []
    old_standards = {s.id: s for s in old.standards}
    new_ids = {s.id for s in new.standards}
    for standard in new.standards:
        before = old_standards.get(standard.id)
        if before is None:
            changes.append(
                Change(standard.id, None, None, "standard-added", f"新增标准 {_std(standard)}")
            )
        else:
            changes += _standard_changes(before, standard)
    for standard in old.standards:
        if standard.id not in new_ids:
            message = f"撤销标准 {_std(standard)}"
            changes.append(Change(standard.id, None, None, "standard-removed", message))
    for key, schema in new.schemas.items():
        before = old.schemas.get(key)
        if before is None:
            kind = "record-added" if schema.kind == "record" else "codelist-added"
            noun = "记录" if schema.kind == "record" else "代码表"
            changes.append(_on(schema, None, kind, f"新增{noun} {_sch(schema)}"))
        else:
            changes += _schema_changes(before, schema, new)
    for key, schema in old.schemas.items():
        if key not in new.schemas:
            kind = "record-removed" if schema.kind == "record" else "codelist-removed"
            noun = "记录" if schema.kind == "record" else "代码表"
            changes.append(_on(schema, None, kind, f"删除{noun} {_sch(schema)}"))
    # Most severe first; within a level by standard id (IMS-CL-004 before IMS-CL-007), and
    # within a standard in schema order (the sort is stable).
    return sorted(changes, key=lambda c: (-BUMPS.index(c.bump), c.standard))


# ── naming ──────────────────────────────────────────────────────────────────
def _std(s: Standard) -> str:
    return f"{s.id}《{s.title}》"


def _sch(s: Schema) -> str:
    return f"{s.key}（{s.title}）"


def _fld(schema: Schema, f: Field) -> str:
    return f"{schema.key}.{f.key}（{f.title}）"


def _show(value: Any) -> str:
    if value is None:
        return "无"
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def _on(schema: Schema, f: Field | None, kind: str, message: str) -> Change:
    return Change(schema.standard_id, schema.key, f.key if f else None, kind, message)


# ── standards ───────────────────────────────────────────────────────────────
def _standard_changes(old: Standard, new: Standard) -> list[Change]:
    out: list[Change] = []

    def add(kind: str, message: str) -> None:
        out.append(Change(new.id, None, None, kind, message))

    name = _std(new)
    if old.title != new.title:
        add("title-changed", f"标准 {new.id} 标题：{old.title} → {new.title}")
    if old.status != new.status:
        if new.status == "deprecated":
            add("deprecated", f"标准 {name} 已弃用")
        elif old.status == "deprecated":
            add("undeprecated", f"标准 {name} 取消弃用，状态 {new.status}")
        else:
            add("status-changed", f"标准 {name} 状态：{old.status} → {new.status}")
    for label, before, after in (
        ("分类", old.category, new.category),
        ("归口部门", old.owner, new.owner),
        ("评审部门", old.reviewers, new.reviewers),
        ("类型", old.kind, new.kind),
        ("文件", old.path.as_posix(), new.path.as_posix()),
    ):
        if before != after:
            add("metadata-changed", f"标准 {name} {label}：{_show(before)} → {_show(after)}")
    if old.prose != new.prose:
        added, removed = _line_counts(old.prose, new.prose)
        add("prose-changed", f"标准 {name} 正文修改（+{added}/−{removed} 行）")
    return out


def _line_counts(old: str, new: str) -> tuple[int, int]:
    added = removed = 0
    for line in difflib.ndiff(old.splitlines(), new.splitlines()):
        added += line.startswith("+ ")
        removed += line.startswith("- ")
    return added, removed


# ── schemas ─────────────────────────────────────────────────────────────────
def _schema_changes(old: Schema, new: Schema, catalog: Catalog) -> list[Change]:
    out: list[Change] = []
    name = _sch(new)
    if old.kind != new.kind:
        return [_on(new, None, "schema-kind-changed", f"{name} 由{old.kind}改为{new.kind}")]
    if old.standard_id != new.standard_id:
        out.append(
            _on(
                new,
                None,
                "metadata-changed",
                f"{name} 移到标准 {new.standard_id}（原 {old.standard_id}）",
            )
        )
    out += _words(new, None, name, old.raw, new.raw)
    out += _deprecation(new, None, name, old.raw, new.raw)
    if new.kind == "codelist":
        out += _codelist_changes(old, new, catalog)
        return out
    if old.security_level != new.security_level:
        out.append(
            _on(new, None, "security-level-changed",
                f"{name} 密级：{_show(old.security_level)} → {_show(new.security_level)}")
        )  # fmt: skip
    if old.lifecycle != new.lifecycle:
        stages = sorted(
            k for k in set(old.lifecycle) | set(new.lifecycle)
            if old.lifecycle.get(k) != new.lifecycle.get(k)
        )  # fmt: skip
        out.append(
            _on(new, None, "lifecycle-changed", f"{name} 生命周期要求修改：{'、'.join(stages)}")
        )
    out += _field_set_changes(old, new)
    out += _unique_changes(old, new)
    out += _foreign_key_changes(old, new)
    out += _rule_changes(old, new)
    return out


def _words(
    schema: Schema, f: Field | None, name: str, old: dict[str, Any], new: dict[str, Any]
) -> list[Change]:
    """Title, description, examples, comments: prose, a patch."""
    out = []
    if old.get("title") != new.get("title"):
        message = f"{name} 名称：{_show(old.get('title'))} → {_show(new.get('title'))}"
        out.append(_on(schema, f, "title-changed", message))
    if old.get("description") != new.get("description") or old.get("$comment") != new.get(
        "$comment"
    ):
        out.append(_on(schema, f, "description-changed", f"{name} 说明修改"))
    if old.get("examples") != new.get("examples"):
        out.append(_on(schema, f, "examples-changed", f"{name} 示例修改"))
    return out


def _deprecation(
    schema: Schema, f: Field | None, name: str, old: dict[str, Any], new: dict[str, Any]
) -> list[Change]:
    was, now = bool(old.get("deprecated")), bool(new.get("deprecated"))
    since = new.get("x-deprecated-in")
    if now and not was:
        return [
            _on(schema, f, "deprecated", f"{name} 已弃用" + (f"（自 {since}）" if since else ""))
        ]
    if was and not now:
        return [_on(schema, f, "undeprecated", f"{name} 取消弃用")]
    if old.get("x-deprecated-in") != since:
        return [
            _on(schema, f, "metadata-changed",
                f"{name} 弃用版本：{_show(old.get('x-deprecated-in'))} → {_show(since)}")
        ]  # fmt: skip
    return []


# ── fields ──────────────────────────────────────────────────────────────────
def _field_set_changes(old: Schema, new: Schema) -> list[Change]:
    out: list[Change] = []
    for f in new.fields:
        before = old.field_by_key.get(f.key)
        if before is None:
            if f.required:
                out.append(_on(new, f, "required-field-added", f"新增必填字段 {_fld(new, f)}"))
            else:
                out.append(_on(new, f, "field-added", f"新增可选字段 {_fld(new, f)}"))
        else:
            out += field_changes(new, before, f)
    for f in old.fields:
        if f.key not in new.field_by_key:
            note = f"（已于 {f.deprecated_in} 弃用）" if f.deprecated_in else ""
            out.append(_on(new, f, "field-removed", f"删除字段 {_fld(old, f)}{note}"))
    common_old = [f.key for f in old.fields if f.key in new.field_by_key]
    common_new = [f.key for f in new.fields if f.key in old.field_by_key]
    if common_old != common_new:
        out.append(_on(new, None, "order-changed", f"{_sch(new)} 字段顺序调整"))
    return out


FieldCheck = Callable[[Field, Field], Iterator[tuple[str, str]]]


def field_changes(schema: Schema, old: Field, new: Field) -> list[Change]:
    """Changes of one field present in both versions, keyword by keyword."""
    name = _fld(schema, new)
    out = [
        _on(schema, new, kind, f"字段 {name} {detail}")
        for check in FIELD_CHECKS
        for kind, detail in check(old, new)
    ]
    out += _words(schema, new, f"字段 {name}", old.raw, new.raw)
    out += _deprecation(schema, new, f"字段 {name}", old.raw, new.raw)
    return out


def _required(old: Field, new: Field) -> Iterator[tuple[str, str]]:
    if new.required and not old.required:
        yield "required-added", "改为必填"
    elif old.required and not new.required:
        yield "required-removed", "改为可选"


def _base_type(f: Field) -> str | None:
    return f.raw.get("type") or ("string" if f.codelist else None)


def _type(old: Field, new: Field) -> Iterator[tuple[str, str]]:
    before, after = _base_type(old), _base_type(new)
    if before == after:
        return
    detail = f"类型：{_show(before)} → {_show(after)}"
    relaxed = after is None or (before, after) == ("integer", "number")
    yield ("type-relaxed" if relaxed else "type-narrowed"), detail


def _format(old: Field, new: Field) -> Iterator[tuple[str, str]]:
    if old.format != new.format:
        kind = "format-relaxed" if new.format is None else "format-narrowed"
        yield kind, f"格式：{_show(old.format)} → {_show(new.format)}"


def _pattern(old: Field, new: Field) -> Iterator[tuple[str, str]]:
    if old.pattern != new.pattern:
        # Two regexes cannot be compared for inclusion in general: any new or changed
        # pattern may reject old values, so only a removed pattern counts as relaxed.
        kind = "pattern-relaxed" if new.pattern is None else "pattern-tightened"
        yield kind, f"正则：{_show(old.pattern)} → {_show(new.pattern)}"


# keyword, Chinese name, lower bound?, kind family
BOUNDS = (
    ("minLength", "最小长度", True, "length"),
    ("maxLength", "最大长度", False, "length"),
    ("minimum", "最小值", True, "range"),
    ("maximum", "最大值", False, "range"),
    ("exclusiveMinimum", "下限（不含）", True, "range"),
    ("exclusiveMaximum", "上限（不含）", False, "range"),
)


def _bounds(old: Field, new: Field) -> Iterator[tuple[str, str]]:
    for keyword, label, lower, family in BOUNDS:
        before, after = old.raw.get(keyword), new.raw.get(keyword)
        if before == after:
            continue
        if after is None:
            tightened = False
        elif before is None:
            tightened = True
        else:
            tightened = after > before if lower else after < before
        kind = f"{family}-{'tightened' if tightened else 'relaxed'}"
        yield kind, f"{label}：{_show(before)} → {_show(after)}"
    before, after = old.multiple_of, new.multiple_of
    if before != after:
        # Still relaxed when every old multiple is a new one (0.01 → 0.001).
        relaxed = after is None or (before is not None and _divides(after, before))
        yield (
            ("range-relaxed" if relaxed else "range-tightened"),
            (f"倍数：{_show(before)} → {_show(after)}"),
        )


def _divides(small: float, big: float) -> bool:
    """In decimal arithmetic, as the validators check ``multipleOf`` (0.01 divides 0.1)."""
    return Decimal(str(big)) % Decimal(str(small)) == 0


def _enum(old: Field, new: Field) -> Iterator[tuple[str, str]]:
    before, after = old.enum, new.enum
    if before != after:
        if after is None:
            yield "enum-relaxed", "取消可选值限制"
        elif before is None:
            yield "enum-narrowed", f"限定可选值：{_show(after)}"
        else:
            removed = [v for v in before if v not in after]
            added = [v for v in after if v not in before]
            if removed:
                yield "enum-narrowed", f"删除可选值 {_show(removed)}"
            if added:
                yield "enum-relaxed", f"新增可选值 {_show(added)}"
    if "const" in old.raw or "const" in new.raw:
        b, a = old.raw.get("const"), new.raw.get("const")
        if "const" not in new.raw:
            yield "enum-relaxed", f"取消固定值 {_show(b)}"
        elif "const" not in old.raw or a != b:
            yield "enum-narrowed", f"固定值：{_show(b)} → {_show(a)}"


def _codelist_ref(old: Field, new: Field) -> Iterator[tuple[str, str]]:
    if old.codelist != new.codelist:
        kind = "codelist-ref-removed" if new.codelist is None else "codelist-ref-changed"
        yield kind, f"代码表：{_show(old.codelist)} → {_show(new.codelist)}"


def _segments(f: Field) -> list[tuple[str, Any]] | None:
    return [(s.kind, s.value, s.level) for s in f.code_rule.segments] if f.code_rule else None


def _code_rule(old: Field, new: Field) -> Iterator[tuple[str, str]]:
    before, after = _segments(old), _segments(new)
    if before != after:
        if after is None:
            yield "code-rule-removed", "取消编码规则"
        else:
            was = old.code_rule.describe() if old.code_rule else "无"
            yield "code-rule-changed", f"编码规则：{was} → {new.code_rule.describe()}"
    elif old.raw.get("x-code-rule") != new.raw.get("x-code-rule"):
        yield "description-changed", "编码规则说明修改"


def _aliases(old: Field, new: Field) -> Iterator[tuple[str, str]]:
    removed = [a for a in old.aliases if a not in new.aliases]
    added = [a for a in new.aliases if a not in old.aliases]
    if removed:
        yield "alias-removed", f"不再接受旧列名 {'、'.join(removed)}"
    if added:
        yield "alias-added", f"新增可识别的旧列名 {'、'.join(added)}"


def _annotations(old: Field, new: Field) -> Iterator[tuple[str, str]]:
    if old.raw.get("default") != new.raw.get("default"):
        yield "default-changed", f"默认值：{_show(old.default)} → {_show(new.default)}"
    if (old.sensitive, old.mask) != (new.sensitive, new.mask):
        yield (
            "sensitivity-changed",
            f"个人信息标记：{_show(old.sensitive)}（{_show(old.mask)}）"
            f" → {_show(new.sensitive)}（{_show(new.mask)}）",
        )
    if old.security_level != new.security_level:
        yield (
            "security-level-changed",
            f"密级：{_show(old.security_level)} → {_show(new.security_level)}",
        )


FIELD_CHECKS: tuple[FieldCheck, ...] = (
    _required,
    _type,
    _format,
    _pattern,
    _bounds,
    _enum,
    _codelist_ref,
    _code_rule,
    _aliases,
    _annotations,
)

# Every keyword a field may use (vocabulary.FIELD) is compared by one of the checks
# above or by _words/_deprecation; a test keeps this list complete.
FIELD_KEYWORDS_COMPARED = frozenset(
    {"type", "format", "pattern", "multipleOf", "enum", "const", "$ref", "x-code-rule"}
    | {b[0] for b in BOUNDS}
    | {"x-aliases", "default", "x-sensitive", "x-security-level"}
    | {"title", "description", "$comment", "examples", "deprecated", "x-deprecated-in"}
)


# ── record-level constraints ───────────────────────────────────────────────
def _unique_changes(old: Schema, new: Schema) -> list[Change]:
    before = [frozenset(g) for g in old.unique]
    after = [frozenset(g) for g in new.unique]
    out = []
    for group, raw in zip(after, new.unique, strict=True):
        if group not in before:
            out.append(
                _on(new, None, "unique-added", f"{_sch(new)} 新增唯一性约束：{'+'.join(raw)}")
            )
    for group, raw in zip(before, old.unique, strict=True):
        if group not in after:
            out.append(
                _on(new, None, "unique-removed", f"{_sch(new)} 取消唯一性约束：{'+'.join(raw)}")
            )
    return out


def _foreign_key_changes(old: Schema, new: Schema) -> list[Change]:
    out = []
    for fk in new.foreign_keys:
        if fk not in old.foreign_keys:
            message = f"{_sch(new)} 新增外键：{fk.field} → {fk.record}.{fk.ref}"
            out.append(Change(new.standard_id, new.key, fk.field, "foreign-key-added", message))
    for fk in old.foreign_keys:
        if fk not in new.foreign_keys:
            message = f"{_sch(new)} 取消外键：{fk.field} → {fk.record}.{fk.ref}"
            out.append(Change(new.standard_id, new.key, fk.field, "foreign-key-removed", message))
    return out


def _rule_changes(old: Schema, new: Schema) -> list[Change]:
    out = []
    before = {r.id: r for r in old.rules}
    after = {r.id: r for r in new.rules}
    for rule in new.rules:
        was = before.get(rule.id)
        label = f"{_sch(new)} 规则 {rule.id}"
        if was is None:
            out.append(_on(new, None, "rule-added", f"{label}（{rule.type}）新增：{rule.message}"))
            continue
        if (was.type, was.params) != (rule.type, rule.params):
            relaxed = _rule_relaxed(was.type, was.params, rule.type, rule.params)
            kind = "rule-relaxed" if relaxed else "rule-tightened"
            detail = f"{_show(was.params)} → {_show(rule.params)}"
            out.append(_on(new, None, kind, f"{label} 参数修改：{detail}"))
        if was.message != rule.message:
            out.append(_on(new, None, "description-changed", f"{label} 提示语修改"))
    for rule in old.rules:
        if rule.id not in after:
            out.append(
                _on(new, None, "rule-removed", f"{_sch(new)} 取消规则 {rule.id}：{rule.message}")
            )
    return out


def _rule_relaxed(old_type: str, old: dict, new_type: str, new: dict) -> bool:
    """Only a longer ``max`` of the same max-interval rule is provably looser."""
    if old_type != new_type or old_type != "max-interval":
        return False
    same_fields = {k: v for k, v in old.items() if k != "max"} == {
        k: v for k, v in new.items() if k != "max"
    }
    before, after = parse_duration(old.get("max", "")), parse_duration(new.get("max", ""))
    return same_fields and before is not None and after is not None and after >= before


# ── code lists ──────────────────────────────────────────────────────────────
def _codelist_changes(old: Schema, new: Schema, catalog: Catalog) -> list[Change]:
    before = {e["const"]: e for e in old.raw["oneOf"]}
    after = {e["const"]: e for e in new.raw["oneOf"]}
    name = _sch(new)
    users = _users_of(catalog, new.key)
    impact = f"（影响 {'、'.join(users)}）" if users else ""
    out = []

    def add(kind: str, message: str) -> None:
        out.append(_on(new, None, kind, message))

    for code, entry in after.items():
        was = before.get(code)
        label = f"{name} 代码 {code} {entry['title']}"
        if was is None:
            add("code-added", f"{name} 新增代码 {code} {entry['title']}")
            continue
        if was["title"] != entry["title"]:
            add("code-title-changed", f"{name} 代码 {code} 名称：{was['title']} → {entry['title']}")
        if was.get("x-parent") != entry.get("x-parent"):
            add(
                "code-parent-changed",
                f"{label} 上级代码：{_show(was.get('x-parent'))} → {_show(entry.get('x-parent'))}",
            )
        if (was.get("description"), was.get("$comment")) != (
            entry.get("description"),
            entry.get("$comment"),
        ):
            add("description-changed", f"{label} 说明修改")
        if was.get("x-aliases", []) != entry.get("x-aliases", []):
            # legacy names only feed the audit's value-mapping proposals: data stays valid
            add("description-changed", f"{label} 旧称（x-aliases）修改")
        for change in _deprecation(new, None, label, was, entry):
            out.append(change)
    for code, entry in before.items():
        if code not in after:
            add("code-removed", f"{name} 删除代码 {code} {entry['title']}{impact}")
    if [c for c in before if c in after] != [c for c in after if c in before]:
        add("order-changed", f"{name} 代码顺序调整")
    return out


def _users_of(catalog: Catalog, codelist: str) -> list[str]:
    """Fields whose values come from ``codelist`` (by ``$ref`` or a code-rule segment)."""
    users = []
    for record in catalog.records.values():
        for f in record.fields:
            segments = f.code_rule.segments if f.code_rule else []
            if f.codelist == codelist or any(
                s.kind == "codelist" and s.value == codelist for s in segments
            ):
                users.append(f"{record.key}.{f.key}")
    return users


CODE_ENTRY_KEYWORDS_COMPARED = frozenset(
    {"const", "title", "description", "$comment", "deprecated", "x-deprecated-in", "x-parent"}
    | {"x-aliases"}
)

RECORD_KEYWORDS_COMPARED = frozenset(
    {"title", "description", "$comment", "examples", "deprecated", "x-deprecated-in"}
    | {"properties", "required", "x-unique", "x-foreign-keys", "x-rules"}
    | {"x-security-level", "x-lifecycle"}
    # fixed by the meta-schema or naming the schema itself: nothing to compare
    | {"$id", "$schema", "type", "additionalProperties"}
)
