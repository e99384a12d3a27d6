"""One answer to "give me this run's export", shared by the API route and the page's buttons;
each caller says how an error and a "still generating" answer look to its client."""

from __future__ import annotations

from collections.abc import Callable

from django.http import FileResponse, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase

from apps.conversations.models import Run
from apps.exports.formats import FORMATS
from apps.exports.models import Export
from apps.exports.services.rendering import TitlePageOptions
from apps.exports.services.requesting import ExportRefused, export_request

RETRY_AFTER_SECONDS = 1

ErrorAnswer = Callable[[int, str, str], HttpResponse]
PendingAnswer = Callable[[Export], HttpResponse]


def export_file_response(export: Export) -> FileResponse:
    """The cached file, streamed from storage as an attachment named after the document."""
    response = FileResponse(
        export.file.open("rb"),
        as_attachment=True,
        filename=export.filename,
        content_type=FORMATS[export.format].content_type,
    )
    response["Cache-Control"] = "private, max-age=0"
    return response


def export_answer(
    request: HttpRequest, *, run: Run, error: ErrorAnswer, pending: PendingAnswer
) -> HttpResponseBase:
    options = TitlePageOptions.from_mapping(dict(request.GET.items()))
    try:
        export = export_request(run=run, format=request.GET.get("format", ""), options=options)
    except ExportRefused as refused:
        return error(refused.status, refused.code, refused.message)
    if export.status == Export.Status.READY:
        return export_file_response(export)
    if export.status == Export.Status.FAILED:
        return error(
            500,
            "export_failed",
            f"The export could not be made ({export.error or 'unknown error'}); it is being "
            "tried again: ask again in a moment.",
        )
    response = pending(export)
    response.status_code = 202
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response
