"""Index answers cached in Redis (Django's cache) for SCHOLARLY_CACHE_SECONDS; 0 turns it off.

Only answers are cached, never failures: an index that was down is asked again next time. A
cache that is itself unreachable is skipped, so Redis trouble never costs a run its sources.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.cache import cache
from redis.exceptions import RedisError

from apps.scholarly.records import Record

logger = logging.getLogger(__name__)

_VERSION = 1  # bump when Record's stored shape changes, so old entries are not misread
_MISSING = {"missing": True}  # "Crossref has no such DOI" is an answer worth remembering


def search_key(index: str, query: str, limit: int) -> str:
    digest = hashlib.sha256(f"{query}\x00{limit}".encode()).hexdigest()[:32]
    return f"scholarly:v{_VERSION}:{index}:search:{digest}"


def work_key(index: str, doi: str) -> str:
    digest = hashlib.sha256(doi.encode()).hexdigest()[:32]
    return f"scholarly:v{_VERSION}:{index}:work:{digest}"


def cached_search(
    index: str, query: str, limit: int, fetch: Callable[[], list[Record]]
) -> list[Record]:
    key = search_key(index, query, limit)
    stored = _get(key)
    if isinstance(stored, list):
        return [Record.from_dict(item) for item in stored]
    records = fetch()
    _set(key, [record.to_dict() for record in records])
    return records


def cached_work(index: str, doi: str, fetch: Callable[[], Record | None]) -> Record | None:
    key = work_key(index, doi)
    stored = _get(key)
    if stored == _MISSING:
        return None
    if isinstance(stored, dict):
        return Record.from_dict(stored)
    record = fetch()
    _set(key, record.to_dict() if record else _MISSING)
    return record


def _get(key: str) -> Any:
    if not settings.SCHOLARLY_CACHE_SECONDS:
        return None
    try:
        return cache.get(key)
    except (RedisError, OSError) as error:
        logger.warning("scholarly cache unavailable (%s): asking the index", error)
        return None


def _set(key: str, value: Any) -> None:
    if not settings.SCHOLARLY_CACHE_SECONDS:
        return
    try:
        cache.set(key, value, timeout=settings.SCHOLARLY_CACHE_SECONDS)
    except (RedisError, OSError) as error:
        logger.warning("scholarly cache unavailable (%s): answer not cached", error)
