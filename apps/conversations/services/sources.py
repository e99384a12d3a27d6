"""The writer's say over a run's sources: exclude one (and write the piece again without it),
or keep a record that search found in their own library."""

from __future__ import annotations

import json
import re
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from apps.conversations.models import Conversation, Run
from apps.conversations.services.starting import run_regenerate
from apps.files.inspection import inspect
from apps.files.models import UploadedFile
from apps.files.services.uploads import files_upload


class UnknownSource(Exception):
    """The run has no source with that key."""


def _source(run: Run, key: str) -> dict[str, Any]:
    for source in (run.quality_report or {}).get("sources", []):
        if source.get("key") == key:
            return dict(source)
    raise UnknownSource(key)


@transaction.atomic
def source_exclude(*, run: Run, key: str) -> Run:
    """Exclude one of the run's sources from its conversation, then write the same request
    again: the new version neither cites nor lists it. Refused like any start
    (RunInProgress, BudgetExceeded), in which case nothing is excluded either."""
    _source(run, key)
    conversation = Conversation.objects.select_for_update().get(pk=run.conversation_id)
    if key not in conversation.excluded_sources:
        conversation.excluded_sources = [*conversation.excluded_sources, key]
        conversation.save(update_fields=["excluded_sources"])
    run.conversation = conversation
    return run_regenerate(run=run)


def source_save(*, run: Run, key: str) -> UploadedFile:
    """Keep a record found by search in the writer's library: stored as the CSL-JSON file it
    is, read by the same extraction as any upload, so it can be corrected and attached later."""
    source = _source(run, key)
    csl = source.get("csl")
    if not csl:
        raise UnknownSource(key)  # the writer's own sources are in their library already
    name = re.sub(r"[^A-Za-z0-9]+", "-", str(source.get("title", "source")))[:60].strip("-")
    upload = SimpleUploadedFile(
        f"{name or 'source'}.json",
        json.dumps([csl], ensure_ascii=False).encode(),
        content_type="application/json",
    )
    return files_upload(owner=run.conversation.user, inspected=[inspect(upload)])[0]
