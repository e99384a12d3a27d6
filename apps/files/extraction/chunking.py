"""Split extracted text into passages small enough to rank and quote."""

from __future__ import annotations

import re

from apps.core.text import word_count

CHUNK_WORDS = 160
MIN_WORDS = 4

_HYPHEN_BREAK = re.compile(r"(\w)-\n(\w)")
# The closing quotes and brackets after a full stop belong to the sentence they close: captured,
# so that splitting keeps them.
_SENTENCE_END = re.compile(r"(?<=[.!?…])([\"”’)\]]*)\s+(?=[\"“‘(\[]?[A-Z0-9])")


def normalise(text: str) -> str:
    """Join words hyphenated across lines and collapse whitespace, keeping paragraph breaks."""
    text = _HYPHEN_BREAK.sub(r"\1\2", text.replace("\u00ad", ""))
    paragraphs = re.split(r"\n\s*\n", text)
    return "\n\n".join(" ".join(p.split()) for p in paragraphs if p.strip())


def sentences(text: str) -> list[str]:
    parts = _SENTENCE_END.split(" ".join(text.split()))
    # split() alternates sentence, closers, sentence, closers, … sentence.
    joined = [
        parts[i] + (parts[i + 1] if i + 1 < len(parts) else "") for i in range(0, len(parts), 2)
    ]
    return [s.strip() for s in joined if s.strip()]


def split_words(text: str, limit: int = CHUNK_WORDS) -> list[str]:
    """Group whole sentences into pieces of about `limit` words (a longer sentence stays whole
    unless it is over twice the limit, when it is cut between words)."""
    pieces: list[str] = []
    current: list[str] = []
    size = 0
    for sentence in sentences(text):
        words = word_count(sentence)
        if current and size + words > limit:
            pieces.append(" ".join(current))
            current, size = [], 0
        if words > 2 * limit:
            tokens = sentence.split()
            pieces.extend(" ".join(tokens[i : i + limit]) for i in range(0, len(tokens), limit))
            continue
        current.append(sentence)
        size += words
    if current:
        pieces.append(" ".join(current))
    return [p for p in pieces if word_count(p) >= MIN_WORDS]
