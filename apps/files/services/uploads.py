"""Storing, extracting, attaching and deleting the user's files."""

from __future__ import annotations

import dataclasses
import functools
import logging
import uuid
from collections.abc import Sequence

from django import forms
from django.db import IntegrityError, transaction

from apps.accounts.models import User
from apps.core.writing import WritingRequest
from apps.files.inspection import Inspected
from apps.files.models import UploadedFile
from apps.files.tasks import extract_file

logger = logging.getLogger(__name__)


def _enqueue(file_id: uuid.UUID) -> None:
    extract_file.delay(str(file_id))


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
                    file.delete_blob()
                    result.append(UploadedFile.objects.get(owner=owner, sha256=item.sha256))
                    continue
                result.append(file)
                transaction.on_commit(functools.partial(_enqueue, file.id))
    except BaseException:
        for file in written:
            file.delete_blob()
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
