"""Server-sent events, and the token count a real model would report."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

SSE_HEADERS = {"content-type": "text/event-stream; charset=utf-8"}


def sse_data(payload: dict[str, Any] | str) -> bytes:
    text = payload if isinstance(payload, str) else json.dumps(payload)
    return f"data: {text}\n\n".encode()


def sse_event(kind: str, payload: dict[str, Any]) -> bytes:
    return f"event: {kind}\ndata: {json.dumps(payload)}\n\n".encode()


def tokens_for(text_or_deltas: str | Iterable[str]) -> int:
    """Output tokens a real model would report for this text: ~1.3 a word, at least one."""
    text = text_or_deltas if isinstance(text_or_deltas, str) else "".join(text_or_deltas)
    return round(len(text.split()) * 1.3) + 1
