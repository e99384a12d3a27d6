"""Test settings: the real services, kept apart from a developer's own data."""

from __future__ import annotations

import os

# Tests use their own Redis database and prefixes so a running `make run` on the same machine is
# never disturbed. Subprocesses started by tests inherit these through the environment.
os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/13")
os.environ.setdefault("CHANNEL_LAYER_PREFIX", "hwz-test")
os.environ.setdefault("CACHE_KEY_PREFIX", "hwz-test")
os.environ.setdefault("CELERY_QUEUE", "handywriterz-test")
os.environ.setdefault("OFFLINE_STREAM_DELAY", "0")

from handywriterz.settings import *

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
