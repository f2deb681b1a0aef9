"""Everything the portal knows about mkdocs, in one module (a later switch to
Zensical replaces this file only; renderers, pages and search terms stay).

``InfostdPlugin`` (entry point ``infostd``, listed in ``mkdocs.yml``) loads the
catalog through the one loader and:

- replaces each ``json schema`` block of a standard page with its rendered form
  and adds the header card (``on_page_markdown``);
- adds the generated pages, static assets and build downloads (``on_files``);
- builds the navigation from the catalog when ``mkdocs.yml`` has none;
- teaches jieba the catalog's words and adds sub-words to the search index.

``build_portal`` is the ``infostd build`` step: it runs mkdocs into the build's
staging folder, keeping what earlier steps wrote there (see DESIGN.md).
"""

from __future__ import annotations

import html
import json
import logging
import re
import shutil
import tempfile
from pathlib import Path

from markupsafe import Markup
from mkdocs.commands.build import build as mkdocs_build
from mkdocs.config import config_options as c
from mkdocs.config import load_config as load_mkdocs_config
from mkdocs.config.base import Config as MkdocsOptions
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import Abort, ConfigurationError, PluginError
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page
from mkdocs.utils import get_relative_url

from ..config import Config, load_config
from ..errors import InfostdError, ProblemsError
from ..loader import CatalogError, load_catalog
from ..model import Catalog, Standard
from ..programme import portal as _programme  # noqa: F401 - registers 质量看板, 常见问题
from ..searchterms import FILE as SEARCH_TERMS_FILE
from ..version import project_version
from . import guide as _guide  # noqa: F401 - registers 编写指南, 关键字参考
from . import pages as registry
from . import releases as _releases  # registers 发布公告, 变更记录 and the Atom feed
from . import requirements_page as _requirements  # registers 要求清单
from . import validator as _validator  # noqa: F401 - registers the in-browser validator page
from .diagrams import needs_mermaid, script_tags
from .downloads import DOWNLOADS, schema_downloads, standard_pdf, validator_downloads
from .gitdates import last_changes
from .render import header_card, schema_anchor, standard_markdown
from .search import enrich_index, load_user_dictionary, user_dictionary

log = logging.getLogger("mkdocs.plugins.infostd")
THEME_OVERRIDES = registry.ASSETS / "theme"
# mkdocs-material's search worker, wrapped (assets/search-worker.js): queries are cut into
# the index's own words. Beside the theme's worker, whose relative imports (../lunr) it shares.
WORKERS = "assets/javascripts/workers/"
SEARCH_WORKER = WORKERS + "infostd-search.js"
FULL_INDEX = "infostd-index.json"  # beside search/search_index.json
_THEME_WORKER = re.compile(
    r'("search":\s*"[^"]*)assets/javascripts/workers/search\.[0-9a-f]+\.min\.js"'
)


def theme_worker() -> str:
    """The file name of the installed mkdocs-material's search worker (hashed per release)."""
    import material

    found = sorted((Path(material.__file__).parent / "templates" / WORKERS).glob("search.*.min.js"))
    if len(found) != 1:
        raise PluginError(f"找不到 mkdocs-material 的搜索程序（{WORKERS}search.*.min.js）")
    return found[0].name


def search_worker(ctx: registry.PortalContext) -> str:
    source = (registry.ASSETS / "search-worker.js").read_text(encoding="utf-8")
    return source.replace("__THEME_WORKER__", theme_worker())


registry.register_static(registry.StaticFile(SEARCH_WORKER, content=search_worker))
# Search ranking by kind: staff mostly look for the data standard of a record ("客户"
# should open 客户信息数据标准 before 客户类型代码表); authors may override with
# ``search: {boost: …}`` in a page's front matter.
SEARCH_BOOST = {"record": 3.0, "policy": 1.5}


class InfostdOptions(MkdocsOptions):
    # A folder whose files are published as they are (``infostd build`` sets it).
    extra_files = c.Optional(c.Type(str))


def _escaped(nav: list) -> list:
    """The navigation with every title as escaped text: a title given in ``nav`` wins over
    the page's own and mkdocs' theme renders it without autoescape. ``Markup`` so that
    a template's ``| e`` leaves it escaped once."""

    def item(entry):
        if isinstance(entry, dict):
            return {Markup(html.escape(str(k))): item(v) for k, v in entry.items()}
        return _escaped(entry) if isinstance(entry, list) else entry

    return [item(entry) for entry in nav]


