"""The writer's say over a run's sources: exclude one and write again, or keep a found one."""

from __future__ import annotations

import json

import pytest

from apps.conversations.models import Run
from apps.conversations.services import sources
from apps.conversations.services.starting import RunInProgress
from apps.files.models import FileKind, UploadedFile
from tests.factories import RunFactory

FOUND_CSL = {
    "type": "article-journal",
    "title": "Urban heat: a review",
    "author": [{"family": "Okafor", "given": "N."}],
    "issued": {"date-parts": [[2021]]},
    "DOI": "10.1/heat",
}
REPORT = {
    "sources": [
        {"key": "W1", "title": "Urban heat: a review", "csl": FOUND_CSL},
        {"key": "own-upload", "title": "My notes", "csl": None},
    ]
}


def _finished(user, **kwargs: object) -> Run:
    return RunFactory(
        conversation__user=user,
        status=Run.Status.SUCCEEDED,
        quality_report=REPORT,
        writeup_type="report",
        target_word_count=1500,
        **kwargs,
    )


def test_excluding_a_source_records_it_and_writes_the_same_request_again(
    user, django_capture_on_commit_callbacks
):
    run = _finished(user)
    with django_capture_on_commit_callbacks(execute=False) as queued:
        again = sources.source_exclude(run=run, key="W1")
    assert len(queued) == 1
    assert again.pk != run.pk
    assert (again.status, again.conversation_id) == (Run.Status.QUEUED, run.conversation_id)
    assert (again.writeup_type, again.target_word_count) == ("report", 1500)
    run.conversation.refresh_from_db()
    assert run.conversation.excluded_sources == ["W1"]


def test_excluding_a_source_twice_lists_it_once(user, django_capture_on_commit_callbacks):
    run = _finished(user)
    with django_capture_on_commit_callbacks(execute=False):
        second = sources.source_exclude(run=run, key="W1")
    Run.objects.filter(pk=second.pk).update(status=Run.Status.SUCCEEDED, quality_report=REPORT)
    second.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=False):
        sources.source_exclude(run=second, key="W1")
    run.conversation.refresh_from_db()
    assert run.conversation.excluded_sources == ["W1"]


def test_a_key_the_run_never_retrieved_is_refused(user):
    run = _finished(user)
    with pytest.raises(sources.UnknownSource):
        sources.source_exclude(run=run, key="nope")
    run.conversation.refresh_from_db()
    assert run.conversation.excluded_sources == []
    assert Run.objects.count() == 1


def test_an_exclusion_refused_because_a_run_is_active_excludes_nothing(user):
    run = _finished(user)
    RunFactory(conversation=run.conversation, status=Run.Status.RUNNING)
    with pytest.raises(RunInProgress):
        sources.source_exclude(run=run, key="W1")
    run.conversation.refresh_from_db()
    assert run.conversation.excluded_sources == []


def test_saving_a_found_record_stores_its_csl_json_in_the_writers_library(
    user, media_root, django_capture_on_commit_callbacks
):
    run = _finished(user)
    with django_capture_on_commit_callbacks(execute=False):
        saved = sources.source_save(run=run, key="W1")
    assert saved.owner == user
    assert saved.original_name == "Urban-heat-a-review.json"
    assert saved.kind == FileKind.CSL_JSON
    with saved.blob.open("rb") as stored:
        assert json.loads(stored.read()) == [FOUND_CSL]


def test_saving_the_same_record_twice_keeps_one_file(
    user, media_root, django_capture_on_commit_callbacks
):
    run = _finished(user)
    with django_capture_on_commit_callbacks(execute=False):
        first = sources.source_save(run=run, key="W1")
        second = sources.source_save(run=run, key="W1")
    assert first.pk == second.pk
    assert UploadedFile.objects.filter(owner=user).count() == 1


def test_a_source_without_a_found_record_cannot_be_saved(user, media_root):
    run = _finished(user)
    for key in ("own-upload", "nope"):
        with pytest.raises(sources.UnknownSource):
            sources.source_save(run=run, key=key)
    assert not UploadedFile.objects.exists()
