"""Extractive helpers over the document model: sentences, each section's key sentence (the
summary) and a few of its sentences as slide bullets. Offline and deterministic."""

from __future__ import annotations

import re

from apps.core.text import search_tokens, word_count
from apps.exports.document import Block, Document, ListBlock, Paragraph, Quote, Section

_BOUNDARY = re.compile(r"[.!?…][\"”’)\]]*\s+(?=[\"“‘(\[]?[A-Z0-9])")
# A full stop after these is not the end of a sentence: "(Smith, 2020, p. 3)", "Lee et al. 2021".
_ABBREVIATIONS = frozenset(
    [
        "p",
        "pp",
        "al",
        "e.g",
        "i.e",
        "cf",
        "vs",
        "etc",
        "dr",
        "mr",
        "mrs",
        "ms",
        "prof",
        "no",
        "vol",
        "eds",
        "ed",
        "fig",
        "figs",
        "ch",
        "sec",
        "approx",
        "st",
    ]
)
MIN_BULLETS, MAX_BULLETS = 3, 6
_WORDS_PER_BULLET = 60


def sentences(text: str) -> list[str]:
    text = " ".join(text.split())
    found: list[str] = []
    start = 0
    for match in _BOUNDARY.finditer(text):
        words = text[start : match.start()].split()
        last = words[-1].rstrip(".").lstrip('(“"‘').casefold() if words else ""
        if last in _ABBREVIATIONS or (len(last) == 1 and last.isalpha()):
            continue
        found.append(text[start : match.end()].strip())
        start = match.end()
    if text[start:].strip():
        found.append(text[start:].strip())
    return found


def _is_note(block: Block) -> bool:
    """An italic-only paragraph: the pipeline's note on what a section is for."""
    return isinstance(block, Paragraph) and all(
        span.italic for span in block.spans if span.text.strip()
    )


def _texts(blocks: list[Block] | tuple[Block, ...]) -> list[str]:
    """The section's running text, one string per paragraph or list item."""
    texts: list[str] = []
    for block in blocks:
        if isinstance(block, Paragraph):
            texts.append(block.text)
        elif isinstance(block, Quote):
            texts.extend(_texts(block.blocks))
        elif isinstance(block, ListBlock):
            for item in block.items:
                texts.append(" ".join(_texts(item)))
    return [t for t in texts if t.strip()]


def section_text(section: Section) -> str:
    return "\n\n".join(_texts(section.blocks))


def section_sentences(section: Section) -> list[str]:
    """Sentences of the section's body; its purpose note only when there is nothing else."""
    body = [b for b in section.blocks if not _is_note(b)]
    # A sentence that is all emphasis is a label ("*Word budget: 107 words.*"), not content.
    labels = {
        span.text.strip()
        for block in body
        if isinstance(block, Paragraph)
        for span in block.spans
        if span.italic
    }
    found = [s for text in _texts(body) for s in sentences(text) if s not in labels]
    if found:
        return found
    return [s for text in _texts(section.blocks) for s in sentences(text)]


_CITATION = re.compile(
    r"\(\D*\d{4}[a-z]?[^)]*\)|\[\d+(?:[,–-]\s*\d+)*(?:, p+\. [^\]]+)?\]|\(\w[^)]* \d+\)"
)


def _scores(section: Section, candidates: list[str], *, title: str) -> list[float]:
    """What makes a sentence the one to keep: it speaks of the section's and the document's
    topic, it carries a citation (a claim, not a signpost), it has some substance, and it
    comes early."""
    topic = set(search_tokens(section.title)) | set(search_tokens(title))
    scores = []
    for index, sentence in enumerate(candidates):
        tokens = set(search_tokens(sentence))
        overlap = len(tokens & topic) / (len(topic) or 1)
        words = word_count(sentence)
        cited = 1.0 if _CITATION.search(sentence) else 0.0
        substance = 0.3 * min(words, 25) / 25 if words <= 60 else 0.0
        scores.append(overlap + cited + substance + 0.2 / (index + 1))
    return scores


def key_sentence(section: Section, *, title: str) -> str:
    candidates = section_sentences(section)
    if not candidates:
        return ""
    scores = _scores(section, candidates, title=title)
    return candidates[max(range(len(candidates)), key=scores.__getitem__)]


def bullets(section: Section, *, title: str) -> list[str]:
    """3–6 of the section's own sentences (fewer only when it has fewer), in their order."""
    candidates = list(dict.fromkeys(section_sentences(section)))  # a repeated sentence once
    wanted = word_count(" ".join(candidates)) // _WORDS_PER_BULLET
    wanted = max(MIN_BULLETS, min(MAX_BULLETS, wanted))
    if len(candidates) <= wanted:
        return candidates
    scores = _scores(section, candidates, title=title)
    chosen = sorted(range(len(candidates)), key=lambda i: -scores[i])[:wanted]
    return [candidates[i] for i in sorted(chosen)]


def summary_points(document: Document) -> list[tuple[str, str]]:
    """(section title, key sentence) for every section that has one."""
    points = [(s.title, key_sentence(s, title=document.title)) for s in document.sections]
    return [(heading, sentence) for heading, sentence in points if sentence]
