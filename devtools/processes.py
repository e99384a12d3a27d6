"""Start our own real processes (Daphne, a Celery worker) for end-to-end tests and benchmarks."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Processes:
    processes: list[subprocess.Popen[bytes]] = field(default_factory=list)
    logs: list[Path] = field(default_factory=list)

    def spawn(
        self, name: str, argv: list[str], *, env: dict[str, str], log_dir: Path
    ) -> subprocess.Popen[bytes]:
        log_dir.mkdir(parents=True, exist_ok=True)
        log = log_dir / f"{name}.log"
        process = subprocess.Popen(
            argv, cwd=ROOT, env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT
        )
        self.processes.append(process)
        self.logs.append(log)
        return process

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

    def wait_until(self, ready: Callable[[], bool], *, what: str, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while not ready():
            if any(p.poll() is not None for p in self.processes):
                raise RuntimeError(f"a process exited before {what}\n{self.tail_logs()}")
            if time.monotonic() > deadline:
                raise RuntimeError(f"{what}: not within {timeout} s\n{self.tail_logs()}")
            time.sleep(0.2)


def django_env(
    *, settings_module: str, database_name: str | None = None, **extra: str
) -> dict[str, str]:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": settings_module, **extra}
    if database_name is not None:
        env["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:5432/{database_name}"
    return env


def start_daphne(
    group: Processes, *, env: dict[str, str], log_dir: Path, backlog: int | None = None
) -> str:
    """Daphne on a free port; `backlog`: the listen queue (Twisted's default, 50, refuses a
    connect storm of a thousand streams)."""
    port = free_port()
    endpoint = f"tcp:port={port}:interface=127.0.0.1"
    if backlog is not None:
        endpoint += f":backlog={backlog}"
    group.spawn(
        "daphne",
        [str(BIN / "daphne"), "-e", endpoint, "handywriterz.asgi:application"],
        env=env,
        log_dir=log_dir,
    )
    url = f"http://127.0.0.1:{port}"

    def answers() -> bool:
        try:
            return httpx.get(f"{url}/health/live", timeout=1).status_code == 200
        except httpx.TransportError:
            return False

    group.wait_until(answers, what="Daphne answering")
    return url


def start_worker(group: Processes, *, env: dict[str, str], log_dir: Path) -> None:
    from handywriterz.celery import app as celery_app

    name = f"e2e-{free_port()}"
    group.spawn(
        "celery",
        [
            str(BIN / "celery"),
            "-A",
            "handywriterz",
            "worker",
            "--pool=solo",
            "--loglevel=INFO",
            "-n",
            f"{name}@%h",
            "--without-gossip",
            "--without-mingle",
        ],
        env=env,
        log_dir=log_dir,
    )

    def answers() -> bool:
        replies = celery_app.control.inspect(timeout=0.5).ping() or {}
        return any(worker.startswith(f"{name}@") for worker in replies)

    group.wait_until(answers, what="the Celery worker answering a ping")
