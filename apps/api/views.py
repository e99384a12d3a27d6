from __future__ import annotations

import dataclasses
import json
import uuid
from typing import Any

from django.http import HttpResponse, JsonResponse

from apps.api.decorators import api_view
from apps.api.params import FIELD_NAMES, form_data
from apps.conversations import selectors as conversation_selectors
from apps.conversations import services as conversation_services
from apps.conversations.forms import WritingRequestForm
from apps.core.http import AuthedRequest, json_error
from apps.files import selectors as files_selectors
from apps.pipeline.providers.registry import default_model


def _parse_body(request: AuthedRequest) -> dict[str, Any] | HttpResponse:
    try:
        body = json.loads(request.body or b"")
    except (json.JSONDecodeError, UnicodeDecodeError):
        return json_error(400, "invalid_json", "The request body must be a JSON object.")
    if not isinstance(body, dict):
        return json_error(400, "invalid_json", "The request body must be a JSON object.")
    return body


def _is_uuid(value: Any) -> bool:
    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return True


@api_view(methods=("POST",))
def chat(request: AuthedRequest) -> HttpResponse:
    body = _parse_body(request)
    if isinstance(body, HttpResponse):
        return body
    params = body.get("user_params", {})
    if not isinstance(params, dict):
        return json_error(400, "validation_error", "user_params must be an object.")
    file_ids = body.get("file_ids", [])
    if not isinstance(file_ids, list):
        return json_error(400, "validation_error", "file_ids must be a list of file ids.")
    malformed = [f for f in file_ids if not _is_uuid(f)]
    attached = [uuid.UUID(str(f)) for f in file_ids if _is_uuid(f)]
    missing = malformed or files_selectors.missing_file_ids(user=request.user, file_ids=attached)
    if missing:
        # Another user's file is indistinguishable from one that does not exist.
        return json_error(404, "file_not_found", f"File {missing[0]} was not found.")

    form = WritingRequestForm(form_data(body, params, default_model=default_model()))
    if not form.is_valid():
        errors = {FIELD_NAMES.get(f, f): [str(m) for m in msgs] for f, msgs in form.errors.items()}
        first_field, messages = next(iter(errors.items()))
        return json_error(400, "validation_error", f"{first_field}: {messages[0]}", errors=errors)

    writing = dataclasses.replace(form.to_request(), file_ids=tuple(attached))
    conversation_id = body.get("conversation_id")
    if conversation_id is None:
        run = conversation_services.conversation_start(user=request.user, request=writing)
    else:
        try:
            wanted = uuid.UUID(str(conversation_id))
        except ValueError:
            wanted = None
        conversation = (
            conversation_selectors.conversations_for(user=request.user).filter(pk=wanted).first()
            if wanted
            else None
        )
        if conversation is None:
            return json_error(404, "not_found", "No conversation with this conversation_id.")
        try:
            run = conversation_services.run_start(conversation=conversation, request=writing)
        except conversation_services.RunInProgress:
            return json_error(409, "run_in_progress", "This conversation has a run in progress.")
    return JsonResponse(
        {"success": True, "trace_id": str(run.id), "conversation_id": str(run.conversation_id)}
    )
