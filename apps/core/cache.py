"""Django's Redis cache, with one client (and so one connection pool) per process.

Django keeps cache objects in a context-local (asgiref `Local`), and under ASGI every request
runs in a context of its own: the stock `RedisCache` builds a new client, a new pool and a new
TCP connection to Redis for every request, and drops them after. On a POST to `/api/chat` that
was a fifth of the request's time (the rate limiter's first command paid for the connect). The
client is thread-safe and redis-py's pool re-opens its connections after a fork, so every cache
object of a process shares one. (django/django#18459 proposes the same fix upstream.)

Its `incr` is one command where Django's is two (EXISTS, then INCRBY): the rate limiter counts
every submission with it, on the path of the POST a writer waits on; and between Django's two a
key can expire, and INCRBY then makes it anew with no expiry (a rate-limit window that never
ends for the writer it counts).
"""

from __future__ import annotations

import os
import threading
from typing import Any, ClassVar

from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from django.utils.functional import cached_property

# Add to a key only if it exists (a cache's incr of a missing key is an error, not a new key).
_INCR_EXISTING = """
if redis.call('EXISTS', KEYS[1]) == 1 then
    return redis.call('INCRBY', KEYS[1], ARGV[1])
end
return false
"""


class _Client(RedisCacheClient):
    def incr(self, key: Any, delta: int) -> int:
        client = self.get_client(key, write=True)
        value = client.register_script(_INCR_EXISTING)(keys=[key], args=[delta])
        if value is None:
            raise ValueError(f"Key '{key}' not found.")
        return int(value)


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
                client = self._clients[key] = _Client(servers, **options)
            return client
