"""Generated pages and static files of the portal: a small registry.

A generated page is a path in the site's source tree plus a function
``PortalContext → Markdown``; a static file is a path in the site plus a file
on disk (CSS and JS are linked from every page). Other generators add to the
registry with ``register_page`` / ``register_static`` at import time (the
in-browser validator does), and the site generator takes whatever is there.
Nothing here knows mkdocs.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal
from urllib.parse import quote, urlencode

from ..model import Catalog, Standard
from .diagrams import LIBRARY, PHONE_SCRIPT
from .downloads import (
    CHECKSUMS,
    SQL_DDL,
    Artifact,
    human_size,
    list_artifacts,
    validator_downloads,
)
from .render import KIND_LABELS, STATUS_LABELS, department_label, md_text

ASSETS = Path(__file__).parent / "assets"
FEEDBACK_FORM = "pilot-feedback.yml"  # .github/ISSUE_TEMPLATE/, fields "standard", "version"


@dataclass
class PortalContext:
    """What page functions may read: the catalog and the few facts of this build."""

    catalog: Catalog
    root: Path  # the project (where pyproject.toml and CHANGELOG.md are)
    version: str
    downloads: Path | None = None  # the build's downloads/ folder, when there is one
    repo_url: str = ""
    feedback: str = ""  # [tool.infostd] feedback
    last_changes: dict[Path, str] = field(default_factory=dict)
    # changes since the last release, per standard id, in words (portal/releases.unreleased)
    unreleased: dict[str, list[str]] = field(default_factory=dict)
    released: str = ""  # the last release's version ("1.0.0"), when there is one

    @property
    def artifacts(self) -> list[Artifact]:
        return list_artifacts(self.downloads)

    def last_change(self, standard: Standard) -> str | None:
        return self.last_changes.get((self.catalog.root / standard.path).resolve())

    def feedback_url(self, standard: Standard) -> str | None:
        """Where a reader reports a problem with this standard, the standard and page filled
        in: the configured ``feedback`` channel (a mail or an intranet tracker: staff need
        no Git account), else the repository's issue form (GitHub issue forms take field ids
        as query parameters), else nothing."""
        if self.feedback:
            return feedback_link(self.feedback, standard, self.version)
        if not self.repo_url:
            return None
        params = {"title": f"[试点反馈] {standard.id} {standard.title}"}
        if (self.root / ".github" / "ISSUE_TEMPLATE" / FEEDBACK_FORM).is_file():
            params = {"template": FEEDBACK_FORM, **params, "standard": standard.id}
            params["version"] = self.version
        return f"{self.repo_url.rstrip('/')}/issues/new?{urlencode(params)}"

    def has_page(self, path: str) -> bool:
        return (self.catalog.root / path).is_file()


def page_path(standard: Standard) -> str:
    """The standard's page in the site, as readers see it in the address bar."""
    path = standard.path.as_posix().removesuffix(".md")
    return "" if path == "index" else path.removesuffix("/index") + "/"


def feedback_link(channel: str, standard: Standard, version: str) -> str:
    """A ``mailto:`` with subject and body prefilled, or a tracker URL with ``{standard}``,
    ``{title}``, ``{version}``, ``{page}`` replaced (URL-encoded)."""
    subject = f"[标准反馈] {standard.id} {standard.title}"
    if channel.startswith("mailto:"):
        body = (
            f"标准：{standard.id} {standard.title}\n页面：{page_path(standard)}\n"
            f"版本：{version}\n\n问题或建议：\n"
        )
        return f"{channel}?{urlencode({'subject': subject, 'body': body}, quote_via=quote)}"
    values = {
        "standard": standard.id,
        "title": standard.title,
        "version": version,
        "page": page_path(standard),
    }
    return re.sub(
        r"\{(standard|title|version|page)\}", lambda m: quote(values[m.group(1)], safe=""), channel
    )


