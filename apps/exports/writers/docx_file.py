"""DOCX: Word's built-in styles (Heading 1–3, List Bullet/Number, Quote), so the navigation pane,
a table of contents and the writer's own restyling all work on what we produce."""

from __future__ import annotations

import io
from collections.abc import Iterable

import docx
from docx.document import Document as DocxDocument
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Inches, Pt, RGBColor
from docx.text.font import Font
from docx.text.paragraph import Paragraph as DocxParagraph

from apps.exports.document import (
    Block,
    Code,
    Document,
    Heading,
    Inline,
    ListBlock,
    Paragraph,
    Quote,
    Span,
    Table,
)
from apps.exports.meta import FONT, FONT_SIZE_PT, INCOMPLETE_NOTICE, ExportMeta

HANGING_INDENT = Inches(0.5)
_CODE_FONT = "Courier New"


def _set_font(font: Font, name: str, size: int | None = None) -> None:
    font.name = name
    if size is not None:
        font.size = Pt(size)
    # Word reads the East Asian and complex-script font slots too: set them all.
    rpr = font.element.get_or_add_rPr()
    fonts = rpr.get_or_add_rFonts()
    for slot in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(slot), name)
    # A theme font (the template's headings use one) would win over the named font.
    for slot in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(slot), None)


def _prepare_styles(doc: DocxDocument, meta: ExportMeta) -> None:
    normal = doc.styles["Normal"]
    _set_font(normal.font, FONT, FONT_SIZE_PT)
    normal.paragraph_format.line_spacing = meta.line_spacing
    normal.paragraph_format.space_after = Pt(0)
    for level in (1, 2, 3):
        style = doc.styles[f"Heading {level}"]
        _set_font(style.font, FONT, FONT_SIZE_PT)
        style.font.bold = True
        style.font.italic = level == 3
        style.font.color.rgb = RGBColor(0, 0, 0)
        style.paragraph_format.space_before = Pt(12)
        style.paragraph_format.space_after = Pt(0)
        style.paragraph_format.line_spacing = meta.line_spacing
        if level == 1 and meta.is_apa:  # APA's level-1 heading is centred
            style.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    title = doc.styles["Title"]
    _set_font(title.font, FONT, 16)
    title.font.bold = True
    title.font.color.rgb = RGBColor(0, 0, 0)
    # The template draws a rule under the title; a title page has none.
    borders = title.element.pPr.find(qn("w:pBdr")) if title.element.pPr is not None else None
    if borders is not None:
        title.element.pPr.remove(borders)
    quote = doc.styles["Quote"]
    quote.font.italic = False
    quote.font.color.rgb = RGBColor(0, 0, 0)
    quote.paragraph_format.left_indent = Inches(0.5)
    quote.paragraph_format.right_indent = Inches(0)
    quote.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.LEFT
    if "Reference Entry" not in [s.name for s in doc.styles]:
        entry = doc.styles.add_style("Reference Entry", WD_STYLE_TYPE.PARAGRAPH)
        entry.base_style = normal
        entry.paragraph_format.left_indent = HANGING_INDENT
        entry.paragraph_format.first_line_indent = -HANGING_INDENT


def _add_spans(paragraph: DocxParagraph, spans: Iterable[Span]) -> None:
    for span in spans:
        run = paragraph.add_run(span.text)
        run.italic = span.italic or None
        run.bold = span.bold or None
        if span.code:
            run.font.name = _CODE_FONT


def _field(paragraph: DocxParagraph, instruction: str, placeholder: str) -> None:
    """A Word field (PAGE, NUMPAGES): Word computes it on every page."""
    run = paragraph.add_run()
    for kind, text in (("begin", None), ("instr", instruction), ("separate", None)):
        if kind == "instr":
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = f" {text} "
        else:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        run._r.append(element)
    paragraph.add_run(placeholder)
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    paragraph.add_run()._r.append(end)


def _page_furniture(doc: DocxDocument, meta: ExportMeta, title: str) -> None:
    section = doc.sections[0]
    for margin in ("top_margin", "bottom_margin", "left_margin", "right_margin"):
        setattr(section, margin, Inches(1))
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _field(footer, "PAGE", "1")
    if meta.is_apa:
        header = section.header.paragraphs[0]
        header.add_run(meta.running_head(title))


def _restart_numbering(doc: DocxDocument, paragraph: DocxParagraph, start: int) -> None:
    """Each ordered list counts from its own start: a new numbering instance of the List Number
    style's definition (otherwise Word continues the previous list's count)."""
    numbering = doc.part.numbering_part.element
    style = doc.styles["List Number"]
    style_num = style.element.pPr.numPr.numId.val
    abstract = numbering.num_having_numId(style_num).abstractNumId.val
    num = numbering.add_num(abstract)
    override = num.add_lvlOverride(ilvl=0)
    override.add_startOverride(start)
    num_pr = paragraph._p.get_or_add_pPr().get_or_add_numPr()
    num_pr.get_or_add_ilvl().val = 0
    num_pr.get_or_add_numId().val = num.numId


