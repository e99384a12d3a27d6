"""Short handles for the works a run may cite: what the model sees and types, never a citation.

A model is shown every retrieved work introduced by its handle (`[S3] Okafor & Chen (2021).
Title.`, then its passages, each with its page) and cites `[S3]` or `[S3, p. 12]`. Code turns
each handle into the citation the style requires (apps.pipeline.resolving); a model never types
an author, a year or a number that reaches the reader.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from apps.core.sources import Source

PREFIX = "S"
# Handles a passage's own text might contain are defused so the material cannot pose as a
# source entry of its own.
_HANDLE_LIKE = re.compile(rf"\[\s*(?={PREFIX}\d)", re.IGNORECASE)
_LABELS = {"page": "p.", "paragraph": "para."}


@dataclass(frozen=True)
class Work:
    handle: str
    key: str
    title: str
    authors: tuple[str, ...]
    year: int | None
    passages: tuple[Source, ...]

    @property
    def pages(self) -> frozenset[str]:
        return frozenset(p.locator for p in self.passages if p.locator_label == "page")

    @property
    def paragraphs(self) -> frozenset[str]:
        return frozenset(p.locator for p in self.passages if p.locator_label == "paragraph")


@dataclass(frozen=True)
class Handles:
    """The retrieved works in order of relevance, S1 the most relevant."""

    works: tuple[Work, ...] = ()
    _by_handle: dict[str, Work] = field(default_factory=dict, compare=False, repr=False)
    _by_key: dict[str, Work] = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def of(cls, sources: Sequence[Source]) -> Handles:
        grouped: dict[str, list[Source]] = {}
        for source in sources:
            grouped.setdefault(source.key, []).append(source)
        works = tuple(
            Work(
                handle=f"{PREFIX}{number}",
                key=key,
                title=passages[0].title,
                authors=passages[0].authors,
                year=passages[0].year,
                passages=tuple(passages),
            )
            for number, (key, passages) in enumerate(grouped.items(), start=1)
        )
        return cls(
            works=works,
            _by_handle={w.handle: w for w in works},
            _by_key={w.key: w for w in works},
        )

    def __bool__(self) -> bool:
        return bool(self.works)

    def work(self, handle: str) -> Work | None:
        return self._by_handle.get(handle.upper())

    def by_key(self, key: str) -> Work | None:
        return self._by_key.get(key)

    def handle(self, key: str) -> str:
        return self._by_key[key].handle


def _authors(work: Work) -> str:
    names = list(work.authors)
    if not names:
        return "Unknown author"
    if len(names) > 3:
        return f"{names[0]} et al."
    return " & ".join(names) if len(names) == 2 else ", ".join(names)


def material(handles: Handles) -> str:
    """The sources as the model is shown them: an entry line per work, then a line per passage,
    each opening with its locator (`p. 4: …`, `para. 2: …`) where it has one."""
    entries = []
    for work in handles.works:
        year = work.year or "n.d."
        lines = [f"[{work.handle}] {_authors(work)} ({year}). {work.title.rstrip('.')}."]
        for passage in work.passages:
            text = _HANDLE_LIKE.sub("[ ", " ".join(passage.excerpt.split()))
            if not text:
                continue
            label = _LABELS.get(passage.locator_label)
            lines.append(
                f"{label} {passage.locator}: {text}" if label and passage.locator else text
            )
        entries.append("\n".join(lines))
    return "\n\n".join(entries)