@dataclass(frozen=True)
class GeneratedPage:
    path: str  # in the site's source tree, e.g. "catalog/codelists.md"
    title: str
    render: Callable[[PortalContext], str]
    section: str = "总览"  # navigation section
    when: Callable[[PortalContext], bool] = lambda ctx: True


@dataclass(frozen=True)
class StaticFile:
    path: str  # in the site, e.g. "assets/infostd/portal.css"
    source: Path | None = None
    link: Literal["css", "js", None] = None  # linked from every page
    # Generated from the catalog instead of copied from ``source`` (e.g. the validator module).
    content: Callable[[PortalContext], str] | None = None


PAGES: list[GeneratedPage] = []
STATIC_FILES: list[StaticFile] = []
# Families of pages whose paths depend on the catalog (one 填写卡 per record).
PAGE_SOURCES: list[Callable[[PortalContext], list[GeneratedPage]]] = []


def register_page(page: GeneratedPage) -> None:
    if any(p.path == page.path for p in PAGES):
        raise ValueError(f"generated page {page.path} registered twice")
    PAGES.append(page)


def register_pages(source: Callable[[PortalContext], list[GeneratedPage]]) -> None:
    """A family of pages computed per build (their paths depend on the catalog)."""
    PAGE_SOURCES.append(source)


def all_pages(ctx: PortalContext) -> list[GeneratedPage]:
    """The registered pages and the families' pages of this build, each only when wanted."""
    pages = [*PAGES, *(p for source in PAGE_SOURCES for p in source(ctx))]
    return [p for p in pages if p.when(ctx)]


def register_static(static: StaticFile) -> None:
    if any(s.path == static.path for s in STATIC_FILES):
        raise ValueError(f"static file {static.path} registered twice")
    STATIC_FILES.append(static)


def md_link(from_page: str, target: str, text: str) -> str:
    """A Markdown link between two source paths (the site generator checks and rewrites it)."""
    href = posixpath.relpath(target, posixpath.dirname(from_page) or ".")
    return f"[{md_text(text)}]({href})"


def _standard_link(from_page: str, standard: Standard) -> str:
    return md_link(from_page, standard.path.as_posix(), standard.title)


# ── the built-in pages ─────────────────────────────────────────────────────
HOME = "index.md"
CODELISTS = "catalog/codelists.md"
CLASSIFICATION = "catalog/classification.md"
RESPONSIBILITY = "catalog/responsibility.md"
DOWNLOADS_PAGE = "catalog/downloads.md"
CHANGELOG = "catalog/changelog.md"
VALIDATOR_PAGE = "tools/validator.md"  # registered by generators/portal/validator.py


def home_page(ctx: PortalContext) -> str:
    """Used only when the standards have no index.md of their own."""
    lines = [
        "# 企业信息管理标准门户",
        "",
        "本门户发布公司的信息管理标准：管理制度、数据标准和代码表，内容由标准库自动生成，"
        "与 Excel 模板和校验工具始终一致。",
        "",
        "- 按左侧导航或页面顶部的搜索框查找标准；"
        + md_link(HOME, CLASSIFICATION, "分类导航")
        + "按信息类别列出全部标准。",
        "- 批量录入时，在数据标准页面点击“下载模板”，按模板说明填写。",
        "- 填好的文件用校验工具检查：`infostd validate 文件.xlsx`，或下载"
        + md_link(HOME, DOWNLOADS_PAGE, "下载")
        + "页面中的校验代码，或在"
        + md_link(HOME, VALIDATOR_PAGE, "在线校验")
        + "页面直接检查（文件不会离开浏览器）。",
    ]
    return "\n".join(lines) + "\n"


