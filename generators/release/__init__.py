"""Review and release through git: ``infostd diff`` and ``infostd release``.

``diff.py`` compares two catalogs (pure); ``changelog.py`` writes the
Keep a Changelog section; ``codeowners.py`` routes reviews; ``git.py`` holds
the git calls. This module ties them to refs: the old catalog is loaded by the
one loader from ``git archive`` of a ref in a temporary folder.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from ..config import Config, load_config
from ..errors import InfostdError
from ..fsutil import atomic_write_text
from ..loader import CatalogError, load_catalog
from ..model import Catalog
from . import changelog, editions, git, records
from .diff import Bump, Change, diff_catalogs, required_bump
from .git import FIRST_RELEASE, Version
from .records import Release, Releases

CHANGELOG = "CHANGELOG.md"
WORKTREE = "工作区"


class ReleaseRefused(InfostdError):
    """The repository is not in a state to release from (exit 1, as for a failing check)."""

    exit_code = 1


@dataclass
class Comparison:
    old_ref: str | None  # None: nothing released yet, compared with an empty catalog
    new_ref: str | None  # None: the working tree
    changes: list[Change]
    # the two catalogs compared (the html report renders them before and after)
    old: Catalog | None = field(default=None, repr=False)
    new: Catalog | None = field(default=None, repr=False)

    @property
    def bump(self) -> Bump:
        return required_bump(self.changes)

    def as_json(self) -> dict:
        return {
            "from": self.old_ref,
            "to": self.new_ref or WORKTREE,
            "bump": self.bump,
            "changes": [c.as_json() for c in self.changes],
        }


def empty_catalog() -> Catalog:
    return Catalog(root=Path(), base_url="", standards=[], schemas={})


def catalog_at(config: Config, ref: str) -> Catalog:
    """The catalog as of ``ref``, loaded by the one loader from an export of that commit."""
    with tempfile.TemporaryDirectory(prefix="infostd-ref-") as tmp:
        project = git.export(config.root, ref, Path(tmp))
        old_config = load_config(project)
        if not old_config.standards.is_dir():
            return empty_catalog()  # the standards did not exist yet at that ref
        try:
            return load_catalog(config=old_config)
        except CatalogError as exc:
            first = str(exc.problems[0]).replace(str(project) + "/", "")
            raise InfostdError(
                f"{ref} 中的标准无法加载（{len(exc.problems)} 个问题，首个：{ref}:{first}）"
            ) from None


def compare(
    config: Config,
    old_ref: str | None = None,
    new_ref: str | None = None,
    new: Catalog | None = None,
) -> Comparison:
    """Changes from ``old_ref`` (default: the last release tag) to ``new_ref`` (default:
    the working tree, or ``new`` when the caller has loaded it already)."""
    if old_ref is None:
        old_ref = previous_release(config, new_ref or "HEAD")[1]
    old = catalog_at(config, old_ref) if old_ref else empty_catalog()
    if new_ref is not None:
        new = catalog_at(config, new_ref)
    elif new is None:
        new = load_catalog(config=config)
    return Comparison(old_ref, new_ref, diff_catalogs(old, new), old, new)


def review_base(config: Config) -> str | None:
    """What ``infostd diff`` compares with by default: the last release, or — before the
    first release — the base branch (``origin/main`` or ``main``), so a review lists the
    change, not the whole catalog. None when there is neither."""
    released = previous_release(config)[1]
    return released or git.base_branch(config.root)


def previous_release(config: Config, ref: str = "HEAD") -> tuple[Version | None, str | None]:
    """The last release and a ref to its commit: the highest ``vX.Y.Z`` tag, or — in a clone
    without tags — the commit that added the newest release record (``releases/vX.Y.Z.yaml``)."""
    tagged = git.last_release(config.root, ref)
    recorded = records.record_versions(config.root)
    if recorded and (tagged is None or recorded[-1] > tagged):
        path = f"{records.FOLDER}/{recorded[-1].tag}.yaml"
        commit = git.git(config.root, "log", "-1", "--format=%H", ref, "--", path).strip()
        if commit:
            return recorded[-1], commit
    return tagged, tagged.tag if tagged else None


@dataclass
class ReleasePlan:
    previous: Version | None
    version: Version
    comparison: Comparison
    changelog: str  # the whole new CHANGELOG.md
    section: str  # the new release's section
    record: Release | None = None  # releases/vX.Y.Z.yaml, when the project keeps releases/
    missing: list[editions.Missing] | None = None  # approvals the policy requires, absent

    @property
    def needed(self) -> bool:
        return self.comparison.bump != "none"


def ensure_clean(root: Path) -> None:
    dirty = git.dirty_files(root)
    if dirty:
        listed = "\n  ".join(dirty[:10]) + ("\n  …" if len(dirty) > 10 else "")
        raise ReleaseRefused(f"工作区有未提交的修改，拒绝发布（请先提交或还原）：\n  {listed}")


def plan_release(
    config: Config,
    catalog: Catalog,
    summary: str = "",
    date: dt.date | None = None,
    effective: dt.date | None = None,
    document: str = "",
    title: str = "",
) -> ReleasePlan:
    """Next version, changelog, editions and missing approvals from the diff since the last
    release; writes nothing."""
    previous, previous_ref = previous_release(config)
    old = catalog_at(config, previous_ref) if previous_ref else empty_catalog()
    comparison = Comparison(previous_ref, None, diff_catalogs(old, catalog))
    version = previous.bumped(comparison.bump) if previous else FIRST_RELEASE
    date = date or dt.date.today()
    path = config.root / CHANGELOG
    text = path.read_text(encoding="utf-8") if path.is_file() else ""
    full, section = changelog.released(
        text,
        version,
        (date or dt.date.today()).isoformat(),
        previous,
        comparison.bump,
        comparison.changes,
        summary,
        config.repo_url,
    )
    plan = ReleasePlan(previous, version, comparison, full, section)
    known = records.load_releases(config)
    if known.enabled and plan.needed:
        plan.record, plan.missing = _record(
            config, known, old, catalog, plan, date, effective, document, title, summary
        )
    return plan


def _record(
    config: Config,
    known: Releases,
    old: Catalog,
    new: Catalog,
    plan: ReleasePlan,
    date: dt.date,
    effective: dt.date | None,
    document: str,
    title: str,
    summary: str,
) -> tuple[Release, list[editions.Missing]]:
    items = editions.subjects(old, new, plan.comparison.changes, known)
    requests = known.open_requests
    missing = editions.missing_approvals(items, known.policy, requests, date)
    record = Release(
        version=plan.version,
        date=date,
        document=document,
        title=title or f"关于发布企业信息管理标准 {plan.version.tag} 的通知",
        requests=editions.used_requests(items, requests),
        editions=editions.editions(items, config.standard_prefix, known.policy, date, effective),
        summary=summary,
    )
    return record, missing


def record_path(config: Config, version: Version) -> Path:
    return records.folder(config) / f"{version.tag}.yaml"


def record_text(record: Release) -> str:
    import yaml

    head = "# 发布记录：由 infostd release 写入，请勿手工修改（版本号、版次与日期的来源）。\n"
    return head + yaml.safe_dump(record.as_data(), allow_unicode=True, sort_keys=False, width=1000)


def apply_release(config: Config, plan: ReleasePlan) -> None:
    """Write CHANGELOG.md, commit it and tag that commit (annotated). On a failed commit
    the file is put back as it was."""
    root = config.root
    path = root / CHANGELOG
    before = path.read_text(encoding="utf-8") if path.is_file() else None
    if git.resolve_or_none(root, plan.version.tag):
        raise ReleaseRefused(f"标签 {plan.version.tag} 已存在")
    if plan.missing:
        raise ReleaseRefused(
            "以下标准缺少发布所需的批准（请在 releases/requests/ 中登记）：\n  "
            + "\n  ".join(map(str, plan.missing))
        )
    files = [CHANGELOG]
    record = record_path(config, plan.version) if plan.record else None
    if record is not None:
        if not plan.record.document:
            raise ReleaseRefused("发布通知须有文号：请用 --document 给出（如 信管发〔2026〕1号）")
        atomic_write_text(record, record_text(plan.record))
        files.append(record.relative_to(root).as_posix())
    atomic_write_text(path, plan.changelog)
    try:
        git.git(root, "add", "--", *files)
        git.git(root, "commit", "-q", "-m", f"发布 {plan.version.tag}", "--", *files)
    except InfostdError:
        if before is None:
            path.unlink(missing_ok=True)
        else:
            atomic_write_text(path, before)
        if record is not None:
            record.unlink(missing_ok=True)
        git.git(root, "reset", "-q", "--", *files)
        raise
    message = f"标准 {plan.version.tag}\n\n{plan.section}\n"
    git.git(
        root, "tag", "-a", plan.version.tag, "--cleanup=verbatim", "-F", "-", input=message.encode()
    )
