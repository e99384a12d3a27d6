"""Ask for a run's export: served from the cache when ready, otherwise queued for the worker."""

from __future__ import annotations

import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from apps.conversations.models import Run
from apps.exports.formats import FORMATS
from apps.exports.models import Export
from apps.exports.services.rendering import AUTHOR_KEY, TitlePageOptions, export_author
from apps.exports.tasks import generate_export

# A pending export not finished by then is queued again: its task may have been lost.
REQUEUE_AFTER = datetime.timedelta(seconds=120)


class ExportRefused(Exception):
    status = 400
    code = "export_refused"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class UnsupportedFormat(ExportRefused):
    status = 400
    code = "unsupported_format"


class RunNotFinished(ExportRefused):
    status = 409
    code = "run_not_finished"


class NothingToExport(ExportRefused):
    status = 409
    code = "nothing_to_export"


def _queue(export: Export) -> None:
    export_id = str(export.id)
    transaction.on_commit(lambda: generate_export.delay(export_id))


def _file_present(export: Export) -> bool:
    return bool(export.file) and export.file.storage.exists(export.file.name)


def export_request(*, run: Run, format: str, options: TitlePageOptions) -> Export:
    """The export of `run` in `format`: READY (serve its file), PENDING (being generated: ask
    again), or FAILED (the last attempt's error; it has been queued again)."""
    if format not in FORMATS:
        raise UnsupportedFormat(f"Unsupported format {format!r}; use one of {', '.join(FORMATS)}.")
    if run.is_active:
        raise RunNotFinished("This run has not finished yet; export it when it has.")
    if run.result_message is None or not run.result_message.content.strip():
        raise NothingToExport("This run ended before it wrote anything to export.")
    now = timezone.now()
    with transaction.atomic():
        try:
            with transaction.atomic():
                export, created = Export.objects.get_or_create(
                    run=run,
                    format=format,
                    options_key=options.key,
                    defaults={"options": options.as_dict(), "queued_at": now},
                )
        except IntegrityError:  # the same export asked for twice at once: the other one made it
            export, created = (
                Export.objects.get(run=run, format=format, options_key=options.key),
                False,
            )
        if created:
            _queue(export)
            return export
        stale = export.queued_at is None or now - export.queued_at > REQUEUE_AFTER
        failed = export.status == Export.Status.FAILED
        missing = export.status == Export.Status.READY and (
            not _file_present(export) or export.options.get(AUTHOR_KEY) != export_author(run=run)
        )
        if missing or (export.status == Export.Status.PENDING and stale) or failed:
            # A failed export answers with its error once and is tried again for the next ask.
            Export.objects.filter(pk=export.pk).update(
                status=Export.Status.PENDING, queued_at=now, updated_at=now
            )
            _queue(export)
            if missing:
                export.status = Export.Status.PENDING
    return export
