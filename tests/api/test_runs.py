from __future__ import annotations

import uuid

from apps.conversations.models import Message, Run
from tests.factories import RunFactory


def test_a_finished_run_reads_back_with_its_document_and_quality_report(user, token_client):
    run = RunFactory(
        conversation__user=user,
        status=Run.Status.SUCCEEDED,
        word_count=812,
        quality_report={"word_count": 812, "target_word_count": 1000, "word_count_ok": False},
    )
    run.result_message = Message.objects.create(
        conversation=run.conversation, role=Message.Role.ASSISTANT, content="# Title\n\nBody."
    )
    run.save()
    response = token_client.get(f"/api/runs/{run.id}")
    assert response.status_code == 200
    body = response.json()["run"]
    assert body["trace_id"] == str(run.id)
    assert body["status"] == "succeeded"
    assert body["document"] == "# Title\n\nBody."
    assert body["quality"]["word_count_ok"] is False
    assert body["request"]["wordCount"] == 1000


def test_a_queued_run_has_no_document_yet(user, token_client):
    run = RunFactory(conversation__user=user)
    body = token_client.get(f"/api/runs/{run.id}").json()["run"]
    assert body["status"] == "queued"
    assert body["document"] is None
    assert body["quality"] is None


def test_another_users_run_is_a_404(other_user, token_client):
    run = RunFactory(conversation__user=other_user)
    response = token_client.get(f"/api/runs/{run.id}")
    assert response.status_code == 404
    assert response.json()["error_code"] == "not_found"


def test_an_unknown_or_malformed_id_is_a_404(token_client):
    assert token_client.get(f"/api/runs/{uuid.uuid4()}").status_code == 404
    assert token_client.get("/api/runs/not-a-uuid").status_code == 404


def test_reading_a_run_needs_authentication(db, client):
    run = RunFactory()
    response = client.get(f"/api/runs/{run.id}")
    assert response.status_code == 401
