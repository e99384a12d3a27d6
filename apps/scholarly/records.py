"""One scholarly work as every index reports it, and the helpers that make records comparable."""

from __future__ import annotations

import dataclasses
import enum
import hashlib
import html
import re
import unicodedata
from dataclasses import dataclass
from typing import Any

CSLName = dict[str, str]

ARXIV_DOI_PREFIX = "10.48550/arxiv."
_DOI = re.compile(r"10\.\d{4,9}/\S+", re.IGNORECASE)
_TAG = re.compile(r"<[^>]+>")
# Tags that end a block of text become a space; inline ones (<scp>T</scp>reebase) vanish.
_BLOCK_TAG = re.compile(r"</?(?:jats:)?(?:p|title|sec|list|list-item|br|div)\b[^>]*>", re.I)
# Wiley deposits "an<scp>R</scp>package": an inline word between two words with no spaces,
# which stripping the tags would glue into "anRpackage".
_GLUED_INLINE = re.compile(r"(?<=[a-z])<(scp|i|b|sc)>([A-Z0-9]+)</\1>(?=[a-z])")
# A title's final full stop, but not an abbreviation's ("U.S.").
_TITLE_STOP = re.compile(r"(?<=[a-z0-9)\]])\.$")
_SPACE = re.compile(r"\s+")
_NON_WORD = re.compile(r"[^\w\s]")
# Lower-case words that belong to a family name ("Ludwig van Beethoven", "Vicente de la Cruz").
_PARTICLES = {"van", "von", "der", "den", "de", "del", "della", "di", "da", "la", "le", "du", "dos"}


class Verification(enum.StrEnum):
    VERIFIED = "verified"  # matches Crossref's record for its DOI (or its own index's, see verify)
    UNVERIFIED = "unverified"  # no DOI, or the DOI could not be checked: citable, shown as such
    MISMATCH = "mismatch"  # the DOI's record is another work: never cited
    RETRACTED = "retracted"  # retracted (or a retraction notice): never cited, shown with a warning

    @property
    def citable(self) -> bool:
        return self in {Verification.VERIFIED, Verification.UNVERIFIED}


@dataclass(frozen=True)
class Record:
    index: str  # "openalex" | "crossref" | "arxiv" | "semantic_scholar"
    index_id: str  # the index's own id: W2741809807, a DOI, 2202.12139, a paperId
    title: str
    authors: tuple[CSLName, ...] = ()
    year: int | None = None
    doi: str | None = None  # normalised: lower case, no resolver prefix
    container: str = ""  # journal, proceedings or repository
    volume: str = ""
    issue: str = ""
    pages: str = ""
    url: str = ""
    oa_url: str = ""  # an open-access copy (PDF where the index knows one)
    abstract: str = ""
    citation_count: int | None = None
    is_retracted: bool = False
    csl_type: str = "article-journal"
    arxiv_id: str | None = None  # without version, e.g. 2202.12139 or cond-mat/0603029
    found_in: tuple[str, ...] = ()  # every index that returned this work (after dedup)
    verification: Verification = Verification.UNVERIFIED
    verification_note: str = ""

    def __post_init__(self) -> None:
        if not self.found_in:
            object.__setattr__(self, "found_in", (self.index,))

    @property
    def key(self) -> str:
        """Stable across indexes and runs: the DOI when there is one, else title+author+year."""
        basis = f"doi:{self.doi}" if self.doi else "tay:" + "|".join(map(str, self.match_key))
        return hashlib.sha1(basis.encode(), usedforsecurity=False).hexdigest()

    @property
    def match_key(self) -> tuple[str, str, int | None]:
        return (normalise_title(self.title), first_family(self.authors), self.year)

    @property
    def citable(self) -> bool:
        return self.verification.citable

    @property
    def csl(self) -> dict[str, Any]:
        """Full CSL-JSON for citeproc: the same shape the library's BibTeX/CSL entries use."""
        # Styles put their own stop after a title: one the index kept ("Water Splitting.") would
        # print as "Splitting.’," in Harvard. A stop after a capital ("U.S.") is an abbreviation's.
        title = _TITLE_STOP.sub("", self.title)
        item: dict[str, Any] = {"id": self.key, "type": self.csl_type, "title": title}
        if self.authors:
            item["author"] = [dict(a) for a in self.authors]
        if self.year:
            item["issued"] = {"date-parts": [[self.year]]}
        # A preprint's "container" is the server that holds it, which CSL calls its publisher
        # (as Zotero's preprints do): a container-title would read "In *arXiv*. arXiv." in APA.
        preprint = self.csl_type == "article"
        for csl_key, value in (
            ("container-title", "" if preprint else self.container),
            ("publisher", self.container if preprint else ""),
            ("volume", self.volume),
            ("issue", self.issue),
            ("page", self.pages),
            ("abstract", self.abstract),
        ):
            if value:
                item[csl_key] = value
        if self.doi:
            item["DOI"] = self.doi
        url = self.url or (f"https://doi.org/{self.doi}" if self.doi else "")
        if url:
            item["URL"] = url
        if self.arxiv_id and self.csl_type == "article":
            item["publisher"] = "arXiv"
            item["number"] = f"arXiv:{self.arxiv_id}"
        return item

    def to_dict(self) -> dict[str, Any]:
        data = dataclasses.asdict(self)
        data["verification"] = self.verification.value
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Record:
        values = dict(data)
        values["authors"] = tuple(dict(a) for a in values.get("authors", ()))
        values["found_in"] = tuple(values.get("found_in", ()))
        values["verification"] = Verification(values.get("verification", "unverified"))
        return cls(**values)


def normalise_doi(raw: str | None) -> str | None:
    """`https://doi.org/10.1/ABC`, `doi:10.1/abc` and `10.1/abc` are one DOI: `10.1/abc`."""
    if not raw:
        return None
    match = _DOI.search(raw.strip())
    return match.group(0).rstrip(".").lower() if match else None


def fold(text: str) -> str:
    """Lower case, accents and punctuation dropped, spaces collapsed: for comparing, not show."""
    decomposed = unicodedata.normalize("NFKD", html.unescape(text))
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return _SPACE.sub(" ", _NON_WORD.sub(" ", plain.casefold())).strip()


def normalise_title(title: str) -> str:
    return fold(strip_markup(title))


def strip_markup(text: str) -> str:
    """Inline markup indexes leave in titles and abstracts (`<scp>`, `<i>`, JATS) removed."""
    text = _GLUED_INLINE.sub(r" \2 ", _BLOCK_TAG.sub(" ", text))
    return _SPACE.sub(" ", html.unescape(_TAG.sub("", text))).strip()


def first_family(authors: tuple[CSLName, ...]) -> str:
    if not authors:
        return ""
    first = authors[0]
    return fold(first.get("family") or first.get("literal", ""))


def csl_name(display: str) -> CSLName:
    """A display name ("Heather Piwowar", "A. Turing", "Cruz, Vicente de la") as a CSL name."""
    name = _SPACE.sub(" ", display).strip()
    if not name:
        return {}
    if "," in name:
        family, _, given = name.partition(",")
        return _name(family.strip(), given.strip())
    parts = name.split(" ")
    if len(parts) == 1:
        return {"family": parts[0]}
    cut = len(parts) - 1
    while cut > 1 and parts[cut - 1].lower() in _PARTICLES:
        cut -= 1
    return _name(" ".join(parts[cut:]), " ".join(parts[:cut]))


def _name(family: str, given: str) -> CSLName:
    return {"family": family, "given": given} if given else {"family": family}
