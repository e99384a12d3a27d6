"""The streaming draft as the reader sees it: formatted, sanitised text re-rendered a few times
a second, and a few words for screen readers when the work moves on.

Rendering the whole draft so far (not appending deltas) means Markdown that a later delta
completes (`**bold**`, a table) renders correctly, and a `replace` event (citations settled over
the whole document) is simply the next render. The filter is the final document's, so the last
render is the final text without its reference list: nothing reflows at `done`.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.template.loader import render_to_string

from apps.conversations.progress import RunProgress
from apps.streaming.events import Event

TEMPLATE = "conversations/conversation.html#draft-html"
DEFAULT_INTERVAL = 0.25  # seconds: readable, and a bounded cost per stream


def render_draft(text: str) -> str:
    """The draft so far as the HTML the run card shows (the final document's filter)."""
    return render_to_string(TEMPLATE, {"text": text})


class LiveDraft:
    """Decides when the draft is rendered again: at most every `interval` seconds while it
    changes, and at once when it is complete or replaced, so the last render is the whole
    draft."""

    def __init__(
        self, *, interval: float | None = None, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.interval = (
            interval
            if interval is not None
            else float(getattr(settings, "DRAFT_RENDER_SECONDS", DEFAULT_INTERVAL))
        )
        self._clock = clock
        self._last = float("-inf")
        self._pending = False
        self._section = ""

    def fragment(self, event: Event | None, progress: RunProgress) -> str | None:
        """Call after `progress` has folded `event` (None: a heartbeat). Returns the draft's
        HTML when it is due, else None."""
        urgent = False
        if event is not None and event["type"] == "content":
            self._pending = True
            urgent = bool(event.get("replace") or event["is_complete"])
        elif event is not None and event["type"] in ("done", "error"):
            urgent = True
        if not self._pending:
            return None
        now = self._clock()
        if not urgent and now - self._last < self.interval:
            return None
        self._last, self._pending = now, False
        return render_draft(progress.draft)

    def announcement(self, event: Event | None) -> str | None:
        """What a screen reader hears: each new section and each finished search, never the
        text itself."""
        if event is None:
            return None
        if event["type"] == "writing" and event["section"] != self._section:
            self._section = event["section"]
            return f"Writing: {event['section']}"
        if event["type"] == "research" and event["status"] in ("completed", "failed"):
            found = event["sources_found"]
            return f"Research: {found} source{'s' if found != 1 else ''} found"
        if event["type"] == "routing":
            return f"Planning a {event['system']} piece"
        return None
