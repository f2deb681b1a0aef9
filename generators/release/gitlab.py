"""``.gitlab/CODEOWNERS`` for self-hosted GitLab: one section per reviewing department.

GitHub treats several owners on one line as "any one may approve". GitLab's sections
(``[法务部][1] @corp/legal``) are each required on their own, so a change to a standard
needs one approval from *every* department that owns or reviews it. Generated from the
same front matter and ``[tool.infostd.teams]`` as ``.github/CODEOWNERS`` (``infostd
codeowners`` writes both, ``infostd check`` checks both).
"""

from __future__ import annotations

import re
from pathlib import Path

from ..config import Config
from ..model import SCHEMA_SUFFIX, Catalog

PATH = Path(".gitlab") / "CODEOWNERS"
SECTION_RE = re.compile(r"^\[(?P<name>[^\[\]\n]+)\]\[(?P<count>\d+)\] (?P<owner>\S+)$")
HEADER = (
    "# 由 `infostd codeowners` 根据各标准的 owner 与 reviewers 生成，请勿手工编辑。\n"
    "# 每个部门一节（[部门][1]）：修改一份标准须经其归口部门与每个评审部门各一人批准\n"
    "#（GitLab 的各节分别要求批准；GitHub 的 .github/CODEOWNERS 做不到这一点）。\n"
)


def target(config: Config) -> Path:
    return config.root / PATH


def section_name(catalog: Catalog, code: str) -> str:
    """``法务部`` (the department's title); a title that could break the section syntax
    falls back to the code."""
    departments = catalog.codelists.get("department-code")
    entry = departments.by_code.get(code) if departments else None
    title = entry.title if entry else ""
    if title and re.fullmatch(r"[^\[\]\s#\\]+", title):
        return title
    return code


def render(catalog: Catalog, config: Config) -> str:
    """The file's text; departments without a team are reported by ``codeowners.render``."""
    paths: dict[str, list[str]] = {}
    for standard in sorted(catalog.standards, key=lambda s: s.id):
        files = [f"/{config.standards_dir}/{standard.path.as_posix()}"]
        files += [f"/{config.schemas_dir}/{s.key}{SCHEMA_SUFFIX}" for s in standard.schemas]
        for code in dict.fromkeys(d for d in [standard.owner, *standard.reviewers] if d):
            paths.setdefault(code, []).extend(files)
    lines = [HEADER]
    for code in sorted(paths):
        team = config.teams.get(code)
        if team is None:
            continue
        lines.append(f"\n[{section_name(catalog, code)}][1] {team}\n")
        lines += [f"{p.replace(' ', chr(92) + ' ')}\n" for p in paths[code]]
    return "".join(lines)
