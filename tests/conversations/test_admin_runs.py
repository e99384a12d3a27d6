"""Staff tools on runs: retry, search, and the read-only quality report and sources."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from apps.conversations.models import Run
from apps.files.models import LibraryEntry, UploadedFile
from tests.factories import RunEventFactory, RunFactory, UserFactory

pytestmark = pytest.mark.django_db

CHANGELIST = "admin:conversations_run_changelist"


@pytest.fixture
def staff_client() -> Client:
    client = Client()
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


def _act(client: Client, action: str, *runs: Run):
    return client.post(
        reverse(CHANGELIST),
        {"action": action, "_selected_action": [str(r.id) for r in runs]},
        follow=True,
    )


def test_retrying_a_failed_run_starts_the_same_request_linked_to_it(
    staff_client, django_capture_on_commit_callbacks
):
    failed = RunFactory(
        status=Run.Status.FAILED,
        error_code="provider_timeout",
        citation_style="harvard",
        academic_level="masters",
        target_word_count=1800,
        writeup_type="report",
    )
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = _act(staff_client, "retry_runs", failed)
    assert response.status_code == 200
    retry = Run.objects.get(retry_of=failed)
    assert f"retried as {retry.id}" in response.content.decode()
    assert retry.status == Run.Status.QUEUED
    assert retry.conversation_id == failed.conversation_id
    assert retry.user_message.content == failed.user_message.content
    assert (
        retry.writeup_type,
        retry.citation_style,
        retry.academic_level,
        retry.target_word_count,
        retry.model,
    ) == ("report", "harvard", "masters", 1800, failed.model)
    assert len(callbacks) == 1  # queued once committed, as every run is
    assert list(failed.retries.all()) == [retry]


def test_a_cancelled_run_can_be_retried_but_not_a_succeeded_or_running_one(
    staff_client, django_capture_on_commit_callbacks
):
    cancelled = RunFactory(status=Run.Status.CANCELLED)
    succeeded = RunFactory(status=Run.Status.SUCCEEDED)
    running = RunFactory(status=Run.Status.RUNNING)
    with django_capture_on_commit_callbacks(execute=False):
        response = _act(staff_client, "retry_runs", cancelled, succeeded, running)
    said = [str(m) for m in response.context["messages"]]
    assert Run.objects.filter(retry_of=cancelled).count() == 1
    assert not Run.objects.filter(retry_of__in=[succeeded, running]).exists()
    assert f"{succeeded.id}: succeeded, not retried." in said
    assert f"{running.id}: running, not retried." in said


def test_a_retry_waits_for_the_conversations_active_run(
    staff_client, django_capture_on_commit_callbacks
):
    failed = RunFactory(status=Run.Status.FAILED)
    RunFactory(conversation=failed.conversation, status=Run.Status.QUEUED)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = _act(staff_client, "retry_runs", failed)
    assert "has a run in progress" in response.content.decode()
    assert not Run.objects.filter(retry_of=failed).exists()
    assert callbacks == []


def test_runs_are_found_by_writer_status_model_and_date(staff_client):
    alice = UserFactory(username="alice-writer")
    mine = RunFactory(conversation__user=alice, status=Run.Status.FAILED, model="gpt-4o")
    RunFactory(conversation__user=alice, status=Run.Status.SUCCEEDED, model="gpt-4o")
    RunFactory(status=Run.Status.FAILED, model="gpt-4o")
    old = RunFactory(conversation__user=alice, status=Run.Status.FAILED, model="gpt-4o")
    Run.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=40))

    def found(**query: str) -> set[Run]:
        response = staff_client.get(reverse(CHANGELIST), query)
        assert response.status_code == 200
        return set(response.context["cl"].queryset)

    today = timezone.now()
    assert found(q="alice-writer", status__exact="failed", model__exact="gpt-4o") == {mine, old}
    assert found(
        q="alice-writer",
        status__exact="failed",
        model__exact="gpt-4o",
        created_at__year=str(today.year),
        created_at__month=str(today.month),
        created_at__day=str(today.day),
    ) == {mine}
    assert found(q=str(mine.id)) == {mine}


def test_a_runs_page_shows_its_quality_report_and_sources_read_only(staff_client, user):
    upload = UploadedFile.objects.create(
        owner=user,
        original_name="heat-<b>islands</b>.pdf",
        kind="pdf",
        size=10,
        sha256="0" * 64,
        status=UploadedFile.Status.READY,
    )
    LibraryEntry.objects.create(
        owner=user, file=upload, title="Urban heat islands", authors=[{"family": "Oke"}], year=1982
    )
    run = RunFactory(
        conversation__user=user,
        status=Run.Status.SUCCEEDED,
        quality_report={
            "word_count": 990,
            "citations_ok": False,
            "uncited_sources": ["S2"],
            "sources": [
                {
                    "handle": "S1",
                    "title": "The energetic basis of the urban heat island",
                    "authors": ["Oke, T. R."],
                    "year": 1982,
                    "cited": True,
                    "passages": 3,
                }
            ],
        },
    )
    run.conversation.files.add(upload)
    RunEventFactory(
        run=run,
        seq=1,
        type="research",
        payload={
            "query": "urban heat",
            "sources_found": 4,
            "agent": "openalex",
            "status": "completed",
        },
    )
    response = staff_client.get(reverse("admin:conversations_run_change", args=[run.id]))
    page = response.content.decode()
    assert response.status_code == 200
    assert '<th style="text-align:left">word_count</th><td><pre style="margin:0">990</pre>' in page
    assert 'citations_ok</th><td><pre style="margin:0">NO</pre>' in page
    assert "openalex — completed (4 found): urban heat" in page
    assert (
        "<tr><td>S1</td><td>Oke, T. R.</td><td>1982</td>"
        "<td>The energetic basis of the urban heat island</td><td>cited</td><td>3</td></tr>"
    ) in page
    assert "heat-&lt;b&gt;islands&lt;/b&gt;.pdf" in page  # escaped, never rendered
    assert "Oke (1982). Urban heat islands" in page
    # The report is shown, not offered for editing.
    assert 'name="quality_report"' not in page
