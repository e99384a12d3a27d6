"""The one shape of a JSON error."""

from __future__ import annotations

from typing import Any

from django.http import JsonResponse


def json_error(status: int, error_code: str, error_message: str, **extra: Any) -> JsonResponse:
    return JsonResponse(
        {"success": False, "error_code": error_code, "error_message": error_message, **extra},
        status=status,
    )
