"""Is each cited sentence supported by the passages it cites? A lexical check.

Method (named in the report as METHOD): the sentence's key terms are its content words (stop
words dropped, plurals folded), its numbers and its capitalised names. The sentence is supported
when every number it states appears in a cited passage, and at least SUPPORT_SHARE of its other
key terms do. It cannot tell a paraphrase that reverses the source's claim from one that keeps
it; it does catch a citation pinned to a passage about something else, and a number the passage
does not give.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from apps.core.text import search_tokens
from apps.pipeline.handles import Handles
from apps.pipeline.resolving import Piece

METHOD = "lexical: the cited passages contain the sentence's numbers and most of its key terms"
SUPPORT_SHARE = 0.5
_NUMBER = re.compile(r"\d+(?:[.,]\d+)?")
_SENTENCE_END = re.compile(r"[.!?](?:[\"'”’)\]]*)\s+|\n\s*\n")


@dataclass(frozen=True)
class Check:
    sentence: str
    handles: tuple[str, ...]
    supported: bool
    missing: tuple[str, ...]

    def as_dict(self) -> dict[str, object]:
        return {
            "sentence": self.sentence[:400],
            "handles": list(self.handles),
            "supported": self.supported,
            "missing": list(self.missing),
        }


def _passages(handles: Handles, piece: Piece) -> str:
    texts = []
    for use in piece.uses:
        work = handles.by_key(use.key)
        if work is None:
            continue
        located = [
            p.excerpt
            for p in work.passages
            if use.locator and p.locator == use.locator.split("–")[0]
        ]
        texts += located or [p.excerpt for p in work.passages]
    return " ".join(texts)


def _sentence_before(text: str) -> str:
    """The sentence a citation closes: what follows the last sentence end before it."""
    ends = list(_SENTENCE_END.finditer(text.rstrip()))
    start = ends[-1].end() if ends else 0
    sentence = text[start:].strip()
    return re.sub(r"^#+\s.*\n+", "", sentence).strip()


def check(pieces: Sequence[Piece], handles: Handles) -> list[Check]:
    checks: list[Check] = []
    text = ""
    for piece in pieces:
        if not piece.is_citation:
            text += piece.text
            continue
        sentence = _sentence_before(text)
        if not sentence:
            continue
        passage = _passages(handles, piece)
        passage_terms = set(search_tokens(passage))
        numbers = set(_NUMBER.findall(sentence)) - set(_NUMBER.findall(passage))
        terms = list(dict.fromkeys(search_tokens(sentence)))
        missing = [t for t in terms if t not in passage_terms and not t[:1].isdigit()]
        words = [t for t in terms if not t[:1].isdigit()]
        share = 1 - len(missing) / len(words) if words else 1.0
        works = [handles.by_key(u.key) for u in piece.uses]
        checks.append(
            Check(
                sentence=sentence,
                handles=tuple(w.handle for w in works if w is not None),
                supported=not numbers and share >= SUPPORT_SHARE,
                missing=tuple(sorted(numbers)) + tuple(missing),
            )
        )
    return checks
