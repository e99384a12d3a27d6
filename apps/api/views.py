from __future__ import annotations

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
from apps.pipeline.providers.registry import default_model


def _parse_body(request: AuthedRequest) -> dict[str, Any] | HttpResponse:
    try:
        body = json.loads(request.body or b"")
    except (json.JSONDecodeError, UnicodeDecodeError):
        return json_error(400, "invalid_json", "The request body must be a JSON object.")
    if not isinstance(body, dict):
        return json_error(400, "invalid_json", "The request body must be a JSON object.")
    return body


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
    if file_ids:
        # No file belongs to anyone yet: uploads arrive in a later release.
        return json_error(404, "file_not_found", f"File {file_ids[0]} was not found.")

    form = WritingRequestForm(form_data(body, params, default_model=default_model()))
    if not form.is_valid():
        errors = {FIELD_NAMES.get(f, f): [str(m) for m in msgs] for f, msgs in form.errors.items()}
        first_field, messages = next(iter(errors.items()))
        return json_error(400, "validation_error", f"{first_field}: {messages[0]}", errors=errors)

    conversation_id = body.get("conversation_id")
    if conversation_id is None:
        run = conversation_services.conversation_start(user=request.user, request=form.to_request())
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
            run = conversation_services.run_start(
                conversation=conversation, request=form.to_request()
            )
        except conversation_services.RunInProgress:
            return json_error(409, "run_in_progress", "This conversation has a run in progress.")
    return JsonResponse(
        {"success": True, "trace_id": str(run.id), "conversation_id": str(run.conversation_id)}
    )
