from __future__ import annotations

import uuid
from decimal import Decimal

import pytest
from django.urls import reverse

from apps.conversations.models import Conversation, Run
from tests.factories import MessageFactory, RunFactory

pytestmark = pytest.mark.django_db


def stop_url(run) -> str:
    return reverse("conversations:run_cancel", args=[run.id])


def test_the_stop_button_posts_to_the_run_and_works_without_javascript(user, auth_client):
    run = RunFactory(conversation__user=user, status=Run.Status.RUNNING)
    page = auth_client.get(reverse("conversations:detail", args=[run.conversation_id]))
    html = page.content.decode()
    assert f'action="{stop_url(run)}"' in html
    assert f'hx-post="{stop_url(run)}"' in html

    response = auth_client.post(stop_url(run))
    assert response.status_code == 302
    assert response["Location"] == reverse("conversations:detail", args=[run.conversation_id])
    run.refresh_from_db()
    assert run.cancel_requested_at is not None


def test_htmx_stop_swaps_the_button_for_a_notice(user, auth_client):
    run = RunFactory(conversation__user=user)
    response = auth_client.post(stop_url(run), headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert "Stopping" in response.content.decode()
    run.refresh_from_db()
    assert run.status == Run.Status.CANCELLED


def test_stopping_a_finished_run_just_shows_the_page(user, auth_client):
    run = RunFactory(conversation__user=user, status=Run.Status.SUCCEEDED)
    assert auth_client.post(stop_url(run)).status_code == 302
    run.refresh_from_db()
    assert run.status == Run.Status.SUCCEEDED


def test_another_users_run_cannot_be_stopped(other_user, auth_client):
    run = RunFactory(conversation__user=other_user)
    assert auth_client.post(stop_url(run)).status_code == 404
    assert auth_client.get(stop_url(run)).status_code == 405
    run.refresh_from_db()
    assert run.status == Run.Status.QUEUED


def test_unknown_run_is_404(auth_client):
    url = reverse("conversations:run_cancel", args=[uuid.uuid4()])
    assert auth_client.post(url).status_code == 404


def test_the_page_marks_the_current_version_and_shows_cost(user, auth_client):
    first = RunFactory(
        conversation__user=user,
        status=Run.Status.SUCCEEDED,
        result_message=None,
        model="gpt-4o-mini",
        tokens_in=1200,
        tokens_out=800,
        cost_usd=Decimal("0.00066"),
    )
    conversation = first.conversation
    RunFactory(
        conversation=conversation,
        status=Run.Status.SUCCEEDED,
        user_message=MessageFactory(conversation=conversation, content="More critical please"),
    )
    html = auth_client.get(reverse("conversations:detail", args=[conversation.id])).content
    text = html.decode()
    assert "Version 1" in text
    assert "Version 2 · current version" in text
    assert text.count("current version") == 1
    assert "$0.0007 · 2000 tokens" in text


@pytest.mark.usefixtures("openai_configured")
def test_the_compose_form_offers_configured_models_first(auth_client):
    html = auth_client.get(reverse("conversations:list")).content.decode()
    assert html.index('value="gpt-4o-mini"') < html.index('value="offline"')
    assert "No AI model is configured" not in html


def test_without_keys_the_form_says_it_runs_offline(auth_client):
    html = auth_client.get(reverse("conversations:list")).content.decode()
    assert "No AI model is configured" in html


@pytest.mark.usefixtures("openai_configured")
def test_over_budget_the_form_shows_the_reason_and_saves_nothing(user, auth_client):
    user.monthly_budget_usd = Decimal(0)
    user.save()
    data = {
        "prompt": "An essay on urban trees",
        "writeup_type": "essay",
        "citation_style": "apa7",
        "academic_level": "undergraduate",
        "target_word_count": 1000,
        "model": "gpt-4o",
    }
    response = auth_client.post(reverse("conversations:create"), data)
    assert response.status_code == 422
    assert "monthly budget" in response.content.decode()
    assert not Conversation.objects.filter(user=user).exists()

    run = RunFactory(conversation__user=user, status=Run.Status.SUCCEEDED, model="offline")
    response = auth_client.post(
        reverse("conversations:follow_up", args=[run.conversation_id]),
        {**data, "prompt": "Longer please"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 422
    assert "monthly budget" in response.content.decode()
    assert run.conversation.runs.count() == 1


def test_a_new_current_version_arriving_by_stream_unmarks_the_old_one(user):
    from django.template.loader import render_to_string

    from apps.conversations.selectors import run_card

    old = RunFactory(conversation__user=user, status=Run.Status.SUCCEEDED)
    new = RunFactory(
        conversation=old.conversation,
        status=Run.Status.SUCCEEDED,
        user_message=MessageFactory(conversation=old.conversation),
    )
    html = render_to_string("conversations/conversation.html#run-card", run_card(run=new).context)
    assert "Version 2 · current version" in html
    assert (
        f'<span id="version-{old.id}" class="version" hx-swap-oob="true">Version 1</span>' in html
    )
