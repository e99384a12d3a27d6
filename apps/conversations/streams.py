"""The run card's live stream: each event becomes the HTML fragments the page swaps in.

The page (conversation.html) and this stream render the same template partials from the same
folded state (RunProgress), so what a reader sees live is what a reload shows.

`event_fragments` is the one place an event becomes fragments. The stream server
(apps.streaming.server, through `resolve_html_stream`) calls it once per event per process: the
fragments of a run depend only on its log up to that event, so a per-run fold shared by all its
readers renders them, and every reader gets the same cached bytes (`RunFragments`). The Django
view below (`run_stream_html`, what Django's test client reaches) renders per stream.
"""

from __future__ import annotations

import asyncio
import uuid
import weakref
from collections.abc import Awaitable, Callable
from typing import Any

from asgiref.sync import sync_to_async
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.middleware.csrf import CSRF_SECRET_LENGTH, get_token
from django.template.loader import render_to_string
from django.views.decorators.http import require_GET

from apps.accounts.auth import session_user
from apps.conversations.live_draft import LiveDraft
from apps.conversations.models import Run
from apps.conversations.progress import RunProgress, TimelineItem
from apps.conversations.selectors import arun_for, run_card, run_conversation_id
from apps.streaming import selectors as log
from apps.streaming.delivery import in_thread
from apps.streaming.events import Event, is_terminal
from apps.streaming.renderers import (
    HEARTBEAT,
    OPENED,
    SharedCache,
    render_control,
    sse_comment,
    sse_message,
)
from apps.streaming.responses import (
    BadLastEventId,
    last_event_id,
    nothing_after,
    sse_response,
)
from apps.streaming.selectors import run_events
from apps.streaming.server import Reject, StreamPlan, StreamRequest
from apps.streaming.sse import Heartbeat, Opened, StreamItem, run_event_stream

TEMPLATE = "conversations/conversation.html"
# Sent before the first event a reader gets from a worker: the badge stops saying "Queued".
RUNNING = sse_message(event="status", data="Running")


def event_fragments(
    *, progress: RunProgress, event: Event, item: TimelineItem | None, draft: LiveDraft
) -> str:
    """The SSE messages an event adds to the run card, `progress` already folded through it,
    `item` the timeline item that fold returned and `draft` the run's live-draft schedule.
    Everything but the finished card, which needs the run's rows (`finished_fragment`)."""
    seq = event["seq"]
    out = []
    # The whole draft so far as formatted text, a few times a second (live_draft.py).
    html = draft.fragment(event, progress)
    if html is not None:
        out.append(sse_message(event="draft", data=html, event_id=seq))
    said = draft.announcement(event)
    if said is not None:
        out.append(sse_message(event="announce", data=said, event_id=seq))
    if event["type"] == "writing":
        html = render_to_string(f"{TEMPLATE}#sections", {"progress": progress})
        out.append(sse_message(event="sections", data=html, event_id=seq))
    if item is not None:
        html = render_to_string(f"{TEMPLATE}#timeline-item", {"item": item})
        out.append(sse_message(event="timeline", data=html, event_id=seq))
    if not out and not is_terminal(event):
        # Keep the id moving so a reconnect resumes after this event.
        out.append(f"id: {seq}\n" + sse_comment(event["type"]))
    return "".join(out)


def held_draft(*, progress: RunProgress, draft: LiveDraft) -> str:
    """At a quiet moment (a heartbeat): the draft text held back by the render interval."""
    html = draft.fragment(None, progress)
    return sse_message(event="draft", data=html) if html else ""


def finished_fragment(context: dict[str, Any], *, seq: int) -> str:
    html = render_to_string(f"{TEMPLATE}#run-card", context)
    return sse_message(event="finished", data=html, event_id=seq)


class HtmlRenderer:
    """The UI stream of the Django view: renders per stream (see the module's docstring)."""

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
            return held_draft(progress=self.progress, draft=self._draft) + render_control(item)
        prefix = ""
        if not self._running_shown and item["type"] != "queued":
            self._running_shown = True
            prefix = RUNNING
        text = event_fragments(
            progress=self.progress, event=item, item=self.progress.apply(item), draft=self._draft
        )
        if is_terminal(item):
            text += finished_fragment(await self._finished_context(), seq=item["seq"])
        return prefix + text


# The finished card carries forms that need the reader's CSRF token: rendered once with this in
# its place, and each reader's own token put in as it is written (HtmlFormat).
CSRF_PLACEHOLDER = "csrf-token-of-the-reader-0123456789abcdef"


def _finished_card(run_id: uuid.UUID, seq: int) -> bytes:
    run = Run.objects.select_related("conversation", "user_message", "result_message").get(
        id=run_id
    )
    # `live`: the card replaces one being watched, so the agents' panel stays as it was.
    context = {**run_card(run=run).context, "csrf_token": CSRF_PLACEHOLDER, "live": True}
    return finished_fragment(context, seq=seq).encode()


def _folded(run_id: uuid.UUID, conversation_id: uuid.UUID, up_to: int) -> RunProgress:
    rows = log.run_events(run_id=run_id).filter(seq__lte=up_to)
    return RunProgress.from_events(r.to_wire(conversation_id=conversation_id) for r in rows)


_read_finished_card = in_thread(_finished_card)
_read_folded = in_thread(_folded)