def codelists_page(ctx: PortalContext) -> str:
    from .render import codelist_table

    lines = ["# 代码表总览", ""]
    catalog = ctx.catalog
    for key in sorted(catalog.codelists, key=lambda k: catalog.standard_of(catalog.schemas[k]).id):
        codelist = catalog.codelists[key]
        standard = catalog.standard_of(catalog.schemas[key])
        files = [
            md_link(CODELISTS, f"downloads/codelists/{key}{suffix}", label)
            for suffix, label in ((".xlsx", "Excel"), (".csv", "CSV"))
            if ctx.downloads is not None and (ctx.downloads / f"codelists/{key}{suffix}").is_file()
        ]
        lines += [
            f"## {md_text(codelist.title)} {{#{key}}}",
            "",
            f"共 {len(codelist.entries)} 项，定义于"
            + _standard_link(CODELISTS, standard)
            + "。"
            + (f"下载：{'、'.join(files)}。" if files else ""),
            "",
            codelist_table(codelist),
            "",
        ]
    return "\n".join(lines)


def by_id(standards: Iterable[Standard]) -> list[Standard]:
    """Reading order: by standard id (IMS-PL-001 before IMS-PL-004), not by file name."""
    return sorted(standards, key=lambda s: s.id)


def _standards_by_category(catalog: Catalog) -> dict[str, list[Standard]]:
    grouped: dict[str, list[Standard]] = {}
    for standard in by_id(catalog.standards):
        if standard.category:
            grouped.setdefault(standard.category, []).append(standard)
    return grouped


def classification_page(ctx: PortalContext) -> str:
    catalog = ctx.catalog
    tree = catalog.codelists.get("info-category")
    grouped = _standards_by_category(catalog)
    lines = ["# 分类导航", "", "按信息分类代码表列出全部标准。", ""]
    if tree is None:
        return "\n".join(lines + ["标准库中没有信息分类代码表。", ""])
    children: dict[str | None, list[str]] = {}
    for entry in tree.entries:
        parent = entry.parent if entry.parent in tree.by_code else None
        children.setdefault(parent, []).append(entry.code)

    def walk(code: str, depth: int) -> None:
        indent = "    " * depth
        lines.append(f"{indent}- **{md_text(tree.label(code))}**")
        for standard in grouped.get(code, []):
            lines.append(
                f"{indent}    - {_standard_link(CLASSIFICATION, standard)} `{standard.id}`"
            )
        for child in children.get(code, []):
            walk(child, depth + 1)

    for top in children.get(None, []):
        walk(top, 0)
    unknown = [s for code, group in grouped.items() if code not in tree.by_code for s in group]
    if unknown:
        lines += ["", "## 未归类", ""]
        lines += [f"- {_standard_link(CLASSIFICATION, s)} `{s.id}`" for s in unknown]
    return "\n".join(lines) + "\n"


def responsibility_page(ctx: PortalContext) -> str:
    catalog = ctx.catalog
    standards = by_id(s for s in catalog.standards if s.owner)
    codes: list[str] = []
    for s in standards:
        for code in [s.owner, *s.reviewers]:
            if code not in codes:
                codes.append(code)
    departments = catalog.codelists.get("department-code")
    if departments:
        codes.sort(key=lambda c: departments.codes.index(c) if c in departments.by_code else 10**6)
    lines = [
        "# 职责矩阵",
        "",
        "每份标准由**归口部门**负责制定、维护和数据质量；**评审部门**参与评审。"
        "标准的任何变更须经归口部门和全部评审部门批准后发布。",
        "",
        '<div class="infostd-matrix" markdown>',
        "",
        "| 标准 | 编号 | "
        + " | ".join(md_text(department_label(catalog, c)) for c in codes)
        + " |",
        "| --- | --- | " + " | ".join("---" for _ in codes) + " |",
    ]
    for s in standards:
        cells = [
            "归口·批准" if c == s.owner else "评审·批准" if c in s.reviewers else "" for c in codes
        ]
        lines.append(
            f"| {_standard_link(RESPONSIBILITY, s)} | `{s.id}` | " + " | ".join(cells) + " |"
        )
    lines += ["", "</div>", "", "## 按部门", ""]
    for code in codes:
        owned = [s for s in standards if s.owner == code]
        reviewed = [s for s in standards if code in s.reviewers]
        lines.append(f"### {md_text(department_label(catalog, code))}")
        lines.append("")
        if owned:
            lines.append("- 负责：" + "、".join(_standard_link(RESPONSIBILITY, s) for s in owned))
        if reviewed:
            lines.append(
                "- 评审：" + "、".join(_standard_link(RESPONSIBILITY, s) for s in reviewed)
            )
        lines.append("")
    return "\n".join(lines)


