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
import redis

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


def start_daphne(group: Processes, *, env: dict[str, str], log_dir: Path) -> str:
    port = free_port()
    group.spawn(
        "daphne",
        [str(BIN / "daphne"), "-b", "127.0.0.1", "-p", str(port), "handywriterz.asgi:application"],
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


def start_worker(
    group: Processes,
    *,
    env: dict[str, str],
    log_dir: Path,
    name: str | None = None,
    ping: bool = True,
) -> str:
    """A Celery worker (solo pool); returns its node name. It is ready when it answers a ping
    through this process's broker, or (`ping=False`, for a worker on another broker, such as
    one found through Sentinel) when its log says so."""
    from handywriterz.celery import app as celery_app

    name = name or f"e2e-{free_port()}"
    process = group.spawn(
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
    log = group.logs[group.processes.index(process)]

    def answers() -> bool:
        if not ping:
            return f"{name}@" in log.read_text() and " ready." in log.read_text()
        replies = celery_app.control.inspect(timeout=0.5).ping() or {}
        return any(worker.startswith(f"{name}@") for worker in replies)

    group.wait_until(answers, what="the Celery worker answering a ping")
    return name


def start_redis(
    group: Processes, *, log_dir: Path, name: str, replica_of: int | None = None
) -> int:
    """A throw-away redis-server on a free port (nothing on disk); a replica of `replica_of`."""
    port = free_port()
    argv = ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", ""]
    argv += ["--appendonly", "no", "--dir", str(log_dir)]
    if replica_of is not None:
        argv += ["--replicaof", "127.0.0.1", str(replica_of)]
    group.spawn(name, argv, env=dict(os.environ), log_dir=log_dir)
    group.wait_until(lambda: _redis_answers(port), what=f"{name} answering")
    return port


def start_sentinel(
    group: Processes, *, log_dir: Path, name: str, master: str, master_port: int
) -> int:
    """A redis-sentinel watching `master` (quorum 1: one Sentinel may fail it over)."""
    port = free_port()
    config = log_dir / f"{name}.conf"
    log_dir.mkdir(parents=True, exist_ok=True)
    config.write_text(
        f"port {port}\nbind 127.0.0.1\ndir {log_dir}\n"
        f"sentinel monitor {master} 127.0.0.1 {master_port} 1\n"
        f"sentinel down-after-milliseconds {master} 2000\n"
        f"sentinel failover-timeout {master} 10000\n"
        f"sentinel parallel-syncs {master} 1\n"
    )
    group.spawn(name, ["redis-sentinel", str(config)], env=dict(os.environ), log_dir=log_dir)
    group.wait_until(lambda: _redis_answers(port), what=f"{name} answering")
    return port


def _redis_answers(port: int) -> bool:
    client = redis.Redis(host="127.0.0.1", port=port, socket_timeout=1, socket_connect_timeout=1)
    try:
        return bool(client.ping())
    except redis.RedisError:
        return False
    finally:
        client.close()
