"""PDF editions with WeasyPrint: HTML we already render, laid out for print.

The small API other parts reuse (training handbooks, notices):

    from generators.pdf import PdfDocument, Cover, render_pdf, write_pdf
    doc = PdfDocument(title="…", cover=Cover(...), sections=[Section("前言", html), …])
    write_pdf(doc, Path("out.pdf"))          # atomic; or render_pdf(doc) -> bytes

``PdfDocument`` → one HTML page (cover, 目次 with page numbers, sections) styled by
``assets/print.css`` (A4, GB/T 1.1-like layout, Noto CJK fonts embedded as subsets).
``standard.py`` composes a standard's edition from the portal's renderers;
``generate`` (the build step) writes every standard and the 汇编 of the release.
"""

from __future__ import annotations

from .document import (
    Cover,
    PdfDocument,
    Section,
    document_html,
    layout,
    render_pdf,
    require_fonts,
    write_pdf,
)

__all__ = [
    "Cover",
    "PdfDocument",
    "Section",
    "document_html",
    "layout",
    "render_pdf",
    "require_fonts",
    "write_pdf",
]
