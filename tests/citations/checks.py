"""An independent reading of a finished document, per citation style: what it cites in the text,
what it lists, and whether the two agree. Written from the styles' rules, not from the product's
code (it shares nothing with apps.pipeline.citing or apps.pipeline.resolving)."""

from __future__ import annotations

import re
from dataclasses import dataclass

HEADINGS = {
    "apa7": "References",
    "harvard": "Reference list",
    "mla9": "Works Cited",
    "chicago_author_date": "References",
    "ieee": "References",
}
RAW_HANDLE = re.compile(r"\[\s*S\d+")
HEX_KEY = re.compile(r"\b[0-9a-f]{32}\b")
MODEL_REFERENCES = re.compile(
    r"^\s*(?:#{1,6}\s*|\*\*)?\s*(?:references?|bibliography|works cited|reference list)\b",
    re.IGNORECASE | re.MULTILINE,
)


@dataclass
class Reading:
    body: str
    references: list[str]  # one entry a paragraph
    cited: list[tuple[str, str]]  # (first author's first word, year or number) per citation
    listed: list[tuple[str, str]]


def _first_word(text: str) -> str:
    match = re.search(r"[A-Za-zÀ-ÿ][\w'’-]*", text.replace("*", ""))
    return match.group(0) if match else ""


def split(document: str, style: str) -> tuple[str, list[str]]:
    """The body and the reference entries under the style's heading (the last such heading)."""
    marker = f"\n## {HEADINGS[style]}\n"
    if marker not in document:
        return document, []
    body, _, listing = document.rpartition(marker)
    entries = [p.strip() for p in listing.strip().split("\n\n") if p.strip()]
    return body, entries


_YEAR = r"(?:1[5-9]\d\d|20\d\d)[a-z]?|n\.d\.|no date"


def read(document: str, style: str) -> Reading:
    body, entries = split(document, style)
    quoted = re.sub(r"“[^”]*”", " ", body)  # a quotation's own words are not ours to check
    cited: list[tuple[str, str]] = []
    listed: list[tuple[str, str]] = []
    if style == "ieee":
        for group in re.findall(r"\[(\d+)(?:,\s*(?:p|pp|para)\.\s*[\w–-]+)?\]", quoted):
            cited.append(("", group))
        for entry in entries:
            number = re.match(r"\[(\d+)\]", entry)
            listed.append(("", number.group(1) if number else "?"))
        return Reading(body, entries, cited, listed)
    for group in re.findall(r"\(([^()]*)\)", quoted):
        for part in group.split(";"):
            part = part.strip()
            if style == "mla9":
                # "(Okafor and Chen 4)", "(Santamouris)", "(Okafor and Chen, “Street” 4)"
                if not re.match(r"[A-Z]", part) or re.match(r"(Table|Figure)\b", part):
                    continue
                cited.append((_first_word(part), ""))
                continue
            year = re.search(_YEAR, part)
            if year and re.match(r"[A-Z]", part):
                cited.append((_first_word(part), year.group(0)))
    for entry in entries:
        year = re.search(_YEAR, entry)
        listed.append(
            (_first_word(entry), "" if style == "mla9" else (year.group(0) if year else ""))
        )
    return Reading(body, entries, cited, listed)


def problems(document: str, style: str) -> list[str]:
    """Everything wrong with the document's citations, as a reader would list it."""
    found = []
    reading = read(document, style)
    if RAW_HANDLE.search(document):
        found.append(f"raw handle: {RAW_HANDLE.search(document).group(0)}")  # type: ignore[union-attr]
    if HEX_KEY.search(document):
        found.append("raw 32-hex key")
    if MODEL_REFERENCES.search(reading.body):
        found.append("a reference heading in the body")
    listed = set(reading.listed)
    listed_authors = {author for author, _ in reading.listed}
    for citation in reading.cited:
        if style == "mla9":
            if citation[0] not in listed_authors:
                found.append(f"cited but not listed: {citation}")
        elif citation not in listed:
            found.append(f"cited but not listed: {citation}")
    cited = set(reading.cited)
    cited_authors = {author for author, _ in reading.cited}
    for entry, key in zip(reading.references, reading.listed, strict=True):
        if (style == "mla9" and key[0] not in cited_authors) or (
            style != "mla9" and key not in cited
        ):
            found.append(f"listed but not cited: {entry[:80]}")
    if style == "ieee":
        numbers = [int(n) for _, n in reading.listed if n.isdigit()]
        if numbers != list(range(1, len(numbers) + 1)):
            found.append(f"reference numbers out of order: {numbers}")
        first_seen = list(dict.fromkeys(int(n) for _, n in reading.cited))
        if first_seen != sorted(first_seen):
            found.append(f"numbers do not follow first citation: {first_seen[:12]}")
    return found
