"""Turns what a model wrote into what the writer reads: handles become citations, everything
citation-like the model typed itself is removed, and each removal is recorded.

The model cites retrieved works by handle (`[S3]`, `[S3, p. 12]`, `[S1; S3, p. 2]`, see
apps.pipeline.handles). Here each handle group becomes a citation `Piece` carrying its `Use`s;
the words of the citation are rendered later by citeproc (apps.pipeline.citing), so that numbers
and year suffixes can follow the whole document. Removed, and counted in the quality report:

- a handle that names no retrieved work, or anything else in brackets that looks like a key
  (`[S99]`, `[smith2020]`, a 32-hex key, `[^1]`);
- a page (or paragraph) the cited work's retrieved passages do not have: the locator goes, the
  citation of the work stays;
- author-year citations the model typed (`(Smith, 2019)`, `(Jones et al. 2020, p. 5)`, the
  year of `Smith (2018)`), MLA-like `(Smith 23)`, and numeric ones (`[12]`, `[3, 4]`);
- a reference list or a "References"/"Bibliography"/"Works Cited" heading the model wrote, with
  everything after it in that section;
- raw HTML (scripts above all), images and link targets: the document is Markdown, and an
  external image would fetch from somewhere the writer never chose.

Text inside “curly quotes” is a source's own words and is left as it is, except for handles.

Streaming: `StreamResolver` holds back only what may still become a token — an unclosed `[`,
`(`, `<` or `“`, a line that may become a heading, trailing white space — and resolves the rest
at once, so the live draft never shows a raw handle and the deltas join to the final text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from apps.core.text import word_count
from apps.pipeline.citing import Use
from apps.pipeline.handles import Handles

# What the quality report calls each kind of removal.
UNKNOWN_HANDLE = "unknown_handle"
BAD_LOCATOR = "locator_not_in_source"
AUTHOR_DATE = "invented_author_date"
NUMERIC = "invented_numeric"
REFERENCE_LIST = "model_reference_list"
MARKUP = "markup"
IMAGE = "external_image"
LINK = "link_target"
INCOMPLETE = "incomplete_citation"
HEADER = "header"

REMOVAL_LABELS = {
    UNKNOWN_HANDLE: "a handle or key that names no retrieved source",
    BAD_LOCATOR: "a page or paragraph the cited source does not have",
    AUTHOR_DATE: "an author-year citation typed by the model",
    NUMERIC: "a numbered citation typed by the model",
    REFERENCE_LIST: "a reference list written by the model",
    MARKUP: "raw HTML",
    IMAGE: "an external image",
    LINK: "a link target",
    INCOMPLETE: "a citation cut off mid-way",
}


@dataclass(frozen=True)
class Piece:
    """A stretch of the document: text, or (with `uses`) a citation rendered from its uses."""

    text: str = ""
    uses: tuple[Use, ...] = ()
    body: bool = True  # part of the body the word count is taken over (not a title or note)
    role: str = ""  # HEADER: the title and note, written again once the length is known

    @property
    def is_citation(self) -> bool:
        return bool(self.uses)


@dataclass(frozen=True)
class Removal:
    kind: str
    text: str

    def as_dict(self) -> dict[str, str]:
        return {"kind": self.kind, "text": self.text[:300]}


_NAME = r"(?:[A-Z][\w'’.-]+|[A-Z]{2,})(?:\s+(?:van|von|de|der|den|da|di|du|le|la|[A-Z][\w'’.-]+))*"
_AUTHORS = rf"{_NAME}(?:(?:,\s*|\s+)(?:and|&)\s+{_NAME}|,\s*{_NAME})*(?:,?\s+et\s+al\.?)?"
_YEAR = r"(?:1[5-9]\d\d|20\d\d)[a-z]?|n\.\s?d\."
_LOCATOR = r"(?:,\s*(?:pp?\.|para\.|paras\.|chap\.|ch\.)\s*[\w–-]+)?"
_CITE = rf"{_AUTHORS},?\s+(?:{_YEAR}){_LOCATOR}"
# Words that name parts of a text, not authors: "(Table 2)" is no citation.
_NOT_AUTHORS = (
    "Table|Tables|Figure|Figures|Fig|Chapter|Section|Sections|Appendix|Level|Levels|Stage|"
    "Phase|Grade|Year|Years|Step|Steps|Part|Model|Study|Studies|Group|Groups|Wave|Class|"
    "Article|Item|Items|Box|Equation|Eq|Week|Weeks|Day|Days|Page|Pages|Hypothesis|Round|Trial|"
    "Experiment|Sample|Cohort|Site|Unit|Volume|Vol|Issue|No|Number|Type|Category|Tier|Scenario"
)

# Citation-like tokens whose letters' case carries meaning: found case-blind within _TOKEN, then
# confirmed case-sensitively (_CASED).
_KEYLIKE = (
    r"[ \t]*\[(?:@?[0-9a-f]{32}|@?[A-Za-z][\w:-]*?\d{4}[a-z]?|@[\w:-]+|"
    r"\^[^\]\n]+|[a-z]+[_:][\w:-]+)\]"
)
_AUTHOR_DATE = (
    rf"[ \t]*\((?:(?:see|see also|e\.g\.,?|cf\.|as cited in)\s+)?"
    rf"{_CITE}(?:\s*;\s*(?:see also\s+)?{_CITE})*\)"
)
_MLA = (
    rf"[ \t]*\((?!(?:{_NOT_AUTHORS})\b)[A-Z][\w'’-]+"
    r"(?:\s+(?:and|&)\s+[A-Z][\w'’-]+|\s+et\s+al\.)?,?\s+\d+(?:\s*[-–]\s*\d+)?\)"
)

_TOKEN = re.compile(
    "|".join(
        [
            r"(?P<script>[ \t]*<(?P<blk>script|style|iframe|object|embed|svg|math|noscript)\b"
            r"[^>]*>.*?</(?P=blk)\s*>)",
            r"(?P<comment>[ \t]*<!--.*?-->)",
            r"(?P<tag></?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]{0,400})?/?>)",
            r"(?P<image>[ \t]*!\[[^\]\n]*\]\([^)\n]*\))",
            r"(?P<handles>\[\s*S\d+\b[^\[\]\n]{0,100}\])",
            r"(?P<link>\[(?P<ltext>[^\[\]\n]+)\]\((?P<url>[^)\s]+)(?:\s+\"[^\"\n]*\")?\))",
            rf"(?P<keylike>{_KEYLIKE})",
            r"(?P<numeric>[ \t]*\[\s*\d{1,3}(?:\s*(?:[-–,]|and)\s*\d{1,3})*\s*\])",
            rf"(?P<authordate>{_AUTHOR_DATE})",
            r"(?P<year>[ \t]*\((?:" + _YEAR + r")" + _LOCATOR + r"\))",
            rf"(?P<mla>{_MLA})",
        ]
    ),
    re.DOTALL | re.IGNORECASE,
)
_CASED = {
    "authordate": re.compile(_AUTHOR_DATE, re.DOTALL),
    "mla": re.compile(_MLA),
    "keylike": re.compile(_KEYLIKE),
}
_NARRATIVE_NAME = re.compile(rf"(?:{_NAME})(?:\s+et\s+al\.)?\s*$")
_REFERENCE_HEADING = re.compile(
    r"^[ \t]*(?:#{1,6}[ \t]*|\*\*|__)?[ \t]*(?:\d+\.?[ \t]*)?"
    r"(?:references?|reference list|bibliography|works cited|sources(?: cited)?|"
    r"literature cited|further reading|citations)[ \t]*:?[ \t]*(?:\*\*|__)?[ \t]*$",
    re.IGNORECASE | re.MULTILINE,
)
_HEADING_WORDS = (
    "references",
    "reference list",
    "bibliography",
    "works cited",
    "sources",
    "literature cited",
    "further reading",
    "citations",
)
_QUOTED = re.compile(r"“[^”]*”")
_HANDLE_PART = re.compile(
    r"(?P<handle>S\d+)|(?P<label>pp?|pages?|paras?|paragraphs?|¶)\.?\s*"
    r"(?P<loc>\d+(?:\s*[-–]\s*\d+)?)",
    re.IGNORECASE,
)
_SEPARATORS = re.compile(r"^[\s,;&]*(?:and[\s,;&]*)*$", re.IGNORECASE)
_HEADING_LINE = re.compile(r"^[ \t]*#{1,6}[ \t].*$", re.MULTILINE)


def _cased_match(kind: str, text: str) -> bool:
    """Re-check, case-sensitively, a match the case-blind pattern found for `kind`."""
    return _CASED[kind].fullmatch(text) is not None


class Resolver:
    """Resolves complete stretches of model text (no token cut in two) against the handles."""

    def __init__(self, handles: Handles) -> None:
        self.handles = handles
        self.removals: list[Removal] = []

    def _remove(self, kind: str, text: str) -> None:
        self.removals.append(Removal(kind, text.strip()))

    def _handle_group(self, text: str) -> tuple[Use, ...]:
        inner = text.strip()[1:-1]
        uses: dict[str, Use] = {}  # one use per work, in the order the group names them
        position = 0
        current: str | None = None  # the work the next locator belongs to
        for match in _HANDLE_PART.finditer(inner):
            between = inner[position : match.start()]
            position = match.end()
            if not _SEPARATORS.match(between):
                self._remove(BAD_LOCATOR, between)
            if match.group("handle"):
                work = self.handles.work(match.group("handle"))
                if work is None:
                    self._remove(UNKNOWN_HANDLE, f"[{match.group('handle').upper()}]")
                    current = None
                    continue
                current = work.key
                uses.setdefault(work.key, Use(work.key))
            elif current is not None and not uses[current].locator:
                uses[current] = self._locate(current, match.group("label"), match.group("loc"))
        rest = inner[position:]
        if not _SEPARATORS.match(rest):
            self._remove(BAD_LOCATOR, rest)
        return tuple(uses.values())

    def _locate(self, key: str, label: str, locator: str) -> Use:
        """The work cited at `locator`, if its retrieved passages have it; else the work alone
        (the locator is removed and counted)."""
        work = self.handles.by_key(key)
        assert work is not None
        paragraph = label.lower().startswith(("para", "¶"))
        locator = re.sub(r"\s*[-–]\s*", "–", locator)
        have = work.paragraphs if paragraph else work.pages
        if locator.split("–")[0] in have:
            return Use(key, "paragraph" if paragraph else "page", locator)
        self._remove(BAD_LOCATOR, f"{work.handle}, {label.rstrip('.')}. {locator}")
        return Use(key)

    def _unquoted(self, text: str, before: str) -> list[Piece]:
        pieces: list[Piece] = []
        position = 0
        for match in _TOKEN.finditer(text):
            kind = match.lastgroup
            if kind in ("blk", "ltext", "url"):  # inner groups: the outer one is what matched
                kind = next(k for k in ("script", "link") if match.group(k))
            token = match.group(0)
            if kind in _CASED and not _cased_match(str(kind), token):
                continue
            if kind == "year":
                preceding = before + text[: match.start()]
                if not _NARRATIVE_NAME.search(preceding[-80:]):
                    continue  # "(2020)" after a common word is prose, not a citation
            pieces.append(Piece(text[position : match.start()]))
            position = match.end()
            if kind == "handles":
                uses = self._handle_group(token)
                if uses:
                    pieces.append(Piece(uses=uses))
                elif pieces and pieces[-1].text.endswith((" ", "\t")):
                    pieces[-1] = Piece(pieces[-1].text.rstrip(" \t"))
            elif kind == "link":
                self._remove(LINK, match.group("url"))
                pieces.append(Piece(match.group("ltext")))
            else:
                self._remove(
                    {
                        "script": MARKUP,
                        "comment": MARKUP,
                        "tag": MARKUP,
                        "image": IMAGE,
                        "keylike": UNKNOWN_HANDLE,
                        "numeric": NUMERIC,
                        "authordate": AUTHOR_DATE,
                        "year": AUTHOR_DATE,
                        "mla": AUTHOR_DATE,
                    }[str(kind)],
                    token,
                )
        pieces.append(Piece(text[position:]))
        return pieces

    def resolve(self, text: str, *, before: str = "") -> list[Piece]:
        """`text` as pieces. `before` is the text just ahead of it (for "Smith (2018)")."""
        pieces: list[Piece] = []
        position = 0
        for quote in _QUOTED.finditer(text):
            pieces += self._unquoted(text[position : quote.start()], before)
            # A quotation is the source's own words: only handles are read inside it.
            pieces += self._quoted(quote.group(0))
            position = quote.end()
        pieces += self._unquoted(text[position:], before)
        return _merged(pieces)

    def _quoted(self, text: str) -> list[Piece]:
        pieces: list[Piece] = []
        position = 0
        for match in re.finditer(r"\[\s*S\d+\b[^\[\]\n]{0,100}\]", text):
            pieces.append(Piece(text[position : match.start()]))
            uses = self._handle_group(match.group(0))
            if uses:
                pieces.append(Piece(uses=uses))
            position = match.end()
        pieces.append(Piece(text[position:]))
        return pieces


def _merged(pieces: Iterable[Piece]) -> list[Piece]:
    out: list[Piece] = []
    for piece in pieces:
        if not piece.is_citation and not piece.text:
            continue
        previous = out[-1] if out else None
        if (
            previous is not None
            and not piece.is_citation
            and not previous.is_citation
            and (previous.body, previous.role) == (piece.body, piece.role)
        ):
            out[-1] = Piece(previous.text + piece.text, body=piece.body, role=piece.role)
        else:
            out.append(piece)
    return out


# How far each opener may run before it is taken as plain text after all.
_HOLD = (("[", "]", 160), ("(", ")", 260), ("<", ">", 500), ("“", "”", 3000))
_BLOCK_OPEN = re.compile(r"<(script|style|iframe|object|embed|svg|math|noscript)\b", re.I)


@dataclass
class StreamResolver:
    """Resolves a section's text as it streams; `finish` at the section's end."""

    handles: Handles
    resolver: Resolver = field(init=False)
    _buffer: str = ""
    _dropping: bool = False
    _tail: str = ""  # the last text emitted, for "Smith (2018)" across a boundary

    def __post_init__(self) -> None:
        self.resolver = Resolver(self.handles)

    @property
    def removals(self) -> list[Removal]:
        return self.resolver.removals

    def feed(self, raw: str) -> list[Piece]:
        if self._dropping:
            self._drop(raw)
            return []
        self._buffer += raw
        safe = self._safe_end()
        chunk, self._buffer = self._buffer[:safe], self._buffer[safe:]
        return self._resolve(chunk)

    def finish(self) -> list[Piece]:
        """Everything still held, as it is: the section is over. A handle cut off mid-way (a
        call that hit its token limit) is dropped."""
        chunk, self._buffer = self._buffer, ""
        dropping, self._dropping = self._dropping, False
        if dropping:
            return []
        cut = re.search(r"\[\s*S\d*[^\]\n]*$", chunk, re.IGNORECASE)
        if cut:
            self.resolver._remove(INCOMPLETE, cut.group(0))
            chunk = chunk[: cut.start()].rstrip(" \t")
        return self._resolve(chunk)

    def _drop(self, text: str) -> None:
        last = self.resolver.removals[-1]
        if last.kind == REFERENCE_LIST and len(last.text) < 300:
            self.resolver.removals[-1] = Removal(REFERENCE_LIST, (last.text + text)[:300])

    def _resolve(self, chunk: str) -> list[Piece]:
        heading = _REFERENCE_HEADING.search(chunk)
        if heading:
            self.resolver._remove(REFERENCE_LIST, chunk[heading.start() :] + self._buffer)
            chunk, self._buffer, self._dropping = chunk[: heading.start()], "", True
        pieces = self.resolver.resolve(chunk, before=self._tail)
        if chunk:
            self._tail = (self._tail + chunk)[-80:]
        return pieces

    def _safe_end(self) -> int:
        text = self._buffer
        safe = len(text.rstrip())  # trailing space waits: a removal may take it
        for opener, closer, limit in _HOLD:
            start = text.rfind(opener)
            if start != -1 and text.find(closer, start) == -1 and len(text) - start <= limit:
                safe = min(safe, start)
        blocks = list(_BLOCK_OPEN.finditer(text))
        if blocks:
            block = blocks[-1]  # a script, say, still open: held whole, up to a limit
            is_open = f"</{block.group(1).lower()}" not in text[block.start() :].lower()
            if is_open and len(text) - block.start() <= 8000:
                safe = min(safe, block.start())
        if text.endswith("!"):
            safe = min(safe, len(text) - 1)
        line_start = text.rfind("\n") + 1
        line = text[line_start:].lstrip().lower()
        if line and len(text) - line_start <= 200:
            bare = line.lstrip("#*_ \t0123456789.")
            if line.startswith(("#", "*", "_")) or any(w.startswith(bare) for w in _HEADING_WORDS):
                safe = min(safe, line_start)
        if text.endswith("]") and safe == len(text):
            safe = max(0, text.rfind("["))  # "[text]" may still get a "(target)"
        if safe > 0 and text[safe - 1] == "]" and text[safe : safe + 1] == "(":
            safe = max(0, text.rfind("[", 0, safe))  # a link's or image's target follows its text
        if safe > 0 and text[safe - 1] == "!" and text[safe : safe + 1] == "[":
            safe -= 1  # an image's "!" waits with its "["
        # White space before a held token waits with it: removing the token may take it.
        return len(text[:safe].rstrip())


def prose_words(text: str) -> int:
    """Words of raw model text roughly as the body count will see them (no headings, no
    handles or citation-like tokens): what the writer steers a section's length by."""
    return word_count(_TOKEN.sub(" ", _HEADING_LINE.sub(" ", text)))
