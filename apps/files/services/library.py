"""The writer's source library: corrections to the metadata citations are built from."""

from __future__ import annotations

import logging
from collections.abc import Mapping

from apps.files.models import LibraryEntry

logger = logging.getLogger(__name__)

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
