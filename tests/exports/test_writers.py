"""Every produced file opened with a reader library and checked for structure."""

from __future__ import annotations

import datetime

import pytest
from docx.shared import Inches

from apps.core.text import word_count
from apps.exports.document import parse_document, plain
from apps.exports.meta import INCOMPLETE_NOTICE, ExportMeta
from apps.exports.services.rendering import document_render
from apps.exports.writers.pdf_file import document_html
from apps.exports.writers.pptx_file import reference_pages
from devtools.sample_documents import TITLE, sample_document
from tests.exports.conftest import STYLES
from tests.exports.readers import (
    docx_headings,
    open_docx,
    open_pdf,
    open_pptx,
    pdf_text,
    squash,
    style_name,
)


def _meta(style: str, **extra) -> ExportMeta:
    return ExportMeta(
        author="Ada Writer",
        date=datetime.date(2026, 11, 25),
        citation_style=style,
        version=2,
        **extra,
    )


def _render(format: str, stored: str, meta: ExportMeta) -> bytes:
    return document_render(format=format, stored=stored, document=parse_document(stored), meta=meta)


@pytest.mark.parametrize("style", STYLES)
def test_docx_has_the_outline_references_hanging_indent_and_page_numbers(style):
    stored = sample_document(style=style, references=9)
    document = parse_document(stored)
    doc = open_docx(_render("docx", stored, _meta(style, course="GEOG 210")))

    assert docx_headings(doc) == [*document.outline, document.references_heading]
    assert docx_headings(doc, 2) == ["Measuring heat"]
    entries = [p for p in doc.paragraphs if style_name(p) == "Reference Entry"]
    assert [p.text for p in entries] == [plain(e) for e in document.references]
    assert len(entries) == 9
    indent = doc.styles["Reference Entry"].paragraph_format
    assert indent.left_indent == Inches(0.5)
    assert indent.first_line_indent == -Inches(0.5)
    assert any(run.italic for run in entries[0].runs)  # the journal title stays italic
    footer_xml = doc.sections[0].footer._element.xml
    assert "PAGE" in footer_xml
    assert 'w:fldCharType="begin"' in footer_xml
    assert doc.core_properties.title == TITLE
    assert doc.core_properties.author == "Ada Writer"
    spacing = doc.styles["Normal"].paragraph_format.line_spacing
    assert spacing == (2.0 if style in ("apa7", "mla9") else 1.5)
    assert doc.styles["Normal"].font.name == "Times New Roman"
    # Title page: the title, the writer, the course, the date; then a page break.
    texts = [p.text for p in doc.paragraphs[:6]]
    assert TITLE in texts
    assert "Ada Writer" in texts
    assert "GEOG 210" in texts
    assert "25 November 2026" in texts


def test_docx_has_real_lists_quotes_and_emphasis():
    doc = open_docx(_render("docx", sample_document(), _meta("apa7")))
    styles = [style_name(p) for p in doc.paragraphs]
    assert styles.count("List Bullet") == 3
    assert styles.count("List Number") == 2
    quote = next(p for p in doc.paragraphs if style_name(p) == "Quote")
    assert quote.text.startswith("Heat is the deadliest")
    assert any(
        run.italic and run.text == "introduction and scope"
        for p in doc.paragraphs
        for run in p.runs
    )
    # APA: the running head in the header.
    assert doc.sections[0].header.paragraphs[0].text == "URBAN HEAT ISLANDS AND PUBLIC HEALTH"


@pytest.mark.parametrize("style", STYLES)
def test_pdf_holds_the_title_every_heading_and_the_last_reference(style):
    stored = sample_document(style=style, references=9)
    document = parse_document(stored)
    content = _render("pdf", stored, _meta(style))
    reader = open_pdf(content)
    text = squash(pdf_text(content))
    assert TITLE in squash(reader.pages[0].extract_text())  # the title page
    for heading in [*document.outline, document.references_heading]:
        assert heading in text
    assert squash(plain(document.references[-1])) in text
    assert reader.metadata is not None
    assert reader.metadata.title == TITLE
    # Page numbers: the last page's number is printed on it.
    assert str(len(reader.pages)) in reader.pages[-1].extract_text().split()
    if style == "apa7":
        assert "URBAN HEAT ISLANDS AND PUBLIC HEALTH" in reader.pages[1].extract_text()