class RunFragments:
    """One run's fragments in this process, for all of its readers: a fold of the run's log that
    follows the live events, and the bytes of each event by `seq`. The event right after the
    fold renders at once; any other (a reader far behind, the fold not started, the finished
    card) is rendered under a lock from the log, once."""

    def __init__(self, run_id: uuid.UUID, conversation_id: uuid.UUID) -> None:
        self.run_id = run_id
        self.conversation_id = conversation_id
        self.progress = RunProgress()
        self.draft = LiveDraft()  # when the run's draft is rendered again, for all its readers
        self.folded = 0  # the progress holds the log up to here
        self.cache = SharedCache(512)
        self._lock = asyncio.Lock()
        self._held: tuple[int, str] | None = None

    def render_now(self, event: Event) -> bytes | None:
        seq = event["seq"]
        data = self.cache.get(seq)
        if data is not None or is_terminal(event) or seq != self.folded + 1:
            return data
        return self._fold_and_render(self.progress, event)

    def _fold_and_render(self, progress: RunProgress, event: Event) -> bytes:
        item = progress.apply(event)
        text = event_fragments(progress=progress, event=event, item=item, draft=self.draft)
        self.folded = event["seq"]
        return self.cache.put(event["seq"], text.encode())

    def held_draft(self, *, at_seq: int) -> bytes:
        """The draft held back by the render interval, for a reader that has everything up to
        the fold (rendered once for all of them)."""
        if at_seq != self.folded:
            return b""
        if self._held is None or self._held[0] != self.folded:
            self._held = (self.folded, held_draft(progress=self.progress, draft=self.draft))
        return self._held[1].encode()

    async def render(self, event: Event) -> bytes:
        async with self._lock:
            seq = event["seq"]
            data = self.cache.get(seq)
            if data is not None:
                return data
            if seq != self.folded + 1:
                fold = await _read_folded(self.run_id, self.conversation_id, seq - 1)
                data = self.cache.get(seq)  # rendered by a live reader meanwhile
                if data is not None:
                    return data
                if seq - 1 >= self.folded:  # ahead of the shared fold: it moves on
                    self.progress, self.folded = fold, seq - 1
                else:
                    return await self._render_aside(fold, event)
            if not is_terminal(event):
                return self._fold_and_render(self.progress, event)
            item = self.progress.apply(event)
            text = event_fragments(progress=self.progress, event=event, item=item, draft=self.draft)
            self.folded = seq
            card = await _read_finished_card(self.run_id, seq)
            return self.cache.put(seq, text.encode() + card)

    async def _render_aside(self, fold: RunProgress, event: Event) -> bytes:
        """An old event for a reader far behind: rendered on a fold of its own."""
        # A schedule of its own: the shared one follows the live events.
        aside = LiveDraft(interval=0)
        text = event_fragments(
            progress=fold, event=event, item=fold.apply(event), draft=aside
        ).encode()
        if is_terminal(event):
            text += await _read_finished_card(self.run_id, event["seq"])
        return self.cache.put(event["seq"], text)


_fragments: weakref.WeakValueDictionary[uuid.UUID, RunFragments] = weakref.WeakValueDictionary()


class HtmlFormat:
    """A reader's view of its run's shared fragments: the same bytes, plus its own "Running"."""

    def __init__(self, run_id: uuid.UUID, conversation_id: uuid.UUID, csrf_token: str) -> None:
        shared = _fragments.get(run_id)
        if shared is None:
            shared = _fragments[run_id] = RunFragments(run_id, conversation_id)
        self._shared = shared
        self._running_shown = False
        self._csrf = csrf_token.encode()

    def opened(self) -> bytes:
        return OPENED

    def heartbeat(self, last_seq: int) -> bytes:
        return self._shared.held_draft(at_seq=last_seq) + HEARTBEAT

    def render_now(self, event: Event) -> bytes | None:
        data = self._shared.render_now(event)
        return None if data is None else self._with_status(event, data)

    async def render(self, event: Event) -> bytes:
        return self._with_status(event, await self._shared.render(event))

    def _with_status(self, event: Event, data: bytes) -> bytes:
        if is_terminal(event):
            data = data.replace(CSRF_PLACEHOLDER.encode(), self._csrf)
        if self._running_shown or event["type"] == "queued":
            return data
        self._running_shown = True
        return RUNNING.encode() + data


def _text(status: int, message: str) -> Reject:
    return Reject(status, message.encode())


def resolve_html_stream(request: StreamRequest) -> StreamPlan | Reject:
    """The same answers as run_stream_html, for the stream server (apps.streaming.server): runs
    in a worker thread, once per stream."""
    key = request.cookies.get(settings.SESSION_COOKIE_NAME)
    user = session_user(key) if key else None
    if user is None:
        return _text(403, "Log in to follow this run.")
    try:
        run_id = uuid.UUID(request.run_id)
    except ValueError:
        return _text(404, "No such run.")
    conversation_id = run_conversation_id(user=user, run_id=run_id)
    if conversation_id is None:
        return _text(404, "No such run.")
    try:
        after = request.last_event_id()
    except BadLastEventId:
        return _text(400, "Bad Last-Event-ID.")
    if after > 0 and log.run_ended_by_sync(run_id=run_id, seq=after):
        # As nothing_after: 204 stops an EventSource from reconnecting to a finished run.
        return Reject(204, b"")
    csrf = _reader_csrf_token(request)
    return StreamPlan(
        run_id=run_id,
        conversation_id=conversation_id,
        after_seq=after,
        make_format=lambda: HtmlFormat(run_id, conversation_id, csrf),
    )


def _reader_csrf_token(request: StreamRequest) -> str:
    """A CSRF token for the reader's forms, from the secret in their CSRF cookie (the page that
    opened the stream set it), as CsrfViewMiddleware and get_token would give it."""
    secret = request.cookies.get(settings.CSRF_COOKIE_NAME, "")
    if len(secret) == CSRF_SECRET_LENGTH:
        request.http.META["CSRF_COOKIE"] = secret
    return get_token(request.http)


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
