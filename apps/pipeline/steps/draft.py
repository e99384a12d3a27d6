"""The document as it streams: what is appended here is exactly what readers get."""

from __future__ import annotations

from apps.core.text import word_count
from apps.pipeline.cancel import CancelToken
from apps.pipeline.state import PipelineState
from apps.streaming.publisher import RunPublisher


class Draft:
    """The document as streamed so far, kept in the state as it grows so that a run that fails
    or is stopped keeps what was written: what is appended here is exactly what readers get.
    Every delta is also a point where a stop request is noticed."""

    def __init__(self, state: PipelineState, events: RunPublisher) -> None:
        self._state = state
        self.events = events
        self.cancel: CancelToken = state.cancel
        # Words are counted once, up to the last whitespace seen: recounting the whole document
        # on every delta would be quadratic in its length.
        self._counted_upto = len(state.document)
        self._counted = word_count(state.document)

    @property
    def text(self) -> str:
        return self._state.document

    def append(self, delta: str) -> None:
        self.cancel.check()
        document = self._state.document = self._state.document + delta
        boundary = max(document.rfind(" "), document.rfind("\n"))
        if boundary > self._counted_upto:
            self._counted += word_count(document[self._counted_upto : boundary])
            self._counted_upto = boundary
        total = self._counted + word_count(document[self._counted_upto :])
        self.events.content(delta, word_count=total)
