"""Where Redis is: one URL, or a master found through Redis Sentinel.

With `REDIS_SENTINELS` set, every user of Redis (the channel layer, the cache, the Celery broker
and our own clients) asks the Sentinels for the current master of `REDIS_SENTINEL_MASTER`
instead of dialling a fixed host, so a failover moves all of them to the promoted replica.
`REDIS_URL` still gives the database number and the password. The settings build the channel
layer's, cache's and broker's configuration from the functions here.
"""

from __future__ import annotations

import os
import threading
from typing import Any
from urllib.parse import unquote, urlsplit

import redis
from django.conf import settings
from redis.sentinel import Sentinel, SentinelConnectionPool

Address = tuple[str, int]


def parse_sentinels(raw: list[str]) -> list[Address]:
    """`["host:26379", ...]` → `[("host", 26379), ...]`; ValueError for a malformed entry."""
    addresses = []
    for item in raw:
        host, sep, port = item.rpartition(":")
        if not sep or not host or not port.isdigit():
            raise ValueError(f"a Sentinel must be host:port, got {item!r}")
        addresses.append((host.strip("[]"), int(port)))
    return addresses


def url_parts(url: str) -> dict[str, Any]:
    """The database number and password of a redis:// URL (its host is ignored with Sentinel)."""
    parts = urlsplit(url)
    db = parts.path.lstrip("/") or "0"
    options: dict[str, Any] = {"db": int(db)}
    if parts.password:
        options["password"] = unquote(parts.password)
    if parts.username:
        options["username"] = unquote(parts.username)
    return options


class SentinelPool(SentinelConnectionPool):
    """A connection pool for Django's RedisCache (its `pool_class` option): RedisCache builds
    pools with `pool_class.from_url(location, **options)`, and here the location is the master
    name and the Sentinels come from the options."""

    @classmethod
    def from_url(cls, url: str, **options: Any) -> SentinelPool:
        sentinels: list[Address] = options.pop("sentinels")
        sentinel_kwargs: dict[str, Any] = options.pop("sentinel_kwargs", {})
        manager = Sentinel(sentinels, sentinel_kwargs=sentinel_kwargs)  # type: ignore[no-untyped-call]
        return cls(url, manager, **options)


def channel_layer_host(
    *, url: str, sentinels: list[Address], master: str, socket_timeout: float
) -> dict[str, Any]:
    """One entry of the channel layer's `hosts`: channels-redis dials Sentinels itself."""
    if not sentinels:
        return {"address": url, "socket_timeout": socket_timeout}
    return {
        "sentinels": sentinels,
        "master_name": master,
        "sentinel_kwargs": {"socket_timeout": 1},
        "socket_timeout": socket_timeout,
        **url_parts(url),
    }


def cache_config(
    *, url: str, sentinels: list[Address], master: str, key_prefix: str
) -> dict[str, Any]:
    config: dict[str, Any] = {
        "BACKEND": "apps.core.cache.SharedRedisCache",
        "LOCATION": url,
        "KEY_PREFIX": key_prefix,
    }
    if sentinels:
        config["LOCATION"] = master
        config["OPTIONS"] = {
            "pool_class": "apps.core.redis_connection.SentinelPool",
            "sentinels": sentinels,
            "sentinel_kwargs": {"socket_timeout": 1},
            "socket_timeout": 5,
            **url_parts(url),
        }
    return config


def broker_url(*, url: str, sentinels: list[Address]) -> str:
    """Kombu's form: `sentinel://h1:26379/7;sentinel://h2:26379/7` (with `master_name` in the
    transport options)."""
    if not sentinels:
        return url
    db = url_parts(url)["db"]
    password = urlsplit(url).password
    auth = f":{password}@" if password else ""
    return ";".join(f"sentinel://{auth}{host}:{port}/{db}" for host, port in sentinels)


_clients: dict[int, redis.Redis] = {}
_lock = threading.Lock()


def redis_client() -> redis.Redis:
    """This process's client for our own use of Redis (metrics, health), through Sentinel when
    configured. One per process: a pool must not cross a fork."""
    pid = os.getpid()
    client = _clients.get(pid)
    if client is None:
        with _lock:
            client = _clients.get(pid)
            if client is None:
                client = _clients[pid] = _new_client(
                    url=settings.REDIS_URL,
                    sentinels=settings.REDIS_SENTINELS,
                    master=settings.REDIS_SENTINEL_MASTER,
                )
    return client


def _new_client(*, url: str, sentinels: list[Address], master: str) -> redis.Redis:
    timeouts = {"socket_timeout": 2.0, "socket_connect_timeout": 2.0}
    if not sentinels:
        return redis.Redis.from_url(url, **timeouts)
    sentinel = Sentinel(sentinels, sentinel_kwargs={"socket_timeout": 1})  # type: ignore[no-untyped-call]
    client: redis.Redis = sentinel.master_for(master, **timeouts, **url_parts(url))  # type: ignore[no-untyped-call]
    return client
