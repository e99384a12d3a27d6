"""Which words of a title are proper nouns, so that sentence case keeps their capitals ("Heat
in London", not "heat in london"). Three kinds of knowledge, from the most specific:

- the work's own abstract: a word its authors capitalise in mid-sentence and never write in
  lower case is a name, if it is not an ordinary word (Ahmedabad, but not "Learning");
- a dictionary: SCOWL's British English word list (Debian's `wbritish`) spells proper nouns with
  their capital, so a word listed only with a capital is a name (London, English, Bayesian,
  Alzheimer's) and one listed in lower case too is not taken for one (mark, china, turkey);
- the names of countries (ISO 3166, from pycountry), among them the ones the dictionary has in
  lower case too (China, Japan, Turkey); a few other multi-word names whose words are common
  words on their own ("European Union"); and the words that make a place name with the name
  after them ("New Zealand", "South Africa").

A word none of these know is lowercased, as APA's sentence case does for ordinary words."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pycountry

from apps.core.text import sentence_words

WORDLIST = Path("/usr/share/dict/british-english")

# Names whose words are ordinary words on their own, so neither the dictionary nor the prefix
# rule below finds them, and countries by the names English writers use that ISO does not.
NAMES = (
    "Turkey",
    "Vietnam",
    "Ivory Coast",
    "United Nations",
    "European Union",
    "European Commission",
    "Middle East",
    "Czech Republic",
    "Northern Ireland",
    "New South Wales",
    "World Health Organization",
    "World Bank",
    "World War",
    "Cold War",
    "Supreme Court",
    "Global South",
    "Global North",
    "Black Death",
    "Industrial Revolution",
)
# Words that make a name with the name that follows them: New Zealand, South Africa, Sri Lanka.
NAME_PREFIXES = frozenset(
    {
        "new",
        "north",
        "south",
        "east",
        "west",
        "northern",
        "southern",
        "eastern",
        "western",
        "central",
        "upper",
        "lower",
        "greater",
        "great",
        "united",
        "saint",
        "st",
        "san",
        "santa",
        "los",
        "las",
        "sri",
        "hong",
        "costa",
        "puerto",
        "saudi",
        "sierra",
        "latin",
    }
)

_EDGE = "\"'“”‘’()[]{},;:.!?"
_POSSESSIVE = re.compile(r"['’]s$")


def bare(word: str) -> str:
    """A title's word as a name is looked up: no quotes or brackets around it, no possessive."""
    return _POSSESSIVE.sub("", word.strip(_EDGE))


@lru_cache(maxsize=1)
def dictionary_words(path: Path = WORDLIST) -> frozenset[str]:
    return frozenset(path.read_text(encoding="utf-8").split())


def dictionary_names(path: Path = WORDLIST) -> frozenset[str]:
    """The words the list spells only with a capital (and not as an acronym: "ATV" is no use
    here, acronyms keep their case anyway)."""
    words = dictionary_words(path)
    return frozenset(
        word
        for word in words
        if word[:1].isupper() and word.lower() not in words and not _POSSESSIVE.search(word)
    )


@lru_cache(maxsize=1)
def known_names() -> tuple[str, ...]:
    """The countries' names, common names and official names (those that read as a name:
    not "Korea, Republic of"), and the names above."""
    found: set[str] = set(NAMES)
    for country in pycountry.countries:
        for attribute in ("name", "common_name", "official_name"):
            name = getattr(country, attribute, "")
            if name and not set(name) & set(",()"):
                found.add(name)
    return tuple(sorted(found))


def _fold(words: Iterable[str]) -> tuple[str, ...]:
    return tuple(word.casefold() for word in words)


@dataclass(frozen=True)
class Names:
    """The proper nouns known for one work: single words, and phrases by their folded words
    (mapped to how the name is spelt)."""

    words: frozenset[str]
    phrases: dict[tuple[str, ...], tuple[str, ...]]

    def is_name(self, word: str) -> bool:
        return word in self.words or word.capitalize() in self.words

    def phrase_at(self, words: list[str], start: int) -> tuple[str, ...] | None:
        """The longest known phrase starting at `words[start]`, spelt as the name is."""
        best: tuple[str, ...] | None = None
        for length in range(2, min(len(words) - start, 6) + 1):
            found = self.phrases.get(_fold(words[start : start + length]))
            if found:
                best = found
        return best


def evidence_names(text: str) -> set[str]:
    """Words the text capitalises in mid-sentence and never writes in lower case."""
    capitalised: set[str] = set()
    lowered: set[str] = set()
    for token, starts in sentence_words(text):
        word = bare(token)
        if word[:1].isupper() and not starts:
            capitalised.add(word)
        elif word[:1].islower():
            lowered.add(word)
    return {word for word in capitalised if word.lower() not in lowered}


@lru_cache(maxsize=1)
def _known() -> Names:
    names = known_names()
    words = dictionary_names() | {name for name in names if " " not in name}
    phrases = {_fold(name.split()): tuple(name.split()) for name in names if " " in name}
    return Names(words=frozenset(words), phrases=phrases)


# A work's titles (title, short title, a chapter's book) and each Citer made for a run ask
# with the same abstract: it is read once.
@lru_cache(maxsize=256)
def names_for(evidence: str = "") -> Names:
    """What is known of proper nouns in general, and from the work's own text (`evidence`).
    The text is trusted only for words the dictionary does not have in lower case (a place, a
    person): authors also capitalise their terms ("Deep Learning", "Open Access"), which APA
    does not."""
    known = _known()
    if not evidence:
        return known
    ordinary = dictionary_words()
    found = {word for word in evidence_names(evidence) if word.lower() not in ordinary}
    return Names(words=known.words | found, phrases=known.phrases)
