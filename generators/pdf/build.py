"""The build step: one PDF per standard and the 汇编 of the whole catalog, in downloads/pdf/.

WeasyPrint is slow (layout, then font subsetting), so every PDF is cached by the SHA-256
of its HTML and the WeasyPrint version under ``$INFOSTD_CACHE_DIR`` (default
``~/.cache/infostd/pdf``): an unchanged standard is not laid out again, and an unchanged
build gives the same bytes. The 汇编 reuses the laid-out pages of the standards
(``Document.copy``), so a cold build lays each standard out once.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

from ..config import Config
from ..errors import InfostdError
from ..fsutil import atomic_write_bytes
from ..model import Catalog, Standard
from ..release.records import Releases, load_releases
from .document import Cover, PdfDocument, Section, document_html, esc, layout, require_fonts
from .standard import standard_document

FOLDER = "pdf"
COLLECTION = "standards-collection.pdf"


def pdf_name(standard: Standard) -> str:
    return f"{standard.id}.pdf"


def cache_dir() -> Path:
    base = os.environ.get("INFOSTD_CACHE_DIR") or Path.home() / ".cache" / "infostd"
    return Path(base) / "pdf"


def _key(html: str) -> str:
    import weasyprint

    return hashlib.sha256(f"{weasyprint.__version__}\n{html}".encode()).hexdigest()


def _cached(key: str) -> bytes | None:
    try:
        return (cache_dir() / f"{key}.pdf").read_bytes()
    except OSError:
        return None


def _store(key: str, data: bytes) -> None:
    with contextlib.suppress(InfostdError):  # a read-only home only costs speed
        atomic_write_bytes(cache_dir() / f"{key}.pdf", data)


def pdf_bytes(html: str) -> bytes:
    """The PDF of an HTML text (``document_html``), from the cache when it was made before."""
    key = _key(html)
    data = _cached(key)
    if data is None:
        data = layout(html).write_pdf()
        _store(key, data)
    return data


@dataclass
class _Part:
    standard: Standard
    html: str
    key: str
    document: object | None = None  # weasyprint.Document once laid out

    def layout(self):
        if self.document is None:
            self.document = layout(self.html)
        return self.document


def generate(catalog: Catalog, config: Config, out_dir: Path, version: str) -> list[Path]:
    """Write ``<id>.pdf`` for every standard and ``standards-collection.pdf``."""
    require_fonts()
    releases = load_releases(config)
    standards = sorted(catalog.standards, key=lambda s: s.id)
    parts = []
    for standard in standards:
        html = document_html(standard_document(standard, catalog, config, releases, version))
        parts.append(_Part(standard, html, _key(html)))
    written = []
    for part in parts:
        data = _cached(part.key)
        if data is None:
            data = part.layout().write_pdf()
            _store(part.key, data)
        path = out_dir / pdf_name(part.standard)
        atomic_write_bytes(path, data)
        written.append(path)
    written.append(_collection(parts, config, releases, version, out_dir / COLLECTION))
    return written


def collection_front(
    parts: list[tuple[Standard, str, int]], config: Config, releases: Releases, version: str
) -> PdfDocument:
    """The 汇编's cover and 目次: (standard, number, first page) each."""
    latest = releases.latest
    rows = "".join(
        f"<tr><td>{esc(number)}</td><td>{esc(s.title)}</td><td>{page}</td></tr>"
        for s, number, page in parts
    )
    table = f"<table><thead><tr><th>标准编号</th><th>标准名称</th><th>页码</th></tr></thead><tbody>{rows}</tbody></table>"
    cover = Cover(
        title="企业信息管理标准汇编",
        number=f"{latest.version.tag}（{latest.document}）" if latest else f"版本 {version}",
        published=latest.date.isoformat() if latest else "",
        publisher=releases.policy.publisher,
        note="" if latest else "（工作稿，未发布）",
        prefix=config.standard_prefix,
        kind="标准汇编",
    )
    return PdfDocument(
        title="企业信息管理标准汇编",
        cover=cover,
        toc=False,
        sections=[Section("目　次", table, "contents", 1, "front")],
    )


def _collection(
    parts: list[_Part], config: Config, releases: Releases, version: str, path: Path
) -> Path:
    numbers = []
    for part in parts:
        current = releases.current(part.standard.id)
        numbers.append(current[1].number if current else part.standard.id)
    key = _key("\n".join([version, *(p.key for p in parts), *numbers]))
    data = _cached(key)
    if data is None:

        def front(pages: list[int]):
            doc = collection_front(
                [(p.standard, n, page) for p, n, page in zip(parts, numbers, pages, strict=True)],
                config,
                releases,
                version,
            )
            return layout(document_html(doc))

        counts = [len(p.layout().pages) for p in parts]
        first = front([0] * len(parts))
        starts, page = [], len(first.pages) + 1
        for count in counts:
            starts.append(page)
            page += count
        head = front(starts)
        pages = [*head.pages, *(pg for p in parts for pg in p.layout().pages)]
        data = head.copy(pages).write_pdf()
        _store(key, data)
    atomic_write_bytes(path, data)
    return path
