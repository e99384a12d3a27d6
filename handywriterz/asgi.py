from __future__ import annotations

import asyncio
import contextlib
import gc
import os
import re
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import django
from asgiref.sync import ThreadSensitiveContext, sync_to_async
from channels.routing import ProtocolTypeRouter
from django.core import signals
from django.core.exceptions import RequestAborted
from django.core.handlers.asgi import ASGIHandler, ASGIRequest, get_script_prefix
from django.db import connections
from django.http import FileResponse, HttpRequest
from django.http.response import HttpResponseBase
from django.urls import get_resolver, set_script_prefix

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "handywriterz.settings")
# Set up the app registry first: everything below imports against it.
django.setup(set_prefix=False)


class OneTripHandler(ASGIHandler):
    """Django's ASGI handler, with the middleware chain and the view run in one trip to a
    thread. Our middlewares and views are synchronous: under the stock handler each middleware
    hook is a thread crossing of its own (a dozen per request), which is most of a POST's time
    on a busy event loop. And the stock handler makes a new thread for every request, so what a
    library keeps per thread starts cold each time (Celery builds its result backend anew for
    each `delay`: ~16 ms a POST); these threads last. Async views still work (Django runs them
    with async_to_sync)."""

    def __init__(self) -> None:
        super().__init__()
        self.load_middleware(is_async=False)
        self._threads = ThreadPoolExecutor(max_workers=4, thread_name_prefix="django")
        # Django gives each request a thread-sensitive context of its own (the request_started
        # and request_finished signals run there), and a context without an executor makes a
        # thread for it and another to shut that down: two thread starts a request. These
        # single-thread executors are lent to one request at a time instead.
        self._sensitive: list[ThreadPoolExecutor] = []

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            raise ValueError(f"Django can only handle ASGI/HTTP connections, not {scope['type']}.")
        executor = self._sensitive.pop() if self._sensitive else ThreadPoolExecutor(max_workers=1)
        try:
            async with ThreadSensitiveContext(executor=executor):
                await self.handle(scope, receive, send)
        finally:
            self._sensitive.append(executor)

    async def handle(self, scope: Any, receive: Any, send: Any) -> None:
        """Django's `handle` (5.2) but for one thing: `request_started` is sent from the thread
        that serves the request (`_respond`), not from the thread-sensitive one. Its receivers
        act on the thread they run in (Django's close the thread's stale database connections),
        and that thread runs no view here: sent from there, the signal was a thread crossing on
        every request's path that did nothing for it."""
        try:
            body_file = await self.read_body(receive)
        except RequestAborted:
            return
        set_script_prefix(get_script_prefix(scope))
        request, error_response = self.create_request(scope, body_file)
        if request is None:
            assert error_response is not None
            body_file.close()
            await self.send_response(error_response, send)
            await sync_to_async(error_response.close)()
            return

        async def process_request(request: HttpRequest, send: Any) -> HttpResponseBase:
            response = await self.run_get_response(request)
            with contextlib.suppress(asyncio.CancelledError):  # the client left mid-send
                await self.send_response(response, send)
            return response

        # As Django does: listen for a disconnect while the response is made, and cancel what
        # is still going when either ends.
        listening = asyncio.create_task(self.listen_for_disconnect(receive))
        processing = asyncio.create_task(process_request(request, send))
        tasks: list[asyncio.Task[Any]] = [listening, processing]
        await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
        for task in tasks:
            if task.done():
                try:
                    task.result()
                except RequestAborted:
                    pass
                except AssertionError:
                    body_file.close()
                    raise
            else:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
        try:
            response = processing.result()
        except asyncio.CancelledError:
            await signals.request_finished.asend(sender=self.__class__)
        else:
            await sync_to_async(response.close)()
        body_file.close()

    async def run_get_response(self, request: HttpRequest) -> HttpResponseBase:
        assert isinstance(request, ASGIRequest)
        respond = sync_to_async(self._respond, thread_sensitive=False, executor=self._threads)
        response: HttpResponseBase = await respond(request)
        return response

    def _respond(self, request: ASGIRequest) -> HttpResponseBase:
        signals.request_started.send(sender=self.__class__, scope=request.scope)
        try:
            response = self.get_response(request)
        finally:
            # These threads outlive the request: its database connection goes back to the pool
            # now (a streaming body that needs one later opens its own).
            for alias in connections:
                connections[alias].close()
        response._handler_class = self.__class__  # type: ignore[attr-defined]
        if isinstance(response, FileResponse):
            # As the stock handler does: the ASGI server does the low-level chunking.
            response.block_size = self.chunk_size
        return response


django_asgi_app = OneTripHandler()


def _daphne_leaves_bodies_to_django() -> None:
    """Twisted's HTTP request parses every urlencoded or multipart POST body into `args` with the
    `email` package, in the event loop, before Daphne hands the raw body to Django, which parses
    it again; Daphne never reads `args` (django/channels#1386). That is about 1.3 ms of the loop
    per JSON POST (the Content-Type alone goes through the email parser) and, for an upload, the
    whole file parsed while every stream of the process waits. Twisted has a switch for it
    (`parsePOSTFormSubmission`); Daphne does not set it, so its requests are made with it off."""
    from daphne.http_protocol import WebRequest

    if getattr(WebRequest, "_leaves_bodies_to_django", False):
        return
    made = WebRequest.__init__

    def __init__(self: WebRequest, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("parsePOSTFormSubmission", False)
        made(self, *args, **kwargs)

    WebRequest.__init__ = __init__
    WebRequest._leaves_bodies_to_django = True


_daphne_leaves_bodies_to_django()


def _settle() -> None:
    """Import every view now, then put what start-up made out of the garbage collector's way.

    Django imports the URLconf on the first request: 1.5 s here (python-pptx, WeasyPrint...)
    that the first writer and every open stream would wait through. And each full collection
    walks every object the collector tracks, 210,000 of them after start-up (measured: 148 ms
    for a full collection of a fresh process; in a Daphne holding 1,000 streams they came every
    few seconds at 160-270 ms each, every stream stalled meanwhile). Frozen, they are never
    walked again; nothing made at start-up is garbage, so nothing is lost by it."""
    get_resolver().url_patterns  # noqa: B018 -- the import is the point
    gc.collect()
    gc.freeze()


from django.conf import settings  # noqa: E402 -- after the app registry is ready

from apps.api.streams import resolve_json_stream, submitted_run  # noqa: E402
from apps.conversations.streams import resolve_html_stream  # noqa: E402
from apps.streaming.renderers import JSON_FORMAT  # noqa: E402
from apps.streaming.server import Route, StreamApp, SubmitRoute  # noqa: E402

# The run streams are served ahead of Django's view stack (apps.streaming.server): the same URLs
# as the Django views of apps.api and apps.conversations, which stay for Django's test client.
streams = StreamApp(
    routes=[
        Route(re.compile(r"/api/stream/(?P<run_id>[^/]+)"), resolve_json_stream),
        Route(re.compile(r"/conversations/runs/(?P<run_id>[^/]+)/stream/"), resolve_html_stream),
    ],
    fallback=django_asgi_app,
    heartbeat_seconds=settings.SSE_HEARTBEAT_SECONDS,
    # `POST /api/chat` with `Accept: text/event-stream`: the run's stream is the answer.
    submit=SubmitRoute("/api/chat", submitted_run, lambda run, conversation: JSON_FORMAT),
)

# HTTP only for now (SSE is plain HTTP); websockets would be routed here.
application = ProtocolTypeRouter({"http": streams})
_settle()
