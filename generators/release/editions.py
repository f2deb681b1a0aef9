"""Editions of a release and the approvals they need (pure: catalogs, changes, records in).

Each standard the release changes gets an edition: a number in the enterprise-standard
style (``Q/XXX IMS-DS-001—2026``; prefix from ``[tool.infostd] standard_prefix``), the
发布日期, the 实施日期 (a major change no earlier than the policy's notice period after
release) and the edition it replaces. The approvals required per standard come from
``releases/policy.yaml`` (body → triggers); ``missing_approvals`` says which are absent.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from ..errors import InfostdError
from ..model import Catalog, Standard
from .diff import Change, required_bump
from .records import (
    PUBLISHED_STATUSES,
    TRIGGER_WORDS,
    ChangeRequest,
    Edition,
    Policy,
    Release,
    Releases,
)

MAX_CHANGES = 30  # words per edition in the record; the full list is `infostd diff`
DASH = "—"  # GB/T 1.1: the year follows an em dash


def edition_number(prefix: str, standard_id: str, year: int) -> str:
    return f"{prefix} {standard_id}{DASH}{year}".strip()


@dataclass(frozen=True)
class Subject:
    """One standard the release changes, as the approval rules see it."""

    id: str
    title: str
    standard: Standard | None  # None when removed from the catalog
    old: Standard | None
    changes: tuple[Change, ...]
    previous: Edition | None

    @property
    def bump(self) -> str:
        bump = required_bump(list(self.changes))
        return "patch" if bump == "none" else bump

    @property
    def abolished(self) -> bool:
        return self.standard is None or self.standard.status == "deprecated"

    @property
    def action(self) -> str:
        if self.abolished:
            return "废止"
        return "修订" if self.previous else "发布"


def subjects(
    old: Catalog, new: Catalog, changes: list[Change], releases: Releases
) -> list[Subject]:
    """The standards that get an edition: changed ones at a published status (drafts and
    征求意见稿 are not released), ordered by id."""
    by_id: dict[str, list[Change]] = defaultdict(list)
    for change in changes:
        by_id[change.standard].append(change)
    old_by_id = {s.id: s for s in old.standards}
    new_by_id = {s.id: s for s in new.standards}
    out = []
    for sid in sorted(by_id):
        standard, before = new_by_id.get(sid), old_by_id.get(sid)
        current = releases.current(sid)
        previous = current[1] if current else None
        if standard is not None and standard.status not in PUBLISHED_STATUSES:
            continue
        if standard is None and previous is None:
            continue  # never released: nothing to abolish
        title = (standard or before).title if (standard or before) else sid
        out.append(Subject(sid, title, standard, before, tuple(by_id[sid]), previous))
    return out


def triggered(subject: Subject, triggers: list[str]) -> list[str]:
    """The triggers (of one approving body) that apply to this standard, in words."""
    standard = subject.standard or subject.old
    hits = []
    for trigger in triggers:
        if trigger == "always":
            hit = True
        elif trigger == "policy":
            hit = standard is not None and standard.kind == "policy"
        elif trigger == "major":
            hit = subject.bump == "major"
        elif trigger == "new":
            hit = subject.previous is None
        elif trigger == "abolished":
            hit = subject.abolished
        elif trigger == "personal-information":
            hit = standard is not None and any(
                f.sensitive for s in standard.schemas for f in s.fields
            )
        else:  # department:CODE — the department owns or reviews the standard
            code = trigger.removeprefix("department:")
            hit = standard is not None and code in (standard.owner, *standard.reviewers)
            if hit:
                hits.append(f"{code} 评审的标准")
            continue
        if hit:
            hits.append(TRIGGER_WORDS[trigger])
    return hits


@dataclass(frozen=True)
class Missing:
    standard: str
    title: str
    body: str
    reasons: tuple[str, ...]

    def __str__(self) -> str:
        return f"{self.standard} {self.title}：缺少{self.body}的批准（{'、'.join(self.reasons)}）"


def missing_approvals(
    items: list[Subject], policy: Policy, requests: list[ChangeRequest], date: dt.date
) -> list[Missing]:
    """For each standard and required body: the body's latest decision, dated no later than
    the release, in an open request covering the standard, must be 同意 or 修改后同意."""
    missing = []
    for subject in items:
        for body, triggers in policy.bodies.items():
            reasons = triggered(subject, triggers)
            if not reasons:
                continue
            decisions = sorted(
                (a for cr in requests if cr.covers(subject.id) for a in cr.approvals),
                key=lambda a: a.date,
            )
            latest = [a for a in decisions if a.body == body and a.date <= date]
            if not latest or not latest[-1].approves:
                missing.append(Missing(subject.id, subject.title, body, tuple(reasons)))
    return missing


def used_requests(items: list[Subject], requests: list[ChangeRequest]) -> list[str]:
    return [cr.id for cr in requests if any(cr.covers(s.id) for s in items)]


def editions(
    items: list[Subject],
    prefix: str,
    policy: Policy,
    date: dt.date,
    effective: dt.date | None = None,
) -> list[Edition]:
    """One edition per subject. 实施日期: ``effective`` or the release date; a major change
    not before ``date + notice_days`` (an earlier ``effective`` is refused, naming them)."""
    earliest = date + dt.timedelta(days=policy.notice_days)
    if effective is not None and effective < date:
        raise InfostdError(f"实施日期 {effective} 早于发布日期 {date}")
    too_early = [s.id for s in items if s.bump == "major" and effective and effective < earliest]
    if too_early:
        raise InfostdError(
            f"实施日期 {effective} 早于通知期（{policy.notice_days} 天）届满日 {earliest}，"
            f"而以下标准有主版本变更：{'、'.join(too_early)}"
        )
    out = []
    for s in items:
        when = effective or (earliest if s.bump == "major" else date)
        number = edition_number(prefix, s.id, date.year)
        if s.previous and s.previous.number == number:
            number = f"{number}（第 {date.isoformat()} 版）"
        out.append(
            Edition(
                id=s.id,
                title=s.title,
                number=number,
                action=s.action,
                status=s.standard.status if s.standard else "deprecated",
                bump=s.bump,
                published=date,
                effective=when,
                replaces=s.previous.number if s.previous else None,
                changes=_words(s),
            )
        )
    return out


def _words(subject: Subject) -> tuple[str, ...]:
    """What changed, in the diff's plain Chinese; a first edition says so."""
    if subject.previous is None and subject.standard is not None:
        return ("首次发布。",)
    if subject.standard is None:
        return ("标准已从标准库中删除，本版次起废止。",)
    messages = [c.message for c in subject.changes]
    if len(messages) > MAX_CHANGES:
        rest = len(messages) - MAX_CHANGES
        messages = [*messages[:MAX_CHANGES], f"另有 {rest} 项变更，见 infostd diff。"]
    return tuple(messages)


def describe_plan(record: Release, missing: list[Missing]) -> str:
    """The editions and the approval verdict, as ``infostd release`` prints them."""
    lines = [
        f"发布日期 {record.date}，文号 {record.document or '（未给出，正式发布时须用 --document）'}"
    ]
    for e in record.editions:
        replaces = f"，代替 {e.replaces}" if e.replaces else ""
        lines.append(f"  {e.action} {e.number} {e.title}（实施日期 {e.effective}{replaces}）")
    if missing:
        lines.append(f"缺少 {len(missing)} 项批准，不能发布：")
        lines += [f"  {m}" for m in missing]
    else:
        used = "、".join(record.requests) or "无"
        lines.append(f"所需批准齐全（变更申请：{used}）。")
    return "\n".join(lines)
