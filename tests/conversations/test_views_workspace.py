"""The workspace: history search, rename, delete, regenerate, usage, error pages."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from apps.conversations.models import Conversation, Message, Run
from tests.factories import ConversationFactory, MessageFactory, RunFactory

HTMX = {"HX-Request": "true"}


def _finished(user, **kwargs) -> Run:
    run = RunFactory(conversation__user=user, status=Run.Status.SUCCEEDED, **kwargs)
    run.result_message = MessageFactory(
        conversation=run.conversation, role=Message.Role.ASSISTANT, content="# Done\n\nText."
    )
    run.save()
    return run


def test_history_lists_my_conversations_newest_first_on_every_page(auth_client: Client, user):
    old = ConversationFactory(user=user, title="Older piece")
    new = ConversationFactory(user=user, title="Newer piece")
    Conversation.objects.filter(pk=old.pk).update(updated_at=new.updated_at.replace(year=2020))
    html = auth_client.get(reverse("files:list")).content.decode()
    assert html.index("Newer piece") < html.index("Older piece")
    assert "just now" in html
    assert "0 minutes" not in html


def test_search_finds_titles_and_text_of_my_conversations_only(
    auth_client: Client, user, other_user
):
    by_title = ConversationFactory(user=user, title="Mangroves and coastal defence")
    by_text = RunFactory(conversation__user=user, conversation__title="Untitled").conversation
    MessageFactory(conversation=by_text, content="A paragraph on mangrove restoration costs.")
    ConversationFactory(user=user, title="Bees")
    ConversationFactory(user=other_user, title="Their mangrove essay")
    response = auth_client.get(reverse("conversations:history"), {"q": "mangrove"}, headers=HTMX)
    html = response.content.decode()
    assert str(by_title.id) in html
    assert str(by_text.id) in html
    assert "Bees" not in html
    assert "Their mangrove essay" not in html
    # Without script the search form loads the workspace with the same filter.
    page = auth_client.get(reverse("conversations:history"), {"q": "mangrove"})
    assert page.status_code == 302
    assert page["Location"].endswith("?q=mangrove")
    assert "Bees" not in auth_client.get(page["Location"]).content.decode()


def test_rename_sets_my_title_and_marks_it_edited(auth_client: Client, user):
    conversation = ConversationFactory(user=user, title="Old")
    response = auth_client.post(
        reverse("conversations:rename", args=[conversation.id]), {"title": "  Heat  and trees "}
    )
    assert response.status_code == 302
    conversation.refresh_from_db()
    assert (conversation.title, conversation.title_edited) == ("Heat and trees", True)


def test_rename_refuses_an_empty_title(auth_client: Client, user):
    conversation = ConversationFactory(user=user, title="Kept")
    auth_client.post(reverse("conversations:rename", args=[conversation.id]), {"title": "  "})
    conversation.refresh_from_db()
    assert conversation.title == "Kept"


def test_rename_redirects_only_to_this_site(auth_client: Client, user):
    conversation = ConversationFactory(user=user)
    response = auth_client.post(
        reverse("conversations:rename", args=[conversation.id]),
        {"title": "New", "next": "https://evil.example/"},
    )
    assert response["Location"] == reverse("conversations:detail", args=[conversation.id])


def test_delete_removes_the_conversation_and_its_runs(auth_client: Client, user):
    run = _finished(user)
    response = auth_client.post(reverse("conversations:delete", args=[run.conversation_id]))
    assert response.status_code == 302
    assert not Conversation.objects.filter(pk=run.conversation_id).exists()
    assert not Run.objects.filter(pk=run.id).exists()


def test_delete_is_refused_while_a_run_is_writing(auth_client: Client, user):
    run = RunFactory(conversation__user=user, status=Run.Status.RUNNING)
    auth_client.post(reverse("conversations:delete", args=[run.conversation_id]))
    assert Conversation.objects.filter(pk=run.conversation_id).exists()


@pytest.mark.parametrize("action", ["rename", "delete"])
def test_another_writers_conversation_is_404(other_client: Client, user, action):
    conversation = ConversationFactory(user=user, title="Mine")
    response = other_client.post(
        reverse(f"conversations:{action}", args=[conversation.id]), {"title": "Stolen"}
    )
    assert response.status_code == 404
    conversation.refresh_from_db()
    assert conversation.title == "Mine"
    assert b"Not found" in response.content  # the custom page


def test_regenerate_starts_the_same_request_as_a_new_version(
    auth_client: Client, user, django_capture_on_commit_callbacks
):
    run = _finished(user, target_word_count=1500, citation_style="harvard")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = auth_client.post(
            reverse("conversations:run_regenerate", args=[run.id]), headers=HTMX
        )
    assert response.status_code == 200
    assert len(callbacks) == 1
    new = Run.objects.exclude(pk=run.pk).get()
    assert new.regenerated_from == run
    assert (new.user_message.content, new.target_word_count, new.citation_style) == (
        run.user_message.content,
        1500,
        "harvard",
    )
    assert f'id="run-{new.id}"' in response.content.decode()
    assert "Regenerated" in response.content.decode()


def test_regenerating_a_regeneration_points_at_the_original(
    auth_client: Client, user, django_capture_on_commit_callbacks
):
    run = _finished(user)
    again = _finished(user)
    Run.objects.filter(pk=again.pk).update(conversation=run.conversation, regenerated_from=run)
    again.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=False):
        auth_client.post(reverse("conversations:run_regenerate", args=[again.id]))
    newest = Run.objects.order_by("-created_at").first()
    assert newest is not None
    assert newest.regenerated_from == run


def test_regenerate_is_refused_while_a_run_is_active(auth_client: Client, user):
    run = _finished(user)
    RunFactory(
        conversation=run.conversation,
        status=Run.Status.RUNNING,
        user_message=MessageFactory(conversation=run.conversation),
    )
    response = auth_client.post(
        reverse("conversations:run_regenerate", args=[run.id]), headers=HTMX
    )
    assert "still in progress" in response.content.decode()
    assert Run.objects.filter(conversation=run.conversation).count() == 2


def test_another_writers_run_cannot_be_regenerated(other_client: Client, user):
    run = _finished(user)
    response = other_client.post(reverse("conversations:run_regenerate", args=[run.id]))
    assert response.status_code == 404
    assert Run.objects.count() == 1


def test_usage_shows_this_months_spend_against_the_budget(auth_client: Client, user, other_user):
    user.monthly_budget_usd = Decimal("5.00")
    user.save()
    RunFactory(
        conversation__user=user,
        conversation__title="Costly piece",
        model="gpt-4o",
        cost_usd=Decimal("1.250000"),
        tokens_in=1000,
        tokens_out=2000,
        status=Run.Status.SUCCEEDED,
    )
    RunFactory(conversation__user=other_user, conversation__title="Their piece", cost_usd=3)
    html = auth_client.get(reverse("conversations:usage")).content.decode()
    assert "$1.25</strong> of your <strong>$5.00</strong>" in html
    assert "Costly piece" in html
    assert "3000" in html
    assert "$1.2500" in html
    assert "Their piece" not in html
    assert "$3.75" in html  # left


def test_unknown_pages_use_the_custom_404(auth_client: Client):
    response = auth_client.get("/conversations/00000000-0000-0000-0000-000000000000/")
    assert response.status_code == 404
    assert b"Back to your writing" in response.content


def test_the_500_page_renders_without_a_request_context():
    from django.template.loader import render_to_string

    html = render_to_string("500.html")
    assert "Something went wrong" in html


def test_a_new_piece_arrives_with_the_sidebar_marking_it_current(
    auth_client: Client, user, django_capture_on_commit_callbacks
):
    form = {
        "prompt": "Write a report on tree canopy policy and urban heat.",
        "writeup_type": "report",
        "citation_style": "apa7",
        "academic_level": "undergraduate",
        "target_word_count": 1200,
        "model": "offline",
    }
    with django_capture_on_commit_callbacks(execute=False):
        response = auth_client.post(reverse("conversations:create"), form, headers=HTMX)
    conversation = Conversation.objects.get(user=user)
    html = response.content.decode()
    assert 'id="history-list" class="history" aria-label="History" hx-swap-oob="true"' in html
    assert f'class="history-item current" id="history-{conversation.id}"' in html


def test_search_results_still_mark_the_open_conversation(auth_client: Client, user):
    open_one = ConversationFactory(user=user, title="Mangroves")
    ConversationFactory(user=user, title="Mangrove economics")
    response = auth_client.get(
        reverse("conversations:history"),
        {"q": "mangrove", "current": str(open_one.id)},
        headers=HTMX,
    )
    html = response.content.decode()
    assert f'class="history-item current" id="history-{open_one.id}"' in html
    assert html.count("history-item current") == 1
