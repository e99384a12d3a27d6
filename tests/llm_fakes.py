"""HTTP-level fakes of the model providers, replaying their real streaming wire formats
(built in tests/fakes/wire/, which names the recordings they follow).

Served through respx (see tests/respx_httpcore2.py), so the SDKs run unmodified and only the
socket is replaced. For a real server speaking the same formats, see tests/fakes/llm_server.py.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable, Iterable, Iterator
from typing import Any

import httpcore2
import httpx

from tests.fakes.wire import (
    RESPONSES_PREAMBLE,
    SSE_HEADERS,
    ResponsesStream,
    anthropic_event,
    anthropic_pieces,
    chat_pieces,
    openai_chunk,
    openai_usage_chunk,
    responses_pieces,
    sse_data,
)

__all__ = [
    "RESPONSES_PREAMBLE",
    "ResponsesStream",
    "Stream",
    "anthropic_error",
    "anthropic_event",
    "anthropic_pieces",
    "anthropic_response",
    "cut_connection",
    "openai_chunk",
    "openai_error",
    "openai_pieces",
    "openai_response",
    "openai_usage_chunk",
    "pause",
    "responses_pieces",
    "section_task",
    "sloppy_openai_model",
    "sse_data",
    "words",
]


class Stream(httpx.SyncByteStream):
    """A response body sent piece by piece. A piece may be a callable (run when the client reads
    that far: a user clicking stop mid-stream, say) or an exception (the connection breaking)."""

    def __init__(self, pieces: Iterable[bytes | BaseException | Callable[[], Any]]) -> None:
        self.pieces = list(pieces)
        self.sent = 0  # how many pieces the client actually read

    def __iter__(self) -> Iterator[bytes]:
        for piece in self.pieces:
            if isinstance(piece, BaseException):
                raise piece
            if callable(piece):
                piece()
                continue
            self.sent += 1
            yield piece


def pause(seconds: float) -> Callable[[], None]:
    return lambda: time.sleep(seconds)


def cut_connection() -> httpcore2.RemoteProtocolError:
    return httpcore2.RemoteProtocolError("peer closed connection without sending complete body")


def openai_pieces(
    deltas: Iterable[str], *, tokens_in: int = 120, tokens_out: int | None = None
) -> list[bytes]:
    """A streamed Chat Completions body (what compatible servers speak)."""
    return chat_pieces(deltas, tokens_in=tokens_in, tokens_out=tokens_out)


def openai_response(
    pieces: Stream | Iterable[bytes | BaseException | Callable[[], Any]],
) -> httpx.Response:
    """A streamed answer from OpenAI (Responses or Chat Completions: same headers)."""
    return httpx.Response(
        200,
        headers={**SSE_HEADERS, "x-request-id": "req_fake"},
        stream=pieces if isinstance(pieces, Stream) else Stream(pieces),
    )


def openai_error(status: int, code: str, message: str, **headers: str) -> httpx.Response:
    body = {"error": {"message": message, "type": code, "param": None, "code": code}}
    return httpx.Response(status, json=body, headers=headers)


def anthropic_response(
    pieces: Iterable[bytes | BaseException | Callable[[], Any]],
) -> httpx.Response:
    return httpx.Response(
        200,
        headers={**SSE_HEADERS, "request-id": "req_fake"},
        stream=Stream(pieces),
    )


def anthropic_error(status: int, kind: str, message: str, **headers: str) -> httpx.Response:
    body = {"type": "error", "error": {"type": kind, "message": message}}
    return httpx.Response(status, json=body, headers=headers)


def words(n: int, *, sentence: int = 12, start: int = 0) -> list[str]:
    """`n` words of prose in sentences of `sentence` words, as one delta per word."""
    out = []
    for i in range(start, start + n):
        end = (i + 1 - start) % sentence == 0 or i == start + n - 1
        out.append(f"word{i}{'.' if end else ''} ")
    return out


def section_task(**changes: Any) -> Any:
    """A SectionTask for the second section of a 1,000-word undergraduate essay."""
    import uuid
    from dataclasses import replace

    from apps.pipeline.handles import Handles
    from apps.pipeline.providers.base import SectionTask
    from apps.pipeline.state import PipelineState
    from apps.pipeline.steps import outline, router
    from tests.factories import WritingRequestFactory

    request = WritingRequestFactory(
        prompt="Write an essay on the ethics of artificial intelligence in healthcare.",
        writeup_type="essay",
        citation_style="apa7",
        academic_level="undergraduate",
        target_word_count=1000,
        model=changes.pop("model", "gpt-4o-mini"),
    )
    state = PipelineState(
        run_id=uuid.uuid4(),
        conversation_id=uuid.uuid4(),
        request=request,
        original_prompt=request.prompt,
    )
    state.route = router.score(state)
    plan = outline.build(state)
    task = SectionTask(
        request=request,
        topic=plan.title,
        outline=plan,
        index=1,
        section=plan.sections[1],
        sources=(),
        original_prompt=request.prompt,
    )
    if "sources" in changes and "handles" not in changes:
        changes["handles"] = Handles.of(changes["sources"])
    return replace(task, **changes)


_LENGTH = re.compile(r"about (\d+) (?:more )?words")


def sloppy_openai_model(
    ratio: float, calls: list[dict[str, Any]] | None = None, *, heading: bool = False
) -> Callable[[httpx.Request], httpx.Response]:
    """A fake OpenAI model (Responses API) that writes `ratio` times the words each call asks
    for, one word per delta, in sentences: too short below 1, too long above; with `heading`, it
    also starts each answer with a Markdown heading it was told not to write."""
    counter = iter(range(10**6))

    def respond(request: httpx.Request) -> httpx.Response:
        body = json.loads(request.content)
        if calls is not None:
            calls.append(body)
        match = _LENGTH.search(body["input"])
        assert match, "every section prompt states its length"
        n = max(1, round(int(match.group(1)) * ratio))
        deltas = words(n, start=next(counter) * 10_000)
        if heading:
            deltas = ["## Section", " title\n", "\n", *deltas]
        return openai_response(responses_pieces(deltas))

    return respond
