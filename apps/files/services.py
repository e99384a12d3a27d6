"""Storing, extracting, attaching and deleting the user's files."""

from __future__ import annotations

import dataclasses
import functools
import logging
import time
import uuid
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

from celery.exceptions import SoftTimeLimitExceeded
from django import forms
from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F

from apps.accounts.models import User
from apps.conversations.models import Conversation
from apps.conversations.types import WritingRequest
from apps.files.errors import ExtractionTimeout, FileProblem
from apps.files.extraction import Extraction, extract
from apps.files.inspection import Inspected
from apps.files.limits import time_limit
from apps.files.models import LibraryEntry, TextChunk, UploadedFile

logger = logging.getLogger(__name__)

PROGRESS_EVERY = 0.5  # seconds between progress writes
MAX_ATTEMPTS = 2


class FileNotFound(Exception):
    """A file id that is not one of the user's own files."""

    def __init__(self, file_id: object) -> None:
        super().__init__(f"File {file_id} was not found.")
        self.file_id = file_id


def _enqueue(file_id: uuid.UUID) -> None:
    from apps.files.tasks import extract_file

    extract_file.delay(str(file_id))


def _delete_blob(file: UploadedFile) -> None:
    if file.blob:
        file.blob.storage.delete(file.blob.name)


def files_upload(*, owner: User, inspected: Sequence[Inspected]) -> list[UploadedFile]:
    """Store checked uploads and queue their extraction. Content the user already uploaded is
    not stored again: its existing file is returned. All or nothing: on any error the bytes
    written so far are removed again."""
    written: list[UploadedFile] = []
    result: list[UploadedFile] = []
    try:
        with transaction.atomic():
            for item in inspected:
                existing = (
                    UploadedFile.objects.select_for_update()
                    .filter(owner=owner, sha256=item.sha256)
                    .first()
                )
                if existing is not None and existing.status != UploadedFile.Status.FAILED:
                    result.append(existing)
                    continue
                if existing is not None:  # a failed earlier attempt: start again from scratch
                    file_delete(file=existing)
                file = UploadedFile(
                    owner=owner,
                    original_name=item.name,
                    sha256=item.sha256,
                    size=item.size,
                    kind=item.kind,
                )
                item.upload.seek(0)
                file.blob.save(item.name, item.upload, save=False)
                written.append(file)
                try:
                    with transaction.atomic():
                        file.save()
                except IntegrityError:
                    # The same content arrived in a concurrent request and won: use that one.
                    written.remove(file)
                    _delete_blob(file)
                    result.append(UploadedFile.objects.get(owner=owner, sha256=item.sha256))
                    continue
                result.append(file)
                transaction.on_commit(functools.partial(_enqueue, file.id))
    except BaseException:
        for file in written:
            _delete_blob(file)
        raise
    logger.info("event=files_uploaded owner=%s count=%s", owner.pk, len(written))
    return list({file.pk: file for file in result}.values())  # the same content sent twice


def with_uploads(*, user: User, request: WritingRequest, form: forms.Form) -> WritingRequest:
    """Store the files uploaded with a compose form and add them to the request. They are kept
    even if the run is then refused: the user need not upload them again."""
    inspected = form.cleaned_data.get("uploads") or []
    if not inspected:
        return request
    stored = files_upload(owner=user, inspected=inspected)
    ids = tuple(dict.fromkeys([*request.file_ids, *(f.id for f in stored)]))
    return dataclasses.replace(request, file_ids=ids)


def file_delete(*, file: UploadedFile) -> None:
    """Remove the file, its chunks and library entries, and its bytes once committed."""
    name = file.blob.name if file.blob else ""
    storage = file.blob.storage
    file.delete()
    if name:
        transaction.on_commit(lambda: storage.delete(name))


def files_attach(
    *, owner: User, conversation: Conversation, file_ids: Iterable[uuid.UUID]
) -> list[UploadedFile]:
    """Attach the owner's files to a conversation; any id not theirs raises FileNotFound."""
    wanted = list(dict.fromkeys(file_ids))
    files = {f.id: f for f in UploadedFile.objects.filter(owner=owner, id__in=wanted)}
    for file_id in wanted:
        if file_id not in files:
            raise FileNotFound(file_id)
    conversation.files.add(*files.values())
    return [files[i] for i in wanted]


def _fail(file: UploadedFile, code: str, message: str) -> None:
    """A file that could not be read keeps only its name and the reason: no bytes, no chunks."""
    with transaction.atomic():
        TextChunk.objects.filter(file=file).delete()
        LibraryEntry.objects.filter(file=file).delete()
        _delete_blob(file)
        UploadedFile.objects.filter(pk=file.pk).update(
            status=UploadedFile.Status.FAILED,
            blob="",
            error_code=code,
            error_message=message,
            progress=0,
        )
    logger.warning("event=file_failed file_id=%s code=%s", file.pk, code)


