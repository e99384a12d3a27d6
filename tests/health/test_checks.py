"""Each health check answers quickly and says what is wrong in words an operator can act on."""

from __future__ import annotations

import time

from apps.health.checks import (
    TIMEOUT,
    CheckResult,
    check_database,
    check_providers,
    check_redis,
    skipped,
)


def test_the_database_check_says_postgresql_answered(db):
    result = check_database()
    assert (result.ok, result.detail) == (True, "PostgreSQL answered")
    assert result.latency_ms >= 0


def test_the_redis_check_says_redis_answered():
    result = check_redis()
    assert (result.ok, result.detail) == (True, "Redis answered")


def test_a_redis_that_does_not_answer_fails_the_check_with_the_error_in_time(settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    started = time.monotonic()
    result = check_redis()
    assert result.ok is False
    assert result.detail.startswith("ConnectionError: ")
    assert time.monotonic() - started < TIMEOUT + 1


def test_the_providers_check_lists_the_models_offered(settings):
    settings.OPENAI_API_KEY = ""
    settings.ANTHROPIC_API_KEY = ""
    result = check_providers()
    assert result.ok is True
    assert result.detail.startswith("models: ")
    assert "offline" in result.detail.removeprefix("models: ").split(", ")


def test_a_skipped_check_is_not_ok_and_says_why():
    assert skipped("the database is down") == CheckResult(
        False, "not checked: the database is down", 0.0
    )


def test_a_result_reports_its_latency_to_a_tenth_of_a_millisecond():
    assert CheckResult(True, "fine", 12.3456).as_dict() == {
        "ok": True,
        "detail": "fine",
        "latency_ms": 12.3,
    }
