from __future__ import annotations

import uuid

import pytest
from django.core.cache import cache

from apps.conversations.cancel import RunCancelToken, flag
from apps.pipeline.cancel import RunCancelled
from tests.factories import RunFactory


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_polls_redis_at_most_every_interval():
    run_id = uuid.uuid4()
    clock = Clock()
    token = RunCancelToken(run_id=run_id, interval=0.2, clock=clock)
    token.check()
    flag(run_id)
    token.check()  # within the interval: not polled yet
    clock.now += 0.25
    with pytest.raises(RunCancelled):
        token.check()


@pytest.mark.django_db
def test_a_lost_redis_key_is_still_found_in_the_database():
    run = RunFactory(cancel_requested_at="2026-11-24T00:00:00Z")
    cache.delete(f"run-cancel:{run.id}")
    with pytest.raises(RunCancelled):
        RunCancelToken(run_id=run.id).check(force=True)


@pytest.mark.django_db
def test_a_run_nobody_stopped_goes_on():
    run = RunFactory()
    token = RunCancelToken(run_id=run.id, interval=0)
    for _ in range(25):
        token.check()
