"""`GET /api/stream/<trace_id>`: a run's events as JSON Server-Sent Events (SPEC section 5)."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.views.decorators.http import require_GET

from apps.accounts.auth import AuthFailure, aauthenticate_request
from apps.api.decorators import auth_failure_response
from apps.conversations.selectors import arun_for
from apps.core.http import json_error
from apps.streaming.renderers import JsonRenderer
from apps.streaming.responses import (
    BadLastEventId,
    last_event_id,
    nothing_after,
    sse_response,
)
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
