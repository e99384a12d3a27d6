from __future__ import annotations

import uuid

import pytest
from django.urls import reverse

from apps.conversations.models import Run
from apps.exports.models import Export
from apps.exports.tasks import generate_export
from devtools.sample_documents import sample_document
from tests.exports.conftest import finished_run
from tests.exports.readers import open_pptx

pytestmark = pytest.mark.usefixtures("media_root")


def _url(run_id, format):
    return f"{reverse('api:export', args=[str(run_id)])}?format={format}"


def _run_pending_tasks():
    for export in Export.objects.filter(status=Export.Status.PENDING):
        generate_export.apply(args=(str(export.id),))


def test_export_answers_202_then_200_with_the_file(
    token_client, user, django_capture_on_commit_callbacks
):
    run = finished_run(user=user)
    with django_capture_on_commit_callbacks() as queued:
        pending = token_client.get(_url(run.id, "pptx"))
    assert pending.status_code == 202
    assert pending["Retry-After"] == "1"
    assert pending.json() == {
        "success": True,
        "status": "pending",
        "format": "pptx",
        "retry_after": 1,
    }
    assert len(queued) == 1
    _run_pending_tasks()

    response = token_client.get(_url(run.id, "pptx"))
    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        'attachment; filename="urban-heat-islands-and-public-health-evidence-exposure-and-v1.pptx"'
    )
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    content = b"".join(response.streaming_content)
    assert open_pptx(content).slides[1].shapes.title.text == "1. Introduction and scope"


def test_a_repeated_request_is_served_from_the_cache(
    token_client, user, django_capture_on_commit_callbacks
):
    run = finished_run(user=user)
    token_client.get(_url(run.id, "md"))
    _run_pending_tasks()
    with django_capture_on_commit_callbacks() as queued:
        first = token_client.get(_url(run.id, "md"))
        second = token_client.get(_url(run.id, "md"))
    assert first.status_code == second.status_code == 200
    assert queued == []
    assert b"".join(second.streaming_content) == sample_document().encode()


def test_session_auth_works_too(auth_client, user):
    run = finished_run(user=user)
    assert auth_client.get(_url(run.id, "summary")).status_code == 202


def test_another_users_run_is_not_found(token_client, other_user):
    run = finished_run(user=other_user)
    response = token_client.get(_url(run.id, "docx"))
    assert response.status_code == 404
    assert response.json()["error_code"] == "not_found"
    assert not Export.objects.exists()


@pytest.mark.parametrize("trace_id", ["not-a-uuid", str(uuid.uuid4())])
def test_an_unknown_trace_id_is_not_found(token_client, trace_id):
    assert token_client.get(_url(trace_id, "docx")).status_code == 404


@pytest.mark.parametrize("format", ["odt", "", "DOCX"])
def test_an_unknown_format_is_400(token_client, user, format):
    response = token_client.get(_url(finished_run(user=user).id, format))
    assert response.status_code == 400
    assert response.json()["error_code"] == "unsupported_format"


def test_a_run_not_finished_is_409(token_client, user):
    run = finished_run(user=user, status=Run.Status.RUNNING, document="")
    response = token_client.get(_url(run.id, "pdf"))
    assert response.status_code == 409
    assert response.json()["error_code"] == "run_not_finished"


def test_a_run_that_wrote_nothing_is_409(token_client, user):
    run = finished_run(user=user, status=Run.Status.FAILED, document="")
    assert token_client.get(_url(run.id, "pdf")).json()["error_code"] == "nothing_to_export"


def test_export_needs_authentication(client, user):
    response = client.get(_url(finished_run(user=user).id, "md"))
    assert response.status_code == 401


def test_only_get_is_allowed(token_client, user):
    response = token_client.post(_url(finished_run(user=user).id, "md"))
    assert response.status_code == 405
