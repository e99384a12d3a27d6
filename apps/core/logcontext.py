"""What every log record carries: the request, the user, the run and its trace id, where known.

The values live in a context variable, so they follow a request through its sync and async
code (asgiref copies the context into the threads of sync_to_async) and a task through its
worker; `ContextFilter` copies them onto each record for the JSON formatter. A request id comes
in as `X-Request-ID` (or is made up) and goes out in the same header; Celery carries it from the
request that queued a task into the task's logs.
"""

from __future__ import annotations

import contextvars
import logging
import re
import uuid
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from types import MappingProxyType
from typing import Any

from celery.signals import before_task_publish, task_postrun, task_prerun

FIELDS = ("request_id", "user_id", "run_id", "trace_id")
REQUEST_ID_HEADER = "X-Request-ID"
# A caller's request id is kept only if it is a sane token; anything else is replaced.
_VALID_ID = re.compile(r"[A-Za-z0-9._:-]{1,128}")

_EMPTY: Mapping[str, str] = MappingProxyType({})
_context: contextvars.ContextVar[Mapping[str, str]] = contextvars.ContextVar(
    "handywriterz_log_context", default=_EMPTY
)


def current() -> Mapping[str, str]:
    return _context.get()


def bind(**values: object) -> None:
    """Add values to the current context (None values are skipped)."""
    merged = dict(_context.get())
    merged.update({k: str(v) for k, v in values.items() if v is not None})
    _context.set(merged)


@contextmanager
def bound(**values: object) -> Iterator[None]:
    """The values for the duration of a block, then whatever was there before."""
    token = _context.set({**_context.get(), **{k: str(v) for k, v in values.items() if v}})
    try:
        yield
    finally:
        _context.reset(token)


def clear() -> None:
    _context.set(_EMPTY)


def request_id_from(header: str | None) -> str:
    if header and _VALID_ID.fullmatch(header):
        return header
    return uuid.uuid4().hex


class ContextFilter(logging.Filter):
    """Puts the context's fields on every record (absent ones stay absent)."""

    def filter(self, record: logging.LogRecord) -> bool:
        for name, value in _context.get().items():
            if not hasattr(record, name):
                setattr(record, name, value)
        return True


# --- Celery: the request id travels with the task; a run task's id is its run and trace id ---
_HEADER = "hwz_request_id"


@before_task_publish.connect
def _add_request_id(headers: dict[str, Any] | None = None, **kwargs: object) -> None:
    request_id = _context.get().get("request_id")
    if headers is not None and request_id:
        headers[_HEADER] = request_id


@task_prerun.connect
def _bind_task(task: Any = None, args: Any = None, kwargs: Any = None, **extra: object) -> None:
    clear()
    request = getattr(task, "request", None)
    request_id = getattr(request, _HEADER, None) or (getattr(request, "headers", None) or {}).get(
        _HEADER
    )
    values: dict[str, object] = {"request_id": request_id}
    # A run's task takes the run id first: it is the API's trace_id too.
    if getattr(task, "id_argument", None) == "run_id" and args:
        values["run_id"] = values["trace_id"] = args[0]
    bind(**values)


@task_postrun.connect
def _unbind_task(**kwargs: object) -> None:
    clear()
