from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from apps.conversations.models import Run
from tests.factories import RunFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client() -> Client:
    admin = UserFactory(is_staff=True, is_superuser=True)
    client = Client()
    client.force_login(admin)
    return client


def test_usage_is_summed_per_user_and_month(staff_client, user, other_user):
    user.monthly_budget_usd = Decimal("2.00")
    user.save()
    for cost in ("0.25", "0.75"):
        RunFactory(
            conversation__user=user,
            status=Run.Status.SUCCEEDED,
            tokens_in=1000,
            tokens_out=500,
            cost_usd=Decimal(cost),
        )
    RunFactory(conversation__user=other_user, cost_usd=Decimal("0.10"), tokens_in=10)

    response = staff_client.get(reverse("admin:conversations_runusage_changelist"))

    assert response.status_code == 200
    rows = {row["username"]: row for row in response.context["usage_rows"]}
    mine = rows[user.username]
    assert (mine["runs"], mine["tokens_in"], mine["tokens_out"]) == (2, 2000, 1000)
    assert mine["cost"] == Decimal("1.000000")
    assert mine["used"] == 50
    assert rows[other_user.username]["runs"] == 1
    assert response.context["usage_total"]["runs"] == 3
    assert "Monthly budget" in response.content.decode()


def test_usage_honours_the_changelist_filters(staff_client, user):
    RunFactory(conversation__user=user, model="gpt-4o", cost_usd=Decimal("1"))
    RunFactory(conversation__user=user, model="offline")
    response = staff_client.get(
        reverse("admin:conversations_runusage_changelist"), {"model": "gpt-4o"}
    )
    assert [row["runs"] for row in response.context["usage_rows"]] == [1]


def test_a_writers_budget_is_editable_in_admin(staff_client, user):
    page = staff_client.get(reverse("admin:accounts_user_change", args=[user.pk]))
    assert 'name="monthly_budget_usd"' in page.content.decode()


def test_staff_can_stop_runs_from_the_run_list(staff_client, user):
    queued = RunFactory(conversation__user=user)
    staff_client.post(
        reverse("admin:conversations_run_changelist"),
        {"action": "stop_runs", "_selected_action": [str(queued.pk)]},
    )
    queued.refresh_from_db()
    assert queued.status == Run.Status.CANCELLED
