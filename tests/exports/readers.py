"""Open produced files with the reader libraries, as a writer's software would."""

from __future__ import annotations

import io

import docx
import pptx
from docx.document import Document as DocxDocument
from pypdf import PdfReader


def open_docx(content: bytes) -> DocxDocument:
    return docx.Document(io.BytesIO(content))


def style_name(paragraph) -> str:
    return paragraph.style.name if paragraph.style is not None else ""


def docx_headings(doc: DocxDocument, level: int = 1) -> list[str]:
    return [p.text for p in doc.paragraphs if style_name(p) == f"Heading {level}"]


def open_pdf(content: bytes) -> PdfReader:
    return PdfReader(io.BytesIO(content))


def pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() or "" for page in open_pdf(content).pages)


def open_pptx(content: bytes) -> pptx.presentation.Presentation:
    return pptx.Presentation(io.BytesIO(content))


def squash(text: str) -> str:
    """Text with all whitespace collapsed: PDF text extraction breaks lines anywhere."""
    return " ".join(text.split())
