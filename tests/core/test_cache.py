from __future__ import annotations

import contextvars

from django.core.cache import caches

from apps.core.cache import SharedRedisCache


def _in_a_fresh_context() -> tuple[object, object]:
    """The cache object and its client as a request sees them: Django keeps cache objects per
    context (asgiref's Local), and under ASGI every request runs in a context of its own."""

    def read() -> tuple[object, object]:
        cache = caches["default"]
        assert isinstance(cache, SharedRedisCache)
        return cache, cache._cache

    return contextvars.Context().run(read)


def test_every_request_context_shares_the_process_redis_client():
    first_cache, first_client = _in_a_fresh_context()
    second_cache, second_client = _in_a_fresh_context()
    assert isinstance(first_cache, SharedRedisCache)
    assert first_cache is not second_cache  # what Django does per context...
    assert first_client is second_client  # ...and what no longer follows from it


def test_the_shared_client_works_as_a_cache():
    cache = caches["default"]
    cache.set("shared-client-check", 41)
    assert cache.incr("shared-client-check") == 42
    cache.delete("shared-client-check")
