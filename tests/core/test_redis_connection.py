"""Where Redis is: one URL, or Sentinels naming the master, for every user of Redis."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from apps.core.redis_connection import (
    SentinelPool,
    broker_url,
    cache_config,
    channel_layer_host,
    parse_sentinels,
)

ROOT = Path(__file__).resolve().parents[2]
SENTINELS = [("10.0.0.5", 26379), ("sentinel-2", 26380)]


def test_sentinels_parse_from_host_port_pairs():
    assert parse_sentinels(["10.0.0.5:26379", "sentinel-2:26380"]) == SENTINELS
    assert parse_sentinels(["[::1]:26379"]) == [("::1", 26379)]
    for bad in ("sentinel", "sentinel:port", ":26379"):
        with pytest.raises(ValueError, match="host:port"):
            parse_sentinels([bad])


def test_without_sentinels_everything_dials_the_url():
    url = "redis://:pw@cache:6379/3"
    assert channel_layer_host(url=url, sentinels=[], master="m", socket_timeout=15) == {
        "address": url,
        "socket_timeout": 15,
    }
    assert cache_config(url=url, sentinels=[], master="m", key_prefix="p")["LOCATION"] == url
    assert broker_url(url=url, sentinels=[]) == url


def test_with_sentinels_each_asks_them_for_the_master_keeping_db_and_password():
    url = "redis://:s3cret@ignored:6379/3"
    host = channel_layer_host(url=url, sentinels=SENTINELS, master="prod", socket_timeout=15)
    assert host["sentinels"] == SENTINELS
    assert host["master_name"] == "prod"
    assert (host["db"], host["password"]) == (3, "s3cret")
    cache = cache_config(url=url, sentinels=SENTINELS, master="prod", key_prefix="p")
    assert cache["LOCATION"] == "prod"
    assert cache["OPTIONS"]["pool_class"] == "apps.core.redis_connection.SentinelPool"
    assert (cache["OPTIONS"]["db"], cache["OPTIONS"]["password"]) == (3, "s3cret")
    assert broker_url(url=url, sentinels=SENTINELS) == (
        "sentinel://:s3cret@10.0.0.5:26379/3;sentinel://:s3cret@sentinel-2:26380/3"
    )


def test_the_cache_pool_is_built_the_way_djangos_redis_cache_builds_pools():
    pool = SentinelPool.from_url("prod", sentinels=SENTINELS, db=3, socket_timeout=5)
    assert pool.service_name == "prod"
    assert pool.connection_kwargs["db"] == 3
    assert [
        c.connection_pool.connection_kwargs["port"] for c in pool.sentinel_manager.sentinels
    ] == [
        26379,
        26380,
    ]


def _settings(**env: str) -> subprocess.CompletedProcess[str]:
    code = (
        "import json; from django.conf import settings as s; print(json.dumps(["
        "s.CELERY_BROKER_URL, s.CELERY_BROKER_TRANSPORT_OPTIONS.get('master_name'), "
        "s.CACHES['default']['LOCATION'], "
        "s.CHANNEL_LAYERS['default']['CONFIG']['hosts'][0].get('master_name')]))"
    )
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "handywriterz.settings",
            "ENV_FILE": os.devnull,
            "DEBUG": "true",
            "REDIS_URL": "redis://x/2",
            **env,
        },
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_the_settings_switch_to_sentinel_with_two_variables():
    result = _settings(REDIS_SENTINELS="s1:26379,s2:26379", REDIS_SENTINEL_MASTER="prod")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == [
        "sentinel://s1:26379/2;sentinel://s2:26379/2",
        "prod",
        "prod",
        "prod",
    ]
    bad = _settings(REDIS_SENTINELS="s1")
    assert bad.returncode != 0
    assert "REDIS_SENTINELS: a Sentinel must be host:port" in bad.stderr
