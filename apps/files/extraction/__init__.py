"""Turns a stored file into citable works and their passages, by kind."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from apps.files.extraction.types import Extraction, Passage, Work
from apps.files.models import FileKind

Progress = Callable[[int], None]

__all__ = ["Extraction", "Passage", "Progress", "Work", "extract"]


def extract(*, kind: str, path: Path, name: str, progress: Progress) -> Extraction:
    """Parse the file at `path`. Raises FileProblem for content that cannot be used."""
    # Imported per kind: each parser is only loaded where it is needed.
    if kind == FileKind.PDF:
        from apps.files.extraction.pdf import extract_pdf

        return extract_pdf(path, name=name, progress=progress)
    if kind == FileKind.DOCX:
        from apps.files.extraction.docx import extract_docx

        return extract_docx(path, name=name, progress=progress)
    if kind in (FileKind.TEXT, FileKind.MARKDOWN):
        from apps.files.extraction.plain import extract_text

        return extract_text(path, name=name, markdown=kind == FileKind.MARKDOWN)
    if kind == FileKind.BIBTEX:
        from apps.files.extraction.bibliography import extract_bibtex

        return extract_bibtex(path, name=name)
    if kind == FileKind.CSL_JSON:
        from apps.files.extraction.bibliography import extract_csl_json

        return extract_csl_json(path, name=name)
    raise ValueError(f"No extractor for kind {kind!r}")
