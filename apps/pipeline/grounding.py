"""Grounded extractive writing, for the offline provider when the user supplied material.

For each outline section it picks the passages most relevant to that section (no passage twice),
quotes them, and cites each with its page or paragraph. Every quotation is
cited by handle, exactly as a model is asked to cite, and resolved by the same code.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from apps.core.sources import Source
from apps.core.text import STOPWORDS, word_count
from apps.pipeline.citing import Use
from apps.pipeline.handles import Handles
from apps.pipeline.state import Outline, OutlineSection

QUOTE_MIN, QUOTE_MAX = 8, 70  # words in one quotation
FRAMING_WORDS = 9  # a lead-in and a citation around each quotation, roughly
_WORD = re.compile(r"[a-z0-9][a-z0-9'’-]*")
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"”’)\]]*\s+(?=[\"“‘(\[]?[A-Z0-9])")
_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>#|])")
_GENERIC = frozenset(
    [
        "section",
        "argument",
        "claim",
        "claims",
        "evidence",
        "source",
        "sources",
        "sentence",
        "state",
        "define",
        "show",
        "name",
        "explain",
        "present",
        "assess",
        "open",
        "end",
        "draw",
        "give",
        "summarise",
        "restate",
        "return",
        "wider",
        "topic",
        "thesis",
        "one",
        "two",
        "first",
        "second",
        "why",
        "what",
        "how",
        "where",
        "which",
    ]
)
LEADS = (
    "One passage states:",
    "The material is explicit on this point:",
    "As one source puts it,",
    "Another passage adds:",
    "The text reads:",
    "On this, the evidence notes:",
)


def _singular(word: str) -> str:
    """A plural and its singular folded to one key (cities and city, classes and class); not a
    stemmer: only what English plurals add."""
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith(("sses", "xes", "ches", "shes")):
        return word[:-2]
    if word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def terms(text: str) -> set[str]:
    found = set()
    for word in _WORD.findall(text.lower()):
        if len(word) > 2 and word not in STOPWORDS and word not in _GENERIC:
            found.add(_singular(word))
    return found


@dataclass(frozen=True)
class Quote:
    source: Source
    text: str
    position: int  # order within the source, to read quotes of one source in order

    @property
    def use(self) -> Use:
        return Use(self.source.key, self.source.locator_label, self.source.locator)


@dataclass(frozen=True)
class Plan:
    sections: tuple[tuple[Quote, ...], ...]

    @property
    def uses(self) -> list[Use]:
        return [quote.use for section in self.sections for quote in section]

    @property
    def citation_order(self) -> list[str]:
        """The works in order of first citation (IEEE numbers them so)."""
        return list(dict.fromkeys(use.key for use in self.uses))


def _candidates(sources: tuple[Source, ...]) -> list[Quote]:
    """Quotable stretches: a sentence, joined to the next while it is too short."""
    quotes: list[Quote] = []
    for source in sources:
        sentences = [s.strip() for s in _SENTENCE_END.split(source.excerpt) if s.strip()]
        current = ""
        for sentence in sentences:
            if "|" in sentence:  # a table row: searchable, but not prose to quote
                current = ""
                continue
            current = f"{current} {sentence}".strip()
            if word_count(current) < QUOTE_MIN:
                continue
            if word_count(current) > QUOTE_MAX:
                current = " ".join(current.split()[:QUOTE_MAX]).rstrip(",;:") + " …"
            quotes.append(Quote(source, current, len(quotes)))
            current = ""
        if current and word_count(current) >= QUOTE_MIN // 2:
            quotes.append(Quote(source, current, len(quotes)))
    return quotes


def _section_terms(section: OutlineSection) -> set[str]:
    return terms(" ".join([section.title, section.purpose, *section.points, section.evidence]))


@lru_cache(maxsize=16)
def plan(outline: Outline, sources: tuple[Source, ...]) -> Plan:
    candidates = _candidates(sources)
    rank = {source: index for index, source in enumerate(sources)}
    available = sum(word_count(q.text) + FRAMING_WORDS for q in candidates)
    used: set[int] = set()
    sections: list[tuple[Quote, ...]] = []
    total = max(outline.total_budget, 1)
    for section in outline.sections:
        wanted = section.budget - FRAMING_WORDS
        # A fair share of the material, so that an early section cannot use all of it up.
        share = max(wanted if available >= total else available * section.budget // total, 1)
        keys = _section_terms(section)

        def score(quote: Quote, keys: set[str] = keys) -> tuple[float, int]:
            overlap = len(keys & terms(quote.text))
            return (overlap + 1.0 / (1 + rank[quote.source]), -quote.position)

        picked: list[Quote] = []
        size = 0
        for quote in sorted(candidates, key=score, reverse=True):
            if quote.position in used:
                continue
            cost = word_count(quote.text) + FRAMING_WORDS
            if picked and size + cost > min(share, wanted) + FRAMING_WORDS:
                continue
            picked.append(quote)
            used.add(quote.position)
            size += cost
            if size >= min(share, wanted):
                break
        sections.append(tuple(sorted(picked, key=lambda q: q.position)))
    return Plan(tuple(sections))


def _quote_text(text: str) -> str:
    text = text.replace("“", "‘").replace("”", "’").replace('"', "'")
    return _MD_SPECIAL.sub(r"\\\1", text.rstrip(" .,;:"))


def _handle(handles: Handles, use: Use) -> str:
    """The quotation's citation as a model would write it: by handle, with its locator."""
    handle = handles.handle(use.key)
    label = {"page": "p.", "paragraph": "para."}.get(use.label)
    return f"[{handle}, {label} {use.locator}]" if label and use.locator else f"[{handle}]"


@lru_cache(maxsize=16)
def render(outline: Outline, sources: tuple[Source, ...]) -> tuple[str, ...]:
    """Each section's Markdown, every quotation cited by handle and page: the citations are
    rendered like a model's (apps.pipeline.resolving), in the run's style."""
    document_plan = plan(outline, sources)
    handles = Handles.of(sources)
    cites = iter(_handle(handles, use) for use in document_plan.uses)
    texts = []
    lead = 0
    named: set[tuple[str, str]] = set()
    for index, (section, quotes) in enumerate(
        zip(outline.sections, document_plan.sections, strict=True)
    ):
        lines = [f"## {index + 1}. {section.title}", "", f"*{section.purpose}*", ""]
        if not quotes:
            lines += [
                "The material supplied has nothing further on this section. "
                f"What it still needs: {section.evidence}",
                "",
            ]
        paragraph: list[str] = []
        for number, quote in enumerate(quotes):
            heading = quote.source.heading
            # A heading is named the first time a work is quoted from under it: it tells the
            # reader where the passage sits without repeating itself.
            if (
                heading
                and heading != quote.source.title
                and (quote.source.key, heading) not in named
            ):
                named.add((quote.source.key, heading))
                where = f"Under the heading ‘{_quote_text(heading)}’, the text reads:"
            else:
                where = LEADS[lead % len(LEADS)]
                lead += 1
            paragraph.append(f"{where} “{_quote_text(quote.text)}” {next(cites)}.")
            # A paragraph per point the section must make, or every three quotations.
            if len(paragraph) == 3 or number == len(quotes) - 1:
                lines += [" ".join(paragraph), ""]
                paragraph = []
        texts.append("\n".join(lines) + "\n")
    return tuple(texts)
