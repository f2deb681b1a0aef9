"""``infostd build``: every artifact from one catalog, into a fresh folder that
replaces ``site/`` only when everything succeeded (DESIGN §5)."""

from __future__ import annotations

import hashlib
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

from .config import Config
from .excel import generate as generate_templates
from .fsutil import atomic_write_text
from .model import Catalog
from .schemas import generate as generate_schemas

DOWNLOADS = "downloads"
Step = Callable[[Catalog, Config, Path], None]


def _schemas(catalog: Catalog, config: Config, site: Path) -> None:
    generate_schemas(catalog, site / DOWNLOADS / "schemas")


def _templates(catalog: Catalog, config: Config, site: Path) -> None:
    generate_templates(catalog, config, site / DOWNLOADS / "templates")


def _codelists(catalog: Catalog, config: Config, site: Path) -> None:
    from .codelist_export import FOLDER, generate

    generate(catalog, site / DOWNLOADS / FOLDER)


def _validators(catalog: Catalog, config: Config, site: Path) -> None:
    from .codegen import generate as generate_validators

    generate_validators(catalog, config, site / DOWNLOADS / "validators")


def _sql(catalog: Catalog, config: Config, site: Path) -> None:
    from .sql.cli import generate as generate_ddl

    generate_ddl(catalog, config, site / DOWNLOADS / "sql")


def _pdf(catalog: Catalog, config: Config, site: Path) -> None:
    from .pdf.build import FOLDER, generate
    from .version import project_version

    generate(catalog, config, site / DOWNLOADS / FOLDER, project_version(config.root))


def _training(catalog: Catalog, config: Config, site: Path) -> None:
    from .programme.pdf import generate as generate_training
    from .version import project_version

    generate_training(catalog, config, site / DOWNLOADS, project_version(config.root))


def _notices(catalog: Catalog, config: Config, site: Path) -> None:
    from .release.notice import write_notices
    from .release.records import load_releases

    write_notices(load_releases(config), site / DOWNLOADS / "notices")


def _portal(catalog: Catalog, config: Config, site: Path) -> None:
    """The portal, last: it lists and links what the other steps put in downloads/."""
    from .portal.mkdocs_plugin import build_portal

    write_checksums(site / DOWNLOADS)  # so the downloads page can link it; rewritten after
    build_portal(catalog, config, site)


# Each generator is one step; order matters only where a step reads another's output
# (the portal lists the downloads, so it runs last).
STEPS: list[tuple[str, Step]] = [
    ("schemas", _schemas),
    ("templates", _templates),
    ("codelists", _codelists),
    ("validators", _validators),
    ("sql", _sql),
    ("pdf", _pdf),
    ("training", _training),
    ("notices", _notices),
    ("portal", _portal),  # must stay last: it publishes everything in downloads/
]


def write_checksums(downloads: Path) -> Path:
    """``SHA256SUMS`` in the format ``sha256sum -c`` reads, sorted by path."""
    lines = []
    for path in sorted(p for p in downloads.rglob("*") if p.is_file() and p.name != "SHA256SUMS"):
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        lines.append(f"{digest}  {path.relative_to(downloads).as_posix()}\n")
    target = downloads / "SHA256SUMS"
    atomic_write_text(target, "".join(lines))
    return target


def build(
    catalog: Catalog, config: Config, out_dir: Path, report: Callable[[str], None] = print
) -> Path:
    out_dir = out_dir.resolve()
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.", dir=out_dir.parent))
    try:
        # Stable sort: the portal runs last even if a later merge appends a step after it.
        for name, step in sorted(STEPS, key=lambda s: s[0] == "portal"):
            report(f"生成 {name} …")
            step(catalog, config, staging)
        write_checksums(staging / DOWNLOADS)
        _swap(staging, out_dir)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return out_dir


def _swap(new: Path, target: Path) -> None:
    """Put ``new`` in place of ``target`` with two renames, so no half-built site is ever served."""
    old = None
    if target.exists():
        old = target.with_name(f".{target.name}.old")
        shutil.rmtree(old, ignore_errors=True)
        target.rename(old)
    new.rename(target)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
