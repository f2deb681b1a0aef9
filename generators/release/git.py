"""The few git operations a release needs, each one `git` call with a Chinese error.

Reading an old version never touches the working tree: ``export`` writes the
files of a ref into a temporary folder (``git archive``), where the one loader
reads them like any checkout.
"""

from __future__ import annotations

import io
import re
import subprocess
import tarfile
from dataclasses import dataclass
from functools import total_ordering
from pathlib import Path

from ..errors import InfostdError

TAG_RE = re.compile(r"^v(\d+)\.(\d+)\.(\d+)$")


class GitError(InfostdError):
    """git refused or is missing: not a bug of ours, exit 2 with git's own words."""


@total_ordering
@dataclass(frozen=True)
class Version:
    major: int
    minor: int
    patch: int

    @classmethod
    def from_tag(cls, tag: str) -> Version | None:
        m = TAG_RE.match(tag)
        return cls(*map(int, m.groups())) if m else None

    @property
    def tag(self) -> str:
        return f"v{self}"

    def __str__(self) -> str:
        return f"{self.major}.{self.minor}.{self.patch}"

    def __lt__(self, other: Version) -> bool:
        return (self.major, self.minor, self.patch) < (other.major, other.minor, other.patch)

    def bumped(self, bump: str) -> Version:
        if bump == "major":
            return Version(self.major + 1, 0, 0)
        if bump == "minor":
            return Version(self.major, self.minor + 1, 0)
        if bump == "patch":
            return Version(self.major, self.minor, self.patch + 1)
        return self


FIRST_RELEASE = Version(1, 0, 0)


def git(root: Path, *args: str, input: bytes | None = None) -> str:
    """Run git in ``root``; its stdout as text, or GitError with its stderr."""
    done = _run(root, args, input)
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip() or f"退出码 {done.returncode}"
        raise GitError(f"git {' '.join(args)} 失败：{message}")
    return done.stdout.decode("utf-8", "replace")


def _run(root: Path, args: tuple[str, ...], input: bytes | None) -> subprocess.CompletedProcess:
    try:
        return subprocess.run(["git", *args], cwd=root, input=input, capture_output=True)
    except OSError as exc:
        raise GitError(f"无法运行 git：{exc}") from exc


def toplevel(root: Path) -> Path:
    try:
        return Path(git(root, "rev-parse", "--show-toplevel").strip())
    except GitError:
        raise GitError(f"{root} 不在 git 仓库中") from None


def resolve(root: Path, ref: str) -> str:
    """The commit a ref names; a clear error for a typo."""
    commit = resolve_or_none(root, ref)
    if commit is None:
        raise GitError(f"找不到 git 引用 {ref}（标签、分支或提交）")
    return commit


def resolve_or_none(root: Path, ref: str) -> str | None:
    done = _run(root, ("rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}"), None)
    return done.stdout.decode().strip() or None if done.returncode == 0 else None


def release_tags(root: Path, ref: str = "HEAD") -> list[Version]:
    """Every ``vX.Y.Z`` tag reachable from ``ref``, lowest first."""
    out = git(root, "tag", "--list", "v*", "--merged", ref)
    return sorted(v for line in out.splitlines() if (v := Version.from_tag(line.strip())))


def last_release(root: Path, ref: str = "HEAD") -> Version | None:
    tags = release_tags(root, ref)
    return tags[-1] if tags else None


def dirty_files(root: Path) -> list[str]:
    """Modified, staged or untracked (not ignored) files: ``git status --porcelain`` lines."""
    return [line for line in git(root, "status", "--porcelain").splitlines() if line.strip()]


def export(root: Path, ref: str, into: Path) -> Path:
    """Write the tree of ``ref`` into ``into``; returns the folder that corresponds to ``root``
    (the project may sit in a sub-folder of the repository)."""
    commit = resolve(root, ref)
    prefix = git(root, "rev-parse", "--show-prefix").strip()
    args = ["archive", "--format=tar", commit]
    if prefix:
        args += ["--", prefix]
    data = _run(toplevel(root), tuple(args), None)  # the prefix is relative to the top
    if data.returncode != 0:
        message = data.stderr.decode("utf-8", "replace").strip()
        raise GitError(f"无法导出 {ref}：{message}")
    with tarfile.open(fileobj=io.BytesIO(data.stdout)) as archive:
        archive.extractall(into, filter="data")
    project = into / prefix
    project.mkdir(parents=True, exist_ok=True)
    return project


BASE_BRANCHES = ("origin/main", "main", "origin/master", "master")


def base_branch(root: Path) -> str | None:
    """The branch changes are merged into: the first of BASE_BRANCHES that exists."""
    try:
        return next((b for b in BASE_BRANCHES if resolve_or_none(root, b)), None)
    except GitError:
        return None
