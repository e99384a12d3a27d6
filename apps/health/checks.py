"""Each check answers quickly and says what is wrong in words an operator can act on."""

from __future__ import annotations

import time
from dataclasses import dataclass

import redis
from django.conf import settings
from django.db import connection

from apps.pipeline.providers.registry import available_models

TIMEOUT = 2.0


@dataclass(frozen=True)
class CheckResult:
    ok: bool
    detail: str
    latency_ms: float

    def as_dict(self) -> dict[str, object]:
        return {"ok": self.ok, "detail": self.detail, "latency_ms": round(self.latency_ms, 1)}


def _timed(fn: object) -> CheckResult:
    start = time.perf_counter()
    try:
        detail = fn()  # type: ignore[operator]
        ok = True
    except Exception as error:  # noqa: BLE001 — any failure is reported, not raised
        detail = f"{type(error).__name__}: {error}"
        ok = False
    return CheckResult(ok, str(detail), (time.perf_counter() - start) * 1000)


def skipped(reason: str) -> CheckResult:
    return CheckResult(False, f"not checked: {reason}", 0.0)


def check_database() -> CheckResult:
    def probe() -> str:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        return "PostgreSQL answered"

    return _timed(probe)


def check_redis() -> CheckResult:
    def probe() -> str:
        client = redis.Redis.from_url(
            settings.REDIS_URL, socket_timeout=TIMEOUT, socket_connect_timeout=TIMEOUT
        )
        try:
            client.ping()
        finally:
            client.close()
        return "Redis answered"

    return _timed(probe)


def check_workers() -> CheckResult:
    def probe() -> str:
        from handywriterz.celery import app

        replies = app.control.inspect(timeout=1.0).ping() or {}
        if not replies:
            raise RuntimeError("no Celery worker answered a ping")
        return f"{len(replies)} worker(s) answered"

    return _timed(probe)


def check_providers() -> CheckResult:
    def probe() -> str:
        models = [m.id for m in available_models()]
        return "models: " + ", ".join(models)

    return _timed(probe)
