"""Reasoning about what a version accepts, for ``diff``'s classification.

Each function answers one question about the set of accepted values (or files)
before and after, exactly where it can, and says why: a code rule's language
(finite automata, with a witness value), a code list's accepted inputs (codes,
dropdown labels, bare titles), numeric bounds, the column headers a field is
read from, and whether a cross-field rule can reject any record valid before.
Pure functions over the model; ``diff.py`` turns the answers into changes.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Callable, Iterable, Mapping
from dataclasses import replace
from typing import Any

from ..labels import rule_type_name
from ..model import SEGMENT_CHARS, CodeList, CodeRule, Field, Rule, Schema, clean_header
from ..rules import parse_duration

# ── code rules: the language of CodeRule.split, as a nondeterministic automaton ─────
State = tuple[int, Any]  # (segment index, progress inside it); (len(segments), None) accepts


class RuleAutomaton:
    """The values a code rule accepts (any split, as ``CodeRule.split``)."""

    def __init__(self, rule: CodeRule, codelists: Mapping[str, CodeList]):
        self.segments = rule.segments
        self.codes = [
            set(codelists[str(s.value)].codes_at(s.level)) if s.kind == "codelist" else set()
            for s in self.segments
        ]
        self.prefixes = [{c[:i] for c in codes for i in range(1, len(c))} for codes in self.codes]
        self.end: State = (len(self.segments), None)

    def chars(self) -> set[str]:
        """Every character some accepted value can contain."""
        out: set[str] = set()
        for s, codes in zip(self.segments, self.codes, strict=True):
            out |= set(SEGMENT_CHARS.get(s.kind, "")) | set(
                str(s.value) if s.kind == "text" else ""
            )
            out |= {ch for c in codes for ch in c}
        return out

    def enter(self, index: int) -> set[State]:
        if index == len(self.segments):
            return {self.end}
        s = self.segments[index]
        empty = (s.kind == "text" and not str(s.value)) or (
            s.kind in SEGMENT_CHARS and int(s.value) == 0
        )
        return self.enter(index + 1) if empty else {(index, "" if s.kind == "codelist" else 0)}

    def start(self) -> frozenset[State]:
        return frozenset(self.enter(0))

    def step(self, states: frozenset[State], ch: str) -> frozenset[State]:
        out: set[State] = set()
        for index, progress in states:
            if index == len(self.segments):
                continue
            s = self.segments[index]
            if s.kind == "codelist":
                part = progress + ch
                if part in self.prefixes[index]:
                    out.add((index, part))
                if part in self.codes[index]:
                    out |= self.enter(index + 1)
                continue
            if s.kind == "text":
                text = str(s.value)
                ok, size = text[progress] == ch, len(text)
            else:
                ok, size = ch in SEGMENT_CHARS[s.kind], int(s.value)
            if ok:
                out |= self.enter(index + 1) if progress + 1 == size else {(index, progress + 1)}
        return frozenset(out)


def rule_witness(
    old: CodeRule,
    old_lists: Mapping[str, CodeList],
    new: CodeRule,
    new_lists: Mapping[str, CodeList],
) -> str | None:
    """A shortest value the old rule accepts and the new one rejects; None when the new
    rule accepts everything the old one did (exact: both languages are regular)."""
    a, b = RuleAutomaton(old, old_lists), RuleAutomaton(new, new_lists)
    alphabet = sorted(a.chars())
    first = (a.start(), b.start())
    if a.end in first[0] and b.end not in first[1]:
        return ""
    seen, queue = {first}, deque([(first, "")])
    while queue:
        (x, y), word = queue.popleft()
        for ch in alphabet:
            x2 = a.step(x, ch)
            if not x2:
                continue
            y2 = b.step(y, ch)
            if a.end in x2 and b.end not in y2:
                return word + ch
            if (x2, y2) not in seen:
                seen.add((x2, y2))
                queue.append(((x2, y2), word + ch))
    return None


# ── code lists: what a field with ``$ref`` accepts ──────────────────────────────────
def accepted_inputs(codes: CodeList) -> set[str]:
    """What ``CodeList.normalise`` maps to a code: codes, labels "4 社会组织", bare titles."""
    return set(codes.by_code) | set(codes._by_label)


# ── numbers ────────────────────────────────────────────────────────────────────────
Bound = tuple[float, bool]  # (limit, inclusive)


def _tighter(bounds: Iterable[Bound | None], lower: bool) -> Bound | None:
    found = [b for b in bounds if b is not None]
    if not found:
        return None
    # the higher lower bound (exclusive wins a tie), the lower upper bound
    key = (lambda b: (b[0], not b[1])) if lower else (lambda b: (-b[0], not b[1]))
    return max(found, key=key)


def bound(f: Field, lower: bool) -> Bound | None:
    """The effective lower (or upper) limit from minimum and exclusiveMinimum together;
    for integers an exclusive limit is the next integer, inclusive (> 0 is ≥ 1)."""
    inclusive, exclusive = (
        (f.minimum, f.exclusive_minimum) if lower else (f.maximum, f.exclusive_maximum)
    )
    found = _tighter(
        [(inclusive, True) if inclusive is not None else None,
         (exclusive, False) if exclusive is not None else None],
        lower,
    )  # fmt: skip
    if found is not None and f.type == "integer":
        limit, closed = found
        if lower:
            found = (float(math.floor(limit) + 1 if not closed else math.ceil(limit)), True)
        else:
            found = (float(math.ceil(limit) - 1 if not closed else math.floor(limit)), True)
    return found


def bound_loosened(old: Bound | None, new: Bound | None, lower: bool) -> bool:
    """True when every value within ``old`` is within ``new``."""
    if new is None:
        return True
    if old is None:
        return False
    (a, a_in), (b, b_in) = old, new
    if a == b:
        return b_in or not a_in
    return b < a if lower else b > a


def show_bound(b: Bound | None, lower: bool) -> str:
    if b is None:
        return "无"
    limit = int(b[0]) if float(b[0]).is_integer() else b[0]
    return f"{('≥' if b[1] else '>') if lower else ('≤' if b[1] else '<')} {limit}"


# ── headers ────────────────────────────────────────────────────────────────────────
def headers(f: Field) -> dict[str, tuple[str, str]]:
    """Cleaned header → (what, as written) for every name the field's column is read by."""
    out: dict[str, tuple[str, str]] = {}
    for what, name in f.header_names:
        out.setdefault(clean_header(name), (what, name))
    return out


