"""`GET /api/stream/<trace_id>`: a run's events as JSON Server-Sent Events (SPEC section 5)."""

from __future__ import annotations

import json
import uuid

from django.conf import settings
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.views.decorators.http import require_GET

from apps.accounts.auth import AuthFailure, aauthenticate_request, authenticate_stream
from apps.api.decorators import auth_failure_response
from apps.conversations.selectors import arun_for, run_conversation_id
from apps.core.http import json_error
from apps.streaming.renderers import JSON_FORMAT, JsonRenderer
from apps.streaming.responses import (
    BadLastEventId,
    last_event_id,
    nothing_after,
    sse_response,
)
from apps.streaming.selectors import run_ended_by_sync
from apps.streaming.server import Reject, StreamPlan, StreamRequest, Submitted
from apps.streaming.sse import run_event_stream


@require_GET
async def run_stream_json(request: HttpRequest, trace_id: str) -> HttpResponseBase:
    try:
        user = await aauthenticate_request(request)
    except AuthFailure as failure:
        return auth_failure_response(failure)
    try:
        run_id = uuid.UUID(trace_id)
    except ValueError:
        return json_error(404, "not_found", "No run with this trace_id.")
    run = await arun_for(user=user, run_id=run_id)
    if run is None:
        return json_error(404, "not_found", "No run with this trace_id.")
    try:
        after = last_event_id(request)
    except BadLastEventId:
        return json_error(400, "invalid_last_event_id", "Last-Event-ID must be a whole number ≥ 0.")
    if (ended := await nothing_after(run_id=run.id, after_seq=after)) is not None:
        return ended
    items = run_event_stream(
        run_id=run.id,
        conversation_id=run.conversation_id,
        after_seq=after,
        heartbeat_seconds=settings.SSE_HEARTBEAT_SECONDS,
    )
    return sse_response(items, JsonRenderer())


def _json_reject(
    status: int, code: str, message: str, headers: tuple[tuple[bytes, bytes], ...] = ()
) -> Reject:
    body = json.dumps({"success": False, "error_code": code, "error_message": message})
    return Reject(status, body.encode(), "application/json", headers)


def resolve_json_stream(request: StreamRequest) -> StreamPlan | Reject:
    """The same answers as run_stream_json, for the stream server (apps.streaming.server): runs
    in a worker thread, once per stream."""
    try:
        user = authenticate_stream(request.http)
    except AuthFailure as failure:
        wait = (
            () if failure.retry_after is None else ((b"retry-after", b"%d" % failure.retry_after),)
        )
        return _json_reject(failure.status, failure.code, failure.message, wait)
    try:
        run_id = uuid.UUID(request.run_id)
    except ValueError:
        return _json_reject(404, "not_found", "No run with this trace_id.")
    conversation_id = run_conversation_id(user=user, run_id=run_id)
    if conversation_id is None:
        return _json_reject(404, "not_found", "No run with this trace_id.")
    try:
        after = request.last_event_id()
    except BadLastEventId:
        return _json_reject(
            400, "invalid_last_event_id", "Last-Event-ID must be a whole number ≥ 0."
        )
    if after > 0 and run_ended_by_sync(run_id=run_id, seq=after):
        # As nothing_after: 204 stops an EventSource from reconnecting to a finished run.
        return Reject(204, b"")
    return StreamPlan(
        run_id=run_id,
        conversation_id=conversation_id,
        after_seq=after,
        make_format=lambda: JSON_FORMAT,
    )


def submitted_run(status: int, body: bytes) -> Submitted | None:
    """The run a `POST /api/chat` answer started, with the events it carries (None: it started
    none)."""
    if status != 200:
        return None
    try:
        answer = json.loads(body)
        events = answer.get("events", [])
        if not isinstance(events, list):
            return None
        return Submitted(
            run_id=uuid.UUID(answer["trace_id"]),
            conversation_id=uuid.UUID(answer["conversation_id"]),
            events=events,
        )
    except (ValueError, KeyError, TypeError, AttributeError):
        return None
