"""BibTeX and CSL-JSON exports (Zotero, Mendeley): each record becomes a library entry."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from bibtexparser.entrypoint import parse_string
from bibtexparser.middlewares import SeparateCoAuthors, SplitNameParts
from bibtexparser.middlewares.names import NameParts
from pylatexenc.latex2text import LatexNodes2Text

from apps.files.errors import FileProblem
from apps.files.extraction.metadata import year_from
from apps.files.extraction.types import Extraction, Passage, Work
from apps.files.textcodec import decode_text

MAX_ENTRIES = 5000

# BibTeX entry types → CSL types.
_CSL_TYPES = {
    "article": "article-journal",
    "book": "book",
    "booklet": "book",
    "inbook": "chapter",
    "incollection": "chapter",
    "inproceedings": "paper-conference",
    "conference": "paper-conference",
    "proceedings": "book",
    "phdthesis": "thesis",
    "mastersthesis": "thesis",
    "thesis": "thesis",
    "techreport": "report",
    "report": "report",
    "manual": "report",
    "online": "webpage",
    "electronic": "webpage",
    "www": "webpage",
    "unpublished": "manuscript",
    "misc": "document",
}
# Plain BibTeX fields → CSL variables kept in `extra`.
_EXTRA = {
    "volume": "volume",
    "pages": "page",
    "edition": "edition",
    "isbn": "ISBN",
    "issn": "ISSN",
    "address": "publisher-place",
    "note": "note",
    "series": "collection-title",
}
# BibTeX's `number` means different things by entry type (BibLaTeX manual, 2.2.2): an
# article's issue, a book's number in its series, a report's or thesis's own number.
_ISSUE_TYPES = frozenset({"article", "periodical"})
_SERIES_TYPES = frozenset(
    {"book", "inbook", "incollection", "inproceedings", "conference", "proceedings", "booklet"}
)
_latex = LatexNodes2Text()
_DOI_PREFIX = re.compile(r"^(https?://(dx\.)?doi\.org/|doi:)", re.IGNORECASE)


def _plain(value: str) -> str:
    try:
        text = _latex.latex_to_text(value)
    except Exception:  # noqa: BLE001 — odd LaTeX is shown as written rather than lost
        text = value
    return " ".join(text.replace("{", "").replace("}", "").split())


def _name(parts: NameParts) -> dict[str, str]:
    family = _plain(" ".join([*parts.von, *parts.last]))
    given = _plain(" ".join(parts.first))
    if not given and not parts.von and len(parts.last) == 1 and " " in parts.last[0]:
        return {"literal": family}  # {World Health Organization}: a body, not a person
    name = {"family": family, "given": given}
    if parts.jr:
        name["suffix"] = _plain(" ".join(parts.jr))
    return {k: v for k, v in name.items() if v}


def _names(value: Any) -> list[dict[str, str]]:
    if not isinstance(value, list):
        return []
    return [n for n in (_name(p) for p in value if isinstance(p, NameParts)) if n]


def _doi(value: str) -> str:
    return _DOI_PREFIX.sub("", value.strip())[:200]


def _number_variable(entry_type: str, fields: dict[str, Any]) -> str:
    """The CSL variable a BibTeX `number` is: `issue` only for an article."""
    if entry_type in _ISSUE_TYPES:
        return "issue"
    if entry_type in _SERIES_TYPES and "series" in fields:
        return "collection-number"
    return "number"


def _abstract_passage(work: Work) -> None:
    # An entry's abstract (or its title alone) is what ranking and quoting can use.
    text = f"{work.title}. {work.abstract}" if work.abstract else work.title
    work.passages = [Passage(" ".join(text.split()))]


def extract_bibtex(path: Path, *, name: str) -> Extraction:
    text = decode_text(path.read_bytes(), name=name)
    library = parse_string(text, append_middleware=[SeparateCoAuthors(), SplitNameParts()])
    works: list[Work] = []
    for entry in library.entries[:MAX_ENTRIES]:
        fields = {k.lower(): v.value for k, v in entry.fields_dict.items()}
        title = _plain(str(fields.get("title", "")))
        if not title:
            continue
        extra: dict[str, Any] = {
            csl: _plain(str(fields[bib])) for bib, csl in _EXTRA.items() if bib in fields
        }
        editors = _names(fields.get("editor"))
        if editors:
            extra["editor"] = editors
        entry_type = entry.entry_type.lower()
        if "number" in fields:
            extra[_number_variable(entry_type, fields)] = _plain(str(fields["number"]))
        if entry_type in ("phdthesis", "mastersthesis"):
            extra["genre"] = "PhD thesis" if entry_type == "phdthesis" else "Master's thesis"
        if "type" in fields and _CSL_TYPES.get(entry_type) in ("report", "thesis"):
            extra["genre"] = _plain(str(fields["type"]))  # "Technical Report", "DPhil thesis"
        work = Work(
            title=title,
            csl_type=_CSL_TYPES.get(entry_type, "document"),
            authors=_names(fields.get("author")),
            year=year_from(fields.get("year") or fields.get("date")),
            container_title=_plain(
                str(
                    fields.get("journal")
                    or fields.get("journaltitle")
                    or fields.get("booktitle")
                    or ""
                )
            ),
            publisher=_plain(
                str(
                    fields.get("publisher")
                    or fields.get("school")
                    or fields.get("institution")
                    or ""
                )
            ),
            doi=_doi(str(fields.get("doi", ""))),
            url=str(fields.get("url", "")).strip()[:1000],
            abstract=_plain(str(fields.get("abstract", ""))),
            citation_key=entry.key[:200],
            extra=extra,
        )
        _abstract_passage(work)
        works.append(work)
    notes = []
    if library.failed_blocks:
        lines = ", ".join(str((b.start_line or 0) + 1) for b in library.failed_blocks[:5])
        notes.append(f"{len(library.failed_blocks)} record(s) could not be read (line {lines}).")
    if len(library.entries) > MAX_ENTRIES:
        notes.append(f"Only the first {MAX_ENTRIES} of {len(library.entries)} records were read.")
    if not works:
        raise FileProblem("no_entries", f"{name}: no BibTeX records with a title could be read.")
    return Extraction(works=works, notes=notes)


def _csl_names(value: Any) -> list[dict[str, str]]:
    if not isinstance(value, list):
        return []
    names = []
    for item in value:
        if isinstance(item, dict):
            name = {
                k: str(item[k])
                for k in ("family", "given", "literal", "suffix", "non-dropping-particle")
                if item.get(k)
            }
            if name:
                names.append(name)
    return names


def _csl_year(item: dict[str, Any]) -> int | None:
    issued = item.get("issued")
    if isinstance(issued, dict):
        parts = issued.get("date-parts")
        if isinstance(parts, list) and parts and isinstance(parts[0], list) and parts[0]:
            return year_from(parts[0][0])
        return year_from(issued.get("raw") or issued.get("literal"))
    return None


def extract_csl_json(path: Path, *, name: str) -> Extraction:
    try:
        data = json.loads(decode_text(path.read_bytes(), name=name))
    except ValueError as error:
        raise FileProblem("invalid_csl_json", f"{name}: the file is not valid JSON.") from error
    items = data.get("items") if isinstance(data, dict) else data
    if not isinstance(items, list):
        raise FileProblem("invalid_csl_json", f"{name}: expected a list of CSL-JSON records.")
    works: list[Work] = []
    skipped = 0
    handled = {"id", "type", "title", "author", "issued", "container-title", "publisher"}
    for item in items[:MAX_ENTRIES]:
        if not isinstance(item, dict) or not str(item.get("title") or "").strip():
            skipped += 1
            continue
        extra = {
            k: v
            for k, v in item.items()
            if k not in handled | {"DOI", "URL", "abstract"}
            and isinstance(v, str | int | list | dict)
        }
        work = Work(
            title=" ".join(str(item["title"]).split())[:2000],
            csl_type=str(item.get("type") or "document")[:40],
            authors=_csl_names(item.get("author")),
            year=_csl_year(item),
            container_title=str(item.get("container-title") or "")[:2000],
            publisher=str(item.get("publisher") or "")[:300],
            doi=_doi(str(item.get("DOI") or "")),
            url=str(item.get("URL") or "")[:1000],
            abstract=" ".join(str(item.get("abstract") or "").split()),
            citation_key=str(item.get("id") or "")[:200],
            extra=extra,
        )
        _abstract_passage(work)
        works.append(work)
    notes = [f"{skipped} record(s) without a title were skipped."] if skipped else []
    if not works:
        raise FileProblem("no_entries", f"{name}: no CSL-JSON records with a title were found.")
    return Extraction(works=works, notes=notes)
