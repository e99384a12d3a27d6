"""PDF: text per page with pypdf; pages are the locators; the year only where it is stated."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from pypdf import PdfReader
from pypdf.errors import PyPdfError
from pypdf.xmp import RDF_NAMESPACE

from apps.files.errors import FileProblem
from apps.files.extraction.chunking import normalise, split_words
from apps.files.extraction.metadata import (
    clean_title,
    dated_line_year,
    parse_names,
    stated_year,
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
    """The document information's title and author. Its /CreationDate and /ModDate are left
    out on purpose: they date the file, not the work."""
    try:
        info = reader.metadata
        if info is None:
            return {}
        return {"title": info.title, "author": info.author}
    except (PyPdfError, ValueError, TypeError, KeyError):
        return {}


_PRISM = "prismstandard.org/namespaces/"  # PRISM 1.2 to 3.0 differ only after this
_PUBLICATION_DATES = frozenset({"publicationDate", "coverDate", "coverDisplayDate"})
_DUBLIN_CORE = "http://purl.org/dc/elements/1.1/"


def _node_text(node: Any) -> str:
    if node.nodeType == node.ATTRIBUTE_NODE:
        return str(node.value)
    if node.nodeType == node.TEXT_NODE:
        return str(node.data)
    return " ".join(_node_text(child) for child in node.childNodes)


def _xmp_dates(reader: PdfReader) -> dict[str, list[str]]:
    """Dates the XMP packet states for the work: PRISM's publication and cover dates (what
    publishers write), and Dublin Core's `dc:date`. Its xmp:CreateDate and ModifyDate date the
    file and are not read."""
    dates: dict[str, list[str]] = {"published": [], "dc": []}
    try:
        xmp = reader.xmp_metadata
        if xmp is None:
            return dates
        for description in xmp.rdf_root.getElementsByTagNameNS(RDF_NAMESPACE, "Description"):
            attributes = description.attributes
            nodes: list[Any] = [attributes.item(i) for i in range(attributes.length)]
            nodes += [c for c in description.childNodes if c.nodeType == c.ELEMENT_NODE]
            for node in nodes:
                namespace = str(node.namespaceURI or "")
                if _PRISM in namespace and node.localName in _PUBLICATION_DATES:
                    dates["published"].append(_node_text(node))
                elif namespace == _DUBLIN_CORE and node.localName == "date":
                    dates["dc"].append(_node_text(node))
    except (PyPdfError, ValueError, TypeError, KeyError, AttributeError):
        pass  # a damaged XMP packet only costs the year
    return dates


def _first(values: list[str]) -> int | None:
    return next((year for year in map(year_from, values) if year), None)


def work_year(reader: PdfReader, first_page: str) -> int | None:
    """The year the PDF states for its work, in order of trust: a publisher's publication date
    in XMP, a copyright or "published" line on the first page, XMP's `dc:date`, a date line
    under the title. None when it states none: the citation then says "n.d."."""
    dates = _xmp_dates(reader)
    return (
        _first(dates["published"])
        or stated_year(first_page)
        or _first(dates["dc"])
        or dated_line_year(first_page)
    )


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
        year=work_year(reader, first_page),
        passages=passages,
    )
    return Extraction(works=[work], page_count=count, notes=notes)
