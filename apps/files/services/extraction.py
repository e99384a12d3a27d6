"""Reading an uploaded file into passages and library entries, in the extraction task."""

from __future__ import annotations

import logging
import time
import uuid
from pathlib import Path

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.db import transaction
from django.db.models import F

from apps.core import metrics
from apps.files.errors import ExtractionTimeout, FileProblem
from apps.files.extraction import Extraction, extract
from apps.files.limits import time_limit
from apps.files.models import LibraryEntry, TextChunk, UploadedFile

logger = logging.getLogger(__name__)

PROGRESS_EVERY = 0.5  # seconds between progress writes
MAX_ATTEMPTS = 2


def _fail(file: UploadedFile, code: str, message: str) -> None:
    """A file that could not be read keeps only its name and the reason: no bytes, no chunks."""
    with transaction.atomic():
        TextChunk.objects.filter(file=file).delete()
        LibraryEntry.objects.filter(file=file).delete()
        file.delete_blob()
        UploadedFile.objects.filter(pk=file.pk).update(
            status=UploadedFile.Status.FAILED,
            blob="",
            error_code=code,
            error_message=message,
            progress=0,
        )
    logger.warning("event=file_failed file_id=%s code=%s", file.pk, code)
    metrics.EXTRACTIONS.inc(outcome=code)


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
        metrics.EXTRACTIONS.inc(outcome="ready")
        logger.info("event=file_ready file_id=%s chunks=%s", file.pk, file.chunks.count())
    file.refresh_from_db()
    return file


def file_fail_from_task(*, file_id: uuid.UUID, reason: str) -> None:
    """The task died outside file_extract's own handling (a hard time limit, say)."""
    file = UploadedFile.objects.filter(id=file_id, status__in=UploadedFile.PENDING).first()
    if file is not None:
        _fail(file, "extraction_failed", f"{file.original_name}: {reason}")
