"""A writer's data as a whole: export all of it, or delete all of it.

The export is a zip of their documents as Markdown and their source library as CSL-JSON,
written under MEDIA_ROOT/account-exports/<user id>/ (a large account is not built in memory)
and replaced by the next export. Deleting the account removes every row that belongs to the
writer (the user row's cascade: conversations, messages, runs, stored events, document exports,
files, passages, library, tokens), their sessions, their stored uploads, cached document exports
and account exports on disk, and their runs' keys in the cache.
"""

from __future__ import annotations

import contextlib
import json
import logging
import re
import shutil
import uuid
import zipfile
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import transaction
from django.utils import timezone

from apps.accounts.models import User
from apps.conversations import cancel
from apps.conversations.models import Run
from apps.conversations.services.lifecycle import RunNotActive, run_cancel
from apps.exports.models import Export as DocumentExport
from apps.exports.models import export_upload_to
from apps.files.models import LibraryEntry, UploadedFile

logger = logging.getLogger(__name__)

ACCOUNT_EXPORTS = "account-exports"


def export_dir(user_id: object) -> Path:
    return Path(settings.MEDIA_ROOT) / ACCOUNT_EXPORTS / str(user_id)


def uploads_dir(user_id: object) -> Path:
    # apps.files.models.upload_path stores every upload under the owner's id.
    return Path(settings.MEDIA_ROOT) / str(user_id)


def run_exports_dir(run_id: uuid.UUID) -> str:
    """The folder of a run's cached document exports (apps.exports.models.export_upload_to)."""
    return str(Path(export_upload_to(DocumentExport(run_id=run_id), "x")).parent)


def _slug(text: str, fallback: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:60].rstrip("-")
    return slug or fallback


def _document(run: Run) -> str:
    assert run.result_message is not None
    front = {
        "title": run.conversation.title,
        "run": str(run.id),
        "status": run.status,
        "created": run.created_at.isoformat(),
        "writeup_type": run.writeup_type,
        "citation_style": run.citation_style,
        "academic_level": run.academic_level,
        "target_word_count": run.target_word_count,
        "model": run.model,
    }
    header = "\n".join(f"{key}: {json.dumps(value)}" for key, value in front.items())
    prompt = "\n".join(f"> {line}" for line in run.user_message.content.splitlines())
    return f"---\n{header}\n---\n\n{prompt}\n\n{run.result_message.content}\n"


@dataclass(frozen=True)
class Export:
    path: Path
    documents: int
    library_entries: int


def account_export(*, user: User) -> Export:
    """Write the writer's export zip and return where it is. Every run that produced text is a
    document (`documents/<date>-<title>-<n>.md`, with the request in front matter); the library
    is `library.json`, an array of CSL-JSON items."""
    runs = (
        Run.objects.filter(conversation__user=user, result_message__isnull=False)
        .select_related("conversation", "user_message", "result_message")
        .order_by("created_at")
    )
    entries = [e.to_csl() for e in LibraryEntry.objects.filter(owner=user).order_by("created_at")]
    folder = export_dir(user.pk)
    if folder.exists():
        shutil.rmtree(folder)  # one export at a time: the newest
    folder.mkdir(parents=True)
    stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
    path = folder / f"handywriterz-export-{stamp}.zip"
    documents = 0
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for number, run in enumerate(runs, start=1):
            name = _slug(run.conversation.title, "document")
            date = run.created_at.strftime("%Y-%m-%d")
            archive.writestr(f"documents/{date}-{name}-{number}.md", _document(run))
            documents += 1
        archive.writestr("library.json", json.dumps(entries, indent=2, ensure_ascii=False))
        archive.writestr(
            "README.txt",
            f"HandyWriterz export for {user.username}, {timezone.now().isoformat()}.\n"
            "documents/: every text written for you, as Markdown, with the request in front "
            "matter.\nlibrary.json: your source library as CSL-JSON (Zotero, Pandoc, "
            "citeproc read it).\n",
        )
    logger.info("event=account_exported documents=%s entries=%s", documents, len(entries))
    return Export(path=path, documents=documents, library_entries=len(entries))


def _user_sessions(user: User) -> list[str]:
    wanted = str(user.pk)
    return [
        s.session_key
        for s in Session.objects.filter(expire_date__gt=timezone.now()).iterator()
        if s.get_decoded().get("_auth_user_id") == wanted
    ]


def account_delete(*, user: User) -> None:
    """Delete the writer and everything of theirs. Runs still going are stopped first, so no
    worker goes on writing for an account that no longer exists."""
    run_ids: list[uuid.UUID] = list(
        Run.objects.filter(conversation__user=user).values_list("id", flat=True)
    )
    for run in Run.objects.filter(id__in=run_ids, status__in=Run.ACTIVE):
        with contextlib.suppress(RunNotActive):  # it ended meanwhile
            run_cancel(run=run)
    blobs = [
        f.blob.name for f in UploadedFile.objects.filter(owner=user).exclude(blob="").only("blob")
    ]
    exported = [
        e.file.name for e in DocumentExport.objects.filter(run_id__in=run_ids).exclude(file="")
    ]
    user_id = user.pk
    with transaction.atomic():
        Session.objects.filter(session_key__in=_user_sessions(user)).delete()
        # The cascade takes conversations, messages, runs and their events, files, passages,
        # library entries and API tokens with it.
        user.delete()
    storage = UploadedFile._meta.get_field("blob").storage
    for name in blobs:
        storage.delete(name)
    export_storage = DocumentExport._meta.get_field("file").storage
    for name in exported:
        export_storage.delete(name)
    # Whatever else sits in the writer's folders (a file being written as we went, say).
    folders = [uploads_dir(user_id), export_dir(user_id)]
    folders += [Path(settings.MEDIA_ROOT) / run_exports_dir(run_id) for run_id in run_ids]
    for folder in folders:
        shutil.rmtree(folder, ignore_errors=True)
    cancel.forget(run_ids)
    logger.info(
        "event=account_deleted user_id=%s runs=%s files=%s exports=%s",
        user_id,
        len(run_ids),
        len(blobs),
        len(exported),
    )
