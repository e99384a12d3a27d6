"""PDF: text per page with pypdf; pages are the locators."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from pypdf import PdfReader
from pypdf.errors import PyPdfError

from apps.files.errors import FileProblem
from apps.files.extraction.chunking import normalise, split_words
from apps.files.extraction.metadata import (
    clean_title,
    parse_names,
    title_from_filename,
    title_from_text,
    year_from,
)
from apps.files.extraction.types import Extraction, Passage, Work
from apps.files.pdfs import read_pdf

MAX_PAGES = 2000
HEADING_WORDS = 12
_NUMBERED = re.compile(r"^(\d+(\.\d+)*\.?|[IVX]+\.)\s+\S")


def _metadata(reader: PdfReader) -> dict[str, Any]:
    try:
        info = reader.metadata
        if info is None:
            return {}
        created = None
        try:
            created = info.creation_date
        except (ValueError, TypeError):
            created = info.get("/CreationDate")
        return {"title": info.title, "author": info.author, "created": created}
    except (PyPdfError, ValueError, TypeError, KeyError):
        return {}


def _is_heading(line: str, previous: str, following: str) -> bool:
    """In a PDF, where lines carry no styles, a heading is a short title-like line ("2.1 Data
    Sources", "RESULTS", "Algorithmic Triage in Emergency Departments") that starts after a
    finished sentence and is followed by one starting: a line broken mid-sentence before a
    capitalised name is not one."""
    words = line.split()
    if not 0 < len(words) <= HEADING_WORDS or line.rstrip()[-1:] in ".,;:!?-–":
        return False
    if previous and previous.rstrip()[-1:] not in ".!?:":
        return False
    if not following[:1].isupper() or sum(c.isalpha() for c in line) <= len(line) / 2:
        return False
    long_words = [w for w in words if len(w) > 3]
    title_case = bool(long_words) and sum(w[0].isupper() for w in long_words) >= 0.6 * len(
        long_words
    )
    return title_case or line.isupper() or bool(_NUMBERED.match(line))


def _blocks(raw: str, heading: str) -> list[tuple[str, str]]:
    """The page's text as (block, heading) pairs, headings taken out of the running text."""
    lines = [line.strip() for line in raw.splitlines()]
    blocks: list[tuple[str, str]] = []
    current: list[str] = []
    previous = ""
    for index, line in enumerate(lines):
        following = next((n for n in lines[index + 1 :] if n), "")
        if line and _is_heading(line, previous, following):
            if current:
                blocks.append((normalise("\n".join(current)), heading))
                current = []
            heading = line[:300]
            previous = line + ":"  # what follows a heading starts afresh
            continue
        current.append(line)
        previous = line or previous
    if current:
        blocks.append((normalise("\n".join(current)), heading))
    return [(b, h) for b, h in blocks if b] or [("", heading)]


def extract_pdf(path: Path, *, name: str, progress: Any) -> Extraction:
    # Counting the pages walks the page tree: a broken one fails here, in words.
    reader, count = read_pdf(path, name, lambda opened: (opened, len(opened.pages)))
    pages = reader.pages
    if count == 0:
        raise FileProblem("corrupt_pdf", f"{name}: the PDF has no pages.")
    notes: list[str] = []
    if count > MAX_PAGES:
        notes.append(f"Only the first {MAX_PAGES} of {count} pages were read.")
    passages: list[Passage] = []
    first_page = ""
    heading = ""
    unreadable = 0
    for number in range(1, min(count, MAX_PAGES) + 1):
        try:
            raw = pages[number - 1].extract_text() or ""
        except (PyPdfError, ValueError, KeyError, TypeError, AttributeError) as error:
            # One damaged page should not cost the user the rest of the document.
            unreadable += 1
            if unreadable > max(3, count // 4):
                raise FileProblem(
                    "corrupt_pdf", f"{name}: too many pages of the PDF are damaged."
                ) from error
            continue
        if number == 1:
            first_page = raw  # lines intact: a title is a line of its own
        for block, block_heading in _blocks(raw, heading):
            heading = block_heading
            passages.extend(
                Passage(piece, page=number, heading=heading) for piece in split_words(block)
            )
        progress(number * 100 // count)
    if unreadable:
        notes.append(f"{unreadable} damaged page(s) were skipped.")
    if not passages:
        raise FileProblem(
            "no_text",
            f"{name}: the PDF has no extractable text (a scan without OCR?). "
            "Run it through OCR and upload it again.",
        )
    meta = _metadata(reader)
    title = clean_title(meta.get("title")) or title_from_text(first_page)
    work = Work(
        title=title or title_from_filename(name),
        authors=parse_names(meta.get("author")),
        year=year_from(meta.get("created")),
        passages=passages,
    )
    return Extraction(works=[work], page_count=count, notes=notes)
