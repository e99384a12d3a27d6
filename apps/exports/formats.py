"""The export formats: what the `format` parameter accepts and what each file is."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.text import slugify


@dataclass(frozen=True)
class Format:
    name: str
    label: str
    extension: str
    content_type: str
    # Added to the file name where two formats share an extension (the summary and the text).
    suffix: str = ""

    def filename(self, *, title: str, version: int) -> str:
        slug = slugify(title)
        if len(slug) > 60:  # cut between words
            slug = slug[:61].rsplit("-", 1)[0]
        slug = slug.strip("-") or "document"
        return f"{slug}-v{version}{self.suffix}.{self.extension}"


DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PPTX_TYPE = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
MARKDOWN_TYPE = "text/markdown; charset=utf-8"

FORMATS: dict[str, Format] = {
    f.name: f
    for f in (
        Format("docx", "Word (DOCX)", "docx", DOCX_TYPE),
        Format("pdf", "PDF", "pdf", "application/pdf"),
        Format("pptx", "Slides (PPTX)", "pptx", PPTX_TYPE),
        Format("md", "Markdown", "md", MARKDOWN_TYPE),
        Format("summary", "Summary (Markdown)", "md", MARKDOWN_TYPE, suffix="-summary"),
        Format("summary_docx", "Summary (DOCX)", "docx", DOCX_TYPE, suffix="-summary"),
    )
}
