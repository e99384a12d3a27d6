"""Turn what the stream generator yields into SSE text: JSON for the API, HTML for htmx."""

from __future__ import annotations

import json
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from typing import Any, ClassVar, Protocol

from django.template.loader import render_to_string

from apps.streaming.events import EventType
from apps.streaming.progress import RunProgress
from apps.streaming.sse import Heartbeat, Opened, StreamItem

RETRY_MS = 2000


def sse_message(*, data: str, event: str | None = None, event_id: int | None = None) -> str:
    lines = []
    if event_id is not None:
        lines.append(f"id: {event_id}")
    if event is not None:
        lines.append(f"event: {event}")
    # A data field cannot hold a newline: each line is its own `data:` and the client rejoins them.
    normalised = data.replace("\r\n", "\n").replace("\r", "\n")
    lines.extend(f"data: {line}" for line in normalised.split("\n"))
    return "\n".join(lines) + "\n\n"


def sse_comment(text: str) -> str:
    return f": {text}\n\n"


class Renderer(Protocol):
    async def render(self, item: StreamItem) -> str: ...


def _render_control(item: Opened | Heartbeat) -> str:
    if isinstance(item, Opened):
        return f"retry: {RETRY_MS}\n" + sse_comment("connected")
    return sse_comment("heartbeat")


class JsonRenderer:
    """The API stream: `id: <seq>` and `data: <event json>`, as the first plan's clients expect.

    A stored event never changes, so its text is made once and shared by every stream reading
    the same run: a thousand readers need not serialise it a thousand times."""

    _cache: ClassVar[OrderedDict[tuple[str, int], str]] = OrderedDict()
    CACHE_SIZE: ClassVar[int] = 4096

    async def render(self, item: StreamItem) -> str:
        if isinstance(item, Opened | Heartbeat):
            return _render_control(item)
        key = (item["run_id"], item["seq"])
        text = self._cache.get(key)
        if text is None:
            text = sse_message(data=json.dumps(item, separators=(",", ":")), event_id=item["seq"])
            self._cache[key] = text
            if len(self._cache) > self.CACHE_SIZE:
                self._cache.popitem(last=False)
        return text


class HtmlRenderer:
    """The UI stream: each event becomes the fragment the run card swaps in, named by where it
    goes (`timeline`, `sections`, `content`, `finished`)."""

    template = "conversations/conversation.html"

    def __init__(
        self,
        *,
        progress: RunProgress,
        finished_context: Callable[[], Awaitable[dict[str, Any]]],
    ) -> None:
        self.progress = progress
        self._running_shown = False
        # Awaited once the run has ended: the context of the final run card, read from the rows.
        self._finished_context = finished_context

    async def render(self, item: StreamItem) -> str:
        if isinstance(item, Opened | Heartbeat):
            return _render_control(item)
        seq = item["seq"]
        timeline_item = self.progress.apply(item)
        kind = item["type"]
        out = []
        if not self._running_shown:
            # Any event means a worker has the run: the badge stops saying "Queued".
            self._running_shown = True
            out.append(sse_message(event="status", data="Running"))
        if kind == EventType.CONTENT:
            if item["message"]:
                html = render_to_string(f"{self.template}#draft-text", {"text": item["message"]})
                out.append(sse_message(event="content", data=html, event_id=seq))
        elif kind == EventType.WRITING:
            html = render_to_string(f"{self.template}#sections", {"progress": self.progress})
            out.append(sse_message(event="sections", data=html, event_id=seq))
        if timeline_item is not None:
            html = render_to_string(f"{self.template}#timeline-item", {"item": timeline_item})
            out.append(sse_message(event="timeline", data=html, event_id=seq))
        if kind in (EventType.DONE, EventType.ERROR):
            context = await self._finished_context()
            html = render_to_string(f"{self.template}#run-card", context)
            out.append(sse_message(event="finished", data=html, event_id=seq))
        if not out:
            # Keep the id moving so a reconnect resumes after this event.
            out.append(f"id: {seq}\n" + sse_comment(kind))
        return "".join(out)
