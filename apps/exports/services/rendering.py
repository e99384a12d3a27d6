"""From a run's stored Markdown to the bytes of one format: parse once, write any format."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

from apps.conversations.models import Run
from apps.exports.document import Document, parse_document
from apps.exports.meta import ExportMeta
from apps.exports.selectors import run_version
from apps.exports.writers.docx_file import write_docx, write_summary_docx
from apps.exports.writers.pdf_file import write_pdf
from apps.exports.writers.pptx_file import write_pptx
from apps.exports.writers.text_files import (
    fitted_points,
    write_markdown,
    write_summary_markdown,
)

OPTION_FIELDS = ("course", "instructor", "institution")
# Kept beside the options of a generated export (never one of them): the author it names.
AUTHOR_KEY = "author"
OPTION_MAX_LENGTH = 200


@dataclass(frozen=True)
class TitlePageOptions:
    """The title page's optional lines, from the export form."""

    course: str = ""
    instructor: str = ""
    institution: str = ""

    @classmethod
    def from_mapping(cls, values: dict[str, object]) -> TitlePageOptions:
        cleaned = {
            name: " ".join(str(values.get(name) or "").split())[:OPTION_MAX_LENGTH]
            for name in OPTION_FIELDS
        }
        return cls(**cleaned)

    def as_dict(self) -> dict[str, str]:
        return {name: getattr(self, name) for name in OPTION_FIELDS if getattr(self, name)}

    @property
    def key(self) -> str:
        values = self.as_dict()
        if not values:
            return ""
        return hashlib.sha256(json.dumps(values, sort_keys=True).encode()).hexdigest()


def export_author(*, run: Run) -> str:
    """The name on the title page: the writer's, as their account says it now."""
    user = run.conversation.user
    return user.get_full_name() or user.get_username()


def export_meta(*, run: Run, options: TitlePageOptions) -> ExportMeta:
    finished = run.finished_at or run.created_at
    incomplete = run.status != Run.Status.SUCCEEDED
    return ExportMeta(
        author=export_author(run=run),
        date=finished.date(),
        citation_style=run.citation_style,
        version=run_version(run=run),
        incomplete=incomplete,
        incomplete_reason=run.error_message if incomplete else "",
        course=options.course,
        instructor=options.instructor,
        institution=options.institution,
    )


def document_render(*, format: str, stored: str, document: Document, meta: ExportMeta) -> bytes:
    if format == "docx":
        return write_docx(document, meta)
    if format == "pdf":
        return write_pdf(document, meta)
    if format == "pptx":
        return write_pptx(document, meta)
    if format == "md":
        return write_markdown(stored)
    if format == "summary":
        return write_summary_markdown(document, meta)
    if format == "summary_docx":
        return write_summary_docx(document, meta, points=fitted_points(document))
    raise ValueError(f"unknown export format {format!r}")


def run_document(*, run: Run) -> tuple[str, Document]:
    stored = run.result_message.content if run.result_message else ""
    return stored, parse_document(stored, fallback_title=run.conversation.title)
