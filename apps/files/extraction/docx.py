"""DOCX: paragraphs, tables and headings with python-docx; pages where Word recorded them."""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Any

import docx
from docx.opc.exceptions import PackageNotFoundError
from docx.oxml.ns import qn
from docx.table import Table
from docx.text.paragraph import Paragraph

from apps.files.errors import FileProblem
from apps.files.extraction.chunking import normalise, split_words
from apps.files.extraction.metadata import (
    FRONT_LINES,
    clean_title,
    dated_line_year,
    parse_names,
    stated_year,
    title_from_filename,
)
from apps.files.extraction.types import Extraction, Passage, Work

_RENDERED_BREAK = qn("w:lastRenderedPageBreak")
_BREAK = qn("w:br")
_TYPE = qn("w:type")
_BREAK_BEFORE = qn("w:pageBreakBefore")


def _page_breaks(paragraph: Paragraph, rendered: bool) -> int:
    """How many page breaks the paragraph holds. Word records where pages fell when it last laid
    the document out (lastRenderedPageBreak); without those, explicit page breaks are all we
    have."""
    element = paragraph._p
    if rendered:
        return len(list(element.iter(_RENDERED_BREAK)))
    explicit = sum(1 for br in element.iter(_BREAK) if br.get(_TYPE) == "page")
    return explicit + (1 if any(True for _ in element.iter(_BREAK_BEFORE)) else 0)


def _table_text(table: Table) -> str:
    rows = []
    for row in table.rows:
        cells: list[str] = []
        for cell in row.cells:
            text = " ".join(cell.text.split())
            if text and (not cells or cells[-1] != text):  # merged cells repeat
                cells.append(text)
        if cells:
            rows.append(" | ".join(cells))
    return ". ".join(rows)


def _is_heading(paragraph: Paragraph) -> bool:
    style = (paragraph.style.name if paragraph.style is not None else "") or ""
    return style.startswith("Heading") or style == "Title"


def extract_docx(path: Path, *, name: str, progress: Any) -> Extraction:
    try:
        document = docx.Document(str(path))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError) as error:
        raise FileProblem("corrupt_docx", f"{name}: the Word document is damaged.") from error
    body = document.element.body
    rendered = any(True for _ in body.iter(_RENDERED_BREAK))
    paged = (
        rendered
        or any(br.get(_TYPE) == "page" for br in body.iter(_BREAK))
        or any(True for _ in body.iter(_BREAK_BEFORE))
    )
    page, paragraph_no, heading, title = 1, 0, "", ""
    passages: list[Passage] = []
    front: list[str] = []  # the first paragraphs, one a line, where a stated year is looked for
    blocks = list(document.iter_inner_content())
    for index, block in enumerate(blocks):
        if isinstance(block, Paragraph):
            page += _page_breaks(block, rendered) if paged else 0
            text = normalise(block.text)
            if not text:
                continue
            if len(front) < FRONT_LINES:
                front.append(text)
            if _is_heading(block):
                heading = text[:300]
                style = block.style.name if block.style is not None else ""
                if style == "Title" and not title:
                    title = text
                continue
        else:
            text = normalise(_table_text(block))
            if not text:
                continue
        paragraph_no += 1
        for piece in split_words(text):
            passages.append(
                Passage(
                    piece,
                    page=page if paged else None,
                    paragraph=None if paged else paragraph_no,
                    heading=heading,
                )
            )
        progress((index + 1) * 100 // len(blocks))
    if not passages:
        raise FileProblem("no_text", f"{name}: the Word document has no text.")
    props = document.core_properties
    work = Work(
        title=clean_title(props.title) or clean_title(title) or title_from_filename(name),
        authors=parse_names(props.author),
        # Its core properties' created date is when the file was made: only a year the text
        # states (a copyright, "published" or date line near the title) is the work's.
        year=stated_year("\n".join(front)) or dated_line_year("\n".join(front)),
        passages=passages,
    )
    return Extraction(works=[work], page_count=page if paged else None)
