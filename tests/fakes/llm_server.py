"""A fake model server for end-to-end tests: a real HTTP server that streams the real wire formats
of OpenAI Chat Completions (`POST /v1/chat/completions`), OpenAI Responses (`POST /v1/responses`)
and Anthropic Messages (`POST /v1/messages`), and lists its models (`GET /v1/models`).

The model name picks the behaviour: `fake-<behaviour>`, optionally followed by `@<anything>` so
that each provider can list its own copy of every behaviour (model names must be unique across
providers): `fake-obeys` (OpenAI), `fake-obeys@anthropic`, `fake-obeys@compatible`. See
tests/fakes/behaviours.py for what each behaviour writes, tests/fakes/prompt.py for the prompt
contract it reads.

In tests: the session fixture `fake_llm` (tests/conftest.py). By hand, next to `make run`:

    python -m tests.fakes.llm_server --port 8765

prints the environment variables that point the app at it.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import sys
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Literal

from tests.fakes import behaviours, prompt, streams
from tests.fakes.wire import SSE_HEADERS

Provider = Literal["openai", "anthropic", "compatible"]
PROVIDERS: tuple[Provider, ...] = ("openai", "anthropic", "compatible")
SLOW_WORDS = 3000
SLOW_SECONDS = 0.02  # fake-slow writes fifty words a second, until the client hangs up


def fake_model(behaviour: str, provider: Provider = "openai") -> str:
    """The model id a test asks for to get `behaviour` from `provider`'s wire format."""
    if behaviour not in behaviours.BEHAVIOURS:
        raise ValueError(f"unknown fake behaviour {behaviour!r}")
    return f"fake-{behaviour}" if provider == "openai" else f"fake-{behaviour}@{provider}"


def behaviour_of(model: str) -> str | None:
    name = model.split("@", 1)[0]
    if not name.startswith("fake-"):
        return None
    behaviour = name.removeprefix("fake-")
    return behaviour if behaviour in behaviours.BEHAVIOURS else None


@dataclass(frozen=True)
class Recorded:
    """One request the server answered, as a test wants to check it."""

    path: str
    model: str
    behaviour: str | None
    handles: tuple[str, ...]  # the source handles listed in <material>
    words: int | None  # the length asked ("about N words")
    continuation: bool
    system: str
    user: str
    body: dict[str, Any] = field(repr=False)


class _Handler(BaseHTTPRequestHandler):
    server: FakeLLMServer._HTTPServer
    # HTTP/1.0: a streamed body ends when the connection closes, as a proxy-less SSE answer may.
    protocol_version = "HTTP/1.0"

    def log_message(self, format: str, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        if self.path.rstrip("/") != "/v1/models":
            return self._error(404, "not_found", f"No route {self.path}")
        names = [fake_model(b, p) for p in PROVIDERS for b in behaviours.BEHAVIOURS]
        if "anthropic-version" in self.headers:
            data: list[dict[str, Any]] = [
                {"type": "model", "id": n, "display_name": n, "created_at": "2025-01-01T00:00:00Z"}
                for n in names
            ]
            return self._json(
                200, {"data": data, "has_more": False, "first_id": names[0], "last_id": names[-1]}
            )
        data = [
            {"id": n, "object": "model", "created": 1741570283, "owned_by": "fake"} for n in names
        ]
        return self._json(200, {"object": "list", "data": data})

    def do_POST(self) -> None:
        path = self.path.split("?", 1)[0].rstrip("/")
        if path not in ("/v1/chat/completions", "/v1/responses", "/v1/messages"):
            return self._error(404, "not_found", f"No route {self.path}")
        try:
            body = json.loads(self.rfile.read(int(self.headers.get("content-length", 0))))
        except ValueError:
            return self._error(400, "invalid_request_error", "The body is not JSON.")
        model = str(body.get("model", ""))
        system, user = streams.prompts_of(path, body)
        ask = prompt.parse(system, user)
        behaviour = behaviour_of(model)
        self.server.owner.record(
            Recorded(
                path=path,
                model=model,
                behaviour=behaviour,
                handles=ask.handles,
                words=ask.words,
                continuation=ask.so_far is not None,
                system=system,
                user=user,
                body=body,
            )
        )
        if behaviour is None:
            return self._error(404, "model_not_found", f"The model `{model}` does not exist")
        if body.get("stream") is not True:
            return self._error(400, "invalid_request_error", "This fake model only streams.")
        seed = hashlib.sha256(json.dumps([path, model, system, user]).encode()).digest()
        rng = random.Random(seed)
        tokens_in = (len(system) + len(user)) // 4 + 1
        if behaviour == "slow" and not ask.system.startswith(behaviours.TITLE_ASK):
            pieces = [f"word{i}. " for i in range(SLOW_WORDS)]
            delay = SLOW_SECONDS
            limited = False
        else:
            text = behaviours.write(behaviour, ask, rng)
            text, limited = streams.within_limit(text, streams.max_tokens_of(body))
            pieces = behaviours.deltas(text, rng)
            delay = self.server.owner.delta_seconds
        self.send_response(200)
        headers = {**SSE_HEADERS, "x-request-id": "req_fake", "request-id": "req_fake"}
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        wire = streams.WIRES[path]

        def pause() -> None:
            if delay:
                time.sleep(delay)

        try:
            for chunk in wire(
                model, body, pieces, tokens_in=tokens_in, limited=limited, pause=pause
            ):
                self.wfile.write(chunk)
                self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client hung up (a stopped run): that is allowed

    def _json(self, status: int, payload: dict[str, Any]) -> None:
        raw = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(raw)))
        self.end_headers()
        self.wfile.write(raw)

    def _error(self, status: int, code: str, message: str) -> None:
        if self.path.startswith("/v1/messages") or "anthropic-version" in self.headers:
            kind = {404: "not_found_error", 400: "invalid_request_error"}.get(status, "api_error")
            return self._json(
                status, {"type": "error", "error": {"type": kind, "message": message}}
            )
        error = {"message": message, "type": "invalid_request_error", "param": None, "code": code}
        return self._json(status, {"error": error})


