"""Attaching files in the compose form: new uploads and files uploaded before."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse

from apps.conversations.models import Conversation, Run
from apps.files.models import UploadedFile
from tests.files.builders import make_docx, make_pdf, store, store_ready, stored_files, upload

FIELDS = {
    "prompt": "Write an essay on algorithmic triage.",
    "writeup_type": "essay",
    "citation_style": "apa7",
    "academic_level": "undergraduate",
    "target_word_count": 500,
    "model": "offline",
}


def test_compose_form_has_a_file_input_and_a_picker_of_the_users_files(
    auth_client: Client, user, other_user
):
    store_ready(user, "triage.pdf", make_pdf())
    store(user, "pending.docx", make_docx())
    store(other_user, "theirs.docx", make_docx())
    html = auth_client.get(reverse("conversations:list")).content.decode()
    assert "pending.docx (being read)" in html
    assert 'type="file" name="uploads"' in html
    assert "multiple" in html
    assert 'enctype="multipart/form-data"' in html
    assert 'hx-encoding="multipart/form-data"' in html
    assert "triage.pdf" in html
    assert "theirs.docx" not in html


def test_no_picker_when_there_is_nothing_to_pick(auth_client: Client):
    html = auth_client.get(reverse("conversations:list")).content.decode()
    assert 'name="attach"' not in html


def test_picked_and_uploaded_files_are_attached_to_the_conversation(auth_client: Client, user):
    earlier = store_ready(user, "triage.pdf", make_pdf())
    response = auth_client.post(
        reverse("conversations:create"),
        {**FIELDS, "attach": [str(earlier.id)], "uploads": [upload("notes.docx", make_docx())]},
    )
    assert response.status_code == 302
    conversation = Conversation.objects.get(user=user)
    assert sorted(f.original_name for f in conversation.files.all()) == [
        "notes.docx",
        "triage.pdf",
    ]
    page = auth_client.get(response["Location"]).content.decode()
    assert "Material:" in page
    assert "notes.docx" in page


def test_another_users_file_cannot_be_picked(auth_client: Client, other_user):
    theirs = store_ready(other_user, "triage.pdf", make_pdf())
    response = auth_client.post(
        reverse("conversations:create"), {**FIELDS, "attach": [str(theirs.id)]}
    )
    assert response.status_code == 422
    assert "Select a valid choice" in response.content.decode()
    assert not Conversation.objects.exists()
    assert not Run.objects.exists()
    assert not theirs.conversations.exists()


def test_a_bad_upload_is_a_field_error_and_nothing_is_saved(auth_client: Client, media_root):
    response = auth_client.post(
        reverse("conversations:create"),
        {**FIELDS, "uploads": [upload("essay.pdf", b"MZ" + b"\0" * 64)]},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 422
    assert "essay.pdf: this is a Windows program" in response.content.decode()
    assert not Conversation.objects.exists()
    assert not UploadedFile.objects.exists()
    assert stored_files(media_root) == []


def test_a_follow_up_can_add_material(auth_client: Client, user):
    auth_client.post(reverse("conversations:create"), FIELDS)
    conversation = Conversation.objects.get(user=user)
    Run.objects.filter(conversation=conversation).update(status=Run.Status.SUCCEEDED)
    response = auth_client.post(
        reverse("conversations:follow_up", args=[conversation.id]),
        {**FIELDS, "prompt": "Now use my study.", "uploads": [upload("s.pdf", make_pdf())]},
    )
    assert response.status_code == 302
    assert [f.original_name for f in conversation.files.all()] == ["s.pdf"]
