"""Markdown: the document exactly as stored; and the one-page summary, extractive offline."""

from __future__ import annotations

from apps.core.text import word_count
from apps.exports.document import Document
from apps.exports.extract import summary_points
from apps.exports.meta import INCOMPLETE_NOTICE, ExportMeta

# One page: the summary's points together stay under this many words.
SUMMARY_WORDS = 300


def write_markdown(stored: str) -> bytes:
    return stored.encode("utf-8")


def _shorten(sentence: str, words: int) -> str:
    tokens = sentence.split()
    if len(tokens) <= words:
        return sentence
    return " ".join(tokens[:words]).rstrip(",;:") + " …"


def fitted_points(document: Document) -> list[tuple[str, str]]:
    """Each section's key sentence, shortened where needed so the whole fits one page."""
    points = summary_points(document)
    if not points:
        return []
    heading_words = sum(word_count(heading) for heading, _ in points)
    budget = max(12, (SUMMARY_WORDS - heading_words - 30) // len(points))
    return [(heading, _shorten(sentence, budget)) for heading, sentence in points]


def write_summary_markdown(document: Document, meta: ExportMeta) -> bytes:
    lines = [f"# Summary: {document.title}", ""]
    byline = " · ".join(meta.title_page_lines)
    if meta.incomplete:
        byline = f"{INCOMPLETE_NOTICE} · {byline}"
    lines += [
        f"*{byline}. The key sentence of each section, in the document's own words.*",
        "",
    ]
    for heading, sentence in fitted_points(document):
        lines.append(f"- **{heading}.** {sentence}")
    return ("\n".join(lines) + "\n").encode("utf-8")
