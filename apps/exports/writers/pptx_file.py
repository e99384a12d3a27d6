"""PPTX: a title slide, one slide per section with a few of its own sentences as bullets (the
whole section as speaker notes), and the reference list over as many slides as it needs."""

from __future__ import annotations

import io

from pptx import Presentation
from pptx.enum.text import MSO_AUTO_SIZE
from pptx.oxml.ns import qn
from pptx.presentation import Presentation as PresentationType
from pptx.slide import Slide
from pptx.text.text import TextFrame, _Paragraph
from pptx.util import Emu, Inches, Pt

from apps.exports.document import Document, Inline, Span, plain
from apps.exports.extract import bullets, section_text
from apps.exports.meta import INCOMPLETE_NOTICE, ExportMeta

TITLE_LAYOUT, CONTENT_LAYOUT = 0, 1
# A references slide holds this many entries, or fewer when they are long.
REFERENCES_PER_SLIDE = 8
REFERENCE_CHARS_PER_SLIDE = 900
_HANGING = Inches(0.4)


def _font_size(texts: list[str]) -> Pt:
    """Smaller type for fuller slides, so six long bullets still fit the 16:9 body."""
    chars = sum(len(t) for t in texts)
    if chars < 500:
        return Pt(24)
    if chars < 900:
        return Pt(20)
    if chars < 1300:
        return Pt(18)
    return Pt(16)


def _add_spans(paragraph: _Paragraph, spans: Inline | tuple[Span, ...], size: Pt) -> None:
    for span in spans:
        run = paragraph.add_run()
        run.text = span.text
        run.font.size = size
        run.font.italic = span.italic or None
        run.font.bold = span.bold or None


def _no_bullet_hanging(paragraph: _Paragraph) -> None:
    """A reference entry: no bullet, a hanging indent."""
    ppr = paragraph._p.get_or_add_pPr()
    ppr.set("marL", str(int(_HANGING)))
    ppr.set("indent", str(-int(_HANGING)))
    for child in ppr.findall(qn("a:buNone")):
        ppr.remove(child)
    ppr.insert(0, ppr.makeelement(qn("a:buNone"), {}))


def _body(slide: Slide) -> TextFrame:
    frame: TextFrame = slide.placeholders[1].text_frame
    frame.word_wrap = True
    # The type size is chosen from the amount of text (_font_size); a viewer's own shrink-to-fit
    # would shrink it again.
    frame.auto_size = MSO_AUTO_SIZE.NONE
    return frame


def _title_slide(prs: PresentationType, document: Document, meta: ExportMeta) -> None:
    slide = prs.slides.add_slide(prs.slide_layouts[TITLE_LAYOUT])
    assert slide.shapes.title is not None
    slide.shapes.title.text = document.title
    slide.shapes.title.text_frame.auto_size = MSO_AUTO_SIZE.TEXT_TO_FIT_SHAPE
    lines = meta.title_page_lines
    if meta.incomplete:
        lines = [INCOMPLETE_NOTICE, *lines]
    subtitle = slide.placeholders[1].text_frame
    subtitle.text = "\n".join(lines)


def _section_slide(prs: PresentationType, title: str, points: list[str], notes: str) -> None:
    slide = prs.slides.add_slide(prs.slide_layouts[CONTENT_LAYOUT])
    assert slide.shapes.title is not None
    slide.shapes.title.text = title
    frame = _body(slide)
    size = _font_size(points)
    for index, point in enumerate(points):
        paragraph = frame.paragraphs[0] if index == 0 else frame.add_paragraph()  # type: ignore[no-untyped-call]
        _add_spans(paragraph, (Span(point),), size)
    slide.notes_slide.notes_text_frame.text = notes


def reference_pages(entries: list[Inline]) -> list[list[Inline]]:
    pages: list[list[Inline]] = []
    current: list[Inline] = []
    chars = 0
    for entry in entries:
        length = len(plain(entry))
        if current and (
            len(current) >= REFERENCES_PER_SLIDE or chars + length > REFERENCE_CHARS_PER_SLIDE
        ):
            pages.append(current)
            current, chars = [], 0
        current.append(entry)
        chars += length
    if current:
        pages.append(current)
    return pages


def _references_slides(prs: PresentationType, heading: str, entries: list[Inline]) -> None:
    pages = reference_pages(entries)
    for number, page in enumerate(pages, start=1):
        slide = prs.slides.add_slide(prs.slide_layouts[CONTENT_LAYOUT])
        assert slide.shapes.title is not None
        suffix = f" ({number} of {len(pages)})" if len(pages) > 1 else ""
        slide.shapes.title.text = heading + suffix
        frame = _body(slide)
        size = Pt(18) if sum(len(plain(e)) for e in page) < 600 else Pt(14)
        for index, entry in enumerate(page):
            paragraph = frame.paragraphs[0] if index == 0 else frame.add_paragraph()  # type: ignore[no-untyped-call]
            _no_bullet_hanging(paragraph)
            paragraph.space_after = Pt(4)
            _add_spans(paragraph, entry, size)


def write_pptx(document: Document, meta: ExportMeta) -> bytes:
    prs = Presentation()
    # 16:9, with the template's placeholders widened to match.
    old_width = prs.slide_width or Emu(Inches(10))
    prs.slide_width = Inches(13.333)
    scale = prs.slide_width / old_width
    # Layouts before the master: a layout placeholder without its own position reads the
    # master's, which must still be unscaled then.
    layouts = [*prs.slide_layouts, prs.slide_master]
    for layout in layouts:
        for shape in layout.placeholders:
            # Setting one coordinate gives the shape its own position: set all four.
            left, top, width, height = shape.left, shape.top, shape.width, shape.height
            shape.left = Emu(int((left or 0) * scale))
            shape.width = Emu(int((width or 0) * scale))
            shape.top, shape.height = Emu(top or 0), Emu(height or 0)
    prs.core_properties.title = document.title
    prs.core_properties.author = meta.author
    _title_slide(prs, document, meta)
    for section in document.sections:
        _section_slide(
            prs,
            section.title,
            bullets(section, title=document.title),
            section_text(section),
        )
    if document.references:
        _references_slides(prs, document.references_heading or "References", document.references)
    buffer = io.BytesIO()
    prs.save(buffer)
    return buffer.getvalue()
