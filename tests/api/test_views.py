from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from apps.conversations.models import Conversation, Message, Run
from tests.factories import RunFactory

BODY: dict[str, Any] = {
    "prompt": "Write a short academic essay about AI ethics",
    "mode": "essay",
    "file_ids": [],
    "user_params": {
        "citationStyle": "Harvard",
        "wordCount": 1000,
        "model": "offline",
        "academicLevel": "undergraduate",
    },
}


def _post(client: Client, body, **extra):
    data = body if isinstance(body, str | bytes) else json.dumps(body)
    return client.post(reverse("api:chat"), data=data, content_type="application/json", **extra)


def _nothing_saved():
    return (
        not Conversation.objects.exists()
        and not Run.objects.exists()
        and not Message.objects.exists()
    )


def test_chat_starts_a_run_for_the_token_owner(
    token_client: Client, user, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = _post(
            token_client,
            {**BODY, "user_params": {**BODY["user_params"], "user_id": "someone-else"}},
        )
    assert response.status_code == 200
    data = response.json()
    assert data["success"] is True
    run = Run.objects.get(id=data["trace_id"])
    assert str(run.conversation_id) == data["conversation_id"]
    assert run.conversation.user == user  # user_params.user_id is ignored
    assert (run.citation_style, run.target_word_count, run.writeup_type) == (
        "harvard",
        1000,
        "essay",
    )
    assert len(callbacks) == 1


def test_chat_answer_carries_no_events_unless_a_stream_is_asked_for(
    token_client: Client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        plain = _post(token_client, BODY).json()
    assert set(plain) == {"success", "trace_id", "conversation_id"}


def test_chat_asked_for_a_stream_carries_its_stored_queued_event(
    token_client: Client, django_capture_on_commit_callbacks
):
    """What the stream server writes first, before it subscribes: the row as stored."""
    from apps.streaming.events import validate_event
    from apps.streaming.selectors import events_after

    with django_capture_on_commit_callbacks(execute=False):
        answer = _post(token_client, BODY, HTTP_ACCEPT="text/event-stream").json()
    [queued] = answer["events"]
    validate_event(queued)
    stored = events_after(
        run_id=answer["trace_id"],
        conversation_id=answer["conversation_id"],
        after_seq=0,
        limit=10,
    )
    assert [queued] == json.loads(json.dumps(stored))
    assert (queued["type"], queued["seq"], queued["run_id"]) == ("queued", 1, answer["trace_id"])


def test_chat_fills_defaults_and_accepts_loose_names(
    token_client: Client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        response = _post(
            token_client,
            {
                "prompt": "Review the literature on sleep",
                "mode": "Literature Review",
                "user_params": {"citationStyle": "chicago", "academicLevel": "High School"},
            },
        )
    run = Run.objects.get(id=response.json()["trace_id"])
    assert (run.writeup_type, run.citation_style, run.academic_level) == (
        "literature_review",
        "chicago_author_date",
        "high_school",
    )
    assert (run.target_word_count, run.model) == (1000, "offline")


@pytest.mark.parametrize(
    ("body", "code", "field"),
    [
        ("{not json", "invalid_json", None),
        ("[1, 2]", "invalid_json", None),
        ({**BODY, "prompt": ""}, "validation_error", "prompt"),
        ({**BODY, "prompt": "x" * 20_001}, "validation_error", "prompt"),
        ({**BODY, "mode": "sonnet"}, "validation_error", "mode"),
        ({**BODY, "user_params": {"wordCount": 99}}, "validation_error", "user_params.wordCount"),
        (
            {**BODY, "user_params": {"wordCount": 20_001}},
            "validation_error",
            "user_params.wordCount",
        ),
        (
            {**BODY, "user_params": {"citationStyle": "Vancouver"}},
            "validation_error",
            "user_params.citationStyle",
        ),
        (
            {**BODY, "user_params": {"model": "gpt-imaginary"}},
            "validation_error",
            "user_params.model",
        ),
        ({**BODY, "user_params": "fast"}, "validation_error", None),
        ({**BODY, "file_ids": "abc"}, "validation_error", None),
    ],
)
def test_bad_input_is_a_json_400_and_saves_nothing(
    token_client: Client, body, code, field, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = _post(token_client, body)
    assert response.status_code == 400
    data = response.json()
    assert data["success"] is False
    assert data["error_code"] == code
    assert data["error_message"]
    if field:
        assert field in data["errors"]
        assert data["error_message"].startswith(field)
    assert _nothing_saved()
    assert callbacks == []


def test_unknown_file_ids_are_not_found(token_client: Client):
    response = _post(token_client, {**BODY, "file_ids": ["0b7f6d1e-7a43-4b43-9f0e-0e0d7c3f3a55"]})
    assert (response.status_code, response.json()["error_code"]) == (404, "file_not_found")
    assert _nothing_saved()


def test_missing_or_bad_token_is_401(client: Client, db):
    assert _post(client, BODY).json()["error_code"] == "authentication_required"
    response = _post(client, BODY, HTTP_AUTHORIZATION="Bearer hwz_forged")
    assert (response.status_code, response.json()["error_code"]) == (401, "invalid_token")
    assert _nothing_saved()


def test_only_post_is_allowed(token_client: Client):
    response = token_client.get(reverse("api:chat"))
    assert response.status_code == 405
    assert response.json()["error_code"] == "method_not_allowed"


def test_session_requests_need_a_csrf_token(user, django_capture_on_commit_callbacks):
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    assert _post(client, BODY).json()["error_code"] == "csrf_failed"
    assert _nothing_saved()
    client.get(reverse("conversations:list"))  # sets the CSRF cookie
    token = client.cookies["csrftoken"].value
    with django_capture_on_commit_callbacks(execute=False):
        assert _post(client, BODY, HTTP_X_CSRFTOKEN=token).status_code == 200


def test_follow_up_in_my_conversation(
    token_client: Client, user, django_capture_on_commit_callbacks
):
    first = RunFactory(conversation__user=user, status=Run.Status.SUCCEEDED)
    with django_capture_on_commit_callbacks(execute=False):
        response = _post(token_client, {**BODY, "conversation_id": str(first.conversation_id)})
    assert response.json()["conversation_id"] == str(first.conversation_id)
    assert first.conversation.runs.count() == 2


def test_follow_up_while_running_is_409(token_client: Client, user):
    run = RunFactory(conversation__user=user, status=Run.Status.RUNNING)
    response = _post(token_client, {**BODY, "conversation_id": str(run.conversation_id)})
    assert (response.status_code, response.json()["error_code"]) == (409, "run_in_progress")


@pytest.mark.parametrize("conversation_id", ["nope", None])
def test_another_users_or_bogus_conversation_is_404(
    token_client: Client, other_user, conversation_id
):
    theirs = RunFactory(conversation__user=other_user, status=Run.Status.SUCCEEDED)
    response = _post(
        token_client, {**BODY, "conversation_id": conversation_id or str(theirs.conversation_id)}
    )
    assert (response.status_code, response.json()["error_code"]) == (404, "not_found")
    assert theirs.conversation.runs.count() == 1