def _add_blocks(doc: DocxDocument, blocks: Iterable[Block], *, depth: int = 0) -> None:
    for block in blocks:
        if isinstance(block, Paragraph):
            _add_spans(doc.add_paragraph(), block.spans)
        elif isinstance(block, Heading):
            _add_spans(doc.add_heading(level=min(3, block.level - 1)), block.spans)
        elif isinstance(block, Quote):
            for inner in block.blocks:
                if isinstance(inner, Paragraph):
                    _add_spans(doc.add_paragraph(style="Quote"), inner.spans)
                else:
                    _add_blocks(doc, [inner], depth=depth)
        elif isinstance(block, ListBlock):
            _add_list(doc, block, depth=depth)
        elif isinstance(block, Table):
            _add_table(doc, block)
        elif isinstance(block, Code):
            paragraph = doc.add_paragraph()
            paragraph.paragraph_format.line_spacing = 1.0
            run = paragraph.add_run(block.text)
            run.font.name = _CODE_FONT
            run.font.size = Pt(10)


def _add_list(doc: DocxDocument, block: ListBlock, *, depth: int) -> None:
    base = "List Number" if block.ordered else "List Bullet"
    style = base if depth == 0 else f"{base} {min(depth + 1, 3)}"
    for index, item in enumerate(block.items):
        first, *rest = item or (Paragraph(()),)
        paragraph = doc.add_paragraph(style=style)
        if isinstance(first, Paragraph):
            _add_spans(paragraph, first.spans)
        else:
            rest = [first, *rest]
        if block.ordered and index == 0 and depth == 0:
            _restart_numbering(doc, paragraph, block.start)
        for inner in rest:
            if isinstance(inner, ListBlock):
                _add_list(doc, inner, depth=depth + 1)
            else:
                _add_blocks(doc, [inner], depth=depth + 1)


def _add_table(doc: DocxDocument, block: Table) -> None:
    width = max([len(block.header), *(len(r) for r in block.rows)])
    table = doc.add_table(rows=0, cols=width)
    table.style = doc.styles["Table Grid"]
    for row_index, row in enumerate((block.header, *block.rows)):
        cells = table.add_row().cells
        for cell, spans in zip(cells, row, strict=False):
            paragraph = cell.paragraphs[0]
            paragraph.paragraph_format.line_spacing = 1.0
            _add_spans(paragraph, spans)
            if row_index == 0:
                for run in paragraph.runs:
                    run.bold = True


def _title_page(doc: DocxDocument, document: Document, meta: ExportMeta) -> None:
    if meta.incomplete:
        notice = doc.add_paragraph()
        notice.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = notice.add_run(INCOMPLETE_NOTICE.upper())
        run.bold = True
        if meta.incomplete_reason:
            notice.add_run(f"\n{meta.incomplete_reason}").italic = True
    spacer = doc.add_paragraph()
    spacer.paragraph_format.space_before = Pt(144)
    title = doc.add_paragraph(document.title, style="Title")
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for line in meta.title_page_lines:
        doc.add_paragraph(line).alignment = WD_ALIGN_PARAGRAPH.CENTER
    doc.paragraphs[-1].add_run().add_break(WD_BREAK.PAGE)


def _properties(doc: DocxDocument, document: Document, meta: ExportMeta, subject: str) -> None:
    props = doc.core_properties
    props.title = document.title
    props.author = meta.author
    props.last_modified_by = meta.author
    props.subject = subject
    props.comments = "Exported from HandyWriterz" + (
        f" ({INCOMPLETE_NOTICE.lower()})" if meta.incomplete else ""
    )


def _new(meta: ExportMeta, title: str) -> DocxDocument:
    doc = docx.Document()
    _prepare_styles(doc, meta)
    _page_furniture(doc, meta, title)
    return doc


def _bytes(doc: DocxDocument) -> bytes:
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


def _add_references(doc: DocxDocument, heading: str, entries: list[Inline]) -> None:
    # The reference list starts on a page of its own, as APA, MLA and Chicago ask.
    doc.add_heading(heading, level=1).paragraph_format.page_break_before = True
    for entry in entries:
        _add_spans(doc.add_paragraph(style="Reference Entry"), entry)


def write_docx(document: Document, meta: ExportMeta) -> bytes:
    doc = _new(meta, document.title)
    _title_page(doc, document, meta)
    for note in document.notes:
        _add_spans(doc.add_paragraph(), note.spans)
    _add_blocks(doc, document.preamble)
    for section in document.sections:
        doc.add_heading(section.title, level=1)
        _add_blocks(doc, section.blocks)
    if document.references:
        heading = document.references_heading or "References"
        _add_references(doc, heading, document.references)
    _properties(doc, document, meta, subject=meta.citation_style)
    return _bytes(doc)


def write_summary_docx(
    document: Document, meta: ExportMeta, *, points: list[tuple[str, str]]
) -> bytes:
    """One page: the title, who and when, then each section's key sentence."""
    doc = _new(meta, document.title)
    doc.styles["Normal"].paragraph_format.line_spacing = 1.15
    doc.add_heading(f"Summary: {document.title}", level=1)
    byline = doc.add_paragraph()
    byline.add_run(" · ".join(meta.title_page_lines)).italic = True
    if meta.incomplete:
        byline.add_run(f" · {INCOMPLETE_NOTICE}").bold = True
    for heading, sentence in points:
        paragraph = doc.add_paragraph()
        paragraph.paragraph_format.space_before = Pt(6)
        paragraph.add_run(f"{heading}. ").bold = True
        paragraph.add_run(sentence)
    _properties(doc, document, meta, subject="summary")
    return _bytes(doc)
