"""Sentence case for titles, as APA sets the titles of works. CSL leaves this to the data:
styles print titles as stored, and the specification deprecates `text-case="sentence"`."""

from __future__ import annotations

import re

from citeproc.model import Text

from apps.pipeline.proper_nouns import NAME_PREFIXES, Names, bare, names_for

_STOP_WORDS = frozenset(Text._stop_words)
# Which words keep their capitals, and where a new sentence starts.
_WORD = re.compile(r"\S+")
# A subtitle starting in lower case, and only a lowercase word ("Treebase: anRpackage" stays).
_SUBTITLE = re.compile(r"(:\s+)([a-z])(?=[a-z]*[\s,;.?!]|[a-z]*$)")
_JOINER = re.compile(r"([-/–])")
_NAME_PART = re.compile(r"[^\W\d_]+")
_SENTENCE_BREAK = re.compile(r"[:?!.]$|^[—–]$")
_TITLE_STOP_WORDS = _STOP_WORDS | {"vs", "v", "per", "than", "about", "upon"}


def _keeps_case(part: str) -> bool:
    letters = [c for c in part if c.isalpha()]
    if not letters:
        return True
    capitals = sum(c.isupper() for c in letters)
    # An acronym (NASA, COVID, U.S.), a word with capitals inside it (iPhone, McDonald), or
    # capitals with digits (530B, H1N1, 3D).
    return (
        (capitals >= 2 and capitals == len(letters))
        or any(c.isupper() for c in letters[1:])
        or (capitals > 0 and any(c.isdigit() for c in part))
    )


def is_title_case(title: str) -> bool:
    """True when every word that is not a stop word starts with a capital: a title-case title.
    A title with any lowercase content word is taken to be in sentence case already, and its
    capitals to be the proper nouns it needs."""
    words = [w.strip("\"'“”‘’()[],;:.!?") for w in title.split()]
    content = [
        w
        for w in words[1:]
        if w and w[0].isalpha() and w.lower() not in _TITLE_STOP_WORDS and not _keeps_case(w)
    ]
    return bool(content) and all(w[0].isupper() for w in content)


def sentence_case(title: str, *, evidence: str = "") -> str:
    """A title-case title in sentence case, as APA sets titles of works: the first word and
    the first word after a colon (or a question mark, an exclamation mark, a dash) keep their
    capital; acronyms, words with capitals inside them and proper nouns (`proper_nouns`, helped
    by `evidence`, the work's abstract) are kept as they are; every other word is lowercased.
    A title not in title case keeps its capitals and gets the capital of its subtitle's first
    word."""
    shouting = title.isupper()
    if not is_title_case(title) and not shouting:
        # Already in sentence case, but APA capitalises a subtitle's first word too.
        return _SUBTITLE.sub(lambda m: m.group(1) + m.group(2).upper(), title)
    names = names_for(evidence)
    words = _WORD.findall(title)
    spelt = _names_spelt(words, names)
    out: list[str] = []
    start = True
    for index, word in enumerate(words):
        if index in spelt:
            out.append(spelt[index])
        else:
            # Each part of "long-term", "Platinum/Iridium" or "Church–Turing" on its own.
            parts = _JOINER.split(word)
            out.append(
                "".join(
                    part if i % 2 else _case_part(part, start and i == 0, shouting, names)
                    for i, part in enumerate(parts)
                )
            )
        start = bool(_SENTENCE_BREAK.search(word))
    return " ".join(out)


def _case_part(part: str, first: bool, shouting: bool, names: Names) -> str:
    if _keeps_case(part) and not shouting:
        return part
    name = bare(part)
    if name and names.is_name(name):
        # Shouting titles spell names in capitals: write them as the dictionary does.
        return part.replace(name, name.capitalize()) if shouting else part
    lowered = part.lower()
    if first or lowered == "i":
        lowered = _capitalise(lowered)
    return lowered


def _names_spelt(words: list[str], names: Names) -> dict[int, str]:
    """The title's words that are parts of a multi-word name, as the name is spelt, eponyms
    joined by an en dash, and the words before a name that make a place name with it ("New
    Zealand")."""
    bares = [bare(word) for word in words]
    spelt: dict[int, str] = {}
    index = 0
    while index < len(words):
        phrase = names.phrase_at(bares, index)
        if phrase:
            for offset, name in enumerate(phrase):
                at = index + offset
                spelt[at] = words[at].replace(bares[at], name)
            index += len(phrase)
        else:
            index += 1
    for index, word in enumerate(words):
        # An en dash joins names into an eponym (Church–Turing, Navier–Stokes): one part known
        # for a name vouches for the others.
        if "–" in word and any(names.is_name(bare(part)) for part in word.split("–")):
            spelt.setdefault(index, _as_name(word))
    for index in range(len(words) - 2, -1, -1):
        follows = index + 1 in spelt or names.is_name(bares[index + 1])
        if bares[index].casefold() in NAME_PREFIXES and follows and bares[index][:1].isupper():
            spelt.setdefault(index, _as_name(words[index]))
    return spelt


def _as_name(word: str) -> str:
    """A word kept for a name, as a name is written: "SOUTH" in a title in capitals is "South"."""
    return _NAME_PART.sub(lambda m: m.group(0).capitalize(), word) if word.isupper() else word


def _capitalise(word: str) -> str:
    for index, char in enumerate(word):
        if char.isalpha():
            return word[:index] + char.upper() + word[index + 1 :]
    return word