class InfostdPlugin(BasePlugin[InfostdOptions]):
    supports_multiple_instances = False

    def __init__(self) -> None:
        self.catalog: Catalog | None = None  # set by build_portal to skip a second load
        self.context: registry.PortalContext | None = None
        self.standards_by_uri: dict[str, Standard] = {}
        self.page_urls: dict[str, str] = {}  # source path → URL, for the search index

    # ── configuration ──────────────────────────────────────────────────────
    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        root = Path(config.config_file_path).resolve().parent
        project = load_config(root)
        catalog = self.catalog
        if catalog is None:
            try:
                catalog = load_catalog(root=Path(config.docs_dir), config=project)
            except CatalogError as exc:
                raise PluginError(
                    "标准有错误，门户无法构建：\n" + "\n".join(str(p) for p in exc.problems)
                ) from None
        extra = Path(self.config.extra_files) if self.config.extra_files else None
        version = project_version(root)
        released, changes = _releases.unreleased(project, catalog)
        self.context = registry.PortalContext(
            catalog=catalog,
            root=root,
            version=version,
            downloads=extra / DOWNLOADS if extra else None,
            repo_url=project.repo_url,
            feedback=project.feedback,
            last_changes=last_changes(Path(config.docs_dir)),
            unreleased=changes,
            released=released,
        )
        self.standards_by_uri = {s.path.as_posix(): s for s in catalog.standards}
        config.copyright = f"企业信息管理标准 · 版本 {version}"
        for static in registry.STATIC_FILES:
            target = config.extra_css if static.link == "css" else config.extra_javascript
            if static.link and static.path not in target:
                target.append(static.path)
        if not config.nav:
            config.nav = _escaped(registry.navigation(self.context, self._pages()))
        load_user_dictionary(user_dictionary(catalog))
        # Our template overrides (a named search dialog) go before the theme's own.
        config.theme.dirs.insert(0, str(THEME_OVERRIDES))
        config.extra["generator"] = False  # no English "Made with Material for MkDocs"
        # The version selector reads ../versions.json, which only mike's gh-pages tree has
        # (mike adds its plugin when it builds). A portal built on its own would ask for it
        # on every page and get a 404, and show a selector with nothing to select.
        if "mike" not in config.plugins:
            config.extra.pop("version", None)
        return config

    def _pages(self) -> list[registry.GeneratedPage]:
        assert self.context is not None
        return registry.all_pages(self.context)

    # ── files: generated pages, assets, downloads ──────────────────────────
    def on_files(self, files: Files, config: MkDocsConfig) -> Files:
        assert self.context is not None
        for page in self._pages():
            if files.get_file_from_path(page.path) is not None:
                raise PluginError(f"{page.path}: 与生成的页面“{page.title}”重名，请改名")
            files.append(File.generated(config, page.path, content=page.render(self.context)))
        for static in registry.STATIC_FILES:
            if static.content is not None:
                content = static.content(self.context)
                files.append(File.generated(config, static.path, content=content))
            else:
                files.append(File.generated(config, static.path, abs_src_path=str(static.source)))
        if self.config.extra_files:
            extra = Path(self.config.extra_files)
            for path in sorted(p for p in extra.rglob("*") if p.is_file()):
                uri = path.relative_to(extra).as_posix()
                if files.get_file_from_path(uri) is not None:
                    raise PluginError(f"{uri}: 与构建生成的下载物重名")
                files.append(File.generated(config, uri, abs_src_path=str(path)))
        terms = files.get_file_from_path(SEARCH_TERMS_FILE)
        if terms is not None:
            files.remove(terms)  # the committee's word list is read, not published
        # As the search index names pages: the home page is "", not "./".
        self.page_urls = {f.src_uri: f.url.removeprefix("./") for f in files.documentation_pages()}
        return files

    # ── standard pages ─────────────────────────────────────────────────────
    def on_page_markdown(
        self, markdown: str, *, page: Page, config: MkDocsConfig, files: Files
    ) -> str:
        if isinstance(page.meta.get("title"), str):
            # mkdocs' theme renders titles without autoescape (nav, <title>, header, footer):
            # the title is text, so it goes in escaped, as Markup so that "| e" keeps it once.
            page.meta["title"] = Markup(html.escape(page.meta["title"], quote=True))
        standard = self.standards_by_uri.get(page.file.src_uri)
        if standard is None or self.context is None:
            return markdown
        ctx = self.context
        catalog = ctx.catalog
        # mkdocs-material marks every page with a status in the navigation; "released" is
        # the normal case, so only draft, pilot and deprecated pages should carry the mark.
        if page.meta.get("status") == "released":
            del page.meta["status"]
        if standard.kind in SEARCH_BOOST:
            page.meta.setdefault("search", {}).setdefault("boost", SEARCH_BOOST[standard.kind])

        def url(target_uri: str, anchor: str = "") -> str | None:
            target = files.get_file_from_path(target_uri)
            if target is None:
                return None
            return get_relative_url(target.url, page.file.url) + (f"#{anchor}" if anchor else "")

        def link(key: str | None) -> str | None:
            schema = catalog.schemas.get(key or "")
            if schema is None:
                return None
            return url(catalog.standard_of(schema).path.as_posix(), schema_anchor(schema.key))

        buttons = [
            (label, url(f"{DOWNLOADS}/{path}"))
            for label, path in standard_pdf(standard.id, ctx.downloads)
        ]
        for schema in standard.schemas:
            for label, path in schema_downloads(schema, ctx.downloads):
                buttons.append((label, url(f"{DOWNLOADS}/{path}")))
        if any(s.kind == "record" for s in standard.schemas):
            for label, path in validator_downloads(ctx.downloads):
                buttons.append((label, url(f"{DOWNLOADS}/{path}")))
        card = header_card(
            standard,
            catalog,
            ctx.version,
            ctx.last_change(standard),
            [(label, href) for label, href in buttons if href],
            ctx.feedback_url(standard),
        )
        card = _releases.unreleased_notice(ctx, standard) + card
        return (
            standard_markdown(standard, catalog, link, card)
            + _requirements.standard_requirements(standard, catalog)
            + _releases.revisions_markdown(ctx, standard)
        )

    # ── pages that draw a diagram get the diagram library ──────────────────
    def on_post_page(self, output: str, *, page: Page, config: MkDocsConfig) -> str:
        output = _THEME_WORKER.sub(rf'\1{SEARCH_WORKER}"', output, count=1)
        if not needs_mermaid(output):
            return output
        return script_tags(output, get_relative_url(".", page.file.url))

    # ── search: sub-words of long Chinese tokens ───────────────────────────
    @event_priority(-100)  # after mkdocs-material's search plugin wrote the index
    def on_post_build(self, *, config: MkDocsConfig) -> None:
        index_path = Path(config.site_dir) / "search" / "search_index.json"
        if not index_path.is_file():
            return
        index = json.loads(index_path.read_text(encoding="utf-8"))
        assert self.context is not None
        catalog = self.context.catalog
        governed = {
            self.page_urls[s.path.as_posix()]: catalog.search_terms.governs[s.id]
            for s in catalog.standards
            if s.id in catalog.search_terms.governs and s.path.as_posix() in self.page_urls
        }
        enrich_index(index, catalog.search_terms, governed)
        # The full index is fetched by the search worker on the first query; the file the
        # theme fetches on every page load keeps only the configuration (a page's weight).
        full = index_path.with_name(FULL_INDEX)
        full.write_text(
            json.dumps(index, ensure_ascii=False, separators=(",", ":")), encoding="utf-8"
        )
        stub = {"config": index["config"], "docs": []}
        index_path.write_text(json.dumps(stub, ensure_ascii=False), encoding="utf-8")


