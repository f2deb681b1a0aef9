"""Approvals and release records: the committee's data in ``releases/``.

    releases/policy.yaml          who must approve what, notice period, publisher, contact
    releases/requests/*.yaml      one change request each, with its approvals (who, role,
                                  department, date, decision, opinion, 文号)
    releases/vX.Y.Z.yaml          one release record each (written by ``infostd release``):
                                  文号, date, the requests it used, one edition per standard

The release record is the source of the released version: a clone without tags
still knows it is at 1.0.0 (``version.py`` reads the file names). A project without
a ``releases/`` folder has no release process and none of these rules apply.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..config import Config
from ..errors import ProblemsError
from ..model import Catalog, Location, Standard, StandardError
from ..vocabulary import ID_PATTERN
from .git import TAG_RE, Version
from .yamldata import YamlProblem, read_yaml, schema_problems

FOLDER = "releases"
POLICY = "policy.yaml"
REQUESTS = "requests"
RECORD_RE = re.compile(r"^v(\d+)\.(\d+)\.(\d+)\.yaml$")
DATE = r"^\d{4}-\d{2}-\d{2}$"
APPROVING = ("同意", "修改后同意")
DECISIONS = [*APPROVING, "不同意"]
ACTIONS = {"发布": "released", "修订": "revised", "废止": "abolished"}
# Statuses that are published with an edition; drafts and 征求意见稿 are not released.
PUBLISHED_STATUSES = ("pilot", "released", "deprecated")
TRIGGERS = re.compile(r"^(always|policy|major|new|abolished|personal-information|department:\w+)$")
TRIGGER_WORDS = {
    "always": "每项变更",
    "policy": "管理制度",
    "major": "主版本变更",
    "new": "新标准",
    "abolished": "废止",
    "personal-information": "涉及个人信息",
}

_text = {"type": "string", "minLength": 1}
_date = {"type": "string", "pattern": DATE}
POLICY_SCHEMA: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "required": ["publisher", "notice_days", "contact", "bodies"],
    "properties": {
        "publisher": _text,
        "basis": _text,
        "notice_days": {"type": "integer", "minimum": 0, "maximum": 3650},
        "contact": _text,
        "bodies": {
            "type": "object",
            "minProperties": 1,
            "additionalProperties": {
                "type": "object",
                "additionalProperties": False,
                "required": ["when"],
                "properties": {
                    "when": {
                        "type": "array",
                        "minItems": 1,
                        "items": {"type": "string", "pattern": TRIGGERS.pattern},
                    },
                    "description": _text,
                },
            },
        },
    },
}
APPROVAL_SCHEMA: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "required": ["body", "name", "role", "department", "date", "decision"],
    "properties": {
        "body": _text,
        "name": _text,
        "role": _text,
        "department": _text,
        "date": _date,
        "decision": {"enum": DECISIONS},
        "opinion": {"type": "string"},
        "document": _text,
    },
}
REQUEST_SCHEMA: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "required": ["id", "title", "standards", "approvals"],
    "properties": {
        "id": {"type": "string", "pattern": r"^[A-Z][A-Z0-9]*(-[A-Z0-9]+)+$"},
        "title": _text,
        "example": {"type": "boolean"},
        "description": {"type": "string"},
        "standards": {
            "oneOf": [
                {"const": "all"},
                {
                    "type": "array",
                    "minItems": 1,
                    "items": {"type": "string", "pattern": ID_PATTERN},
                },
            ]
        },
        "approvals": {"type": "array", "minItems": 1, "items": APPROVAL_SCHEMA},
    },
}
EDITION_SCHEMA: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "required": ["id", "title", "number", "action", "status", "bump", "published", "effective"],
    "properties": {
        "id": {"type": "string", "pattern": ID_PATTERN},
        "title": _text,
        "number": _text,
        "action": {"enum": list(ACTIONS)},
        "status": {"enum": list(PUBLISHED_STATUSES)},
        "bump": {"enum": ["major", "minor", "patch"]},
        "published": _date,
        "effective": _date,
        "replaces": {"type": ["string", "null"]},
        "changes": {"type": "array", "items": {"type": "string"}},
    },
}
RECORD_SCHEMA: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "required": ["version", "date", "document", "title", "requests", "editions"],
    "properties": {
        "version": {"type": "string", "pattern": r"^\d+\.\d+\.\d+$"},
        "date": _date,
        "document": _text,
        "title": _text,
        "summary": {"type": "string"},
        "requests": {"type": "array", "items": {"type": "string"}},
        "editions": {"type": "array", "minItems": 1, "items": EDITION_SCHEMA},
    },
}


@dataclass(frozen=True)
class Policy:
    publisher: str
    notice_days: int
    contact: str
    bodies: dict[str, list[str]]  # approving body → triggers
    basis: str = ""
    location: Location | None = None


DEFAULT_POLICY = Policy(
    publisher="", notice_days=30, contact="", bodies={"专项小组": ["always"]}, basis=""
)


@dataclass(frozen=True)
class Approval:
    body: str
    name: str
    role: str
    department: str
    date: dt.date
    decision: str
    opinion: str
    document: str
    location: Location

    @property
    def approves(self) -> bool:
        return self.decision in APPROVING


@dataclass
class ChangeRequest:
    id: str
    title: str
    standards: list[str] | None  # None: every standard the release changes
    approvals: list[Approval]
    example: bool
    location: Location
    description: str = ""

    def covers(self, standard_id: str) -> bool:
        return self.standards is None or standard_id in self.standards


@dataclass(frozen=True)
class Edition:
    id: str
    title: str
    number: str  # Q/XXX IMS-DS-001—2026
    action: str  # 发布 / 修订 / 废止
    status: str
    bump: str
    published: dt.date
    effective: dt.date
    replaces: str | None = None
    changes: tuple[str, ...] = ()

    def as_data(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "number": self.number,
            "action": self.action,
            "status": self.status,
            "bump": self.bump,
            "published": self.published.isoformat(),
            "effective": self.effective.isoformat(),
            "replaces": self.replaces,
            "changes": list(self.changes),
        }


@dataclass
class Release:
    version: Version
    date: dt.date
    document: str  # 文号 of the release notice
    title: str
    requests: list[str]
    editions: list[Edition]
    summary: str = ""
    location: Location | None = None

    def as_data(self) -> dict[str, Any]:
        return {
            "version": str(self.version),
            "date": self.date.isoformat(),
            "document": self.document,
            "title": self.title,
            "summary": self.summary,
            "requests": list(self.requests),
            "editions": [e.as_data() for e in self.editions],
        }

    def edition(self, standard_id: str) -> Edition | None:
        return next((e for e in self.editions if e.id == standard_id), None)


@dataclass
class Releases:
    """Everything in ``releases/``; ``enabled`` is False when the folder does not exist."""

    enabled: bool = False
    policy: Policy = DEFAULT_POLICY
    requests: dict[str, ChangeRequest] = field(default_factory=dict)
    releases: list[Release] = field(default_factory=list)  # oldest first

    @property
    def latest(self) -> Release | None:
        return self.releases[-1] if self.releases else None

    @property
    def open_requests(self) -> list[ChangeRequest]:
        used = {r for release in self.releases for r in release.requests}
        return [cr for key, cr in sorted(self.requests.items()) if key not in used]

    def editions_of(self, standard_id: str) -> list[tuple[Release, Edition]]:
        """Every edition of one standard, oldest first."""
        return [(r, e) for r in self.releases if (e := r.edition(standard_id))]

    def current(self, standard_id: str) -> tuple[Release, Edition] | None:
        editions = self.editions_of(standard_id)
        return editions[-1] if editions else None


def folder(config: Config) -> Path:
    return config.root / FOLDER


def _date(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def load_releases(config: Config) -> Releases:
    """Read ``releases/``; every problem located (``ProblemsError``)."""
    base = folder(config)
    if not base.is_dir():
        return Releases()
    problems: list[StandardError] = []
    out = Releases(enabled=True)
    policy = _read(base / POLICY, POLICY_SCHEMA, problems, required=True)
    if policy is not None:
        data, lines, path = policy
        dates_ok = not _date_problems(data, lines, path, problems)
        if dates_ok:
            out.policy = Policy(
                publisher=data["publisher"],
                notice_days=data["notice_days"],
                contact=data["contact"],
                bodies={name: list(b["when"]) for name, b in data["bodies"].items()},
                basis=data.get("basis", ""),
                location=Location(path, 1),
            )
    for path in sorted((base / REQUESTS).glob("*.yaml")) if (base / REQUESTS).is_dir() else []:
        read = _read(path, REQUEST_SCHEMA, problems)
        if read is None or _date_problems(*read, problems):
            continue
        request = _request(*read)
        if request.id in out.requests:
            problems.append(StandardError(request.location, f"变更申请编号 {request.id} 重复"))
        out.requests[request.id] = request
    for path in sorted(base.glob("*.yaml")):
        if path.name == POLICY:
            continue
        if not RECORD_RE.match(path.name):
            problems.append(
                StandardError(Location(path, 1), "releases/ 中只能有 policy.yaml 和 vX.Y.Z.yaml")
            )
            continue
        read = _read(path, RECORD_SCHEMA, problems)
        if read is None or _date_problems(*read, problems):
            continue
        release = _release(*read)
        if release.version.tag != "v" + path.stem.removeprefix("v"):
            problems.append(
                StandardError(
                    Location(path, read[1].get(("version",), 1)),
                    f"版本 {release.version} 与文件名 {path.name} 不一致",
                )
            )
        out.releases.append(release)
    out.releases.sort(key=lambda r: r.version)
    if problems:
        raise ProblemsError(problems)
    return out


def _read(path: Path, schema: dict, problems: list, required: bool = False):
    if not path.is_file():
        if required:
            problems.append(StandardError(Location(path, 1), "缺少发布规则文件"))
        return None
    try:
        data, lines = read_yaml(path)
    except YamlProblem as exc:
        problems.append(exc.error)
        return None
    found = schema_problems(data, lines, schema, path)
    problems.extend(found)
    return None if found else (data, lines, path)


def _date_problems(data: Any, lines: dict, path: Path, problems: list) -> bool:
    """Text that looks like a date but is not one (2026-02-30) is a located problem."""
    found = False

    def walk(value: Any, at: tuple) -> None:
        nonlocal found
        if isinstance(value, dict):
            for k, v in value.items():
                walk(v, (*at, k))
        elif isinstance(value, list):
            for i, v in enumerate(value):
                walk(v, (*at, i))
        elif isinstance(value, str) and re.match(DATE, value):
            try:
                _date(value)
            except ValueError:
                found = True
                where = Location(path, lines.get(at, 1))
                problems.append(StandardError(where, f"{value} 不是有效日期"))

    walk(data, ())
    return found


def _request(data: dict, lines: dict, path: Path) -> ChangeRequest:
    approvals = [
        Approval(
            body=a["body"],
            name=a["name"],
            role=a["role"],
            department=a["department"],
            date=_date(a["date"]),
            decision=a["decision"],
            opinion=a.get("opinion", ""),
            document=a.get("document", ""),
            location=Location(path, lines.get(("approvals", i), 1)),
        )
        for i, a in enumerate(data["approvals"])
    ]
    standards = data["standards"]
    return ChangeRequest(
        id=data["id"],
        title=data["title"],
        standards=None if standards == "all" else list(standards),
        approvals=approvals,
        example=bool(data.get("example", False)),
        location=Location(path, lines.get(("id",), 1)),
        description=data.get("description", ""),
    )


def _release(data: dict, lines: dict, path: Path) -> Release:
    major, minor, patch = map(int, data["version"].split("."))
    return Release(
        version=Version(major, minor, patch),
        date=_date(data["date"]),
        document=data["document"],
        title=data["title"],
        summary=data.get("summary", ""),
        requests=list(data["requests"]),
        editions=[
            Edition(
                id=e["id"],
                title=e["title"],
                number=e["number"],
                action=e["action"],
                status=e["status"],
                bump=e["bump"],
                published=_date(e["published"]),
                effective=_date(e["effective"]),
                replaces=e.get("replaces"),
                changes=tuple(e.get("changes", [])),
            )
            for e in data["editions"]
        ],
        location=Location(path, 1),
    )


# ── what `infostd check` enforces ─────────────────────────────────────────
def check(catalog: Catalog, config: Config) -> Releases:
    """Records consistent with each other and with the catalog; statuses follow releases."""
    releases = load_releases(config)
    if not releases.enabled:
        return releases
    problems: list[StandardError] = []
    ids = {s.id for s in catalog.standards}
    departments = catalog.codelists.get("department-code")
    bodies = releases.policy.bodies
    for body, triggers in bodies.items():
        for trigger in triggers:
            code = trigger.removeprefix("department:")
            if code != trigger and departments and departments.normalise(code) != code:
                where = releases.policy.location or Location(folder(config) / POLICY, 1)
                problems.append(StandardError(where, f"{body}：部门代码 {code} 不在部门代码表中"))
    released_ids = {e.id for r in releases.releases for e in r.editions}
    for request in releases.requests.values():
        for sid in request.standards or []:
            if sid not in ids and sid not in released_ids:
                problems.append(StandardError(request.location, f"没有编号为 {sid} 的标准"))
        for approval in request.approvals:
            if approval.body not in bodies:
                known = "、".join(bodies)
                problems.append(
                    StandardError(
                        approval.location,
                        f"评审机构 {approval.body} 未在 policy.yaml 中定义（{known}）",
                    )
                )
            if departments and departments.normalise(approval.department) != approval.department:
                problems.append(
                    StandardError(
                        approval.location, f"部门代码 {approval.department} 不在部门代码表中"
                    )
                )
    used: dict[str, Version] = {}
    for release in releases.releases:
        where = release.location or Location(folder(config), 1)
        for key in release.requests:
            if key not in releases.requests:
                problems.append(
                    StandardError(where, f"变更申请 {key} 不存在（releases/requests/）")
                )
            elif key in used:
                problems.append(
                    StandardError(where, f"变更申请 {key} 已用于 v{used[key]}，不能再次使用")
                )
            used[key] = release.version
        seen = [e.id for e in release.editions]
        for sid in {s for s in seen if seen.count(s) > 1}:
            problems.append(StandardError(where, f"{sid} 在同一发布中有多个版次"))
    problems += status_problems(catalog, releases)
    if problems:
        raise ProblemsError(problems)
    return releases


def status_problems(catalog: Catalog, releases: Releases) -> list[StandardError]:
    """正式施行 only with an edition (or an open request that will give it one)."""
    open_requests = releases.open_requests
    problems = []
    for standard in catalog.standards:
        if standard.status != "released":
            continue
        current = releases.current(standard.id)
        if current and current[1].action != "废止":
            continue
        if any(cr.covers(standard.id) for cr in open_requests):
            continue  # approved, waiting for `infostd release`
        where = Location(catalog.root / standard.path, _status_line(standard))
        problems.append(
            StandardError(
                where,
                f"{standard.id} 状态为正式施行（released），但没有任何发布包含它；"
                "请在 releases/requests/ 登记批准后运行 infostd release，或改为 draft/comment/pilot",
            )
        )
    return problems


def _status_line(standard: Standard) -> int:
    for number, line in enumerate(standard.source.splitlines()[: standard.body_line], start=1):
        if line.startswith("status:"):
            return number
    return 1


def record_versions(root: Path) -> list[Version]:
    """The versions of the committed release records, from their file names (cheap: no YAML)."""
    base = root / FOLDER
    if not base.is_dir():
        return []
    found = []
    for path in base.glob("v*.yaml"):
        match = TAG_RE.match(path.name.removesuffix(".yaml"))
        if match:
            found.append(Version(*map(int, match.groups())))
    return sorted(found)
