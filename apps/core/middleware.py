"""Every request: a request id in and out, the log context, and the HTTP metrics."""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from typing import Any

from asgiref.sync import iscoroutinefunction, markcoroutinefunction
from django.core.signals import request_finished
from django.dispatch import receiver
from django.http import HttpRequest
from django.http.response import HttpResponseBase

from apps.core import logcontext, metrics

Handler = Callable[[HttpRequest], HttpResponseBase]
AsyncHandler = Callable[[HttpRequest], Awaitable[HttpResponseBase]]

# URL arguments that name a run: its id is the API's trace_id.
_RUN_ARGUMENTS = ("run_id", "trace_id")


def _route(request: HttpRequest) -> str:
    """A bounded label: the URL pattern's name, never the raw path (ids would explode it)."""
    match = getattr(request, "resolver_match", None)
    if match is None:
        return "unmatched"
    return match.view_name or "unnamed"


def _user_id(user: Any) -> object:
    return user.pk if user is not None and user.is_authenticated else None


@receiver(request_finished)
def _forget_request(**kwargs: object) -> None:
    # Once the response is closed (after Django's own logging of it, and after a streamed
    # body): a thread that serves the next request, or nothing, must not log with these ids.
    logcontext.clear()


class RequestContextMiddleware:
    """Sits after AuthenticationMiddleware. Binds request_id and user_id for the request's
    logs, run_id/trace_id when the URL names a run, answers with `X-Request-ID`, and counts the
    request and its latency (to the response's headers, for a stream)."""

    sync_capable = True
    async_capable = True

    def __init__(self, get_response: Handler | AsyncHandler) -> None:
        self.get_response = get_response
        self._async = iscoroutinefunction(get_response)
        if self._async:
            markcoroutinefunction(self)

    def __call__(self, request: HttpRequest) -> Any:
        if self._async:
            return self.__acall__(request)
        started = self._begin(request)
        user = getattr(request, "user", None)
        logcontext.bind(user_id=_user_id(user))
        response = self.get_response(request)
        return self._end(request, response, started)  # type: ignore[arg-type]

    async def __acall__(self, request: HttpRequest) -> HttpResponseBase:
        started = self._begin(request)
        if hasattr(request, "auser"):
            logcontext.bind(user_id=_user_id(await request.auser()))
        response = await self.get_response(request)  # type: ignore[misc]
        return self._end(request, response, started)

    def process_view(
        self, request: HttpRequest, view: object, args: object, kwargs: dict[str, Any]
    ) -> None:
        for name in _RUN_ARGUMENTS:
            if name in kwargs:
                logcontext.bind(run_id=kwargs[name], trace_id=kwargs[name])
                break

    @staticmethod
    def _begin(request: HttpRequest) -> float:
        logcontext.clear()
        request_id = logcontext.request_id_from(request.headers.get(logcontext.REQUEST_ID_HEADER))
        request.request_id = request_id  # type: ignore[attr-defined]
        logcontext.bind(request_id=request_id)
        return time.perf_counter()

    @staticmethod
    def _end(request: HttpRequest, response: HttpResponseBase, started: float) -> HttpResponseBase:
        response[logcontext.REQUEST_ID_HEADER] = request.request_id  # type: ignore[attr-defined]
        route = _route(request)
        metrics.HTTP_REQUESTS.inc(
            method=request.method or "", route=route, status=str(response.status_code)
        )
        metrics.HTTP_LATENCY.observe(time.perf_counter() - started, route=route)
        return response