# ── the ``infostd build`` step ─────────────────────────────────────────────
class _Collect(logging.Handler):
    """Keeps mkdocs' warnings so a failed strict build can say what was wrong."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def build_portal(catalog: Catalog, config: Config, site: Path) -> None:
    """Render the portal into ``site`` (strict), keeping every file already there.

    mkdocs empties its ``site_dir`` first, so what earlier steps wrote is moved
    aside and handed to the plugin, which publishes it as static files: the
    downloads are then ordinary site files that links are checked against.
    """
    config_file = config.root / "mkdocs.yml"
    if not config_file.is_file():
        raise InfostdError(f"找不到门户配置 {config_file}")
    aside = Path(tempfile.mkdtemp(prefix=".portal-extra.", dir=site.parent))
    collect = _Collect()
    mkdocs_log = logging.getLogger("mkdocs")
    mkdocs_log.addHandler(collect)
    try:
        for entry in list(site.iterdir()):
            entry.rename(aside / entry.name)
        try:
            mkdocs_config = load_mkdocs_config(
                config_file=str(config_file), site_dir=str(site), strict=True
            )
        except ConfigurationError as exc:
            raise InfostdError(f"{config_file}: {exc}") from None
        plugin = mkdocs_config.plugins.get("infostd")
        if not isinstance(plugin, InfostdPlugin):
            raise InfostdError(f"{config_file}: plugins 中须列出 infostd")
        plugin.catalog = catalog
        plugin.config.extra_files = str(aside)
        try:
            mkdocs_build(mkdocs_config)
        except (Abort, PluginError) as exc:
            raise ProblemsError([*collect.messages, f"门户构建失败：{exc}"]) from None
    finally:
        mkdocs_log.removeHandler(collect)
        shutil.rmtree(aside, ignore_errors=True)
