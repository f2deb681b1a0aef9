"""Review and release through git: ``infostd diff`` and ``infostd release``.

``diff.py`` compares two catalogs (pure); ``changelog.py`` writes the
Keep a Changelog section; ``codeowners.py`` routes reviews; ``git.py`` holds
the git calls. This module ties them to refs: the old catalog is loaded by the
one loader from ``git archive`` of a ref in a temporary folder.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from dataclasses import dataclass
from pathlib import Path

from ..config import Config, load_config
from ..errors import InfostdError
from ..fsutil import atomic_write_text
from ..loader import CatalogError, load_catalog
from ..model import Catalog
from . import changelog, git
from .diff import Bump, Change, diff_catalogs, required_bump
from .git import FIRST_RELEASE, Version

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
        last = git.last_release(config.root, new_ref or "HEAD")
        old_ref = last.tag if last else None
    old = catalog_at(config, old_ref) if old_ref else empty_catalog()
    if new_ref is not None:
        new = catalog_at(config, new_ref)
    elif new is None:
        new = load_catalog(config=config)
    return Comparison(old_ref, new_ref, diff_catalogs(old, new))


@dataclass
class ReleasePlan:
    previous: Version | None
    version: Version
    comparison: Comparison
    changelog: str  # the whole new CHANGELOG.md
    section: str  # the new release's section

    @property
    def needed(self) -> bool:
        return self.comparison.bump != "none"


def ensure_clean(root: Path) -> None:
    dirty = git.dirty_files(root)
    if dirty:
        listed = "\n  ".join(dirty[:10]) + ("\n  …" if len(dirty) > 10 else "")
        raise ReleaseRefused(f"工作区有未提交的修改，拒绝发布（请先提交或还原）：\n  {listed}")


def plan_release(
    config: Config, catalog: Catalog, summary: str = "", date: dt.date | None = None
) -> ReleasePlan:
    """Next version and changelog from the diff since the last ``vX.Y.Z`` tag; writes nothing."""
    previous = git.last_release(config.root)
    comparison = compare(config, previous.tag if previous else None, new=catalog)
    version = previous.bumped(comparison.bump) if previous else FIRST_RELEASE
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
    return ReleasePlan(previous, version, comparison, full, section)


def apply_release(config: Config, plan: ReleasePlan) -> None:
    """Write CHANGELOG.md, commit it and tag that commit (annotated). On a failed commit
    the file is put back as it was."""
    root = config.root
    path = root / CHANGELOG
    before = path.read_text(encoding="utf-8") if path.is_file() else None
    if git.resolve_or_none(root, plan.version.tag):
        raise ReleaseRefused(f"标签 {plan.version.tag} 已存在")
    atomic_write_text(path, plan.changelog)
    try:
        git.git(root, "add", "--", CHANGELOG)
        git.git(root, "commit", "-q", "-m", f"发布 {plan.version.tag}", "--", CHANGELOG)
    except InfostdError:
        if before is None:
            path.unlink(missing_ok=True)
        else:
            atomic_write_text(path, before)
        git.git(root, "reset", "-q", "--", CHANGELOG)
        raise
    message = f"标准 {plan.version.tag}\n\n{plan.section}\n"
    git.git(
        root, "tag", "-a", plan.version.tag, "--cleanup=verbatim", "-F", "-", input=message.encode()
    )
