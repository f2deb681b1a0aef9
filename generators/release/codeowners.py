"""``.github/CODEOWNERS`` from each standard's ``owner`` and ``reviewers``.

Department codes become team handles through ``[tool.infostd.teams]`` in
pyproject.toml (``FW01 = "@corp/legal"``). With branch protection requiring
code-owner review, a change to a standard cannot merge without every
department listed in its front matter. Generated, never edited by hand:
``infostd check`` fails when the file drifts from the standards.
"""

from __future__ import annotations

import re
from pathlib import Path

from ..config import Config
from ..errors import ProblemsError
from ..fsutil import atomic_write_text, is_current
from ..model import SCHEMA_SUFFIX, Catalog, Location, Standard, StandardError
from ..textsafe import shown
from . import gitlab

PATH = Path(".github") / "CODEOWNERS"
# A CODEOWNERS path token: printable, no "#" (a comment) and no line break.
PATH_RE = re.compile(r"/[^\x00-\x1f\x7f#\\\s]+(?: [^\x00-\x1f\x7f#\\\s]+)*")
HANDLE_RE = re.compile(r"^(@[A-Za-z0-9][\w.-]*(/[\w.-]+)?|[^@\s]+@[^@\s]+\.[^@\s]+)$")
HEADER = (
    "# 由 `infostd codeowners` 根据各标准的 owner 与 reviewers 生成，请勿手工编辑。\n"
    "# 部门代码与评审团队的对应关系见 pyproject.toml 的 [tool.infostd.teams]。\n"
    "# 分支保护开启“需要代码所有者评审”后，修改标准会自动请其归口部门与评审部门评审；\n"
    "# 注意 GitHub 规则：同一行的多个所有者中任一个批准即满足，各部门是否都已批准由\n"
    "# 合并请求模板的评审清单逐项确认（见 DESIGN.md“发布与评审”）。\n"
)


def target(config: Config) -> Path:
    return config.root / PATH


def enabled(config: Config) -> bool:
    """CODEOWNERS is managed only in projects that map departments to teams."""
    return bool(config.teams)


def render(catalog: Catalog, config: Config) -> str:
    """The file's text; every department without a team (or a malformed handle) is an error."""
    problems = _team_problems(config)
    lines = [HEADER]
    for standard in catalog.standards:
        departments = [d for d in [standard.owner, *standard.reviewers] if d]
        if not departments:
            continue
        missing = [d for d in departments if d not in config.teams]
        for code in missing:
            key = "owner" if code == standard.owner else "reviewers"
            problems.append(
                StandardError(
                    _front_line(catalog, standard, key),
                    f"部门 {code} 在 pyproject.toml [tool.infostd.teams] 中没有对应的评审团队"
                    f'（请加一行 {code} = "@组织/团队"，再运行 infostd prepare）',
                )
            )
        teams = list(dict.fromkeys(config.teams[d] for d in departments if d in config.teams))
        paths = [f"/{config.standards_dir}/{standard.path.as_posix()}"]
        paths += [f"/{config.schemas_dir}/{s.key}{SCHEMA_SUFFIX}" for s in standard.schemas]
        if bad := [p for p in paths if not PATH_RE.fullmatch(p)]:
            problems.append(
                StandardError(
                    Location(catalog.root / standard.path, 1),
                    f"路径 {shown(bad[0])!r} 含有换行、控制字符或 #，不能写入 CODEOWNERS",
                )
            )
            continue
        lines.append(f"\n# {_comment(f'{standard.id} {standard.title}')}\n")
        lines += [f"{_escape(p)} {' '.join(teams)}\n" for p in paths]
    if problems:
        raise ProblemsError(problems)
    return "".join(lines)


def write(catalog: Catalog, config: Config) -> Path:
    """``.github/CODEOWNERS`` and GitLab's ``.gitlab/CODEOWNERS`` (sections per department)."""
    path = target(config)
    text = render(catalog, config)
    atomic_write_text(path, text)
    atomic_write_text(gitlab.target(config), gitlab.render(catalog, config))
    return path


def check(catalog: Catalog, config: Config) -> None:
    """Raise when a committed file differs from what the standards say."""
    if not enabled(config):
        return
    files = [(target(config), render(catalog, config))]
    files.append((gitlab.target(config), gitlab.render(catalog, config)))
    stale = [
        StandardError(
            Location(path, 1), "与标准的 owner/reviewers 不一致，请运行：infostd codeowners"
        )
        for path, text in files
        if not is_current(path, text.encode("utf-8"))
    ]
    if stale:
        raise ProblemsError(stale)


def _team_problems(config: Config) -> list[StandardError]:
    return [
        StandardError(
            Location(config.root / "pyproject.toml", _teams_line(config, code)),
            f"[tool.infostd.teams] {code} = {handle!r} 不是团队或用户标识（应如 @org/team）",
        )
        for code, handle in config.teams.items()
        if not isinstance(handle, str) or not HANDLE_RE.fullmatch(handle)
    ]


def _teams_line(config: Config, code: str) -> int:
    """The line of ``code = …`` inside [tool.infostd.teams] (the table's line if not found)."""
    try:
        lines = (config.root / "pyproject.toml").read_text(encoding="utf-8").splitlines()
    except OSError:
        return 1
    table = next(
        (n for n, line in enumerate(lines, 1) if line.strip() == "[tool.infostd.teams]"), 1
    )
    for number in range(table + 1, len(lines) + 1):
        line = lines[number - 1].strip()
        if line.startswith("["):
            break
        if re.match(rf'^"?{re.escape(code)}"?\s*=', line):
            return number
    return table


def _front_line(catalog: Catalog, standard: Standard, key: str) -> Location:
    path = catalog.root / standard.path
    for number, line in enumerate(standard.source.splitlines()[: standard.body_line], start=1):
        if line.startswith(f"{key}:"):
            return Location(path, number)
    return Location(path, 1)


def _comment(text: str) -> str:
    """One comment line whatever a title holds: line breaks folded into spaces, other
    control characters shown escaped, so no text from a standard starts a live line."""
    return shown(" ".join(text.split()))


def _escape(path: str) -> str:
    return path.replace(" ", "\\ ")
