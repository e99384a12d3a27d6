"""HTTP-level fakes of the model providers, replaying their real streaming wire formats.

Served through respx (see tests/respx_httpcore2.py), so the SDKs run unmodified and only the
socket is replaced.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable, Iterable, Iterator
from http.server import BaseHTTPRequestHandler
from typing import Any

import httpcore2
import httpx


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


# --- OpenAI Chat Completions: `data: {chat.completion.chunk}` lines, a usage chunk, [DONE] ------


def openai_chunk(
    *, content: str | None = None, finish: str | None = None, role: bool = False
) -> dict[str, Any]:
    delta: dict[str, Any] = {}
    if role:
        delta["role"] = "assistant"
        delta["content"] = ""
        delta["refusal"] = None
    if content is not None:
        delta["content"] = content
    return {
        "id": "chatcmpl-B9MHDbslfkBeAs8l4bebGdFOJ6PeG",
        "object": "chat.completion.chunk",
        "created": 1741570283,
        "model": "gpt-4o-mini-2024-07-18",
        "service_tier": "default",
        "system_fingerprint": "fp_06737a9306",
        "choices": [{"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish}],
        "usage": None,
    }


def openai_usage_chunk(tokens_in: int, tokens_out: int) -> dict[str, Any]:
    return {
        "id": "chatcmpl-B9MHDbslfkBeAs8l4bebGdFOJ6PeG",
        "object": "chat.completion.chunk",
        "created": 1741570283,
        "model": "gpt-4o-mini-2024-07-18",
        "system_fingerprint": "fp_06737a9306",
        "choices": [],
        "usage": {
            "prompt_tokens": tokens_in,
            "completion_tokens": tokens_out,
            "total_tokens": tokens_in + tokens_out,
            "prompt_tokens_details": {"cached_tokens": 0, "audio_tokens": 0},
            "completion_tokens_details": {"reasoning_tokens": 0, "audio_tokens": 0},
        },
    }


def sse_data(payload: dict[str, Any] | str) -> bytes:
    text = payload if isinstance(payload, str) else json.dumps(payload)
    return f"data: {text}\n\n".encode()


def openai_pieces(
    deltas: Iterable[str], *, tokens_in: int = 120, tokens_out: int | None = None
) -> list[bytes]:
    """The full wire body of a streamed completion: role chunk, one chunk per delta, the
    finish_reason chunk, the usage chunk (stream_options.include_usage) and [DONE]."""
    deltas = list(deltas)
    out = [sse_data(openai_chunk(role=True))]
    out += [sse_data(openai_chunk(content=d)) for d in deltas]
    out.append(sse_data(openai_chunk(finish="stop")))
    words = sum(len(d.split()) for d in deltas)
    out.append(sse_data(openai_usage_chunk(tokens_in, tokens_out or round(words * 1.3) + 1)))
    out.append(sse_data("[DONE]"))
    return out


def openai_response(
    pieces: Stream | Iterable[bytes | BaseException | Callable[[], Any]],
) -> httpx.Response:
    return httpx.Response(
        200,
        headers={"content-type": "text/event-stream; charset=utf-8", "x-request-id": "req_fake"},
        stream=pieces if isinstance(pieces, Stream) else Stream(pieces),
    )


def openai_error(status: int, code: str, message: str, **headers: str) -> httpx.Response:
    body = {"error": {"message": message, "type": code, "param": None, "code": code}}
    return httpx.Response(status, json=body, headers=headers)


# --- Anthropic Messages: `event: <type>` + `data: {...}` ---------------------------------------


def anthropic_event(kind: str, data: dict[str, Any]) -> bytes:
    return f"event: {kind}\ndata: {json.dumps({'type': kind, **data})}\n\n".encode()


def anthropic_pieces(
    deltas: Iterable[str], *, tokens_in: int = 140, tokens_out: int | None = None
) -> list[bytes]:
    deltas = list(deltas)
    words = sum(len(d.split()) for d in deltas)
    message: dict[str, Any] = {
        "id": "msg_01XFDUDYJgAACzvnptvVoYEL",
        "type": "message",
        "role": "assistant",
        "content": [],
        "model": "claude-sonnet-4-5-20250929",
        "stop_reason": None,
        "stop_sequence": None,
        "usage": {
            "input_tokens": tokens_in,
            "cache_creation_input_tokens": 0,
            "cache_read_input_tokens": 0,
            "output_tokens": 1,
        },
    }
    out = [
        anthropic_event("message_start", {"message": message}),
        anthropic_event(
            "content_block_start", {"index": 0, "content_block": {"type": "text", "text": ""}}
        ),
        anthropic_event("ping", {}),
    ]
    out += [
        anthropic_event(
            "content_block_delta", {"index": 0, "delta": {"type": "text_delta", "text": d}}
        )
        for d in deltas
    ]
    out += [
        anthropic_event("content_block_stop", {"index": 0}),
        anthropic_event(
            "message_delta",
            {
                "delta": {"stop_reason": "end_turn", "stop_sequence": None},
                "usage": {"output_tokens": tokens_out or round(words * 1.3) + 1},
            },
        ),
        anthropic_event("message_stop", {}),
    ]
    return out


def anthropic_response(
    pieces: Iterable[bytes | BaseException | Callable[[], Any]],
) -> httpx.Response:
    return httpx.Response(
        200,
        headers={"content-type": "text/event-stream; charset=utf-8", "request-id": "req_fake"},
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
    return replace(task, **changes)


_LENGTH = re.compile(r"about (\d+) (?:more )?words")


def sloppy_openai_model(
    ratio: float, calls: list[dict[str, Any]] | None = None, *, heading: bool = False
) -> Callable[[httpx.Request], httpx.Response]:
    """A fake chat model that writes `ratio` times the words each call asks for, one word per
    delta, in sentences: too short below 1, too long above; with `heading`, it also starts each
    answer with a Markdown heading it was told not to write."""
    counter = iter(range(10**6))

    def respond(request: httpx.Request) -> httpx.Response:
        body = json.loads(request.content)
        if calls is not None:
            calls.append(body)
        match = _LENGTH.search(body["messages"][-1]["content"])
        assert match, "every section prompt states its length"
        n = max(1, round(int(match.group(1)) * ratio))
        deltas = words(n, start=next(counter) * 10_000)
        if heading:
            deltas = ["## Section", " title\n", "\n", *deltas]
        return openai_response(openai_pieces(deltas))

    return respond


FAKE_MODEL = "fake-model"
WORD_SECONDS = 0.02  # the fake model writes fifty words a second


class SlowModel(BaseHTTPRequestHandler):
    """An OpenAI-compatible chat model that writes slowly until the client hangs up."""

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers["content-length"]))
        self.send_response(200)
        self.send_header("content-type", "text/event-stream")
        self.end_headers()  # HTTP/1.0: the body ends when the connection closes
        try:
            self.wfile.write(sse_data(openai_chunk(role=True)))
            for i in range(3000):
                self.wfile.write(sse_data(openai_chunk(content=f"word{i}. ")))
                self.wfile.flush()
                time.sleep(WORD_SECONDS)
            self.wfile.write(sse_data(openai_chunk(finish="stop")))
            self.wfile.write(sse_data(openai_usage_chunk(100, 4000)))
            self.wfile.write(sse_data("[DONE]"))
        except (BrokenPipeError, ConnectionResetError):
            pass  # the pipeline hung up: that is the point

    def log_message(self, format: str, *args: object) -> None:
        pass