def _download(path: str, text: str, artifacts: dict[str, Artifact]) -> str:
    """A link to a file in downloads/ with its size, e.g. ``[客户信息模板](…)（12.3 KB）``."""
    size = f"（{human_size(artifacts[path].size)}）" if path in artifacts else ""
    return md_link(DOWNLOADS_PAGE, "downloads/" + path, text) + size


def downloads_page(ctx: PortalContext) -> str:
    """Tasks first: the Excel template of each record by its Chinese name and what it is
    for; the checking tools; the developer files (schemas, checksums) last, in their own
    section, the checksums folded away (a 64-character column wraps into a strip on phones)."""
    artifacts = {a.path: a for a in ctx.artifacts}
    lines = ["# 下载", ""]
    if not artifacts:
        return "\n".join(
            lines
            + [
                "本次构建没有下载物。运行 `infostd build` 生成 Excel 模板、校验代码和数据结构文件。",
                "",
            ]
        )
    catalog = ctx.catalog
    records = [s for s in catalog.records.values() if f"templates/{s.key}.xlsx" in artifacts]
    records.sort(key=lambda s: catalog.standard_of(s).id)
    lines += [
        f"版本 {md_text(ctx.version)} 的全部下载。填写台账时，先下载对应的 Excel 模板，"
        f"填好后在{md_link(DOWNLOADS_PAGE, VALIDATOR_PAGE, '在线校验')}页面检查。",
        "",
        "## Excel 模板",
        "",
    ]
    for schema in records:
        standard = catalog.standard_of(schema)
        purpose = md_text(schema.description) if schema.description else ""
        lines.append(
            f"- **{_download(f'templates/{schema.key}.xlsx', schema.title + '模板', artifacts)}**"
            + (f"：{purpose}。" if purpose else "")
            + f"字段说明见{_standard_link(DOWNLOADS_PAGE, standard)}。"
        )
    codelists = sorted(
        (s for s in catalog.schemas.values() if f"codelists/{s.key}.xlsx" in artifacts),
        key=lambda s: catalog.standard_of(s).id,
    )
    if codelists:
        lines += ["", "## 代码表", ""]
        lines += [
            f"- **{md_text(s.title)}**：{_download(f'codelists/{s.key}.xlsx', 'Excel', artifacts)}、"
            f"{_download(f'codelists/{s.key}.csv', 'CSV', artifacts)}"
            for s in codelists
        ]
    validators = validator_downloads(ctx.downloads)
    lines += [
        "",
        "## 检查填好的文件",
        "",
        f"- 不安装任何程序：在{md_link(DOWNLOADS_PAGE, VALIDATOR_PAGE, '在线校验')}"
        "页面选择填好的模板，立即看到错误清单（文件不会离开浏览器）。",
    ]
    lines += [
        f"- {_download(path, label, artifacts)}：供信息系统调用" for label, path in validators
    ]
    schemas = [a for a in artifacts if a.startswith("schemas/")]
    lines += ["", "## 开发者文件", ""]
    ddl = [(label, path) for label, path in SQL_DDL if path in artifacts]
    if ddl:
        lines += [
            "### 建表语句（SQL）",
            "",
            "按标准在数据库中建表：字段类型、必填、检查约束、主键与外键、代码表及其数据、中文注释。"
            "库中已有的数据用 `infostd validate --db` 就地校验；标准发布新版本后，用 "
            "`infostd sql migrate 旧版本 新版本` 生成迁移脚本。",
            "",
        ]
        lines += [f"- {_download(path, label, artifacts)} `{md_text(path)}`" for label, path in ddl]
        lines.append("")
    lines += ["### 数据结构（JSON Schema）", ""]
    for path in schemas:
        key = path.removeprefix("schemas/").removesuffix(".schema.json")
        schema = catalog.schemas.get(key)
        title = schema.title if schema else key
        lines.append(f"- {_download(path, title, artifacts)} `{md_text(path)}`")
    lines += [
        "",
        "### 文件校验值（SHA-256）",
        "",
        f"下载后可核对文件是否完整：把 {md_link(DOWNLOADS_PAGE, 'downloads/' + CHECKSUMS, CHECKSUMS)}"
        f" 与文件放在同一目录，运行 `sha256sum -c {CHECKSUMS}`。",
        "",
        '<details class="infostd-checksums" markdown>',
        "<summary>全部文件的校验值</summary>",
        "",
        '<div class="infostd-scroll" markdown>',
        "",
        "| 文件 | 大小 | SHA-256 |",
        "| --- | --- | --- |",
    ]
    for artifact in artifacts.values():
        lines.append(
            f"| `{md_text(artifact.path)}` | {human_size(artifact.size)} | `{artifact.sha256}` |"
        )
    lines += ["", "</div>", "", "</details>"]
    return "\n".join(lines) + "\n"


