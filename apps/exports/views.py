from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from apps.accounts.http import AuthedRequest
from apps.conversations import selectors as conversation_selectors
from apps.exports.formats import FORMATS
from apps.exports.http import RETRY_AFTER_SECONDS, export_answer
from apps.exports.models import Export


@login_required
@require_GET
def run_export(request: AuthedRequest, run_id: str) -> HttpResponseBase:
    """The run card's export buttons: the file, or a page that refreshes itself until the file
    is ready (no script needed), or a page that says what is wrong."""
    run = get_object_or_404(conversation_selectors.runs_for(user=request.user), pk=run_id)

    def error(status: int, code: str, message: str) -> HttpResponse:
        context = {"run": run, "code": code, "message": message}
        return render(request, "exports/error.html", context, status=status)

    def pending(export: Export) -> HttpResponse:
        context = {
            "run": run,
            "format": FORMATS[export.format],
            "refresh": RETRY_AFTER_SECONDS,
        }
        return render(request, "exports/pending.html", context)

    return export_answer(request, run=run, error=error, pending=pending)
