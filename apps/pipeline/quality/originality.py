"""How much of the body reproduces a source passage word for word, outside quotation marks.

Method (METHOD in the report): every run of SPAN_WORDS or more consecutive words of the body
(lower-cased, punctuation ignored) that also occurs in one of the run's own retrieved passages is
flagged; text inside quotation marks is a declared quotation and is not. The share is the flagged
words over the body's words. It is measured against the run's own sources only: it says whether
the writer copied what the writer was given, not whether the text exists elsewhere.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from apps.core.sources import Source

SPAN_WORDS = 8
METHOD = f"{SPAN_WORDS}+ consecutive words shared with a retrieved passage, outside quotation marks"
_WORD = re.compile(r"[a-z0-9]+(?:['’][a-z]+)?")
_QUOTED = re.compile(r"“[^”]*”|\"[^\"\n]*\"")


@dataclass(frozen=True)
class Originality:
    body_words: int
    copied_words: int
    spans: tuple[str, ...]

    @property
    def share_copied(self) -> float:
        return self.copied_words / self.body_words if self.body_words else 0.0

    def as_dict(self) -> dict[str, object]:
        return {
            "method": METHOD,
            "copied_words": self.copied_words,
            "share_copied": round(self.share_copied, 4),
            "score": round(1 - self.share_copied, 4),
            "spans": [span[:300] for span in self.spans[:20]],
        }


def _grams(words: Sequence[str]) -> Iterable[tuple[str, ...]]:
    for i in range(len(words) - SPAN_WORDS + 1):
        yield tuple(words[i : i + SPAN_WORDS])


def measure(body: str, sources: Iterable[Source]) -> Originality:
    known = {gram for s in sources for gram in _grams(_WORD.findall(s.excerpt.lower()))}
    text = _QUOTED.sub(" ", body.lower())
    matches = list(_WORD.finditer(text))
    words = [m.group(0) for m in matches]
    copied = [False] * len(words)
    for i, gram in enumerate(_grams(words)):
        if gram in known:
            for j in range(i, i + SPAN_WORDS):
                copied[j] = True
    spans: list[str] = []
    i = 0
    while i < len(words):
        if not copied[i]:
            i += 1
            continue
        j = i
        while j < len(words) and copied[j]:
            j += 1
        spans.append(text[matches[i].start() : matches[j - 1].end()])
        i = j
    return Originality(body_words=len(words), copied_words=sum(copied), spans=tuple(spans))
