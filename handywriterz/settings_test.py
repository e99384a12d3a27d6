"""Test settings: the real services, kept apart from a developer's own data."""

from __future__ import annotations

import os

# Tests use their own Redis database and prefixes so a running `make run` on the same machine is
# never disturbed. Subprocesses started by tests inherit these through the environment.
# The suite runs the development configuration (no TLS redirects on the test client); the
# production one is checked by its own test (tests/core/test_settings.py).
os.environ.setdefault("DEBUG", "true")
os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/13")
os.environ.setdefault("CHANNEL_LAYER_PREFIX", "hwz-test")
os.environ.setdefault("CACHE_KEY_PREFIX", "hwz-test")
os.environ.setdefault("CELERY_QUEUE", "handywriterz-test")
os.environ.setdefault("OFFLINE_STREAM_DELAY", "0")
# The model's title call is one more request to a faked model: tests of the title turn it on
# (`settings.GENERATED_TITLES = True`); the others count and script their model calls without it.
os.environ.setdefault("GENERATED_TITLES", "false")
# No test may reach a real model: keys from a developer's shell are dropped. Tests that need a
# provider configure it and fake its HTTP (see tests/llm_fakes.py); a worker started by an e2e
# test is pointed at a local fake server and says so with TEST_PROVIDERS_FROM_ENV.
if os.environ.get("TEST_PROVIDERS_FROM_ENV") != "1":
    for _name in (
        "OPENAI_API_KEY",
        "OPENAI_BASE_URL",
        "ANTHROPIC_API_KEY",
        "ANTHROPIC_BASE_URL",
        "LLM_BASE_URL",
        "LLM_API_KEY",
        "LLM_MODELS",
    ):
        os.environ[_name] = ""

# No test may reach a scholarly index either: scholarly search is off in tests and the indexes'
# keys are dropped. A test that exercises it turns it on (`settings.SCHOLARLY_SEARCH = True`) and
# fakes the indexes' HTTP with recorded bodies (tests/scholarly/); a worker started by an e2e test
# against replayed indexes says so with TEST_SCHOLARLY_FROM_ENV=1 and sets the *_URL settings.
if os.environ.get("TEST_SCHOLARLY_FROM_ENV") != "1":
    os.environ["SCHOLARLY_SEARCH"] = "false"
    os.environ["OPENALEX_API_KEY"] = ""
    os.environ["SEMANTIC_SCHOLAR_API_KEY"] = ""

from handywriterz.settings import *

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
