"""Done means: a user uploads a real PDF and DOCX, asks for an essay about them, and the offline
draft quotes and cites passages from those files with page numbers — through the UI and the API."""

from __future__ import annotations

import json
import re

import pytest
from django.test import Client
from django.urls import reverse

from apps.conversations.models import Run
from apps.conversations.services.execution import run_execute
from apps.files.models import UploadedFile
from apps.files.tasks import extract_file
from apps.streaming.models import RunEvent
from tests.files.builders import make_docx, make_pdf, upload

pytestmark = pytest.mark.usefixtures("media_root")

PROMPT = (
    "Write an essay on algorithmic triage in emergency departments: trust, bias and "
    "accountability, using the attached study and interviews."
)
PDF_META = {"/Title": "Algorithmic Triage", "/Author": "Jane Smith"}
# The year is the publication date its XMP states; its /CreationDate would not count.
PDF_XMP = {"prism:publicationDate": "2020-05-04", "xmp:CreateDate": "2023-01-09T10:00:00Z"}


def _extract_all() -> None:
    for file in UploadedFile.objects.all():
        extract_file.apply(args=(str(file.id),))


def _finish(run_id) -> tuple[Run, list[RunEvent]]:
    run = run_execute(run_id=run_id)
    assert run is not None
    assert run.status == Run.Status.SUCCEEDED, run.error_message
    return run, list(RunEvent.objects.filter(run=run).order_by("seq"))


def _assert_grounded(run: Run, events: list[RunEvent]) -> str:
    assert run.result_message is not None
    document = run.result_message.content
    # The streamed text is the final text, reference list included.
    assert "".join(e.payload["message"] for e in events if e.type == "content") == document
    research = [e.payload for e in events if e.type == "research"]
    assert research[-1]["status"] == "completed"
    assert research[-1]["sources_found"] > 0
    # Quotes from the PDF cited with its page, and from the DOCX with its page.
    assert re.search(
        r"“[^”]*(opaque risk scores|under-prioritised)[^”]*” \(Smith, 2020, p\. [23]\)", document
    )
    assert re.search(
        r"“[^”]*(second opinion|accountable|atypical pain)[^”]*” \(Khan, 2022, p\. [12]\)", document
    )
    body, references = document.split("## References\n\n")
    # APA sets titles of works in sentence case.
    assert "Smith, J. (2020). *Algorithmic triage*." in references
    assert "Khan, A. (2022). *Nurses and automated triage*." in references
    quality = run.quality_report
    assert quality["mode"] == "draft"
    assert quality["citations_ok"] is True, quality
    assert quality["uncited_sources"] == []
    assert quality["citations_without_source"] == []
    assert quality["sources_used"] == 2
    return body


def test_compose_form_upload_to_cited_draft(auth_client: Client, user):
    response = auth_client.post(
        reverse("conversations:create"),
        {
            "prompt": PROMPT,
            "writeup_type": "essay",
            "citation_style": "apa7",
            "academic_level": "undergraduate",
            "target_word_count": 600,
            "model": "offline",
            "uploads": [
                upload("triage-study.pdf", make_pdf(metadata=PDF_META, xmp=PDF_XMP)),
                upload("interviews.docx", make_docx()),
            ],
        },
    )
    assert response.status_code == 302
    run = Run.objects.get(conversation__user=user)
    assert run.conversation.files.count() == 2
    _extract_all()
    finished, events = _finish(run.id)
    body = _assert_grounded(finished, events)
    assert "quotes the passages of your material" in body


def test_api_upload_then_chat_to_cited_draft(token_client: Client):
    response = token_client.post(
        reverse("api:files_upload"),
        {
            "files": [
                upload("triage-study.pdf", make_pdf(metadata=PDF_META, xmp=PDF_XMP)),
                upload("interviews.docx", make_docx()),
            ]
        },
    )
    file_ids = response.json()["file_ids"]
    _extract_all()
    response = token_client.post(
        reverse("api:chat"),
        data=json.dumps(
            {
                "prompt": PROMPT,
                "mode": "essay",
                "file_ids": file_ids,
                "user_params": {"citationStyle": "APA", "wordCount": 600, "model": "offline"},
            }
        ),
        content_type="application/json",
    )
    assert response.status_code == 200
    finished, events = _finish(response.json()["trace_id"])
    _assert_grounded(finished, events)


