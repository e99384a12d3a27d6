from __future__ import annotations

import json
import uuid
from decimal import Decimal

import pytest

from apps.conversations.cancel import RunCancelToken
from apps.conversations.models import Conversation, Run
from apps.pipeline.cancel import RunCancelled
from apps.streaming.models import RunEvent
from tests.factories import RunFactory

pytestmark = pytest.mark.django_db


def post_json(client, url, body=None):
    return client.post(url, data=json.dumps(body or {}), content_type="application/json")


@pytest.mark.usefixtures("openai_configured")
def test_chat_over_budget_is_a_402_with_budget_exceeded_and_saves_nothing(user, token_client):
    user.monthly_budget_usd = Decimal(0)
    user.save()
    response = post_json(
        token_client,
        "/api/chat",
        {"prompt": "An essay on urban trees", "user_params": {"model": "gpt-4o-mini"}},
    )
    assert response.status_code == 402
    body = response.json()
    assert body["success"] is False
    assert body["error_code"] == "budget_exceeded"
    assert "monthly budget" in body["error_message"]
    assert not Conversation.objects.filter(user=user).exists()


@pytest.mark.usefixtures("openai_configured")
def test_chat_defaults_to_the_first_configured_model(user, token_client):
    response = post_json(token_client, "/api/chat", {"prompt": "An essay on urban trees"})
    assert response.status_code == 200
    assert Run.objects.get(id=response.json()["trace_id"]).model == "gpt-4o-mini"


def test_chat_refuses_a_model_that_is_not_configured(token_client):
    response = post_json(
        token_client, "/api/chat", {"prompt": "x y z", "user_params": {"model": "gpt-4o"}}
    )
    assert response.status_code == 400
    assert "user_params.model" in response.json()["errors"]


def cancel_url(run_id) -> str:
    return f"/api/runs/{run_id}/cancel"


def test_cancelling_a_queued_run_ends_it_at_once(user, token_client):
    run = RunFactory(conversation__user=user)
    response = token_client.post(cancel_url(run.id))

    assert response.status_code == 200
    assert response.json() == {"success": True, "trace_id": str(run.id), "status": "cancelled"}
    run.refresh_from_db()
    assert run.status == Run.Status.CANCELLED
    assert run.error_code == "cancelled"
    last = RunEvent.objects.filter(run=run).order_by("-seq").first()
    assert last is not None
    assert (last.type, last.payload["error_code"]) == ("error", "cancelled")


def test_cancelling_a_running_run_flags_it_for_the_pipeline(user, token_client):
    run = RunFactory(conversation__user=user, status=Run.Status.RUNNING)
    response = token_client.post(cancel_url(run.id))

    assert response.status_code == 200
    assert response.json()["status"] == "cancelling"
    run.refresh_from_db()
    assert run.status == Run.Status.RUNNING  # the pipeline ends it, keeping its text
    assert run.cancel_requested_at is not None
    with pytest.raises(RunCancelled):
        RunCancelToken(run_id=run.id).check()


def test_cancelling_a_finished_run_is_a_409(user, token_client):
    run = RunFactory(conversation__user=user, status=Run.Status.SUCCEEDED)
    response = token_client.post(cancel_url(run.id))
    assert response.status_code == 409
    assert response.json()["error_code"] == "run_not_active"


def test_another_users_run_is_a_404_and_is_left_alone(other_user, token_client):
    run = RunFactory(conversation__user=other_user)
    response = token_client.post(cancel_url(run.id))
    assert response.status_code == 404
    assert response.json()["error_code"] == "not_found"
    run.refresh_from_db()
    assert run.status == Run.Status.QUEUED
    assert run.cancel_requested_at is None


@pytest.mark.parametrize("run_id", [str(uuid.uuid4()), "not-a-uuid"])
def test_an_unknown_run_is_a_404(token_client, run_id):
    response = token_client.post(cancel_url(run_id))
    assert response.status_code == 404
    assert response.json()["error_code"] == "not_found"


def test_cancel_needs_post_and_authentication(client, token_client, user):
    run = RunFactory(conversation__user=user)
    assert token_client.get(cancel_url(run.id)).status_code == 405
    assert client.post(cancel_url(run.id)).status_code == 401
