"""PDF: the document as HTML (a Django template over the document model) printed by WeasyPrint
with the style's page conventions. Nothing is fetched while rendering: every URL is refused,
and fonts are the system's (Debian's fonts-liberation and fonts-dejavu)."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe
from weasyprint import HTML
from weasyprint.urls import URLFetcher

from apps.exports.document import Document
from apps.exports.meta import ExportMeta


def _css_string(text: str) -> SafeString:
    """A value for a CSS string in the template's <style>: quotes, backslashes, line breaks and
    angle brackets escaped, so no title can end the string or the style element."""
    escaped = "".join(f"\\{ord(c):x} " if c in '\\"<>\n\r' else c for c in text)
    return mark_safe(escaped)  # noqa: S308 — every character that could escape is escaped


def document_html(document: Document, meta: ExportMeta) -> str:
    return render_to_string(
        "exports/document_pdf.html",
        {
            "document": document,
            "meta": meta,
            "running_head": _css_string(meta.running_head(document.title)),
        },
    )


def write_pdf(document: Document, meta: ExportMeta) -> bytes:
    html = HTML(string=document_html(document, meta), url_fetcher=URLFetcher(allowed_protocols=()))
    pdf = html.write_pdf()
    assert isinstance(pdf, bytes)
    return pdf
