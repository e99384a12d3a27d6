from __future__ import annotations

import json

from django.test import Client
from django.urls import reverse

from apps.conversations.models import Conversation, Run
from apps.files.models import UploadedFile
from tests.files.builders import BIBTEX, make_docx, make_pdf, store, stored_files, upload

CHAT = {
    "prompt": "Write an essay about algorithmic triage in emergency departments",
    "mode": "essay",
    "user_params": {"citationStyle": "APA", "wordCount": 600, "model": "offline"},
}


def _chat(client: Client, body):
    return client.post(reverse("api:chat"), data=json.dumps(body), content_type="application/json")


def test_upload_answers_file_ids(token_client: Client, user):
    response = token_client.post(
        reverse("api:files_upload"),
        {"files": [upload("triage.pdf", make_pdf()), upload("refs.bib", BIBTEX.encode())]},
    )
    assert response.status_code == 200
    data = response.json()
    assert data["success"] is True
    files = UploadedFile.objects.filter(owner=user)
    assert sorted(data["file_ids"]) == sorted(str(f.id) for f in files)
    assert {f["kind"] for f in data["files"]} == {"pdf", "bibtex"}
    assert {f["status"] for f in data["files"]} == {"uploaded"}


def test_upload_with_a_session_needs_csrf(user):
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    response = client.post(reverse("api:files_upload"), {"files": [upload("a.txt", b"notes")]})
    assert (response.status_code, response.json()["error_code"]) == (403, "csrf_failed")
    assert not UploadedFile.objects.exists()


def test_upload_names_every_bad_file_and_stores_none(token_client: Client, media_root):
    response = token_client.post(
        reverse("api:files_upload"),
        {
            "files": [
                upload("good.docx", make_docx()),
                upload("virus.pdf", b"MZ" + b"\0" * 100),
                upload("empty.txt", b""),
            ]
        },
    )
    assert response.status_code == 400
    data = response.json()
    assert data["success"] is False
    assert data["error_code"] == "invalid_files"
    assert [(e["name"], e["error_code"]) for e in data["errors"]] == [
        ("virus.pdf", "unsupported_type"),
        ("empty.txt", "empty_file"),
    ]
    assert data["error_message"].startswith("virus.pdf: this is a Windows program")
    assert not UploadedFile.objects.exists()
    assert stored_files(media_root) == []


def test_upload_of_one_bad_file_reports_its_own_code(token_client: Client, settings):
    settings.MAX_FILE_SIZE = 1024
    response = token_client.post(
        reverse("api:files_upload"), {"files": [upload("big.txt", b"x " * 2000)]}
    )
    assert (response.status_code, response.json()["error_code"]) == (400, "file_too_large")


def test_upload_limits_the_number_of_files(token_client: Client, settings):
    settings.MAX_FILE_COUNT = 1
    response = token_client.post(
        reverse("api:files_upload"),
        {"files": [upload("a.txt", b"first note"), upload("b.txt", b"second note")]},
    )
    assert (response.status_code, response.json()["error_code"]) == (400, "too_many_files")
    assert not UploadedFile.objects.exists()


def test_upload_without_files_or_auth(token_client: Client, client: Client):
    response = token_client.post(reverse("api:files_upload"), {})
    assert (response.status_code, response.json()["error_code"]) == (400, "no_files")
    assert client.post(reverse("api:files_upload"), {}).status_code == 401


def test_file_state_for_polling_is_owner_only(token_client: Client, user, other_user):
    mine = store(user, "triage.pdf", make_pdf())
    theirs = store(other_user, "triage.pdf", make_pdf())
    response = token_client.get(reverse("api:file_detail", args=[mine.id]))
    assert response.status_code == 200
    assert response.json()["file"]["status"] == "uploaded"
    response = token_client.get(reverse("api:file_detail", args=[theirs.id]))
    assert (response.status_code, response.json()["error_code"]) == (404, "file_not_found")


def test_chat_attaches_the_users_own_files(token_client: Client, user):
    file = store(user, "triage.pdf", make_pdf())
    response = _chat(token_client, {**CHAT, "file_ids": [str(file.id)]})
    assert response.status_code == 200
    conversation = Conversation.objects.get(id=response.json()["conversation_id"])
    assert list(conversation.files.all()) == [file]


def test_chat_with_another_users_file_is_not_found_and_saves_nothing(
    token_client: Client, other_user
):
    theirs = store(other_user, "triage.pdf", make_pdf())
    response = _chat(token_client, {**CHAT, "file_ids": [str(theirs.id)]})
    assert response.status_code == 404
    assert response.json() == {
        "success": False,
        "error_code": "file_not_found",
        "error_message": f"File {theirs.id} was not found.",
    }
    assert not Conversation.objects.exists()
    assert not Run.objects.exists()


def test_chat_with_a_malformed_file_id_is_not_found(token_client: Client):
    response = _chat(token_client, {**CHAT, "file_ids": ["../../etc/passwd"]})
    assert (response.status_code, response.json()["error_code"]) == (404, "file_not_found")
