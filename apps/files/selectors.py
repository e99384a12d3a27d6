from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence

from django.db.models import QuerySet

from apps.accounts.models import User
from apps.files.models import LibraryEntry, TextChunk, UploadedFile


def files_for(*, user: User) -> QuerySet[UploadedFile]:
    return UploadedFile.objects.filter(owner=user)


def attachable_files(*, user: User) -> QuerySet[UploadedFile]:
    """Files that can be attached to a request: ready, or still being read (the research step
    waits for those)."""
    return files_for(user=user).exclude(status=UploadedFile.Status.FAILED)


def missing_file_ids(*, user: User, file_ids: Iterable[uuid.UUID]) -> list[uuid.UUID]:
    """The ids among `file_ids` that are not the user's own files, in the order given."""
    wanted = list(dict.fromkeys(file_ids))
    if not wanted:
        return []
    own = set(files_for(user=user).filter(id__in=wanted).values_list("id", flat=True))
    return [i for i in wanted if i not in own]


def entries_for(*, user: User) -> QuerySet[LibraryEntry]:
    return LibraryEntry.objects.filter(owner=user).select_related("file")


def files_by_ids(*, file_ids: Sequence[uuid.UUID]) -> QuerySet[UploadedFile]:
    return UploadedFile.objects.filter(id__in=file_ids).order_by("created_at")


def chunks_for_files(*, file_ids: Iterable[uuid.UUID], limit: int) -> QuerySet[TextChunk]:
    return (
        TextChunk.objects.filter(file_id__in=list(file_ids), file__status=UploadedFile.Status.READY)
        .select_related("entry", "file")
        .order_by("file__created_at", "ordinal")[:limit]
    )
