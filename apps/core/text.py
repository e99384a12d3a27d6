"""Small text helpers shared by the steps."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Collection, Iterator

_WORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9'’-]*")

STOPWORDS = frozenset(
    [
        "a",
        "about",
        "above",
        "after",
        "again",
        "against",
        "all",
        "also",
        "am",
        "an",
        "and",
        "any",
        "are",
        "as",
        "at",
        "be",
        "because",
        "been",
        "before",
        "being",
        "below",
        "between",
        "both",
        "but",
        "by",
        "can",
        "could",
        "did",
        "do",
        "does",
        "doing",
        "down",
        "during",
        "each",
        "essay",
        "few",
        "for",
        "from",
        "further",
        "had",
        "has",
        "have",
        "having",
        "he",
        "her",
        "here",
        "hers",
        "herself",
        "him",
        "himself",
        "his",
        "how",
        "i",
        "if",
        "in",
        "into",
        "is",
        "it",
        "its",
        "itself",
        "just",
        "me",
        "more",
        "most",
        "my",
        "myself",
        "no",
        "nor",
        "not",
        "now",
        "of",
        "off",
        "on",
        "once",
        "only",
        "or",
        "other",
        "our",
        "ours",
        "ourselves",
        "out",
        "over",
        "own",
        "please",
        "report",
        "review",
        "same",
        "she",
        "should",
        "so",
        "some",
        "such",
        "than",
        "that",
        "the",
        "their",
        "theirs",
        "them",
        "themselves",
        "then",
        "there",
        "these",
        "they",
        "this",
        "those",
        "through",
        "to",
        "too",
        "under",
        "until",
        "up",
        "very",
        "was",
        "we",
        "were",
        "what",
        "when",
        "where",
        "which",
        "while",
        "who",
        "whom",
        "why",
        "will",
        "with",
        "would",
        "write",
        "writing",
        "you",
        "your",
        "yours",
        "yourself",
        "yourselves",
        "words",
        "word",
        "using",
        "use",
        "discuss",
        "explain",
        "describe",
        "analyse",
        "analyze",
        "evaluate",
        "paper",
        "piece",
        "academic",
        "give",
        "make",
        "including",
        "include",
        "focusing",
        "focus",
        "focused",
        "based",
        "regarding",
        "particular",
        "especially",
        "discussing",
        "exploring",
        "examine",
        "examining",
    ]
)

_CLAUSE = re.compile(r"[,.;:!?()\[\]{}\"“”]|\s[-–—]\s")
# "Write me a 2,000-word critical essay on ..." → "...": the instruction is not the topic.
_INSTRUCTION = re.compile(
    r"^(please\s+)?(write|draft|produce|compose|create|prepare|generate)\s+(me\s+)?"
    r"(an?\s+|the\s+)?([\w,-]+\s+){0,4}?"
    r"(essay|report|review|chapter|proposal|case study|summary|reflection|paper|piece)\s+"
    r"(on|about|of|into|discussing|exploring|examining|that|which)?\s*",
    re.IGNORECASE,
)


def word_count(text: str) -> int:
    return len(_WORD.findall(text))


def keywords(text: str, *, limit: int = 6) -> list[str]:
    """The prompt's key phrases: runs of up to three content words between stopwords and
    punctuation ("artificial intelligence"), most frequent first, ties in order of appearance.
    Lower case, but for the words the writer capitalised: a name in mid-sentence ("United
    Kingdom") or an acronym ("NHS"), as the writer spelt it."""
    body = _INSTRUCTION.sub("", text.strip())
    spelt = _capitalised(body)
    phrases: list[str] = []
    for clause in _CLAUSE.split(body):
        run: list[str] = []
        for token in [*_WORD.findall(clause), ""]:
            word = token.lower().strip("'’-")
            if word and len(word) > 2 and word not in STOPWORDS and not word.isdigit():
                run.append(word)
                continue
            while run:
                phrases.append(" ".join(run[:3]))
                run = run[3:]
    counts = Counter(phrases)
    ranked = sorted(counts, key=lambda p: (-counts[p], phrases.index(p)))[:limit]
    return [" ".join(spelt.get(w, w) for w in p.split()) for p in sorted(ranked, key=phrases.index)]


# A word, or a mark after which a writer may capitalise any word.
_SENTENCE_TOKEN = re.compile(r"[A-Za-z][\w'’-]*|[.!?:;]")


def sentence_words(text: str) -> Iterator[tuple[str, bool]]:
    """The words of `text`, each with whether a sentence starts with it (or it follows a
    colon or a semicolon): there a capital says nothing about the word."""
    starts = True
    for token in _SENTENCE_TOKEN.findall(text):
        if not token[0].isalpha():
            starts = True
            continue
        yield token, starts
        starts = False


def _capitalised(text: str) -> dict[str, str]:
    """The words `text` capitalises where a sentence does not start, or writes as acronyms,
    by their lower case."""
    spelt: dict[str, str] = {}
    for token, starts in sentence_words(text):
        word = token.strip("'’-")
        acronym = len(word) > 1 and word.isupper()
        if word[:1].isupper() and (acronym or not starts):
            spelt.setdefault(word.lower(), word)
    return spelt


def topic_phrase(prompt: str, *, limit: int = 160) -> str:
    """The prompt's first sentence without the instruction ("Write an essay on"), trimmed, as
    the topic to name in headings and prose."""
    flat = " ".join(prompt.split())
    first = re.split(r"(?<=[.!?])\s", flat, maxsplit=1)[0].rstrip(".!?")
    topic = _INSTRUCTION.sub("", first).strip() or first
    topic = topic[0].upper() + topic[1:] if topic else topic
    return topic if len(topic) <= limit else topic[: limit - 1].rstrip() + "…"


_SEARCH_WORD = re.compile(r"[a-z0-9][a-z0-9'’-]*")


def search_tokens(text: str) -> list[str]:
    """Lower-case content words with plurals folded, so 'Algorithms' matches 'algorithm': what
    BM25 ranks passages and scholarly records on."""
    out = []
    for word in _SEARCH_WORD.findall(text.lower()):
        if len(word) < 3 or word in STOPWORDS:
            continue
        if word.endswith("ies") and len(word) > 4:
            word = word[:-3] + "y"
        elif word.endswith("s") and not word.endswith("ss") and len(word) > 3:
            word = word[:-1]
        out.append(word)
    return out


_PARENTHETICAL = re.compile(r"\s*[(\[][^)\]]*[)\]]?")
_LABEL = re.compile(r"^\s*[\w-]+(?:\s+[\w-]+)?\s*:\s+(?=\S)")
_CLAUSE_BREAK = re.compile(r"\s*(?:[:;—–]|\s-\s)\s*")
TITLE_WORDS = 10


def without_dangling(words: list[str], *, dangling: Collection[str]) -> list[str]:
    """`words` without the `dangling` ones at its end (a title never ends on "of the"), keeping
    at least the first word."""
    kept = list(words)
    while len(kept) > 1 and kept[-1].lower().strip(",'’-") in dangling:
        kept.pop()
    return kept


def short_title(prompt: str, *, max_words: int = TITLE_WORDS) -> str:
    """A conversation's title from its request: the topic phrase, without a leading label
    ("Essay:"), parentheticals or trailing clauses, at most `max_words` whole words and never
    ending on a dangling word or an ellipsis ("The causes of urban heat islands", not
    "…causes (impervious surfaces, r…")."""
    topic = topic_phrase(_LABEL.sub("", " ".join(prompt.split())), limit=2000)
    topic = _PARENTHETICAL.sub("", topic).strip(" .,;:…")
    title = next((c for c in _CLAUSE_BREAK.split(topic) if c.strip()), topic)
    # Cut at the first comma only when what comes before it can stand alone.
    head = title.split(",")[0]
    if len(_WORD.findall(head)) >= 4:
        title = head
    words = title.split()
    if len(words) > max_words:
        words = words[:max_words]
        # Cut before the last little word near the end: "…strategies", not "…strategies for dense".
        for i in range(len(words) - 1, max(len(words) - 5, 2), -1):
            if words[i].lower() in STOPWORDS:
                words = words[:i]
                break
    title = " ".join(without_dangling(words, dangling=STOPWORDS)).strip(" .,;:…-–—")
    return (title[0].upper() + title[1:]) if title else "Untitled piece"
