"""Shared request typing and the one shape of a JSON error."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.http import HttpRequest, JsonResponse

if TYPE_CHECKING:
    from django_htmx.middleware import HtmxDetails

    from apps.accounts.models import User


class AuthedRequest(HttpRequest):
    """A request behind login_required (or API auth): `user` is a real User."""

    user: User
    htmx: HtmxDetails


def json_error(status: int, error_code: str, error_message: str, **extra: Any) -> JsonResponse:
    return JsonResponse(
        {"success": False, "error_code": error_code, "error_message": error_message, **extra},
        status=status,
    )
