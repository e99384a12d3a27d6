"""A writer's data as a whole: the export zip, and deleting the account leaving nothing."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from pathlib import Path

import pytest
from django.apps import apps
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.db import models
from django.test import Client
from django.urls import reverse

from apps.accounts.models import ApiToken, User
from apps.accounts.services import api_token_create
from apps.conversations import cancel
from apps.conversations.models import Conversation, Message, Run
from apps.exports.models import Export
from apps.files.models import LibraryEntry, TextChunk, UploadedFile
from apps.privacy import services
from apps.streaming.models import RunEvent
from tests.factories import PASSWORD, MessageFactory, RunEventFactory, RunFactory, UserFactory

pytestmark = pytest.mark.django_db


def _account(user: User) -> dict[str, list]:
    """A writer with something of every kind: documents, a failed run, events, an uploaded
    file on disk with its passages and works, a token."""
    done = RunFactory(
        conversation__user=user,
        conversation__title="Urban heat: a review",
        status=Run.Status.SUCCEEDED,
        citation_style="harvard",
    )
    done.result_message = MessageFactory(
        conversation=done.conversation, role="assistant", content="# Heat\n\nCities are warm."
    )
    done.save()
    failed = RunFactory(conversation=done.conversation, status=Run.Status.FAILED)
    failed.user_message.content = "Now shorter"
    failed.user_message.save()
    RunEventFactory(run=done, seq=1)
    RunEventFactory(run=done, seq=2)
    RunEventFactory(run=failed, seq=1)
    upload = UploadedFile(
        owner=user,
        original_name="oke.txt",
        kind="text",
        size=5,
        sha256=hashlib.sha256(user.username.encode()).hexdigest(),
        status=UploadedFile.Status.READY,
    )
    upload.blob.save("ignored", ContentFile(b"hello"), save=True)
    done.conversation.files.add(upload)
    entry = LibraryEntry.objects.create(
        owner=user,
        file=upload,
        title="The energetic basis of the urban heat island",
        authors=[{"family": "Oke", "given": "T. R."}],
        year=1982,
        doi="10.1002/qj.49710845502",
    )
    TextChunk.objects.create(file=upload, entry=entry, ordinal=0, text="hello", page=1)
    api_token_create(user=user, name="laptop")
    cancel.flag(done.id)
    # A cached document export of the finished run, as the exports app keeps one.
    export = Export.objects.create(run=done, format="md", status=Export.Status.READY)
    export.file.save("md.md", ContentFile(b"# Heat"), save=True)
    return {
        "runs": [done.id, failed.id],
        "files": [upload.id],
        "blob": [upload.blob.path],
        "exports": [export.file.path],
    }


def test_the_export_has_each_document_as_markdown_and_the_library_as_csl_json(media_root, user):
    _account(user)
    made = services.account_export(user=user)
    with zipfile.ZipFile(made.path) as archive:
        names = sorted(archive.namelist())
        library = json.loads(archive.read("library.json"))
        documents = [n for n in names if n.startswith("documents/")]
        text = archive.read(documents[0]).decode()
    assert len(documents) == 1  # the failed run wrote nothing
    assert documents[0].endswith("-urban-heat-a-review-1.md")
    assert 'citation_style: "harvard"' in text
    assert "# Heat\n\nCities are warm." in text
    assert "> Write an essay on the ethics" in text  # the request it answered
    assert library == [
        {
            "id": LibraryEntry.objects.get().id.hex,
            "type": "document",
            "title": "The energetic basis of the urban heat island",
            "author": [{"family": "Oke", "given": "T. R."}],
            "issued": {"date-parts": [[1982]]},
            "DOI": "10.1002/qj.49710845502",
        }
    ]
    assert (made.documents, made.library_entries) == (1, 1)
    assert made.path.parent == media_root / "account-exports" / str(user.pk)


def test_export_is_a_download_for_the_writer_only(auth_client: Client, media_root, user):
    _account(user)
    response = auth_client.get(reverse("privacy:export"))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    archive = zipfile.ZipFile(io.BytesIO(response.getvalue()))
    assert "library.json" in archive.namelist()
    assert Client().get(reverse("privacy:export")).status_code == 302  # to the login page


def _rows_pointing_at(user_id: int) -> int:
    """Rows of every model with a foreign key to the user model that name this user."""
    total = 0
    for model in apps.get_models():
        for field in model._meta.get_fields():
            if isinstance(field, models.ForeignKey) and field.related_model is User:
                total += model._default_manager.filter(**{field.name: user_id}).count()
    return total


def test_deleting_the_account_leaves_nothing_of_the_writer(media_root):
    user, other = UserFactory(), UserFactory()
    mine, theirs = _account(user), _account(other)
    client = Client()
    # Logged in through the form (a session row to be deleted), as login throttling requires.
    login = client.post("/accounts/login/", {"username": user.username, "password": PASSWORD})
    assert login.status_code == 302
    export = services.account_export(user=user)  # a cached export on disk
    user_id = user.pk
    conversations = list(Conversation.objects.filter(user=user).values_list("id", flat=True))
    messages = list(Message.objects.filter(conversation__user=user).values_list("id", flat=True))

    wrong = client.post(reverse("privacy:delete"), {"password": "nope", "confirm": "DELETE"})
    assert wrong.status_code == 200
    assert User.objects.filter(pk=user_id).exists()
    response = client.post(reverse("privacy:delete"), {"password": PASSWORD, "confirm": "DELETE"})
    assert response.status_code == 302
    assert response["Location"] == reverse("privacy:deleted")

    remaining = {
        "user": User.objects.filter(pk=user_id).count(),
        "rows naming the user": _rows_pointing_at(user_id),
        "conversations": Conversation.objects.filter(id__in=conversations).count(),
        "messages": Message.objects.filter(id__in=messages).count(),
        "runs": Run.objects.filter(id__in=mine["runs"]).count(),
        "stored events": RunEvent.objects.filter(run_id__in=mine["runs"]).count(),
        "files": UploadedFile.objects.filter(id__in=mine["files"]).count(),
        "passages": TextChunk.objects.filter(file_id__in=mine["files"]).count(),
        "library": LibraryEntry.objects.filter(file_id__in=mine["files"]).count(),
        "tokens": ApiToken.objects.filter(user_id=user_id).count(),
        "sessions": sum(
            1 for s in Session.objects.all() if s.get_decoded().get("_auth_user_id") == str(user_id)
        ),
        "stored bytes": sum(1 for p in (media_root / str(user_id)).rglob("*") if p.is_file()),
        "blobs": sum(1 for p in mine["blob"] if Path(p).exists()),
        "account exports": int(export.path.exists())
        + sum(1 for _ in (media_root / "account-exports" / str(user_id)).rglob("*")),
        "document exports": Export.objects.filter(run_id__in=mine["runs"]).count(),
        "document export files": sum(1 for p in mine["exports"] if Path(p).exists())
        + sum(1 for r in mine["runs"] if (media_root / "exports" / str(r)).exists()),
        "cache": sum(1 for run_id in mine["runs"] if cache.get(f"run-cancel:{run_id}")),
    }
    assert remaining == dict.fromkeys(remaining, 0)
    assert not (media_root / str(user_id)).exists()

    # The other writer keeps everything.
    assert Run.objects.filter(id__in=theirs["runs"]).count() == 2
    assert RunEvent.objects.filter(run_id__in=theirs["runs"]).count() == 3
    assert all(Path(p).exists() for p in theirs["blob"] + theirs["exports"])
    assert Export.objects.filter(run_id__in=theirs["runs"]).count() == 1
    assert LibraryEntry.objects.filter(owner=other).count() == 1
    assert client.get(reverse("privacy:deleted")).status_code == 200


def test_deleting_needs_the_password_and_the_word(auth_client: Client, user):
    response = auth_client.post(reverse("privacy:delete"), {"password": PASSWORD, "confirm": "y"})
    assert response.status_code == 200
    assert "Type DELETE" in response.content.decode()
    assert User.objects.filter(pk=user.pk).exists()