class FakeLLMServer:
    """The server in a daemon thread. `requests` lists what it answered, oldest first."""

    class _HTTPServer(ThreadingHTTPServer):
        daemon_threads = True
        owner: FakeLLMServer

    def __init__(self, *, host: str = "127.0.0.1", port: int = 0, delta_seconds: float = 0.0):
        self.delta_seconds = delta_seconds
        self._lock = threading.Lock()
        self._requests: list[Recorded] = []
        self._http = self._HTTPServer((host, port), _Handler)
        self._http.owner = self
        self._thread = threading.Thread(target=self._http.serve_forever, daemon=True)

    # --- lifecycle ---
    def start(self) -> FakeLLMServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._http.shutdown()
        self._http.server_close()

    def __enter__(self) -> FakeLLMServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # --- where it is ---
    @property
    def url(self) -> str:
        host, port = self._http.server_address[:2]
        return f"http://{host!s}:{port}"

    @property
    def openai_base_url(self) -> str:
        """For OPENAI_BASE_URL and LLM_BASE_URL (the openai SDK appends /responses...)."""
        return f"{self.url}/v1"

    @property
    def anthropic_base_url(self) -> str:
        """For ANTHROPIC_BASE_URL (the anthropic SDK appends /v1/messages)."""
        return self.url

    def env(self) -> dict[str, str]:
        """Environment that configures all three providers with every behaviour."""
        return {
            "OPENAI_API_KEY": "sk-fake",
            "OPENAI_BASE_URL": self.openai_base_url,
            "OPENAI_MODELS": self._models("openai"),
            "ANTHROPIC_API_KEY": "sk-ant-fake",
            "ANTHROPIC_BASE_URL": self.anthropic_base_url,
            "ANTHROPIC_MODELS": self._models("anthropic"),
            "LLM_BASE_URL": self.openai_base_url,
            "LLM_API_KEY": "fake-llm-key",
            "LLM_MODELS": self._models("compatible"),
        }

    def settings(self) -> dict[str, Any]:
        """The same configuration as Django settings values (lists are lists)."""
        return {
            name: value.split(",") if name.endswith("_MODELS") else value
            for name, value in self.env().items()
        }

    @staticmethod
    def _models(provider: Provider) -> str:
        return ",".join(fake_model(b, provider) for b in behaviours.BEHAVIOURS)

    # --- what it was asked ---
    def record(self, request: Recorded) -> None:
        with self._lock:
            self._requests.append(request)

    @property
    def requests(self) -> list[Recorded]:
        with self._lock:
            return list(self._requests)

    def reset(self) -> None:
        with self._lock:
            self._requests.clear()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument(
        "--delta-seconds", type=float, default=0.02, help="pause between deltas, to watch"
    )
    args = parser.parse_args(argv)
    server = FakeLLMServer(host=args.host, port=args.port, delta_seconds=args.delta_seconds)
    print(f"Fake model server on {server.url}. Point the app at it with:\n")
    for name, value in server.env().items():
        print(f"export {name}={value}")
    sys.stdout.flush()
    try:
        server._http.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server._http.server_close()


if __name__ == "__main__":
    main()
