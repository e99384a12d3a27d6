from __future__ import annotations

import contextvars

import pytest
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


def test_incr_adds_to_an_existing_key_in_one_command_and_keeps_its_expiry(monkeypatch):
    cache = caches["default"]
    assert isinstance(cache, SharedRedisCache)
    cache.set("incr-check", 5, timeout=60)
    client = cache._cache.get_client("incr-check", write=True)
    sent: list[str] = []
    send = type(client).execute_command

    def counted(self, *args, **kwargs):
        sent.append(str(args[0]))
        return send(self, *args, **kwargs)

    # The cache makes a client object per command, all of this class, on one connection pool.
    monkeypatch.setattr(type(client), "execute_command", counted)
    assert cache.incr("incr-check", 3) == 8
    assert cache.incr("incr-check") == 9
    monkeypatch.undo()
    assert sent == ["EVALSHA", "EVALSHA"]  # Django's own sends EXISTS, then INCRBY
    assert 0 < client.ttl(cache.make_key("incr-check")) <= 60
    cache.delete("incr-check")


def test_incr_of_a_missing_key_is_an_error_and_makes_no_key():
    cache = caches["default"]
    cache.delete("incr-missing")
    with pytest.raises(ValueError, match="not found"):
        cache.incr("incr-missing")
    assert cache.get("incr-missing") is None
