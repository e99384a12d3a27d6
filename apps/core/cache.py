"""Django's Redis cache, with one client (and so one connection pool) per process.

Django keeps cache objects in a context-local (asgiref `Local`), and under ASGI every request
runs in a context of its own: the stock `RedisCache` builds a new client, a new pool and a new
TCP connection to Redis for every request, and drops them after. On a POST to `/api/chat` that
was a fifth of the request's time (the rate limiter's first command paid for the connect). The
client is thread-safe and redis-py's pool re-opens its connections after a fork, so every cache
object of a process shares one. (django/django#18459 proposes the same fix upstream.)
"""

from __future__ import annotations

import os
import threading
from typing import Any, ClassVar

from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from django.utils.functional import cached_property


class SharedRedisCache(RedisCache):
    _clients: ClassVar[dict[tuple[int, str, str], RedisCacheClient]] = {}
    _lock: ClassVar[threading.Lock] = threading.Lock()

    @cached_property
    def _cache(self) -> RedisCacheClient:
        # What the stock backend builds its client from (django-stubs does not declare them).
        servers: list[str] = self._servers  # type: ignore[attr-defined]
        options: dict[str, Any] = self._options  # type: ignore[attr-defined]
        key = (os.getpid(), repr(servers), repr(sorted(options.items())))
        with self._lock:
            client = self._clients.get(key)
            if client is None:
                client = self._clients[key] = RedisCacheClient(servers, **options)
            return client
