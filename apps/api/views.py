from __future__ import annotations

import dataclasses
import uuid
from typing import Any

from django.http import HttpResponse, JsonResponse

from apps.accounts.http import AuthedRequest
from apps.api.body import json_object
from apps.api.decorators import api_view
from apps.api.params import FIELD_NAMES, form_data, type_errors
from apps.conversations import selectors as conversation_selectors
from apps.conversations.forms import WritingRequestForm
from apps.conversations.models import Run
from apps.conversations.services import lifecycle, starting
from apps.core.http import json_error
from apps.core.writing import WritingRequest
from apps.files import selectors as files_selectors
from apps.pipeline.providers.registry import default_model
from apps.streaming.events import Event


def _is_uuid(value: Any) -> bool:
    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return True


def _invalid(errors: dict[str, list[str]]) -> HttpResponse:
    first_field, messages = next(iter(errors.items()))
    return json_error(400, "validation_error", f"{first_field}: {messages[0]}", errors=errors)


@api_view(methods=("POST",), submission=True)
def chat(request: AuthedRequest) -> HttpResponse:
    body = json_object(request)
    if isinstance(body, HttpResponse):
        return body
    params = body.get("user_params") or {}
    if wrong := type_errors(body, params if isinstance(params, dict) else {}):
        return _invalid(wrong)
    file_ids = body.get("file_ids") or []
    malformed = [f for f in file_ids if not _is_uuid(f)]
    attached = [uuid.UUID(str(f)) for f in file_ids if _is_uuid(f)]
    missing = malformed or files_selectors.missing_file_ids(user=request.user, file_ids=attached)
    if missing:
        # Another user's file is indistinguishable from one that does not exist.
        return json_error(404, "file_not_found", f"File {missing[0]} was not found.")

    form = WritingRequestForm(form_data(body, params, default_model=default_model()))
    if not form.is_valid():
        return _invalid(
            {FIELD_NAMES.get(f, f): [str(m) for m in msgs] for f, msgs in form.errors.items()}
        )

    writing = dataclasses.replace(form.to_request(), file_ids=tuple(attached))
    try:
        started = _start(request, body, writing)
    except starting.BudgetExceeded as refused:
        # 402: the request is fine, but it would spend money the user's budget does not have.
        return json_error(402, refused.code, refused.message)
    if isinstance(started, HttpResponse):
        return started
    run, queued = started
    answer: dict[str, Any] = {
        "success": True,
        "trace_id": str(run.id),
        "conversation_id": str(run.conversation_id),
    }
    if "text/event-stream" in request.headers.get("Accept", ""):
        # The stream server answers such a POST with the run's stream (apps.streaming.server):
        # the run's first event goes out from here, before the stream subscribes and with no
        # read of the log, so it waits for nothing but this request.
        answer["events"] = [queued]
    return JsonResponse(answer)


def _start(
    request: AuthedRequest, body: dict[str, Any], writing: WritingRequest
) -> tuple[Run, Event] | HttpResponse:
    """A new conversation, or a follow-up in the caller's own `conversation_id`."""
    conversation_id = body.get("conversation_id")
    if conversation_id is None:
        return starting.run_submit_announced(user=request.user, request=writing, conversation=None)
    try:
        wanted = uuid.UUID(str(conversation_id))
    except ValueError:
        return json_error(404, "not_found", "No conversation with this conversation_id.")
    conversation = (
        conversation_selectors.conversations_for(user=request.user).filter(pk=wanted).first()
    )
    if conversation is None:
        return json_error(404, "not_found", "No conversation with this conversation_id.")
    try:
        return starting.run_submit_announced(
            user=request.user, request=writing, conversation=conversation
        )
    except starting.RunInProgress:
        return json_error(409, "run_in_progress", "This conversation has a run in progress.")


@api_view(methods=("POST",))
def run_cancel(request: AuthedRequest, run_id: str) -> HttpResponse:
    """Stop a run. `status` is `cancelled` when it ended at once (it was still queued) and
    `cancelling` when the pipeline will end it within a second; either way its stream ends with
    an `error` event whose error_code is `cancelled`."""
    try:
        wanted = uuid.UUID(run_id)
    except ValueError:
        return json_error(404, "not_found", "No run with this id.")
    run = conversation_selectors.runs_for(user=request.user).filter(id=wanted).first()
    if run is None:
        return json_error(404, "not_found", "No run with this id.")
    try:
        run = lifecycle.run_cancel(run=run)
    except lifecycle.RunNotActive:
        return json_error(
            409,
            "run_not_active",
            f"This run has already ended ({run.status}).",
            run_status=run.status,
        )
    status = "cancelled" if run.status == Run.Status.CANCELLED else "cancelling"
    return JsonResponse({"success": True, "trace_id": str(run.id), "status": status})
