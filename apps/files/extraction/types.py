from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from apps.core.text import word_count


@dataclass
class Passage:
    """A chunk of text and where it is: a page, else a paragraph number, and its heading."""

    text: str
    page: int | None = None
    paragraph: int | None = None
    heading: str = ""


@dataclass
class Work:
    """One citable work: CSL metadata and the passages that can be quoted from it."""

    title: str
    csl_type: str = "document"
    authors: list[dict[str, str]] = field(default_factory=list)
    year: int | None = None
    container_title: str = ""
    publisher: str = ""
    doi: str = ""
    url: str = ""
    abstract: str = ""
    citation_key: str = ""
    extra: dict[str, Any] = field(default_factory=dict)
    passages: list[Passage] = field(default_factory=list)


@dataclass
class Extraction:
    works: list[Work]
    page_count: int | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def word_count(self) -> int:
        return sum(word_count(p.text) for w in self.works for p in w.passages)
