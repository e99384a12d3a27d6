"""Generate one export's file. Run by the Celery task; safe to run twice (a redelivered task, or
two requests racing): the row is locked while it is generated and a ready file is kept."""

from __future__ import annotations

import logging
import time
import uuid

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from apps.exports.formats import FORMATS
from apps.exports.models import Export, export_upload_to
from apps.exports.services.rendering import (
    AUTHOR_KEY,
    TitlePageOptions,
    document_render,
    export_meta,
    run_document,
)

logger = logging.getLogger(__name__)


def _file_name(export: Export) -> str:
    fmt = FORMATS[export.format]
    key = f"-{export.options_key[:12]}" if export.options_key else ""
    return f"{export.format}{key}.{fmt.extension}"


def export_generate(*, export_id: uuid.UUID) -> Export | None:
    """Write the file of a pending export. None when there is nothing to do: the export is gone,
    or another worker holds it (and will finish it)."""
    with transaction.atomic():
        export = (
            Export.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("run__conversation__user", "run__result_message")
            .filter(id=export_id)
            .first()
        )
        if export is None:
            return None
        if (
            export.status == Export.Status.READY
            and export.file
            and export.file.storage.exists(export.file.name)
        ):
            return export
        started = time.perf_counter()
        run = export.run
        stored, document = run_document(run=run)
        meta = export_meta(run=run, options=TitlePageOptions.from_mapping(export.options))
        content = document_render(format=export.format, stored=stored, document=document, meta=meta)
        name = _file_name(export)
        storage = export.file.storage
        path = export_upload_to(export, name)
        if storage.exists(path):  # a file left by an earlier attempt is replaced, not renamed
            storage.delete(path)
        export.file.save(name, ContentFile(content), save=False)
        export.filename = FORMATS[export.format].filename(
            title=document.title, version=meta.version
        )
        export.size = len(content)
        # Which name the file carries: a writer who changes theirs gets a new file (requesting).
        export.options = {**export.options, AUTHOR_KEY: meta.author}
        export.status = Export.Status.READY
        export.error = ""
        export.duration = time.perf_counter() - started
        export.generated_at = timezone.now()
        export.save()
    logger.info(
        "event=export_ready export_id=%s format=%s bytes=%s seconds=%.3f",
        export.id,
        export.format,
        export.size,
        export.duration,
    )
    return export


def export_fail(*, export_id: uuid.UUID, reason: str) -> None:
    """Record why an export could not be made; the next request for it tries again."""
    Export.objects.filter(id=export_id).exclude(status=Export.Status.READY).update(
        status=Export.Status.FAILED, error=reason[:1000], updated_at=timezone.now()
    )
    logger.warning("event=export_failed export_id=%s reason=%s", export_id, reason)
