"""The document as it streams: what is appended here is exactly what readers get."""

from __future__ import annotations

from collections.abc import Iterable

from apps.core.text import word_count
from apps.pipeline.cancel import CancelToken
from apps.pipeline.rendering import LiveCitations
from apps.pipeline.resolving import Piece, Removal
from apps.pipeline.state import PipelineState
from apps.streaming.publisher import RunPublisher


class BodyWords:
    """Counts the body's words as it grows (docs/quality.md): the text of the sections, without
    heading lines and without citations (they are pieces of their own, never counted here).
    Whole lines are counted once; only the line still being written is recounted."""

    def __init__(self) -> None:
        self._done = 0
        self._line = ""

    def add(self, text: str) -> None:
        self._line += text
        *complete, self._line = self._line.split("\n")
        self._done += sum(_line_words(line) for line in complete)

    @property
    def total(self) -> int:
        return self._done + _line_words(self._line)


def _line_words(line: str) -> int:
    return 0 if line.lstrip().startswith("#") else word_count(line)


def body_words(pieces: Iterable[Piece]) -> int:
    counter = BodyWords()
    for piece in pieces:
        if piece.body and not piece.is_citation:
            counter.add(piece.text)
    return counter.total


class Draft:
    """The document as streamed so far, kept in the state as it grows so that a run that fails
    or is stopped keeps what was written: what is appended here is exactly what readers get.
    Every delta is also a point where a stop request is noticed."""

    def __init__(
        self, state: PipelineState, events: RunPublisher, citations: LiveCitations | None = None
    ) -> None:
        self._state = state
        self.events = events
        self.cancel: CancelToken = state.cancel
        self._citations = citations or LiveCitations(
            style=state.request.citation_style, handles=state.handles
        )
        self._words = BodyWords()
        for piece in state.pieces:
            if piece.body and not piece.is_citation:
                self._words.add(piece.text)

    @property
    def text(self) -> str:
        return self._state.document

    @property
    def body_words(self) -> int:
        return self._words.total

    def append(self, text: str, *, body: bool = False, role: str = "") -> None:
        """Text of our own: the title, a heading, a note (not body), or body text."""
        self.add([Piece(text, body=body, role=role)])

    def add(self, pieces: Iterable[Piece]) -> None:
        """Resolved model text; citations are rendered here as they arrive."""
        self.cancel.check()
        shown = []
        for piece in pieces:
            self._state.pieces.append(piece)
            if piece.is_citation:
                shown.append(self._citations.render(piece.uses))
            else:
                shown.append(piece.text)
                if piece.body:
                    self._words.add(piece.text)
        delta = "".join(shown)
        if not delta:
            return
        self._state.document += delta
        self._state.body_words = self._words.total
        self.events.content(delta, word_count=self._state.body_words)

    def note_removals(self, removals: Iterable[Removal], *, section: str) -> None:
        self._state.removals += [{**r.as_dict(), "section": section} for r in removals]

    def replace(self, document: str) -> None:
        """The document already sent must change (final citations, a corrected note): readers
        get it whole, as one `content` event with `replace`."""
        if document == self._state.document:
            return
        self._state.document = document
        self.events.replace_content(document, word_count=self._state.body_words)