for _page in (
    GeneratedPage(HOME, "首页", home_page, section="", when=lambda ctx: not ctx.has_page(HOME)),
    GeneratedPage(CLASSIFICATION, "分类导航", classification_page),
    GeneratedPage(CODELISTS, "代码表总览", codelists_page),
    GeneratedPage(RESPONSIBILITY, "职责矩阵", responsibility_page),
    GeneratedPage(DOWNLOADS_PAGE, "下载", downloads_page),
    # 变更记录 (CHANGELOG) is the readers' release history of portal/releases.py, not the
    # repository's developer changelog.
):
    register_page(_page)

register_static(StaticFile("assets/infostd/portal.css", ASSETS / "portal.css", link="css"))
register_static(StaticFile("assets/infostd/portal.js", ASSETS / "portal.js", link="js"))
# Vendored so the intranet never reaches a CDN. Not linked from every page: the plugin adds
# it (and the phone layout script) to the pages that draw a diagram (portal/diagrams.py);
# defining window.mermaid before mkdocs-material looks for it stops the theme fetching its own.
register_static(StaticFile(LIBRARY, ASSETS / "mermaid" / "mermaid.min.js"))
register_static(StaticFile(PHONE_SCRIPT, ASSETS / "diagrams.js"))
register_static(
    StaticFile("assets/infostd/mermaid.LICENSE.txt", ASSETS / "mermaid" / "LICENSE.txt")
)


# ── navigation: by kind, then the overview pages ───────────────────────────
KIND_ORDER = ["policy", "record", "codelist", "guide"]
NavItem = dict[str, "str | list[NavItem]"]


def navigation(ctx: PortalContext, pages: list[GeneratedPage]) -> list[NavItem | str]:
    """A tree of ``{title: path}`` / ``{title: [children]}`` (the shape mkdocs' ``nav`` uses)."""
    nav: list[NavItem | str] = [{"首页": HOME}]
    for kind in KIND_ORDER:
        members = by_id(
            s for s in ctx.catalog.standards if s.kind == kind and s.path.as_posix() != HOME
        )
        if members:
            title = {
                "record": "数据标准",
                "codelist": "代码表",
                "policy": "管理制度",
                "guide": "指南",
            }[kind]
            nav.append({title: [{s.title: s.path.as_posix()} for s in members]})
    sections: dict[str, list[NavItem]] = {}
    for page in pages:
        if page.section:
            sections.setdefault(page.section, []).append({page.title: page.path})
    nav.extend({title: items} for title, items in sections.items())
    return nav


__all__ = [
    "GeneratedPage",
    "KIND_LABELS",
    "PAGES",
    "PortalContext",
    "STATIC_FILES",
    "STATUS_LABELS",
    "StaticFile",
    "navigation",
    "register_page",
    "register_static",
]
