"""The writer's source library: corrections to the metadata citations are built from."""

from __future__ import annotations

import logging

from apps.files.forms import EntryForm
from apps.files.models import LibraryEntry

logger = logging.getLogger(__name__)


def entry_save(*, form: EntryForm) -> LibraryEntry:
    """Save corrected metadata (what citations are built from)."""
    entry = form.save()
    logger.info("event=entry_updated entry_id=%s", entry.pk)
    return entry
