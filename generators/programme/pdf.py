"""Printable PDFs of the training material, through the project's one PDF pipeline
(``generators.pdf``): the same escaped sections the portal pages show."""

from __future__ import annotations

from pathlib import Path

from ..config import Config
from ..fsutil import atomic_write_bytes
from ..model import Catalog
from ..pdf import Cover, PdfDocument, Section, document_html, require_fonts
from ..pdf.build import pdf_bytes
from .data import load_programme, programme_files
from .report import standings_of
from .training import Document, documents, pdf_path

EXTRA_CSS = """
table.infostd-table caption { text-align: left; font-weight: bold; padding: 2mm 0; }
ol.infostd-errors li p { margin: 0.5mm 0; }
"""


def pdf_document(doc: Document, version: str) -> PdfDocument:
    """A card or the brief fits a few pages without cover or contents; the handbook has both."""
    if doc.key == "officer":
        cover = Cover(
            title=doc.title, kind="培训材料", note=f"适用：{doc.audience}", number=f"版本 {version}"
        )
        sections = [Section(p.title, p.html) for p in doc.parts]
        return PdfDocument(title=doc.title, cover=cover, sections=sections, extra_css=EXTRA_CSS)
    head = Section(doc.title, f"<p>适用：{doc.audience} · 标准版本 {version}</p>", level=1)
    sections = [head, *(Section(p.title, p.html, level=2) for p in doc.parts)]
    return PdfDocument(title=doc.title, sections=sections, toc=False, extra_css=EXTRA_CSS)


def catalog_documents(catalog: Catalog, config: Config) -> list[Document]:
    programme = load_programme(catalog, config) if programme_files(config) else None
    standings = standings_of(catalog, config, programme)[2] if programme else []
    return documents(catalog, programme, standings)


def generate(catalog: Catalog, config: Config, downloads: Path, version: str) -> list[Path]:
    """``downloads/training/<key>.pdf`` for every document (cached by their HTML)."""
    require_fonts()
    written = []
    for doc in catalog_documents(catalog, config):
        path = downloads / pdf_path(doc)
        atomic_write_bytes(path, pdf_bytes(document_html(pdf_document(doc, version))))
        written.append(path)
    return written
