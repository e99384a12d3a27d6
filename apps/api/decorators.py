from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.middleware.csrf import CsrfViewMiddleware
from django.views.decorators.csrf import csrf_exempt

from apps.accounts.auth import AuthFailure, authenticate_request
from apps.accounts.http import AuthedRequest
from apps.core import ratelimit
from apps.core.http import json_error
from apps.core.ratelimit import submission_limited

# A view may stream (an export's file): any response.
ApiView = Callable[..., HttpResponseBase]


def _csrf_failure(request: HttpRequest) -> HttpResponse | None:
    # Same check as the middleware, run by hand: only session-authenticated requests need it.
    check = CsrfViewMiddleware(lambda r: HttpResponse())
    check.process_request(request)
    return check.process_view(request, lambda r: HttpResponse(), (), {})


def auth_failure_response(failure: AuthFailure) -> HttpResponse:
    response = json_error(failure.status, failure.code, failure.message)
    if failure.retry_after is not None:
        response["Retry-After"] = str(failure.retry_after)
    return response


def api_view(*, methods: tuple[str, ...], submission: bool = False) -> Callable[[ApiView], ApiView]:
    """JSON API plumbing: method check, token or session auth, CSRF for sessions only, and for
    a `submission` the writer's rate limit."""

    def decorator(view: ApiView) -> ApiView:
        @csrf_exempt
        @functools.wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            if request.method not in methods:
                response = json_error(
                    405, "method_not_allowed", f"Use {' or '.join(methods)} on this endpoint."
                )
                response["Allow"] = ", ".join(methods)
                return response
            try:
                user, by_token = authenticate_request(request)
            except AuthFailure as failure:
                return auth_failure_response(failure)
            unsafe = request.method not in ("GET", "HEAD", "OPTIONS")
            if not by_token and unsafe and _csrf_failure(request) is not None:
                return json_error(
                    403,
                    "csrf_failed",
                    "CSRF token missing or wrong; send the X-CSRFToken header.",
                )
            request.user = user
            if submission and submission_limited(request):
                response = json_error(429, "rate_limited", ratelimit.MESSAGE)
                response["Retry-After"] = "60"
                return response
            authed: AuthedRequest = request  # type: ignore[assignment]
            return view(authed, *args, **kwargs)

        return wrapper

    return decorator
