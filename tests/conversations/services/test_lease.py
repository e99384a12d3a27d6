"""A running run's lease: renewed by its worker, lapsed once the worker is gone."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from apps.conversations.cancel import RunCancelToken
from apps.conversations.models import Run
from apps.conversations.services.lease import LeaseKeeper, lease_lapsed, lease_until, worker_name
from apps.pipeline.cancel import RunCancelled
from tests.factories import RunFactory


def test_a_lease_runs_for_the_configured_seconds_from_now(settings):
    settings.RUN_LEASE_SECONDS = 45
    now = timezone.now()
    assert lease_until(now) - now == timedelta(seconds=45)


def test_a_worker_is_named_by_host_and_process():
    host, pid = worker_name().rsplit(":", 1)
    assert host
    assert pid.isdigit()


def test_a_lease_has_lapsed_once_its_expiry_is_past():
    now = timezone.now()
    assert lease_lapsed(Run(lease_expires_at=now - timedelta(seconds=1)), now) is True
    assert lease_lapsed(Run(lease_expires_at=now + timedelta(seconds=1)), now) is False


def test_a_run_without_a_lease_is_judged_by_the_hard_time_limit(settings):
    now = timezone.now()
    limit = timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT)
    old = Run(started_at=now - limit - timedelta(seconds=1))
    recent = Run(started_at=now - limit + timedelta(seconds=1))
    assert (lease_lapsed(old, now), lease_lapsed(recent, now)) == (True, False)
    assert lease_lapsed(Run(), now) is False  # never started


def test_renewing_extends_a_running_runs_lease(db, settings):
    settings.RUN_LEASE_SECONDS = 60
    run = RunFactory(status=Run.Status.RUNNING, lease_expires_at=timezone.now())
    assert LeaseKeeper(run_id=run.id).renew() is True
    run.refresh_from_db()
    assert run.lease_expires_at is not None
    assert run.lease_expires_at > timezone.now() + timedelta(seconds=50)


def test_a_run_that_is_no_longer_running_cannot_be_renewed(db):
    run = RunFactory(status=Run.Status.FAILED, lease_expires_at=None)
    assert LeaseKeeper(run_id=run.id).renew() is False
    run.refresh_from_db()
    assert run.lease_expires_at is None


@pytest.mark.django_db(transaction=True)
def test_a_keeper_that_loses_its_lease_flags_the_run_to_stop():
    run = RunFactory(status=Run.Status.RUNNING, lease_expires_at=timezone.now())
    with LeaseKeeper(run_id=run.id, interval=0.05) as keeper:
        Run.objects.filter(id=run.id).update(status=Run.Status.FAILED)
        deadline = timezone.now() + timedelta(seconds=3)
        while not keeper.lost and timezone.now() < deadline:
            pass
    assert keeper.lost is True
    with pytest.raises(RunCancelled):
        RunCancelToken(run_id=run.id, interval=0).check()