# ── cross-field rules: can a new rule reject a record valid before? ──────────────────
def _same_rule(rule: Rule, old: Schema) -> str | None:
    for was in old.rules:
        if (was.type, was.params) == (rule.type, rule.params):
            return f"旧版规则 {was.id} 已是同一条件"
    return None


def _required_if(rule: Rule, old: Schema) -> str | None:
    target = old.field_by_key.get(rule.params["field"])
    if target is not None and target.required:
        return f"字段 {target.key} 在旧版中已是必填，任何有效记录都满足"
    when = rule.params["when"]
    cond = old.field_by_key.get(when["field"])
    if cond is not None:
        allowed = cond.enum if cond.enum is not None else None
        if cond.const is not None:
            allowed = [cond.const]
        if allowed is not None and when["equals"] not in allowed:
            return f"条件值 {when['equals']} 不是字段 {cond.key} 的可选值，规则不会触发"
        if cond.type == "boolean" and not isinstance(when["equals"], bool):
            return f"字段 {cond.key} 是是/否字段，条件值 {when['equals']} 不会出现，规则不会触发"
    return None


def _date_order(rule: Rule, old: Schema) -> str | None:
    for was in old.rules:
        same = (was.params.get("start"), was.params.get("end")) == (
            rule.params["start"],
            rule.params["end"],
        )
        if same and was.type in ("date-order", "max-interval", "max-workdays"):
            return f"旧版规则 {was.id}（{rule_type_name(was.type)}）已要求 {rule.params['start']} 不晚于 {rule.params['end']}"
    return None


def _max_interval(rule: Rule, old: Schema) -> str | None:
    limit = parse_duration(rule.params["max"])
    for was in old.rules:
        if was.type != "max-interval" or (was.params["start"], was.params["end"]) != (
            rule.params["start"],
            rule.params["end"],
        ):
            continue
        before = parse_duration(was.params["max"])
        if limit is None or (before is not None and before <= limit):
            return f"旧版规则 {was.id} 的间隔上限 {was.params['max']} 不超过 {rule.params['max']}"
    return None


