"""The run card's live stream: each event becomes the HTML fragment the page swaps in.

The page (conversation.html) and this stream render the same template partials from the same
folded state (RunProgress), so what a reader sees live is what a reload shows.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from typing import Any

from asgiref.sync import sync_to_async
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.views.decorators.http import require_GET

from apps.conversations.live_draft import LiveDraft
from apps.conversations.progress import RunProgress
from apps.conversations.selectors import arun_for, run_card
from apps.streaming.events import EventType
from apps.streaming.renderers import render_control, sse_comment, sse_message
from apps.streaming.responses import (
    BadLastEventId,
    last_event_id,
    nothing_after,
    sse_response,
)
from apps.streaming.selectors import run_events
from apps.streaming.sse import Heartbeat, Opened, StreamItem, run_event_stream


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
        self._draft = LiveDraft()
        # Awaited once the run has ended: the context of the final run card, read from the rows.
        self._finished_context = finished_context

    async def render(self, item: StreamItem) -> str:
        if isinstance(item, Opened | Heartbeat):
            # A quiet moment: show any text held back by the render interval.
            pending = self._draft.fragment(None, self.progress)
            late = sse_message(event="draft", data=pending) if pending else ""
            return late + render_control(item)
        seq = item["seq"]
        timeline_item = self.progress.apply(item)
        kind = item["type"]
        out = []
        if not self._running_shown:
            # Any event means a worker has the run: the badge stops saying "Queued".
            self._running_shown = True
            out.append(sse_message(event="status", data="Running"))
        # The whole draft so far as formatted text, a few times a second (live_draft.py).
        draft = self._draft.fragment(item, self.progress)
        if draft is not None:
            out.append(sse_message(event="draft", data=draft, event_id=seq))
        said = self._draft.announcement(item)
        if said is not None:
            out.append(sse_message(event="announce", data=said, event_id=seq))
        if item["type"] == "writing":
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


@require_GET
async def run_stream_html(request: HttpRequest, run_id: uuid.UUID) -> HttpResponseBase:
    user = await request.auser()
    if not user.is_authenticated:
        return HttpResponse("Log in to follow this run.", status=403, content_type="text/plain")
    run = await arun_for(user=user, run_id=run_id)
    if run is None:
        return HttpResponse("No such run.", status=404, content_type="text/plain")
    try:
        after = last_event_id(request)
    except BadLastEventId:
        return HttpResponse("Bad Last-Event-ID.", status=400, content_type="text/plain")
    if (ended := await nothing_after(run_id=run.id, after_seq=after)) is not None:
        return ended
    # The page already shows everything up to `after`; fold it (the draft too: each render is
    # the whole draft so far) so new fragments build on it.
    progress = RunProgress.from_events(
        [
            e.to_wire(conversation_id=run.conversation_id)
            async for e in run_events(run_id=run.id).filter(seq__lte=after)
        ]
    )

    # The finished card carries forms (exclude a source, save it): they need this reader's
    # CSRF token, which a template rendered outside a request cannot get by itself.
    csrf = get_token(request)

    async def finished_context() -> dict[str, Any]:
        fresh = await arun_for(user=user, run_id=run_id)
        assert fresh is not None
        # `live`: the card replaces one being watched, so the agents' panel stays as it was.
        context = (await sync_to_async(run_card)(run=fresh)).context
        return {**context, "csrf_token": csrf, "live": True}

    items = run_event_stream(
        run_id=run.id,
        conversation_id=run.conversation_id,
        after_seq=after,
        heartbeat_seconds=settings.SSE_HEARTBEAT_SECONDS,
    )
    return sse_response(items, HtmlRenderer(progress=progress, finished_context=finished_context))