@transaction.atomic
def _store(file: UploadedFile, extraction: Extraction) -> None:
    TextChunk.objects.filter(file=file).delete()  # a redelivered task starts clean
    LibraryEntry.objects.filter(file=file).delete()
    chunks: list[TextChunk] = []
    for work in extraction.works:
        entry = LibraryEntry.objects.create(
            owner_id=file.owner_id,
            file=file,
            citation_key=work.citation_key,
            csl_type=work.csl_type,
            title=work.title,
            authors=work.authors,
            year=work.year if work.year and 0 < work.year < 32768 else None,
            container_title=work.container_title,
            publisher=work.publisher,
            doi=work.doi,
            url=work.url if work.url.startswith(("http://", "https://")) else "",
            abstract=work.abstract,
            extra=work.extra,
        )
        for passage in work.passages:
            chunks.append(
                TextChunk(
                    file=file,
                    entry=entry,
                    ordinal=len(chunks),
                    text=passage.text,
                    page=passage.page,
                    paragraph=passage.paragraph,
                    heading=passage.heading,
                )
            )
    TextChunk.objects.bulk_create(chunks, batch_size=500)
    UploadedFile.objects.filter(pk=file.pk).update(
        status=UploadedFile.Status.READY,
        progress=100,
        page_count=extraction.page_count,
        word_count=extraction.word_count,
        entry_count=len(extraction.works) if file.is_bibliography else None,
        notes=" ".join(extraction.notes),
        error_code="",
        error_message="",
    )


def file_extract(*, file_id: uuid.UUID) -> UploadedFile | None:
    """Extract a stored file's text into chunks and library entries. A file that is already
    ready or failed is left alone, so a redelivered task does nothing twice."""
    claimed = UploadedFile.objects.filter(
        id=file_id, status__in=UploadedFile.PENDING, attempts__lt=MAX_ATTEMPTS
    ).update(status=UploadedFile.Status.EXTRACTING, progress=0, attempts=F("attempts") + 1)
    if not claimed:
        # Pending but out of attempts: an earlier attempt took the worker down with it.
        file_fail_from_task(file_id=file_id, reason="reading the file crashed the worker.")
        return None
    file = UploadedFile.objects.get(id=file_id)
    last_write = 0.0

    def progress(percent: int) -> None:
        nonlocal last_write
        now = time.monotonic()
        if now - last_write >= PROGRESS_EVERY:
            last_write = now
            UploadedFile.objects.filter(pk=file.pk).update(progress=min(99, percent))

    limit = settings.FILE_EXTRACT_TIME_LIMIT
    try:
        with time_limit(limit):
            extraction = extract(
                kind=file.kind,
                path=Path(file.blob.path),
                name=file.original_name,
                progress=progress,
            )
    except FileProblem as problem:
        _fail(file, problem.code, problem.message)
    except (ExtractionTimeout, SoftTimeLimitExceeded):
        _fail(
            file,
            "extraction_timeout",
            f"{file.original_name}: reading the file took longer than {limit:g} seconds and was "
            "stopped. The file may be damaged.",
        )
    except Exception:
        logger.exception("event=file_extract_crashed file_id=%s", file.pk)
        _fail(
            file,
            "extraction_failed",
            f"{file.original_name}: the file could not be read. It may be damaged.",
        )
    else:
        _store(file, extraction)
        logger.info("event=file_ready file_id=%s chunks=%s", file.pk, file.chunks.count())
    file.refresh_from_db()
    return file


def file_fail_from_task(*, file_id: uuid.UUID, reason: str) -> None:
    """The task died outside file_extract's own handling (a hard time limit, say)."""
    file = UploadedFile.objects.filter(id=file_id, status__in=UploadedFile.PENDING).first()
    if file is not None:
        _fail(file, "extraction_failed", f"{file.original_name}: {reason}")


# The details besides title, authors and year that a writer may correct.
ENTRY_DETAILS = frozenset({"csl_type", "container_title", "publisher", "doi", "url"})


def entry_update(
    *,
    entry: LibraryEntry,
    title: str,
    authors: list[dict[str, str]],
    year: int | None,
    details: Mapping[str, str] | None = None,
) -> LibraryEntry:
    """Save a writer's corrections to a work's metadata, what its citations are built from.
    `details` may only name ENTRY_DETAILS."""
    unknown = set(details or {}) - ENTRY_DETAILS
    if unknown:
        raise ValueError(f"Not editable: {', '.join(sorted(unknown))}")
    entry.title = title
    entry.authors = authors
    entry.year = year
    for name, value in (details or {}).items():
        setattr(entry, name, value)
    entry.save(update_fields=["title", "authors", "year", *(details or {})])
    logger.info("event=entry_updated entry_id=%s", entry.pk)
    return entry
