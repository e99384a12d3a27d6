"""A run that would go over the user's monthly budget is refused before anything is saved or any
provider is called."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from apps.conversations.budget import budget_status, month_start
from apps.conversations.models import Conversation, Message, Run
from apps.conversations.services.starting import BudgetExceeded, run_start, run_submit
from tests.factories import RunFactory, WritingRequestFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("openai_configured")]


def request(model="gpt-4o", words=2000):
    return WritingRequestFactory(
        prompt="Write a report on heat pumps in social housing.",
        writeup_type="report",
        citation_style="harvard",
        academic_level="masters",
        target_word_count=words,
        model=model,
    )


def spend(user, amount: str, **fields) -> Run:
    return RunFactory(
        conversation__user=user,
        status=Run.Status.SUCCEEDED,
        cost_usd=Decimal(amount),
        model="gpt-4o",
        **fields,
    )


def test_a_run_over_budget_is_refused_and_nothing_is_saved(user):
    user.monthly_budget_usd = Decimal("1.00")
    user.save()
    spend(user, "0.99")
    before = (Conversation.objects.count(), Message.objects.count(), Run.objects.count())

    with pytest.raises(BudgetExceeded) as refused:
        run_submit(user=user, request=request(), conversation=None)

    assert refused.value.code == "budget_exceeded"
    assert "$1.00 monthly budget" in refused.value.message
    assert "$0.99 spent this month" in refused.value.message
    after = (Conversation.objects.count(), Message.objects.count(), Run.objects.count())
    assert after == before


def test_within_budget_the_run_starts(user):
    spend(user, "0.50")
    run = run_submit(user=user, request=request(), conversation=None)
    assert run.status == Run.Status.QUEUED


def test_the_default_budget_comes_from_settings(user, settings):
    settings.MONTHLY_BUDGET_USD = 0.0
    with pytest.raises(BudgetExceeded):
        run_submit(user=user, request=request(), conversation=None)
    settings.MONTHLY_BUDGET_USD = 5.0
    assert run_submit(user=user, request=request(), conversation=None).status == Run.Status.QUEUED


def test_free_models_are_never_refused(user):
    user.monthly_budget_usd = Decimal(0)
    user.save()
    assert run_submit(user=user, request=request(model="offline"), conversation=None)


def test_last_months_spending_does_not_count(user):
    user.monthly_budget_usd = Decimal("1.00")
    user.save()
    old = spend(user, "5.00")
    Run.objects.filter(pk=old.pk).update(created_at=month_start() - timedelta(days=3))
    assert run_submit(user=user, request=request(), conversation=None)


def test_runs_in_flight_reserve_their_estimate(user):
    # A 1,500-word gpt-4o run is estimated at about $0.05.
    user.monthly_budget_usd = Decimal("0.08")
    user.save()
    first = run_submit(user=user, request=request(words=1500), conversation=None)
    assert budget_status(user=user).reserved > 0
    with pytest.raises(BudgetExceeded):
        run_submit(user=user, request=request(words=1500), conversation=None)
    Run.objects.filter(pk=first.pk).update(status=Run.Status.SUCCEEDED, cost_usd=Decimal("0.01"))
    assert run_submit(user=user, request=request(words=1500), conversation=None)


def test_a_follow_up_over_budget_leaves_the_conversation_as_it_was(user):
    run = run_submit(user=user, request=request(model="offline"), conversation=None)
    Run.objects.filter(pk=run.pk).update(status=Run.Status.SUCCEEDED)
    user.monthly_budget_usd = Decimal(0)
    user.save()
    with pytest.raises(BudgetExceeded):
        run_start(conversation=run.conversation, request=request())
    assert run.conversation.messages.count() == 1
    assert run.conversation.runs.count() == 1


def test_month_start_is_the_first_of_the_month_in_utc():
    assert month_start(datetime(2026, 3, 31, 23, 30, tzinfo=UTC)) == datetime(
        2026, 3, 1, tzinfo=UTC
    )
