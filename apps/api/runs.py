"""`GET /api/runs/<trace_id>`: a run as it stands — its status, its document and the quality
report the writer sees on the page (docs/quality.md)."""

from __future__ import annotations

import uuid
from typing import Any

from django.http import HttpResponse, JsonResponse

from apps.accounts.http import AuthedRequest
from apps.api.decorators import api_view
from apps.conversations.models import Run
from apps.conversations.selectors import runs_for
from apps.core.http import json_error


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def run_json(run: Run) -> dict[str, Any]:
    return {
        "trace_id": str(run.id),
        "conversation_id": str(run.conversation_id),
        "status": run.status,
        "request": {
            "prompt": run.user_message.content,
            "mode": run.writeup_type,
            "citationStyle": run.citation_style,
            "academicLevel": run.academic_level,
            "wordCount": run.target_word_count,
            "model": run.model,
        },
        "document": run.result_message.content if run.result_message else None,
        "word_count": run.word_count,
        "quality": run.quality_report or None,
        "usage": {
            "tokens_in": run.tokens_in,
            "tokens_out": run.tokens_out,
            "cost_usd": float(run.cost_usd),
        },
        "error_code": run.error_code or None,
        "error_message": run.error_message or None,
        "created_at": _iso(run.created_at),
        "started_at": _iso(run.started_at),
        "finished_at": _iso(run.finished_at),
        "processing_time": run.processing_time,
    }


@api_view(methods=("GET",))
def run_detail(request: AuthedRequest, run_id: str) -> HttpResponse:
    try:
        wanted = uuid.UUID(run_id)
    except ValueError:
        return json_error(404, "not_found", "No run with this id.")
    run = runs_for(user=request.user).filter(id=wanted).first()
    if run is None:
        return json_error(404, "not_found", "No run with this id.")
    return JsonResponse({"success": True, "run": run_json(run)})
