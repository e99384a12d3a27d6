"""Real processes for end-to-end tests: Daphne and a Celery worker against the test database."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class LiveStack:
    url: str
    processes: list[subprocess.Popen[bytes]]
    logs: list[Path]

    def stop(self) -> None:
        for process in self.processes:
            process.terminate()
        for process in self.processes:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()

    def tail_logs(self) -> str:
        return "\n".join(f"--- {log.name}\n{log.read_text()[-3000:]}" for log in self.logs)


def start_stack(
    *, database_name: str, log_dir: Path, extra_env: dict[str, str] | None = None
) -> LiveStack:
    """Start Daphne on a free port and a Celery worker, both on the test database; wait until
    each answers."""
    from handywriterz.celery import app as celery_app

    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "handywriterz.settings_test",
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{database_name}",
        "OFFLINE_STREAM_DELAY": "0.01",
        "SSE_HEARTBEAT_SECONDS": "2",
        **(extra_env or {}),
    }
    port = free_port()
    log_dir.mkdir(parents=True, exist_ok=True)
    web_log, worker_log = log_dir / "daphne.log", log_dir / "celery.log"
    worker_name = f"e2e-{port}@%h"
    processes = [
        subprocess.Popen(
            [
                str(BIN / "daphne"),
                "-b",
                "127.0.0.1",
                "-p",
                str(port),
                "handywriterz.asgi:application",
            ],
            cwd=ROOT,
            env=env,
            stdout=web_log.open("wb"),
            stderr=subprocess.STDOUT,
        ),
        subprocess.Popen(
            [
                str(BIN / "celery"),
                "-A",
                "handywriterz",
                "worker",
                "--pool=solo",
                "--loglevel=INFO",
                "-n",
                worker_name,
                "--without-gossip",
                "--without-mingle",
            ],
            cwd=ROOT,
            env=env,
            stdout=worker_log.open("wb"),
            stderr=subprocess.STDOUT,
        ),
    ]
    stack = LiveStack(
        url=f"http://127.0.0.1:{port}", processes=processes, logs=[web_log, worker_log]
    )
    deadline = time.monotonic() + 60
    try:
        while True:
            if any(p.poll() is not None for p in processes):
                raise RuntimeError("a live process exited early\n" + stack.tail_logs())
            try:
                web_ok = httpx.get(f"{stack.url}/health/live", timeout=1).status_code == 200
            except httpx.TransportError:
                web_ok = False
            workers = celery_app.control.inspect(timeout=0.5).ping() or {} if web_ok else {}
            if web_ok and any(name.startswith(f"e2e-{port}@") for name in workers):
                return stack
            if time.monotonic() > deadline:
                raise RuntimeError("live stack did not come up in 60 s\n" + stack.tail_logs())
            time.sleep(0.3)
    except BaseException:
        stack.stop()
        raise


def group_size(run_id: str) -> int:
    """How many streams are subscribed to a run's channel-layer group right now."""
    import redis
    from django.conf import settings

    from apps.streaming.events import run_group

    prefix = settings.CHANNEL_LAYERS["default"]["CONFIG"]["prefix"]
    client = redis.Redis.from_url(settings.REDIS_URL)
    try:
        return int(client.zcard(f"{prefix}:group:{run_group(run_id)}"))
    finally:
        client.close()


@dataclass(frozen=True)
class SseMessage:
    id: str | None
    event: str | None
    data: str

    def json(self) -> dict:
        return json.loads(self.data)


def iter_sse(lines: Iterator[str]) -> Iterator[SseMessage]:
    """A small SSE parser, per the WHATWG rules our server relies on."""
    event_id: str | None = None
    event: str | None = None
    data: list[str] = []
    for line in lines:
        if line == "":
            if data:
                yield SseMessage(event_id, event, "\n".join(data))
            event, data = None, []
            continue
        if line.startswith(":"):
            continue
        name, _, value = line.partition(":")
        value = value[1:] if value.startswith(" ") else value
        if name == "data":
            data.append(value)
        elif name == "id":
            event_id = value
        elif name == "event":
            event = value
