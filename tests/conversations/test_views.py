from __future__ import annotations

from django.test import Client
from django.urls import reverse

from apps.conversations.models import Conversation, Message, Run
from tests.factories import MessageFactory, RunEventFactory, RunFactory

FORM = {
    "prompt": "Write a report on tree canopy policy and urban heat.",
    "writeup_type": "report",
    "citation_style": "apa7",
    "academic_level": "undergraduate",
    "target_word_count": 1200,
    "model": "offline",
}
HTMX = {"HX-Request": "true"}


def test_list_shows_only_my_conversations(auth_client: Client, user, other_user):
    RunFactory(conversation__user=user, conversation__title="Mine about canopy")
    RunFactory(conversation__user=other_user, conversation__title="Theirs about bees")
    response = auth_client.get(reverse("conversations:list"))
    assert response.status_code == 200
    assert b"Mine about canopy" in response.content
    assert b"Theirs about bees" not in response.content
    assert b'hx-post="/conversations/new/"' in response.content


def test_create_with_htmx_returns_the_conversation_and_pushes_its_url(
    auth_client: Client, user, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = auth_client.post(reverse("conversations:create"), FORM, headers=HTMX)
    assert response.status_code == 200
    conversation = Conversation.objects.get(user=user)
    assert response["HX-Push-Url"] == reverse("conversations:detail", args=[conversation.id])
    run = conversation.runs.get()
    assert f'id="run-{run.id}"'.encode() in response.content
    assert reverse("conversations:run_stream", args=[run.id]).encode() in response.content
    assert len(callbacks) == 1


def test_create_without_htmx_redirects_to_the_conversation(
    auth_client: Client, user, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        response = auth_client.post(reverse("conversations:create"), FORM)
    conversation = Conversation.objects.get(user=user)
    assert response.status_code == 302
    assert response["Location"] == reverse("conversations:detail", args=[conversation.id])


def test_invalid_create_shows_field_errors_and_saves_nothing(
    auth_client: Client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = auth_client.post(
            reverse("conversations:create"),
            {**FORM, "prompt": "", "target_word_count": 50},
            headers=HTMX,
        )
    assert response.status_code == 422
    assert response["HX-Retarget"] == "#compose"
    assert b"Describe what you need written." in response.content
    assert b"Ensure this value is greater than or equal to 100." in response.content
    assert not Conversation.objects.exists()
    assert not Run.objects.exists()
    assert callbacks == []


def test_detail_renders_finished_document_sanitised(auth_client: Client, user):
    run = RunFactory(conversation__user=user, status=Run.Status.SUCCEEDED, word_count=5)
    run.result_message = MessageFactory(
        conversation=run.conversation,
        role=Message.Role.ASSISTANT,
        content="# Title\n\n<script>alert(1)</script> [click](javascript:alert(2)) **bold**",
    )
    run.save()
    RunEventFactory(run=run, seq=1)
    response = auth_client.get(reverse("conversations:detail", args=[run.conversation_id]))
    body = response.content.decode()
    assert response.status_code == 200
    assert "<h1>Title</h1>" in body
    assert "<strong>bold</strong>" in body
    assert "<script>alert(1)" not in body
    assert 'href="javascript:' not in body
    assert "Router chose the simple pipeline" in body
    # A finished run does not open a stream.
    assert "sse-connect" not in body


def test_detail_of_running_run_connects_after_what_it_shows(auth_client: Client, user):
    run = RunFactory(conversation__user=user, status=Run.Status.RUNNING)
    RunEventFactory(run=run, seq=1)
    RunEventFactory(
        run=run,
        seq=2,
        type="content",
        payload={"message": "Hello <b>world</b>", "is_complete": False, "word_count": 2},
    )
    body = auth_client.get(
        reverse("conversations:detail", args=[run.conversation_id])
    ).content.decode()
    assert f"{reverse('conversations:run_stream', args=[run.id])}?last_event_id=2" in body
    assert "Hello &lt;b&gt;world&lt;/b&gt;" in body
    assert body.count("sse-connect") == 1


def test_follow_up_appends_a_turn_and_resets_the_form(
    auth_client: Client, user, django_capture_on_commit_callbacks
):
    first = RunFactory(conversation__user=user, status=Run.Status.SUCCEEDED)
    url = reverse("conversations:follow_up", args=[first.conversation_id])
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = auth_client.post(
            url, {**FORM, "prompt": "Shorten the introduction."}, headers=HTMX
        )
    assert response.status_code == 200
    assert len(callbacks) == 1
    assert first.conversation.runs.count() == 2
    body = response.content.decode()
    assert "Shorten the introduction." in body
    assert 'hx-swap-oob="true"' in body


def test_follow_up_while_running_is_refused_with_a_message(auth_client: Client, user):
    run = RunFactory(conversation__user=user, status=Run.Status.RUNNING)
    url = reverse("conversations:follow_up", args=[run.conversation_id])
    response = auth_client.post(url, {**FORM, "prompt": "More."}, headers=HTMX)
    assert response.status_code == 422
    assert b"A run is still in progress" in response.content
    assert run.conversation.runs.count() == 1


def test_another_users_conversation_is_404(
    auth_client: Client, other_user, django_capture_on_commit_callbacks
):
    theirs = RunFactory(conversation__user=other_user, status=Run.Status.SUCCEEDED)
    detail = reverse("conversations:detail", args=[theirs.conversation_id])
    follow_up = reverse("conversations:follow_up", args=[theirs.conversation_id])
    assert auth_client.get(detail).status_code == 404
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        assert auth_client.post(follow_up, FORM).status_code == 404
    assert callbacks == []
    assert theirs.conversation.runs.count() == 1