def _required_any(rule: Rule, old: Schema) -> str | None:
    fields = rule.params["fields"]
    for key in fields:
        f = old.field_by_key.get(key)
        if f is not None and f.required:
            return f"字段 {key} 在旧版中已是必填，任何有效记录都满足"
    for was in old.rules:
        if was.type == "required-any" and set(was.params["fields"]) <= set(fields):
            return f"旧版规则 {was.id} 已要求 {'、'.join(was.params['fields'])} 至少填写一项"
    return None


def _segment_equals(rule: Rule, old: Schema) -> str | None:
    # A new equality between two fields that existed independently rejects old records
    # whose parts differ; only the same rule (``_same_rule``) is provably harmless.
    return None


def _max_workdays(rule: Rule, old: Schema) -> str | None:
    p = rule.params
    for was in old.rules:
        q = was.params
        if was.type != "max-workdays" or (q["start"], q["end"], q["calendar"]) != (
            p["start"],
            p["end"],
            p["calendar"],
        ):
            continue
        if q["max"] <= p["max"]:
            return f"旧版规则 {was.id} 的上限 {q['max']} 个工作日不超过 {p['max']} 个"
    return None


# type → (new rule, old schema) → why no record valid under the old schema breaks it, or
# None when that cannot be shown. A rule type without an entry is "无法证明兼容" (major).
# Effective dates (``from``) are handled for every type in ``rule_implied``.
RULE_IMPLIED: dict[str, Callable[[Rule, Schema], str | None]] = {
    "required-if": _required_if,
    "date-order": _date_order,
    "max-interval": _max_interval,
    "required-any": _required_any,
    "segment-equals": _segment_equals,
    "max-workdays": _max_workdays,
}


def _exempts_more(rule: Rule, was: Rule) -> bool:
    """Every row exempt from ``was`` (dated before its ``from``) is exempt from ``rule``."""
    a, b = was.params.get("from"), rule.params.get("from")
    return a is None or (b is not None and b["field"] == a["field"] and b["date"] >= a["date"])


def _bare(rule: Rule) -> Rule:
    return replace(rule, params={k: v for k, v in rule.params.items() if k != "from"})


def _effective_date_change(rule: Rule, old: Schema) -> tuple[bool, str] | None:
    """Only the effective date of the same rule changed: later (or newly set) relaxes it,
    earlier (or removed) makes rows exempt before subject to it."""
    was = next((w for w in old.rules if w.id == rule.id and w.type == rule.type), None)
    if was is None or _bare(was).params != _bare(rule).params:
        return None
    a, b = was.params.get("from"), rule.params.get("from")

    def show(since: dict | None) -> str:
        if since is None:
            return "无"
        f = old.field_by_key.get(since["field"])
        return f"{f.title if f else since['field']}早于 {since['date']} 的行免检"

    if _exempts_more(rule, was):
        return True, f"生效日期 {show(a)} → {show(b)}：条件不变，只是更多历史行免检"
    return False, f"生效日期 {show(a)} → {show(b)}：此前免检的历史行现在也要检查"


def rule_implied(rule: Rule, old: Schema) -> tuple[bool, str]:
    """(implied, reason). Not implied: the reason says whether we could reason at all."""
    dated = _effective_date_change(rule, old)
    if dated is not None:
        return dated
    # an old rule counts only where it exempted no more rows than the new one does; the
    # new rule's own effective date only weakens it, so it is reasoned about without it
    view = replace(old, rules=[_bare(w) for w in old.rules if _exempts_more(rule, w)])
    rule = _bare(rule)
    same = _same_rule(rule, view)
    if same is not None:
        return True, same
    check = RULE_IMPLIED.get(rule.type)
    if check is None:
        return False, f"无法证明兼容：规则类型 {rule.type} 没有兼容性推理，按不兼容处理"
    reason = check(rule, view)
    if reason is not None:
        return True, reason
    return False, "旧版的有效记录可能不满足该规则"
