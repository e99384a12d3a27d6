"""Sentence case for titles, as APA sets the titles of works. CSL leaves this to the data:
styles print titles as stored, and the specification deprecates `text-case="sentence"`."""

from __future__ import annotations

import re

from citeproc.model import Text

_STOP_WORDS = frozenset(Text._stop_words)
# Which words keep their capitals, and where a new sentence starts.
_WORD = re.compile(r"\S+")
_SENTENCE_BREAK = re.compile(r"[:?!.]$|^[—–]$")
_TITLE_STOP_WORDS = _STOP_WORDS | {"vs", "v", "per", "than", "about", "upon"}


def _keeps_case(part: str) -> bool:
    letters = [c for c in part if c.isalpha()]
    if not letters:
        return True
    capitals = sum(c.isupper() for c in letters)
    # An acronym (NASA, COVID, U.S.) or a word with capitals inside it (iPhone, McDonald).
    return (capitals >= 2 and capitals == len(letters)) or any(c.isupper() for c in letters[1:])


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


def sentence_case(title: str) -> str:
    """A title-case title in sentence case, as APA sets titles of works: the first word and
    the first word after a colon (or a question mark, an exclamation mark, a dash) keep their
    capital; acronyms and words with capitals inside them are kept as they are; every other
    word is lowercased. A title not in title case is returned as it is."""
    if not is_title_case(title) and not title.isupper():
        return title
    out: list[str] = []
    start = True
    for match in _WORD.finditer(title):
        word = match.group(0)
        parts = word.split("-")
        cased = []
        for index, part in enumerate(parts):
            if _keeps_case(part) and not title.isupper():
                cased.append(part)
                continue
            lowered = part.lower()
            if (start and index == 0) or lowered == "i":
                lowered = _capitalise(lowered)
            cased.append(lowered)
        out.append("-".join(cased))
        start = bool(_SENTENCE_BREAK.search(word))
    return " ".join(out)


def _capitalise(word: str) -> str:
    for index, char in enumerate(word):
        if char.isalpha():
            return word[:index] + char.upper() + word[index + 1 :]
    return word
