"""`POST /api/files/upload` (the first plan's contract) and a file's state for polling."""

from __future__ import annotations

import uuid
from typing import Any

from django.http import HttpResponse, JsonResponse

from apps.accounts.http import AuthedRequest
from apps.api.decorators import api_view
from apps.core.http import json_error
from apps.files import selectors
from apps.files.errors import FileProblem
from apps.files.inspection import Inspected, check_count, inspect
from apps.files.models import UploadedFile
from apps.files.services.uploads import files_upload


def file_json(file: UploadedFile) -> dict[str, Any]:
    return {
        "id": str(file.id),
        "name": file.original_name,
        "kind": file.kind,
        "size": file.size,
        "status": file.status,
        "progress": file.progress,
        "page_count": file.page_count,
        "word_count": file.word_count,
        "entry_count": file.entry_count,
        "error_code": file.error_code,
        "error_message": file.error_message,
    }


@api_view(methods=("POST",), submission=True)
def upload(request: AuthedRequest) -> HttpResponse:
    uploads = request.FILES.getlist("files")
    if not uploads:
        return json_error(400, "no_files", "Send the files as multipart form field `files`.")
    try:
        check_count(len(uploads))
    except FileProblem as problem:
        return json_error(400, problem.code, problem.message)
    checked: list[Inspected] = []
    errors: list[dict[str, str]] = []
    for item in uploads:
        try:
            checked.append(inspect(item))
        except FileProblem as problem:
            errors.append(
                {
                    "name": item.name or "",
                    "error_code": problem.code,
                    "error_message": problem.message,
                }
            )
    if errors:
        # All or nothing: a request with a bad file stores none, and names every bad one.
        codes = {e["error_code"] for e in errors}
        return json_error(
            400,
            codes.pop() if len(codes) == 1 else "invalid_files",
            errors[0]["error_message"]
            + (f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""),
            errors=errors,
        )
    stored = files_upload(owner=request.user, inspected=checked)
    return JsonResponse(
        {
            "success": True,
            "file_ids": [str(f.id) for f in stored],
            "files": [file_json(f) for f in stored],
        }
    )


@api_view(methods=("GET",))
def detail(request: AuthedRequest, file_id: uuid.UUID) -> HttpResponse:
    file = selectors.files_for(user=request.user).filter(id=file_id).first()
    if file is None:
        return json_error(404, "file_not_found", f"File {file_id} was not found.")
    return JsonResponse({"success": True, "file": file_json(file)})