@pytest.mark.parametrize(
    ("style", "heading", "cite"),
    [
        ("harvard", "Reference list", r"\(Smith, 2020, p\. \d\)"),
        ("mla9", "Works Cited", r"\(Smith \d\)"),  # no title: one work by Smith
        ("chicago_author_date", "References", r"\(Smith 2020, \d\)"),
        ("ieee", "References", r"\[\d, p\. \d\]"),
    ],
)
def test_every_style_cites_and_lists_consistently(auth_client: Client, user, style, heading, cite):
    auth_client.post(
        reverse("conversations:create"),
        {
            "prompt": PROMPT,
            "writeup_type": "essay",
            "citation_style": style,
            "academic_level": "undergraduate",
            "target_word_count": 400,
            "model": "offline",
            "uploads": [
                upload("triage-study.pdf", make_pdf(metadata=PDF_META, xmp=PDF_XMP)),
                upload("interviews.docx", make_docx()),
            ],
        },
    )
    _extract_all()
    finished, _ = _finish(Run.objects.get(conversation__user=user).id)
    assert finished.result_message is not None
    document = finished.result_message.content
    assert re.search(cite, document), document
    assert f"## {heading}\n\n" in document
    assert finished.quality_report["citations_ok"] is True, finished.quality_report
    if style == "ieee":
        # Numbered in order of first citation, and listed in that order.
        first = re.search(r"\[(\d)", document.split(f"## {heading}")[0])
        assert first is not None
        assert first.group(1) == "1"
        assert document.split(f"## {heading}\n\n")[1].startswith("[1] ")


def test_files_still_being_read_are_waited_for_then_skipped(auth_client: Client, user, settings):
    settings.FILE_WAIT_SECONDS = 0
    auth_client.post(
        reverse("conversations:create"),
        {
            "prompt": PROMPT,
            "writeup_type": "essay",
            "citation_style": "apa7",
            "academic_level": "undergraduate",
            "target_word_count": 400,
            "model": "offline",
            "uploads": [upload("triage-study.pdf", make_pdf())],
        },
    )
    finished, events = _finish(Run.objects.get(conversation__user=user).id)
    research = [e.payload for e in events if e.type == "research"]
    assert research[-1]["sources_found"] == 0
    assert "not used, not readable: triage-study.pdf" in research[-1]["query"]
    assert finished.quality_report["mode"] == "plan"


def test_a_bibtex_record_with_an_abstract_is_quoted_and_cited_without_a_page(
    auth_client: Client, user
):
    from tests.files.builders import BIBTEX

    auth_client.post(
        reverse("conversations:create"),
        {
            "prompt": "Write an essay on machine learning for emergency triage.",
            "writeup_type": "essay",
            "citation_style": "apa7",
            "academic_level": "undergraduate",
            "target_word_count": 400,
            "model": "offline",
            "uploads": [
                upload("refs.bib", BIBTEX.encode()),
                upload("triage-study.pdf", make_pdf(metadata=PDF_META, xmp=PDF_XMP)),
            ],
        },
    )
    _extract_all()
    finished, _ = _finish(Run.objects.get(conversation__user=user).id)
    assert finished.result_message is not None
    document = finished.result_message.content
    assert "“We evaluate machine learning triage models in five emergency departments” " in document
    assert "(Smith & Müller, 2020)" in document
    references = document.split("## References\n\n")[1]
    assert "Smith, J., & Müller, K. (2020). Machine learning for emergency triage." in references
    assert "https://doi.org/10.1000/jem.2020.58" in references
    # The WHO record has no abstract: nothing to quote, so it is neither cited nor listed.
    assert "World Health Organization" not in document
    assert finished.quality_report["citations_ok"] is True
