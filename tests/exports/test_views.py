from __future__ import annotations

import pytest
from django.urls import reverse

from apps.conversations.models import Run
from apps.exports.models import Export
from apps.exports.tasks import generate_export
from tests.exports.conftest import finished_run
from tests.exports.readers import open_pdf

pytestmark = pytest.mark.usefixtures("media_root")


def _url(run, format, **extra):
    query = "&".join(f"{k}={v}" for k, v in {"format": format, **extra}.items())
    return f"{reverse('exports:run_export', args=[run.id])}?{query}"


def test_the_button_gets_a_page_that_refreshes_until_the_file_is_ready(auth_client, user):
    run = finished_run(user=user)
    pending = auth_client.get(_url(run, "pdf"))
    assert pending.status_code == 202
    assert pending["Retry-After"] == "1"
    assert b'<meta http-equiv="refresh" content="1">' in pending.content
    assert b"Preparing the PDF export" in pending.content
    generate_export.apply(args=(str(Export.objects.get(run=run).id),))

    response = auth_client.get(_url(run, "pdf"))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="urban-heat-')
    assert response["Content-Disposition"].endswith('-v1.pdf"')
    assert open_pdf(b"".join(response.streaming_content)).pages


def test_title_page_fields_from_the_form_reach_the_export(auth_client, user):
    run = finished_run(user=user)
    auth_client.get(_url(run, "docx", course="GEOG+210", instructor=""))
    export = Export.objects.get(run=run)
    assert export.options == {"course": "GEOG 210"}


def test_another_users_run_is_404(auth_client, other_user):
    assert auth_client.get(_url(finished_run(user=other_user), "docx")).status_code == 404


def test_errors_are_pages_with_their_code(auth_client, user):
    bad = auth_client.get(_url(finished_run(user=user), "odt"))
    assert bad.status_code == 400
    assert b"unsupported_format" in bad.content
    running = finished_run(user=user, status=Run.Status.RUNNING, document="")
    busy = auth_client.get(_url(running, "docx"))
    assert busy.status_code == 409
    assert b"run_not_finished" in busy.content


def test_login_is_required(client, user):
    response = client.get(_url(finished_run(user=user), "md"))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_the_run_card_of_a_finished_version_has_the_export_buttons(auth_client, user):
    run = finished_run(user=user)
    active = finished_run(
        user=user, conversation=run.conversation, status=Run.Status.RUNNING, document=""
    )
    page = auth_client.get(reverse("conversations:detail", args=[run.conversation_id]))
    html = page.content.decode()
    assert html.count('class="exports"') == 1
    assert f'action="{reverse("exports:run_export", args=[run.id])}"' in html
    assert reverse("exports:run_export", args=[active.id]) not in html
    for format in ("docx", "pdf", "pptx", "md", "summary", "summary_docx"):
        assert f'name="format" value="{format}"' in html
    # Copy as Markdown: hidden until its script runs; the Markdown rides in a <template>.
    assert 'class="copy-markdown" data-source="markdown-' in html
    assert " hidden>" in html
    assert f'<template id="markdown-{run.id}"># Urban heat islands' in html
    assert "/static/js/copy-markdown.js" in html
