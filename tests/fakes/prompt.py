"""The prompt contract the fake model reads: sources in <material> (`[S<n>] authors (year).
title.` then passages `p. <N>: text`, `para. <N>: text` or plain lines), the length asked (the
last "about N words"), a continuation's <section_so_far>; and words counted as the product counts
them."""

from __future__ import annotations

import re
from dataclasses import dataclass

_STOP_TEXT = (
    "a about above after again against all also am an and any are as at be because been before "
    "being below between both but by can could did do does doing down during each few for from "
    "further had has have having he her here hers him his how i if in into is it its just me "
    "more most my no nor not now of off on once only or other our out over own same she should "
    "so some such than that the their them then there these they this those through to too "
    "under until up very was we were what when where which while who whom why will with would "
    "you your"
)
_STOP = frozenset(_STOP_TEXT.split())
WORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9'’-]*")
# A content term keeps a decimal number whole ("2.1", "1,200"), as a support check reads it.
TERM = re.compile(r"\d+(?:[.,]\d+)*|[A-Za-z0-9][A-Za-z0-9'’-]*")
_MATERIAL = re.compile(r"<material>\s*(.*?)\s*</material>", re.DOTALL)
_SO_FAR = re.compile(r"<section_so_far>\s*(.*?)\s*</section_so_far>", re.DOTALL)
_REQUEST = re.compile(r"<request>\s*(.*?)\s*</request>", re.DOTALL)
_LENGTH = re.compile(r"about (\d+) (?:more )?words")
_ENTRY = re.compile(r"^\[(S\d+)\]\s+(.*?)\s+\(([^()]*)\)\.\s*(.*)$")
_PASSAGE = re.compile(r"^(p\.|para\.)\s*([0-9A-Za-z]+(?:[-–][0-9A-Za-z]+)?)\s*:\s*(.*)$")
_TRAILING_PAGE = re.compile(r"(?:,|\.)?\s*(p\.|para\.)\s*([0-9A-Za-z]+)\.?\s*$")
_BRACKETS = re.compile(r"\[[^\[\]\n]*\]")


@dataclass(frozen=True)
class Passage:
    text: str
    kind: str = ""  # "p." or "para." or "" (no locator)
    number: str = ""


@dataclass(frozen=True)
class Source:
    handle: str  # "S3"
    authors: str
    year: str
    title: str
    passages: tuple[Passage, ...]

    @property
    def pages(self) -> tuple[str, ...]:
        return tuple(p.number for p in self.passages if p.kind == "p.")


@dataclass(frozen=True)
class Ask:
    """What one request asks for, as the prompt contract states it."""

    system: str
    user: str
    sources: tuple[Source, ...]
    words: int | None
    so_far: str | None  # the section so far, when this is a continuation
    topic: str

    @property
    def handles(self) -> tuple[str, ...]:
        return tuple(s.handle for s in self.sources)


def parse(system: str, user: str) -> Ask:
    sources: list[Source] = []
    material = _MATERIAL.search(user)
    if material:
        sources = _sources(material.group(1))
    lengths = _LENGTH.findall(user)
    so_far = _SO_FAR.search(user)
    request = _REQUEST.search(user)
    return Ask(
        system=system,
        user=user,
        sources=tuple(sources),
        words=int(lengths[-1]) if lengths else None,
        so_far=so_far.group(1) if so_far else None,
        topic=request.group(1) if request else "",
    )


def _sources(block: str) -> list[Source]:
    found: list[Source] = []
    entry: dict[str, str] | None = None
    passages: list[Passage] = []

    def close() -> None:
        if entry is not None:
            found.append(Source(passages=tuple(passages), **entry))

    for raw in block.splitlines():
        line = raw.strip()
        if not line:
            continue
        head = _ENTRY.match(line)
        if head:
            close()
            handle, authors, year, title = head.groups()
            passages = []
            # A locator on the entry line itself ("... Title. p. 4") belongs to its excerpt.
            trailing = _TRAILING_PAGE.search(title)
            if trailing:
                title = title[: trailing.start()]
                passages.append(Passage("", trailing.group(1), trailing.group(2)))
            entry = {"handle": handle, "authors": authors, "year": year, "title": title.strip(". ")}
            continue
        if entry is None:
            continue
        located = _PASSAGE.match(line)
        if located:
            kind, number, text = located.groups()
            passages.append(Passage(text, kind, number))
        elif passages and not passages[-1].text:
            passages[-1] = Passage(line, passages[-1].kind, passages[-1].number)
        else:
            passages.append(Passage(line))
    close()
    return found


def count_words(text: str) -> int:
    """Body words as the product counts them: in-text citations in brackets do not count."""
    return len(WORD.findall(_BRACKETS.sub(" ", text)))


def content_terms(text: str) -> list[str]:
    """The passage's content words (names, numbers, terms) in order, each once."""
    seen: set[str] = set()
    terms = []
    for word in TERM.findall(text):
        key = word.lower()
        if key in _STOP or key in seen or (len(word) < 3 and not word.isdigit()):
            continue
        seen.add(key)
        terms.append(word)
    return terms