def test_pdf_sets_references_with_a_hanging_indent():
    html = document_html(parse_document(sample_document()), _meta("harvard"))
    assert "padding-left: 0.5in; text-indent: -0.5in" in html
    assert html.count('<p class="entry">') == 6


@pytest.mark.parametrize("style", STYLES)
def test_pptx_has_a_slide_per_section_plus_title_and_references(style):
    stored = sample_document(style=style, references=3)
    document = parse_document(stored)
    prs = open_pptx(_render("pptx", stored, _meta(style)))
    slides = list(prs.slides)
    pages = reference_pages(document.references)
    assert len(pages) == 1  # three references fit one slide
    assert len(slides) == len(document.sections) + 1 + len(pages)
    assert slides[0].shapes.title.text == TITLE
    for slide, section in zip(slides[1 : -len(pages)], document.sections, strict=True):
        assert slide.shapes.title.text == section.title
        points = [p.text for p in slide.placeholders[1].text_frame.paragraphs]
        assert 3 <= len(points) <= 6
        notes = slide.notes_slide.notes_text_frame.text
        assert all(point in " ".join(notes.split()) for point in points)
    shown = slides[-len(pages) :]
    assert shown[0].shapes.title.text.startswith(document.references_heading)
    assert sum(len(s.placeholders[1].text_frame.paragraphs) for s in shown) == 3


def test_pptx_splits_a_long_reference_list_over_slides():
    stored = sample_document(references=40)
    document = parse_document(stored)
    prs = open_pptx(_render("pptx", stored, _meta("apa7")))
    pages = reference_pages(document.references)
    assert len(pages) > 1
    slides = list(prs.slides)
    assert len(slides) == len(document.sections) + 1 + len(pages)
    titles = [s.shapes.title.text for s in slides[-len(pages) :]]
    assert titles[0] == f"References (1 of {len(pages)})"
    shown = sum(len(s.placeholders[1].text_frame.paragraphs) for s in slides[-len(pages) :])
    assert shown == 40


def test_markdown_is_the_stored_document_exactly():
    stored = sample_document(style="mla9")
    assert _render("md", stored, _meta("mla9")) == stored.encode()


def test_summary_is_one_page_with_a_key_sentence_per_section():
    stored = sample_document(sections=8, words=6000)
    document = parse_document(stored)
    summary = _render("summary", stored, _meta("apa7")).decode()
    assert summary.startswith(f"# Summary: {TITLE}\n")
    for heading in document.outline:
        assert f"**{heading}.**" in summary
    assert word_count(summary) <= 330  # the title and byline beside the 300-word points
    doc = open_docx(_render("summary_docx", stored, _meta("apa7")))
    assert docx_headings(doc) == [f"Summary: {TITLE}"]
    assert [p.runs[0].text for p in doc.paragraphs[2:]] == [f"{h}. " for h in document.outline]


def test_an_incomplete_draft_says_so_on_its_first_page():
    stored = "# Half an essay\n\n## 1. Introduction\n\nIt was stopped after this"
    meta = _meta("apa7", incomplete=True, incomplete_reason="Stopped by the writer.")
    doc = open_docx(_render("docx", stored, meta))
    assert doc.paragraphs[0].text.startswith(INCOMPLETE_NOTICE.upper())
    pdf = open_pdf(_render("pdf", stored, meta))
    assert INCOMPLETE_NOTICE in pdf.pages[0].extract_text()
    prs = open_pptx(_render("pptx", stored, meta))
    assert INCOMPLETE_NOTICE in prs.slides[0].placeholders[1].text_frame.text
    assert INCOMPLETE_NOTICE in _render("summary", stored, meta).decode()


def test_a_long_document_exports_to_every_format():
    """6,000 words and 40 references: every format is produced and complete."""
    stored = sample_document(sections=12, references=40, words=6000)
    document = parse_document(stored)
    assert 5400 <= word_count(stored.split("\n## References")[0]) <= 6600
    meta = _meta("apa7")
    doc = open_docx(_render("docx", stored, meta))
    assert len([p for p in doc.paragraphs if style_name(p) == "Reference Entry"]) == 40
    pdf = _render("pdf", stored, meta)
    assert len(open_pdf(pdf).pages) > 15
    assert squash(plain(document.references[-1])) in squash(pdf_text(pdf))
    assert len(open_pptx(_render("pptx", stored, meta)).slides) >= 12 + 1 + 5
    assert word_count(_render("summary", stored, meta).decode()) <= 330
