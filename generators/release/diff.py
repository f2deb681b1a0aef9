"""What changed between two catalogs, and the version bump it requires.

The bump follows data compatibility (DESIGN.md "Release"): **major** when data
valid under the old version can be invalid under the new one, **minor** when
old data stays valid but the standard says more, **patch** for prose, titles,
descriptions and examples only. "Data" means values *and files*: ledgers are
read by column header (title, aliases, key), so a lost header breaks files.
Every change has a *kind*; the kind alone fixes the bump and the changelog
section (``KINDS``), so the rules are one table. The reasoning about accepted
values lives in ``compat.py``; each message says why. Where compatibility
cannot be shown the kind is major and the message starts 「无法证明兼容」.

Pure functions over two ``Catalog``s: nothing here reads files or runs git.
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Literal

from ..labels import rule_type_name
from ..model import (
    Alternative,
    Catalog,
    CodeList,
    Field,
    ForeignKey,
    Schema,
    Standard,
    field_codelist,
)
from ..patterns import alternatives_words
from ..rules import work_calendar
from .compat import (
    accepted_inputs,
    bound,
    bound_loosened,
    headers,
    rule_implied,
    rule_witness,
    show_bound,
)

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
    "field-added-unproven": KindInfo("major", ADDED),
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
    "alternatives-added": KindInfo("major", CHANGED),
    "alternatives-narrowed": KindInfo("major", CHANGED),
    "alternatives-widened": KindInfo("minor", CHANGED),
    "alternatives-removed": KindInfo("minor", CHANGED),
    "alternatives-restated": KindInfo("patch", CHANGED),
    "length-tightened": KindInfo("major", CHANGED),
    "length-relaxed": KindInfo("minor", CHANGED),
    "range-tightened": KindInfo("major", CHANGED),
    "range-relaxed": KindInfo("minor", CHANGED),
    "range-restated": KindInfo("patch", CHANGED),
    "enum-narrowed": KindInfo("major", CHANGED),
    "enum-relaxed": KindInfo("minor", CHANGED),
    "enum-reordered": KindInfo("patch", CHANGED),
    "codelist-ref-changed": KindInfo("major", CHANGED),
    "codelist-ref-relaxed": KindInfo("minor", CHANGED),
    "codelist-ref-removed": KindInfo("minor", CHANGED),
    "code-rule-changed": KindInfo("major", CHANGED),
    "code-rule-relaxed": KindInfo("minor", CHANGED),
    "code-rule-restated": KindInfo("patch", CHANGED),
    "code-rule-removed": KindInfo("minor", CHANGED),
    "header-lost": KindInfo("major", CHANGED),
    "header-unproven": KindInfo("major", CHANGED),
    "alias-removed": KindInfo("major", CHANGED),
    "alias-added": KindInfo("minor", CHANGED),
    "default-changed": KindInfo("minor", CHANGED),
    "sensitivity-changed": KindInfo("minor", CHANGED),
    "read-only-changed": KindInfo("minor", CHANGED),
    "security-level-changed": KindInfo("minor", CHANGED),
    # record-level constraints
    "unique-added": KindInfo("major", CHANGED),
    "unique-implied": KindInfo("minor", CHANGED),
    "unique-removed": KindInfo("minor", CHANGED),
    "foreign-key-added": KindInfo("major", CHANGED),
    "foreign-key-removed": KindInfo("minor", CHANGED),
    "rule-added": KindInfo("major", ADDED),
    "rule-implied": KindInfo("minor", ADDED),
    "rule-unproven": KindInfo("major", CHANGED),
    "rule-removed": KindInfo("minor", REMOVED),
    "rule-tightened": KindInfo("major", CHANGED),
    "rule-relaxed": KindInfo("minor", CHANGED),
    "lifecycle-changed": KindInfo("minor", CHANGED),
    # code lists
    "code-added": KindInfo("minor", ADDED),
    "code-removed": KindInfo("major", REMOVED),
    "code-title-changed": KindInfo("minor", CHANGED),
    "code-label-lost": KindInfo("major", CHANGED),
    "code-rule-narrowed": KindInfo("major", CHANGED),
    "codelist-narrowed": KindInfo("major", CHANGED),
    "code-parent-changed": KindInfo("minor", CHANGED),
    # x-withdrawn: after the date a value using the code is an error (validate)
    "code-withdrawn": KindInfo("major", DEPRECATED),
    "code-withdrawal-earlier": KindInfo("major", CHANGED),
    "code-withdrawal-later": KindInfo("minor", CHANGED),
    "code-unwithdrawn": KindInfo("minor", CHANGED),
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
            changes += _schema_changes(before, schema, old, new)
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
    # any other front matter (e.g. the requirement register) documents, it does not check data
    compared = {"id", "title", "status", "category", "owner", "reviewers", "kind"}
    for key in sorted((set(old.front_matter) | set(new.front_matter)) - compared):
        if old.front_matter.get(key) != new.front_matter.get(key):
            add("metadata-changed", f"标准 {name} 前置信息 {key} 修改")
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
def _schema_changes(old: Schema, new: Schema, was: Catalog, catalog: Catalog) -> list[Change]:
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
        out += _codelist_changes(old, new, was, catalog)
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
    out += _field_set_changes(old, new, was.codelists, catalog.codelists)
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
def _closed(schema: Schema) -> bool:
    """Unknown columns are errors: an old valid file has no column a new name could match."""
    return schema.raw.get("additionalProperties") is False


def _field_set_changes(
    old: Schema, new: Schema, old_lists: dict[str, CodeList], new_lists: dict[str, CodeList]
) -> list[Change]:
    out: list[Change] = []
    for f in new.fields:
        before = old.field_by_key.get(f.key)
        if before is None:
            if f.required:
                out.append(_on(new, f, "required-field-added", f"新增必填字段 {_fld(new, f)}"))
            elif not _closed(old):
                names = "、".join(f"“{n}”" for _, n in f.header_names)
                message = (
                    f"新增可选字段 {_fld(new, f)}：无法证明兼容——旧版允许多余列，旧文件中名为"
                    f"{names}的列以前被忽略，现在按新字段校验"
                )
                out.append(_on(new, f, "field-added-unproven", message))
            else:
                out.append(_on(new, f, "field-added", f"新增可选字段 {_fld(new, f)}"))
        else:
            out += field_changes(Pair(before, f, old, new, old_lists, new_lists))
    for f in old.fields:
        if f.key not in new.field_by_key:
            note = f"（已于 {f.deprecated_in} 弃用）" if f.deprecated_in else ""
            out.append(_on(new, f, "field-removed", f"删除字段 {_fld(old, f)}{note}"))
    common_old = [f.key for f in old.fields if f.key in new.field_by_key]
    common_new = [f.key for f in new.fields if f.key in old.field_by_key]
    if common_old != common_new:
        out.append(_on(new, None, "order-changed", f"{_sch(new)} 字段顺序调整"))
    return out


@dataclass(frozen=True)
class Pair:
    """One field in both versions, with what reasoning about it needs."""

    old: Field
    new: Field
    old_schema: Schema
    new_schema: Schema
    old_lists: dict[str, CodeList]
    new_lists: dict[str, CodeList]


FieldCheck = Callable[[Pair], Iterator[tuple[str, str]]]


def field_changes(p: Pair) -> list[Change]:
    """Changes of one field present in both versions, keyword by keyword."""
    schema, new = p.new_schema, p.new
    name = _fld(schema, new)
    out = [
        _on(schema, new, kind, f"字段 {name} {detail}")
        for check in FIELD_CHECKS
        for kind, detail in check(p)
    ]
    out += _words(schema, new, f"字段 {name}", p.old.raw, new.raw)
    out += _deprecation(schema, new, f"字段 {name}", p.old.raw, new.raw)
    return out


def _required(p: Pair) -> Iterator[tuple[str, str]]:
    old, new = p.old, p.new
    if new.required and not old.required:
        yield "required-added", "改为必填"
    elif old.required and not new.required:
        yield "required-removed", "改为可选"


def _base_type(f: Field) -> str | None:
    return f.raw.get("type") or ("string" if f.codelist else None)


def _type(p: Pair) -> Iterator[tuple[str, str]]:
    old, new = p.old, p.new
    before, after = _base_type(old), _base_type(new)
    if before == after:
        return
    detail = f"类型：{_show(before)} → {_show(after)}"
    relaxed = after is None or (before, after) == ("integer", "number")
    yield ("type-relaxed" if relaxed else "type-narrowed"), detail


def _format(p: Pair) -> Iterator[tuple[str, str]]:
    old, new = p.old, p.new
    if old.alternatives or new.alternatives:
        return  # compared as alternatives (_alternatives)
    if old.format != new.format:
        kind = "format-relaxed" if new.format is None else "format-narrowed"
        yield kind, f"格式：{_show(old.format)} → {_show(new.format)}"


def _pattern(p: Pair) -> Iterator[tuple[str, str]]:
    old, new = p.old, p.new
    if old.alternatives or new.alternatives:
        return  # compared as alternatives (_alternatives)
    if old.pattern != new.pattern:
        # Two regexes cannot be compared for inclusion in general: any new or changed
        # pattern may reject old values, so only a removed pattern counts as relaxed.
        kind = "pattern-relaxed" if new.pattern is None else "pattern-tightened"
        why = (
            "" if new.pattern is None else "：无法证明兼容——两个正则表达式的包含关系无法一般地判定"
        )
        yield kind, f"正则：{_show(old.pattern)} → {_show(new.pattern)}{why}"


def _as_alternatives(f: Field) -> list[Alternative]:
    """What a value's text must match: the ``anyOf`` items, or the field's own format and
    pattern as one item (so 格式 cn-mobile → anyOf [cn-mobile, intl-phone] is a widening)."""
    if f.alternatives:
        return list(f.alternatives)
    if f.pattern is not None or (f.format is not None and f.type == "string"):
        return [Alternative(format=f.format, pattern=f.pattern)]
    return []


def _covers(new: Alternative, old: Alternative) -> bool:
    """Every value ``old`` accepts, ``new`` accepts: same format and pattern, lengths no
    tighter. (Two different regexes cannot be compared in general.)"""
    return (
        (new.format, new.pattern) == (old.format, old.pattern)
        and (new.min_length is None or (old.min_length or 0) >= new.min_length)
        and (
            new.max_length is None
            or (old.max_length is not None and old.max_length <= new.max_length)
        )
    )


def _alternatives(p: Pair) -> Iterator[tuple[str, str]]:
    """``anyOf``: adding an alternative widens (minor), removing one narrows (major); a
    field gaining ``anyOf`` where it had no format or pattern is narrowed (major)."""
    if not (p.old.alternatives or p.new.alternatives):
        return
    before, after = _as_alternatives(p.old), _as_alternatives(p.new)
    shown = f"可选格式：{alternatives_words(before) or '无'} → {alternatives_words(after) or '无'}"
    if not before:
        yield "alternatives-added", f"{shown}（以前不限格式，旧数据不一定符合其中任一种）"
        return
    if not after:
        yield "alternatives-removed", f"{shown}（取消格式限制，旧数据都仍然有效）"
        return
    lost = [o for o in before if not any(_covers(n, o) for n in after)]
    gained = [n for n in after if not any(_covers(o, n) for o in before)]
    if lost:
        yield (
            "alternatives-narrowed",
            f"{shown}：不再接受{alternatives_words(lost)}，符合它的旧数据将不再有效"
            "（两个不同的正则表达式无法一般地证明包含关系）",
        )
    elif gained:
        yield (
            "alternatives-widened",
            f"{shown}：新增{alternatives_words(gained)}，旧数据仍符合原有各项",
        )
    elif alternatives_words(before) != alternatives_words(after) or p.old.raw.get(
        "anyOf"
    ) != p.new.raw.get("anyOf"):
        yield "alternatives-restated", f"{shown}（写法或名称不同，接受的值不变）"


LENGTHS = (("minLength", "最小长度", True), ("maxLength", "最大长度", False))
BOUNDS = ("minimum", "exclusiveMinimum", "maximum", "exclusiveMaximum")


def _bounds(p: Pair) -> Iterator[tuple[str, str]]:
    old, new = p.old, p.new
    for keyword, label, lower in LENGTHS:
        before, after = old.raw.get(keyword), new.raw.get(keyword)
        if before == after:
            continue
        tightened = after is not None and (
            before is None or (after > before if lower else after < before)
        )
        kind = f"length-{'tightened' if tightened else 'relaxed'}"
        yield kind, f"{label}：{_show(before)} → {_show(after)}"
    # minimum and exclusiveMinimum bound one side together (> 0 → ≥ 0 only widens)
    for lower, keys, label in ((True, BOUNDS[:2], "下限"), (False, BOUNDS[2:], "上限")):
        if all(old.raw.get(k) == new.raw.get(k) for k in keys):
            continue
        before, after = bound(old, lower), bound(new, lower)
        detail = f"{label}：{show_bound(before, lower)} → {show_bound(after, lower)}"
        if before == after:
            yield "range-restated", f"{detail}（写法不同，接受的值不变）"
        elif bound_loosened(before, after, lower):
            yield "range-relaxed", f"{detail}（旧数据都在新范围内）"
        else:
            yield "range-tightened", f"{detail}（旧数据可能超出新范围）"
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


def _enum(p: Pair) -> Iterator[tuple[str, str]]:
    old, new = p.old, p.new
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
                yield "enum-narrowed", f"删除可选值 {_show(removed)}：填写了它们的旧数据将不再有效"
            if added:
                yield "enum-relaxed", f"新增可选值 {_show(added)}"
            if not removed and not added:
                yield (
                    "enum-reordered",
                    f"可选值顺序：{_show(before)} → {_show(after)}（接受的值不变，模板下拉顺序改变）",
                )
    if "const" in old.raw or "const" in new.raw:
        b, a = old.raw.get("const"), new.raw.get("const")
        if "const" not in new.raw:
            yield "enum-relaxed", f"取消固定值 {_show(b)}"
        elif "const" not in old.raw or a != b:
            yield "enum-narrowed", f"固定值：{_show(b)} → {_show(a)}"


def _codelist_ref(p: Pair) -> Iterator[tuple[str, str]]:
    old, new = p.old, p.new
    if (old.codelist, old.codelist_level) == (new.codelist, new.codelist_level):
        return
    detail = f"代码表：{_list_name(old)} → {_list_name(new)}"
    if new.codelist is None:
        yield "codelist-ref-removed", detail
    elif old.codelist is None or old.codelist not in p.old_lists:
        yield "codelist-ref-changed", f"{detail}（旧数据不一定是新代码表中的代码）"
    else:
        lost = sorted(  # x-level: the accepted codes are those of one level
            accepted_inputs(field_codelist(old, p.old_lists))
            - accepted_inputs(field_codelist(new, p.new_lists))
        )
        if lost:
            yield "codelist-ref-changed", f"{detail}：旧值{_quote(lost)}将不再被接受"
        else:
            yield "codelist-ref-relaxed", f"{detail}（新代码表接受旧表的全部代码、标签和名称）"


def _list_name(f: Field) -> str:
    level = f"（第 {f.codelist_level} 级）" if f.codelist_level else ""
    return _show(f.codelist) + level


def _quote(values: list[str], limit: int = 3) -> str:
    shown = "、".join(f"“{v}”" for v in values[:limit])
    return shown + (f"等 {len(values)} 个" if len(values) > limit else "")


def _segments(f: Field) -> list[tuple[str, Any]] | None:
    return [(s.kind, s.value, s.level) for s in f.code_rule.segments] if f.code_rule else None


def _code_rule(p: Pair) -> Iterator[tuple[str, str]]:
    old, new = p.old, p.new
    before, after = _segments(old), _segments(new)
    if before == after:
        if old.raw.get("x-code-rule") != new.raw.get("x-code-rule"):
            yield "description-changed", "编码规则说明修改"
        return
    if new.code_rule is None:
        yield "code-rule-removed", "取消编码规则"
        return
    detail = f"编码规则：{old.code_rule.describe() if old.code_rule else '无'} → {new.code_rule.describe()}"
    if old.code_rule is None:
        yield "code-rule-changed", f"{detail}（旧数据不一定符合新规则）"
        return
    lost = rule_witness(old.code_rule, p.old_lists, new.code_rule, p.new_lists)
    gained = rule_witness(new.code_rule, p.new_lists, old.code_rule, p.old_lists)
    if lost is not None:
        yield "code-rule-changed", f"{detail}：旧规则接受的“{lost}”将被拒绝"
    elif gained is None:
        yield "code-rule-restated", f"{detail}（写法不同，接受的编码完全相同）"
    else:
        yield (
            "code-rule-relaxed",
            f"{detail}（旧规则接受的编码新规则都接受，另外还接受如“{gained}”）",
        )


def _headers(p: Pair) -> Iterator[tuple[str, str]]:
    """Files are read by header (title, aliases, key): a name lost breaks old files."""
    before, after = headers(p.old), headers(p.new)
    for name, (what, written) in before.items():
        if name in after:
            continue
        if what == "标题":
            yield (
                "header-lost",
                f"名称：{p.old.title} → {p.new.title}；旧表头“{written}”将无法识别：请把旧标题"
                f'加入 x-aliases（"x-aliases": ["{written}"]）',
            )
        else:
            yield "alias-removed", f"不再接受旧列名“{written}”：以它为表头的旧文件将缺少该列"
    gained = [written for name, (_, written) in after.items() if name not in before]
    if gained and _closed(p.old_schema):
        yield (
            "alias-added",
            f"新增可识别的表头 {_quote(gained)}（旧版不允许多余列，旧文件中没有这样的列）",
        )
    elif gained:
        yield (
            "header-unproven",
            f"新增可识别的表头 {_quote(gained)}：无法证明兼容——旧版允许多余列，这样的列"
            "以前被忽略，现在按本字段校验",
        )


def _annotations(p: Pair) -> Iterator[tuple[str, str]]:
    old, new = p.old, p.new
    if old.raw.get("default") != new.raw.get("default"):
        yield "default-changed", f"默认值：{_show(old.default)} → {_show(new.default)}"
    if (old.sensitive, old.mask) != (new.sensitive, new.mask):
        yield (
            "sensitivity-changed",
            f"个人信息标记：{_show(old.sensitive)}（{_show(old.mask)}）"
            f" → {_show(new.sensitive)}（{_show(new.mask)}）",
        )
    if old.read_only != new.read_only:  # only whether the template has the column
        shown = f"{_show(old.read_only)} → {_show(new.read_only)}"
        yield "read-only-changed", f"由系统记录（模板中无此列）：{shown}"
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
    _alternatives,
    _bounds,
    _enum,
    _codelist_ref,
    _code_rule,
    _headers,
    _annotations,
)

# Every keyword a field may use (vocabulary.FIELD) is compared by one of the checks
# above or by _words/_deprecation; a test keeps this list complete.
FIELD_KEYWORDS_COMPARED = frozenset(
    {"type", "format", "pattern", "multipleOf", "enum", "const", "$ref", "x-level", "x-code-rule"}
    | {"anyOf"}
    | {keyword for keyword, _, _ in LENGTHS}
    | set(BOUNDS)
    | {"x-aliases", "default", "x-sensitive", "x-security-level", "readOnly"}
    | {"title", "description", "$comment", "examples", "deprecated", "x-deprecated-in"}
)


# ── record-level constraints ───────────────────────────────────────────────
def _unique_changes(old: Schema, new: Schema) -> list[Change]:
    before = [frozenset(g) for g in old.unique]
    after = [frozenset(g) for g in new.unique]
    out = []
    for group, raw in zip(after, new.unique, strict=True):
        if group in before:
            continue
        label = f"{_sch(new)} 新增唯一性约束：{'+'.join(raw)}"
        # rows with an empty key field are not compared, so a unique subset implies the set
        implied = next((g for g, r in zip(before, old.unique, strict=True) if g <= group), None)
        if implied is not None:
            why = "+".join(r for r in old.unique[before.index(implied)])
            message = f"{label}（旧版约束 {why} 已保证其不重复：缺值的行不参与比较）"
            out.append(_on(new, None, "unique-implied", message))
        else:
            message = f"{label}（旧数据中这些字段的组合可能重复）"
            out.append(_on(new, None, "unique-added", message))
    for group, raw in zip(before, old.unique, strict=True):
        if group not in after:
            out.append(
                _on(new, None, "unique-removed", f"{_sch(new)} 取消唯一性约束：{'+'.join(raw)}")
            )
    return out


def _foreign_key_changes(old: Schema, new: Schema) -> list[Change]:
    """Keys by (field, record, ref); a key kept with another ``where`` is one change: a
    condition added or narrowed rejects targets accepted before (major), one removed or
    widened only accepts more (minor)."""
    out = []
    before = {(fk.field, fk.record, fk.ref): fk for fk in old.foreign_keys}
    after = {(fk.field, fk.record, fk.ref): fk for fk in new.foreign_keys}
    for key, fk in after.items():
        was = before.get(key)
        arrow = f"{fk.field} → {fk.record}.{fk.ref}"
        if was is None:
            condition = f"（条件：{_where_text(fk)}）" if fk.where_field else ""
            message = f"{_sch(new)} 新增外键：{arrow}{condition}"
            out.append(Change(new.standard_id, new.key, fk.field, "foreign-key-added", message))
        elif was != fk:
            relaxed = fk.where_field is None or (
                was.where_field == fk.where_field and set(was.where_in) <= set(fk.where_in)
            )
            kind = "foreign-key-removed" if relaxed else "foreign-key-added"
            message = (
                f"{_sch(new)} 外键 {arrow} 的条件由“{_where_text(was) or '无'}”改为"
                f"“{_where_text(fk) or '无'}”" + ("（放宽）" if relaxed else "（收紧）")
            )
            out.append(Change(new.standard_id, new.key, fk.field, kind, message))
    for key, fk in before.items():
        if key not in after:
            message = f"{_sch(new)} 取消外键：{fk.field} → {fk.record}.{fk.ref}"
            out.append(Change(new.standard_id, new.key, fk.field, "foreign-key-removed", message))
    return out


def _where_text(fk: ForeignKey) -> str:
    if fk.where_field is None:
        return ""
    return f"{fk.where_field} ∈ {'、'.join(map(str, fk.where_in))}"


def _rule_changes(old: Schema, new: Schema) -> list[Change]:
    """A new or changed rule is compatible when no record valid before can break it
    (``compat.rule_implied``: the old rules or required fields already imply it)."""
    out = []
    before = {r.id: r for r in old.rules}
    after = {r.id: r for r in new.rules}
    for rule in new.rules:
        was = before.get(rule.id)
        label = f"{_sch(new)} 规则 {rule.id}"
        changed = was is not None and (was.type, was.params) != (rule.type, rule.params)
        if was is None or changed:
            implied, reason = rule_implied(rule, old)
            if was is None:
                kind = "rule-implied" if implied else "rule-added"
                message = f"{label}（{rule_type_name(rule.type)}）新增：{rule.message}（{reason}）"
            else:
                kind = "rule-relaxed" if implied else "rule-tightened"
                detail = f"{_show(was.params)} → {_show(rule.params)}"
                message = f"{label} 参数修改：{detail}（{reason}）"
            if not implied and reason.startswith("无法证明兼容"):
                kind = "rule-unproven"
            out.append(_on(new, None, kind, message))
        if was is not None and was.message != rule.message:
            out.append(_on(new, None, "description-changed", f"{label} 提示语修改"))
    for rule in old.rules:
        if rule.id not in after:
            out.append(
                _on(new, None, "rule-removed", f"{_sch(new)} 取消规则 {rule.id}：{rule.message}")
            )
    return out


# ── code lists ──────────────────────────────────────────────────────────────
def _codelist_changes(old: Schema, new: Schema, was: Catalog, catalog: Catalog) -> list[Change]:
    before = {e["const"]: e for e in old.raw["oneOf"]}
    after = {e["const"]: e for e in new.raw["oneOf"]}
    name = _sch(new)
    users = _users_of(catalog, new.key)
    impact = f"（影响 {'、'.join(users)}）" if users else ""
    # fields that take labels and titles from this list ($ref), as old files were written
    labelled = [u for u in _users_of(was, new.key) if _field(was, u).codelist == new.key]
    ruled = [u for u in users if _rule_uses(_field(catalog, u), new.key)]
    accepted = accepted_inputs(catalog.codelists[new.key]) if new.codelist else set()
    out = []
    renamed: set[str] = set()

    def add(kind: str, message: str) -> None:
        out.append(_on(new, None, kind, message))

    for code, entry in after.items():
        was_entry = before.get(code)
        label = f"{name} 代码 {code} {entry['title']}"
        if was_entry is None:
            note = (
                f"（编码规则按任一切分匹配：{'、'.join(ruled)} 原有的编码仍然有效）"
                if ruled
                else ""
            )
            add("code-added", f"{name} 新增代码 {code} {entry['title']}{note}")
            continue
        if was_entry["title"] != entry["title"]:
            renamed.add(code)
            add(*_code_title(name, code, was_entry["title"], entry["title"], labelled, accepted))
        if was_entry.get("x-parent") != entry.get("x-parent"):
            add(
                "code-parent-changed",
                f"{label} 上级代码：{_show(was_entry.get('x-parent'))} → {_show(entry.get('x-parent'))}",
            )
        if (was_entry.get("description"), was_entry.get("$comment")) != (
            entry.get("description"),
            entry.get("$comment"),
        ):
            add("description-changed", f"{label} 说明修改")
        if was_entry.get("x-aliases", []) != entry.get("x-aliases", []):
            # legacy names only feed the audit's value-mapping proposals: data stays valid
            add("description-changed", f"{label} 旧称（x-aliases）修改")
        for change in _deprecation(new, None, label, was_entry, entry):
            out.append(change)
        out += _withdrawal(
            new, label, was_entry.get("x-withdrawn"), entry.get("x-withdrawn"), users
        )
    for code, entry in before.items():
        if code not in after:
            add("code-removed", f"{name} 删除代码 {code} {entry['title']}{impact}")
    if [c for c in before if c in after] != [c for c in after if c in before]:
        add("order-changed", f"{name} 代码顺序调整")
    if old.raw.get("x-code-rule") != new.raw.get("x-code-rule"):
        # it checks the list's own codes when the standard is written; data takes the codes listed
        add("metadata-changed", f"{name} 代码的编码规则修改（约束代码表本身，数据接受的代码不变）")
    out += _rules_narrowed(new, was, catalog)
    out += _levels_narrowed(new, was, catalog, set(before) - set(after), renamed)
    out += _calendar_changes(new, was, catalog)
    return out


def _calendar_changes(new: Schema, was: Catalog, catalog: Catalog) -> list[Change]:
    """A working-day calendar counted by ``max-workdays`` rules: a day that becomes a
    working day (a 调休 weekend added, a holiday removed) can make a deadline kept before
    broken (major); a day that stops being one only relaxes them (minor)."""
    users = [
        f"{s.key} 规则 {r.id}"
        for s in catalog.records.values()
        for r in s.rules
        if r.type == "max-workdays" and r.params["calendar"] == new.key
    ]
    if not users or new.key not in was.codelists or new.key not in catalog.codelists:
        return []
    before, after = (work_calendar(c.codelists[new.key]) for c in (was, catalog))
    working = sorted((set(after.on) - set(before.on)) | (set(before.off) - set(after.off)))
    resting = sorted((set(before.on) - set(after.on)) | (set(after.off) - set(before.off)))
    out = []
    rules = "、".join(users)
    if working:
        message = f"{_sch(new)} 使 {'、'.join(working)} 成为工作日：{rules} 的时限可能因此超出"
        out.append(_on(new, None, "rule-tightened", message))
    if resting:
        message = f"{_sch(new)} 使 {'、'.join(resting)} 不再计为工作日：{rules} 只会更宽松"
        out.append(_on(new, None, "rule-relaxed", message))
    return out


def _withdrawal(
    schema: Schema, label: str, was: str | None, now: str | None, users: list[str]
) -> list[Change]:
    """A withdrawal date makes a value using the code an error after that date: data valid
    before is then rejected (major), whether the date is past or to come; moving the date
    later or removing it only accepts more (minor)."""
    where = f"（影响 {'、'.join(users)}）" if users else ""
    if was == now:
        return []
    if was is None:
        kind, why = (
            "code-withdrawn",
            (
                f"{label} 定于 {now} 撤销：此后使用该代码的数据校验报错，旧版有效的数据将不再通过{where}"
            ),
        )
    elif now is None:
        kind, why = "code-unwithdrawn", f"{label} 取消撤销（原定 {was}）：该代码重新可用"
    elif now < was:
        kind, why = (
            "code-withdrawal-earlier",
            (
                f"{label} 撤销日期提前：{was} → {now}：{now} 至 {was} 之间使用该代码的数据将不再通过{where}"
            ),
        )
    else:
        kind, why = (
            "code-withdrawal-later",
            f"{label} 撤销日期推迟：{was} → {now}（只会接受更多数据）",
        )
    return [_on(schema, None, kind, why)]


def _code_title(
    name: str, code: str, old: str, new: str, labelled: list[str], accepted: set[str]
) -> tuple[str, str]:
    """Templates write "4 社会组织" and the validator also takes the bare title: a renamed
    code breaks old files of every field that takes this list by ``$ref`` (DESIGN.md
    "Release and review": decided major; code-entry x-aliases are not accepted as input)."""
    detail = f"{name} 代码 {code} 名称：{old} → {new}"
    lost = [v for v in (f"{code} {old}", old) if v not in accepted]
    if labelled and lost:
        return (
            "code-label-lost",
            f"{detail}：旧文件中填写的{_quote(lost)}将不再被接受（模板下拉写入“代码 名称”，"
            f"校验按代码、标签和名称识别；影响 {'、'.join(labelled)}）",
        )
    why = "没有字段按名称引用此代码表" if not labelled else "旧标签和名称仍被接受"
    return "code-title-changed", f"{detail}（{why}，存储的代码不变）"


def _rules_narrowed(new: Schema, was: Catalog, catalog: Catalog) -> list[Change]:
    """A code-rule segment accepts what the list holds (at its level): removing a code or
    moving one to another tree level can reject values the rule accepted before."""
    out = []
    for user in _users_of(catalog, new.key):
        before, after = _field(was, user), _field(catalog, user)
        if before is None or after is None or after.code_rule is None:
            continue
        if before.code_rule is None or _segments(before) != _segments(after):
            continue  # the field's own change is classified with the field
        lost = rule_witness(before.code_rule, was.codelists, after.code_rule, catalog.codelists)
        if lost is not None:
            message = f"{_sch(new)} 的修改使 {user} 的编码规则不再接受“{lost}”（旧版有效的编码）"
            out.append(_on(new, None, "code-rule-narrowed", message))
    return out


def _levels_narrowed(
    new: Schema, was: Catalog, catalog: Catalog, removed: set[str], renamed: set[str]
) -> list[Change]:
    """A field with ``x-level`` accepts one tree level: moving a code to another level
    (``x-parent``) drops it, beyond what removed or renamed codes already explain."""
    out = []
    for user in _users_of(catalog, new.key):
        before, after = _field(was, user), _field(catalog, user)
        if before is None or after is None or after.codelist != new.key:
            continue
        if (before.codelist, before.codelist_level) != (after.codelist, after.codelist_level):
            continue  # the field's own change is classified with the field
        old_list = field_codelist(before, was.codelists)
        lost = accepted_inputs(old_list) - accepted_inputs(field_codelist(after, catalog.codelists))
        explained = {
            v for e in old_list.entries if e.code in removed | renamed
            for v in (e.code, e.label, e.title)
        }  # fmt: skip
        if lost - explained:
            message = (
                f"{_sch(new)} 的修改使 {user}（{_list_name(after)}）不再接受"
                f"{_quote(sorted(lost - explained))}（旧版有效的值）"
            )
            out.append(_on(new, None, "codelist-narrowed", message))
    return out


def _rule_uses(f: Field | None, codelist: str) -> bool:
    segments = f.code_rule.segments if f is not None and f.code_rule else []
    return any(s.kind == "codelist" and s.value == codelist for s in segments)


def _field(catalog: Catalog, user: str) -> Field | None:
    record, _, key = user.partition(".")
    schema = catalog.records.get(record)
    return schema.field_by_key.get(key) if schema else None


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


CODELIST_KEYWORDS_COMPARED = frozenset(
    {"title", "description", "$comment", "examples", "deprecated", "x-deprecated-in"}
    | {"oneOf", "x-code-rule", "$id", "$schema", "type"}
)

CODE_ENTRY_KEYWORDS_COMPARED = frozenset(
    {"const", "title", "description", "$comment", "deprecated", "x-deprecated-in", "x-parent"}
    | {"x-aliases", "x-withdrawn"}
)

RECORD_KEYWORDS_COMPARED = frozenset(
    {"title", "description", "$comment", "examples", "deprecated", "x-deprecated-in"}
    | {"properties", "required", "x-unique", "x-foreign-keys", "x-rules"}
    | {"x-security-level", "x-lifecycle"}
    # fixed by the meta-schema or naming the schema itself: nothing to compare
    | {"$id", "$schema", "type", "additionalProperties"}
)
