from __future__ import annotations

import uuid

from django.http import HttpResponse, JsonResponse
from django.http.response import HttpResponseBase

from apps.accounts.http import AuthedRequest
from apps.api.decorators import api_view
from apps.conversations import selectors as conversation_selectors
from apps.core.http import json_error
from apps.exports.http import RETRY_AFTER_SECONDS, export_answer
from apps.exports.models import Export


@api_view(methods=("GET",))
def export(request: AuthedRequest, trace_id: str) -> HttpResponseBase:
    """`GET /api/export/<trace_id>?format=docx|pdf|pptx|md|summary|summary_docx`: 200 with the
    file, or 202 with `Retry-After` while it is generated (the same URL then answers 200)."""
    try:
        wanted = uuid.UUID(trace_id)
    except ValueError:
        return json_error(404, "not_found", "No run with this trace_id.")
    run = conversation_selectors.runs_for(user=request.user).filter(id=wanted).first()
    if run is None:
        return json_error(404, "not_found", "No run with this trace_id.")

    def pending(export: Export) -> HttpResponse:
        return JsonResponse(
            {
                "success": True,
                "status": "pending",
                "format": export.format,
                "retry_after": RETRY_AFTER_SECONDS,
            }
        )

    return export_answer(request, run=run, error=json_error, pending=pending)
