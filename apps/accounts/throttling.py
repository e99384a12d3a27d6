"""Login throttling with django-axes, for passwords (the login form, the admin: axes' own
backend and middleware) and for API tokens (here: the token is a password too).

After settings.AXES_FAILURE_LIMIT failures from one username or one address, that username or
address is refused until AXES_COOLOFF_TIME has passed; a success resets the count. Staff unlock
in the admin: delete the lock's *Access attempt*, or use *Unlock login* on the user. A valid
token is accepted from a locked address (apps/accounts/auth.py says why).
"""

from __future__ import annotations

import math
from datetime import timedelta
from typing import Any

from asgiref.sync import sync_to_async
from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_cool_off
from django.conf import settings
from django.contrib.auth.signals import user_login_failed
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from apps.core.http import json_error

# A failed token is recorded under this name (never the secret): tokens are throttled by the
# address they come from, since a wrong token names no user.
TOKEN_USERNAME = "(api token)"  # noqa: S105 — a marker name, not a secret
_TOKEN_CREDENTIALS = {"username": TOKEN_USERNAME}


def lockout_parameters(request_or_attempt: Any, credentials: dict[str, Any] | None) -> list[str]:
    """AXES_LOCKOUT_PARAMETERS: a password is limited per username and per address; a token
    only per address (the shared marker name must not lock every token user out)."""
    username = (credentials or {}).get("username") or getattr(request_or_attempt, "username", "")
    return ["ip_address"] if username == TOKEN_USERNAME else ["username", "ip_address"]


def wait_text(delta: timedelta | None) -> str:
    if delta is None:
        return "until staff unlock it"
    minutes = max(1, math.ceil(delta.total_seconds() / 60))
    return f"{minutes} minute{'s' if minutes != 1 else ''}"


def lockout_seconds(request: HttpRequest | None = None) -> int:
    delta = get_cool_off(request)
    return int(delta.total_seconds()) if delta else 3600


def lockout_message(request: HttpRequest | None = None) -> str:
    return (
        "Too many failed attempts from this address or for this account. "
        f"Try again in {wait_text(get_cool_off(request))}."
    )


def token_allowed(request: HttpRequest) -> bool:
    """False while the request's address is locked out of token authentication."""
    return bool(AxesProxyHandler.is_allowed(request, _TOKEN_CREDENTIALS))


def token_failed(request: HttpRequest) -> None:
    user_login_failed.send(sender=__name__, credentials=_TOKEN_CREDENTIALS, request=request)


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None, credentials: dict[str, Any]
) -> HttpResponse:
    """AXES_LOCKOUT_CALLABLE: the answer to the attempt that reaches the limit and to every
    attempt while locked out: the lockout page, or under the API its JSON error."""
    response: HttpResponse
    if request.path.startswith(settings.API_PATH_PREFIX):
        response = json_error(429, "locked_out", lockout_message(request))
    else:
        response = render(
            request,
            "registration/locked_out.html",
            {
                "failure_limit": settings.AXES_FAILURE_LIMIT,
                "wait": wait_text(get_cool_off(request)),
            },
            status=429,
        )
    response["Retry-After"] = str(lockout_seconds(request))
    return response


atoken_allowed = sync_to_async(token_allowed)
atoken_failed = sync_to_async(token_failed)
