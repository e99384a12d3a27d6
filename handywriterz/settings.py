"""HandyWriterz settings, read from the environment.

Every value has a localhost default so that a fresh checkout runs; every value is parsed
strictly, so that a typo in production fails at start-up with ImproperlyConfigured instead of
silently meaning something else.
"""

from __future__ import annotations

import os
import re
from datetime import timedelta
from pathlib import Path
from typing import Any

import django_stubs_ext
import environ
from django.core.exceptions import ImproperlyConfigured

from apps.core.redis_connection import (
    broker_url,
    cache_config,
    channel_layer_host,
    parse_sentinels,
)
from handywriterz.env import (
    env_bool,
    env_int,
    env_list,
    env_number,
    env_prices,
    env_str,
    env_url,
)

# Lets ModelAdmin[Model], Form generics and friends be subscripted at run time.
django_stubs_ext.monkeypatch()

BASE_DIR = Path(__file__).resolve().parent.parent

# A developer's own .env (see .env.example) fills in what the environment does not set;
# ENV_FILE names another one (tests point it at /dev/null to see the bare defaults).
environ.Env.read_env(os.environ.get("ENV_FILE") or BASE_DIR / ".env", overwrite=False)

# Off unless asked for: a deployment that forgets DEBUG gets production settings (secure cookies,
# HSTS, no development secret key), never the development ones. `make run` turns it on.
DEBUG = env_bool("DEBUG", False)

_DEV_SECRET = "dev-only-insecure-secret-key-change-me-in-production-0123456789"  # noqa: S105
SECRET_KEY = env_str("SECRET_KEY", _DEV_SECRET if DEBUG else "")
if not SECRET_KEY:
    raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "daphne",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "template_partials",
    "csp",
    "channels",
    "axes",
    "apps.accounts",
    "apps.conversations",
    "apps.pipeline",
    "apps.streaming",
    "apps.api",
    "apps.exports",
    "apps.files",
    "apps.scholarly",
    "apps.health",
    "apps.privacy",
    "apps.core",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # JSON errors under API_PATH_PREFIX and a 503 page when PostgreSQL or Redis is down: it sits
    # outside everything below, so it sees every error response they make.
    "apps.core.error_responses.ErrorResponseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "apps.core.middleware.RequestContextMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last, as django-axes requires: it answers a locked-out login with the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "handywriterz.urls"
# Every response under this prefix is JSON, errors included.
API_PATH_PREFIX = "/api/"
ASGI_APPLICATION = "handywriterz.asgi.application"
WSGI_APPLICATION = "handywriterz.wsgi.application"

TEMPLATES: list[dict[str, Any]] = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
            ],
        },
    },
]

# --- Data stores -------------------------------------------------------------------------------
_env = environ.Env()
DATABASES = {
    "default": _env.db_url_config(
        env_str("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/handywriterz")
    )
}
DATABASES["default"]["CONN_MAX_AGE"] = env_int("DB_CONN_MAX_AGE", 0, minimum=0, maximum=3600)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DATABASES["default"].setdefault("OPTIONS", {})["connect_timeout"] = env_int(
    "DB_CONNECT_TIMEOUT", 5, minimum=1, maximum=60
)
# A pool per process keeps PostgreSQL's connection count bounded however many requests and open
# streams a Daphne process holds: a thousand streams share a handful of connections. 0 turns it
# off (then DB_CONN_MAX_AGE applies).
DB_POOL_MAX_SIZE = env_int("DB_POOL_MAX_SIZE", 10, minimum=0, maximum=500)
if DB_POOL_MAX_SIZE:
    if DATABASES["default"]["CONN_MAX_AGE"]:
        raise ImproperlyConfigured("DB_CONN_MAX_AGE must be 0 when DB_POOL_MAX_SIZE is set")
    DATABASES["default"]["OPTIONS"]["pool"] = {
        "min_size": 1,
        "max_size": DB_POOL_MAX_SIZE,
        "timeout": env_number("DB_POOL_TIMEOUT", 10, minimum=0.1, maximum=300),
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env_str("REDIS_URL", "redis://127.0.0.1:6379/0")
if not REDIS_URL.startswith(("redis://", "rediss://", "unix://")):
    raise ImproperlyConfigured(f"REDIS_URL must be a redis:// URL, got {REDIS_URL!r}")
# Redis Sentinel (docs in README, "Scale-out"): `host:port,host:port`. When set, the channel layer,
# the cache, the Celery broker and our own clients find the master through the Sentinels, and
# REDIS_URL gives only the database number and password.
try:
    REDIS_SENTINELS = parse_sentinels(env_list("REDIS_SENTINELS", []))
except ValueError as _error:
    raise ImproperlyConfigured(f"REDIS_SENTINELS: {_error}") from None
REDIS_SENTINEL_MASTER = env_str("REDIS_SENTINEL_MASTER", "mymaster")

CACHE_KEY_PREFIX = env_str("CACHE_KEY_PREFIX", "hwz")  # also the prefix of the metrics' keys
CACHES = {
    "default": cache_config(
        url=REDIS_URL,
        sentinels=REDIS_SENTINELS,
        master=REDIS_SENTINEL_MASTER,
        key_prefix=CACHE_KEY_PREFIX,
    )
}

# The channel layer is the fast path for run events; the RunEvent table is the truth. The core
# layer is at-most-once and drops messages to a channel over capacity: the stream backfills gaps.
CHANNEL_LAYERS: dict[str, dict[str, Any]] = {
    "default": {
        "BACKEND": "apps.streaming.layers.ChannelLayer",
        "CONFIG": {
            # redis-py 8 times socket reads out after 5 s by default; a receive blocks in
            # BZPOPMIN for a second (apps/streaming/layers.py): the read must outlast it.
            "hosts": [
                channel_layer_host(
                    url=REDIS_URL,
                    sentinels=REDIS_SENTINELS,
                    master=REDIS_SENTINEL_MASTER,
                    socket_timeout=15,
                )
            ],
            "prefix": env_str("CHANNEL_LAYER_PREFIX", "hwz"),
            "capacity": env_int("CHANNEL_LAYER_CAPACITY", 500, minimum=10, maximum=100_000),
            "expiry": 60,
            "group_expiry": 86400,
        },
    }
}

# --- Celery ------------------------------------------------------------------------------------
CELERY_BROKER_URL = env_str(
    "CELERY_BROKER_URL", broker_url(url=REDIS_URL, sentinels=REDIS_SENTINELS)
)
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_DEFAULT_QUEUE = env_str("CELERY_QUEUE", "handywriterz")
CELERY_TASK_SOFT_TIME_LIMIT = env_int("RUN_SOFT_TIME_LIMIT", 900, minimum=10, maximum=86400)
CELERY_TASK_TIME_LIMIT = CELERY_TASK_SOFT_TIME_LIMIT + 60
CELERY_BROKER_TRANSPORT_OPTIONS: dict[str, Any] = {
    "visibility_timeout": CELERY_TASK_TIME_LIMIT + 300,
    # A Redis that vanished without closing the socket (a host lost, a failover) is noticed
    # in seconds rather than at the kernel's TCP timeout.
    "socket_connect_timeout": 5,
    "socket_keepalive": True,
    "health_check_interval": 10,
    "retry_on_timeout": True,
}
if REDIS_SENTINELS:
    CELERY_BROKER_TRANSPORT_OPTIONS["master_name"] = REDIS_SENTINEL_MASTER
    CELERY_BROKER_TRANSPORT_OPTIONS["sentinel_kwargs"] = {"socket_timeout": 1}
# Workers survive broker restarts (issue 10): reconnect for as long as it takes, at startup too.
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_CONNECTION_RETRY = True
CELERY_BROKER_CONNECTION_MAX_RETRIES = None
# A run in flight keeps going while the broker is away: its lease, events and result go to
# PostgreSQL. (True would kill it, and the redelivery would then find it lost.)
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = False
# A running run holds a lease its worker renews every third of this (seconds); when the worker
# dies the lease lapses, and the sweep, run by Celery beat every RUN_SWEEP_SECONDS, or the
# redelivered task ends the run as `worker_lost` (docs: README "Reliability").
RUN_LEASE_SECONDS = env_number("RUN_LEASE_SECONDS", 15, minimum=1, maximum=3600)
RUN_SWEEP_SECONDS = env_number("RUN_SWEEP_SECONDS", 10, minimum=0.5, maximum=3600)
# A run still queued this long after it was made may have lost its task (the broker refused it,
# or the web process died between the commit and the publish): the sweep sends it again, at most
# once per this long. A run whose task was only waiting is claimed once, by whichever comes first.
RUN_REQUEUE_SECONDS = env_number("RUN_REQUEUE_SECONDS", 120, minimum=5, maximum=86400)
CELERY_BEAT_SCHEDULE = {
    "fail-abandoned-runs": {
        "task": "pipeline.fail_abandoned_runs",
        "schedule": RUN_SWEEP_SECONDS,
        # A sweep that waited longer than the next one is worth nothing: they never pile up.
        "options": {"expires": RUN_SWEEP_SECONDS},
    }
}
CELERY_WORKER_HIJACK_ROOT_LOGGER = False

# --- Auth --------------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # First: refuses a locked-out username or address before any password is checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Login throttling (django-axes; apps/accounts/throttling.py): after LOGIN_FAILURE_LIMIT failed
# passwords for one username, or failed passwords or API tokens from one address, that username
# or address waits LOGIN_LOCKOUT_MINUTES. Staff unlock in the admin.
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5, minimum=1, maximum=1000)
AXES_COOLOFF_TIME = timedelta(
    minutes=env_int("LOGIN_LOCKOUT_MINUTES", 15, minimum=1, maximum=10080)
)
AXES_LOCKOUT_PARAMETERS = "apps.accounts.throttling.lockout_parameters"
AXES_LOCKOUT_CALLABLE = "apps.accounts.throttling.lockout_response"
AXES_RESET_ON_SUCCESS = True
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
AXES_VERBOSE = False
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "conversations:list"
LOGOUT_REDIRECT_URL = "accounts:login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- I18N / static -----------------------------------------------------------------------------
LANGUAGE_CODE = "en-gb"
TIME_ZONE = env_str("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = DEBUG

# --- Security ----------------------------------------------------------------------------------
# Secure by default whenever DEBUG is off; each can still be overridden (e.g. TLS terminated by a
# proxy that sets X-Forwarded-Proto).
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", not DEBUG)
SECURE_HSTS_SECONDS = env_int(
    "SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000, minimum=0, maximum=63072000
)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", not DEBUG)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", not DEBUG)
if env_bool("USE_X_FORWARDED_PROTO", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# htmx needs no inline script or eval; the only inline style is none. Everything is same-origin.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

# --- Product -----------------------------------------------------------------------------------
# Submissions (new requests, follow-ups, uploads) per writer, e.g. "30/m" or "500/h".
SUBMISSION_RATE = env_str("SUBMISSION_RATE", "30/m")
if not re.fullmatch(r"\d+/\d*[smhd]", SUBMISSION_RATE):
    raise ImproperlyConfigured(f"SUBMISSION_RATE must look like 30/m, got {SUBMISSION_RATE!r}")
RATELIMIT_USE_CACHE = "default"

# Seconds the offline provider waits between text deltas, so a person sees the draft arrive.
OFFLINE_STREAM_DELAY = env_number("OFFLINE_STREAM_DELAY", 0.012, minimum=0, maximum=2)
# A new conversation run on a model gets its title from that model (one call of a few tokens);
# off, it keeps the title derived from the request, as offline runs do.
GENERATED_TITLES = env_bool("GENERATED_TITLES", True)
# How often the run card's streaming draft is rendered again (seconds).
DRAFT_RENDER_SECONDS = env_number("DRAFT_RENDER_SECONDS", 0.25, minimum=0.05, maximum=5)
# Content deltas are coalesced into one stored/sent event at most this often (seconds).
CONTENT_COALESCE_SECONDS = env_number("CONTENT_COALESCE_SECONDS", 0.05, minimum=0, maximum=5)
SSE_HEARTBEAT_SECONDS = env_number("SSE_HEARTBEAT_SECONDS", 15, minimum=0.05, maximum=300)

# --- Model providers (docs/providers.md) ---------------------------------------------------------
# A provider is configured when its key (or, for OpenAI-compatible servers, its base URL) is set;
# its models are then offered first, and `offline` stays available last.
OPENAI_API_KEY = env_str("OPENAI_API_KEY", "")
OPENAI_MODELS = env_list("OPENAI_MODELS", ["gpt-4o-mini", "gpt-4o"])
ANTHROPIC_API_KEY = env_str("ANTHROPIC_API_KEY", "")
ANTHROPIC_MODELS = env_list("ANTHROPIC_MODELS", ["claude-sonnet-4-6", "claude-haiku-4-5"])
# Where OpenAI's and Anthropic's own APIs are reached: empty is the SDK's default; set for a
# proxy or gateway, or a local test double speaking the same wire format.
OPENAI_BASE_URL = env_url("OPENAI_BASE_URL")
ANTHROPIC_BASE_URL = env_url("ANTHROPIC_BASE_URL")
LLM_BASE_URL = env_url("LLM_BASE_URL")
LLM_API_KEY = env_str("LLM_API_KEY", "")
LLM_MODELS = env_list("LLM_MODELS", [])
# The model the compose form and the API choose when none is named; empty: the first configured.
DEFAULT_MODEL = env_str("DEFAULT_MODEL", "")
if LLM_BASE_URL and not LLM_MODELS:
    raise ImproperlyConfigured("LLM_MODELS must list the model names served at LLM_BASE_URL")
# Seconds without a byte from the provider before a call fails, and how often a call that hit a
# 429, a 5xx or a broken connection is retried (with exponential backoff, honouring retry-after).
LLM_TIMEOUT = env_number("LLM_TIMEOUT", 60, minimum=1, maximum=600)
LLM_MAX_RETRIES = env_int("LLM_MAX_RETRIES", 3, minimum=0, maximum=10)


# USD per million tokens (input, output), from the providers' public price lists. A model missing
# here costs nothing (a local server); list paid OpenAI-compatible models in MODEL_PRICES.
MODEL_PRICES = env_prices(
    "MODEL_PRICES",
    {
        "gpt-4o-mini": (0.15, 0.60),
        "gpt-4o": (2.50, 10.00),
        "gpt-4.1": (2.00, 8.00),
        "gpt-4.1-mini": (0.40, 1.60),
        "gpt-4.1-nano": (0.10, 0.40),
        "claude-sonnet-4-6": (3.00, 15.00),
        "claude-sonnet-4-5": (3.00, 15.00),
        "claude-haiku-4-5": (1.00, 5.00),
        "claude-opus-4-5": (5.00, 25.00),
    },
)
# What a writer may spend a calendar month (UTC) unless staff set their own budget in admin.
MONTHLY_BUDGET_USD = env_number("MONTHLY_BUDGET_USD", 10.0, minimum=0, maximum=1_000_000)
# How often a running pipeline looks for a stop request between text deltas (seconds).
CANCEL_CHECK_SECONDS = env_number("CANCEL_CHECK_SECONDS", 0.2, minimum=0, maximum=5)

FLOWER_URL = env_str("FLOWER_URL", "http://127.0.0.1:5555/")

# --- Uploads (docs/uploads.md) -------------------------------------------------------------------
# Uploaded files live here, per user, under random names; never under static/ and never served
# directly (MEDIA_URL is not routed): downloads go through an owner-only view.
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "media")))
MAX_FILE_SIZE = env_int("MAX_FILE_SIZE", 25 * 1024 * 1024, minimum=1024, maximum=1024**3)
MAX_FILE_COUNT = env_int("MAX_FILE_COUNT", 20, minimum=1, maximum=1000)
# Django's own hard stop sits above ours so that ours, with its clearer message, answers first.
DATA_UPLOAD_MAX_NUMBER_FILES = MAX_FILE_COUNT * 2
FILE_UPLOAD_HANDLERS = [
    "apps.files.uploads.SizeLimitUploadHandler",  # drops the bytes of a file over the limit
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
# A DOCX is a zip: refuse it before parsing when it would inflate past these (zip bombs).
DOCX_MAX_UNCOMPRESSED = env_int(
    "DOCX_MAX_UNCOMPRESSED", 200 * 1024 * 1024, minimum=1024, maximum=1024**3
)
DOCX_MAX_RATIO = env_int("DOCX_MAX_RATIO", 100, minimum=2, maximum=10_000)
# Seconds one file's extraction may take before it is stopped and marked failed.
FILE_EXTRACT_TIME_LIMIT = env_number("FILE_EXTRACT_TIME_LIMIT", 120, minimum=0.1, maximum=3600)
# Seconds the research step waits for attached files still being extracted.
FILE_WAIT_SECONDS = env_number("FILE_WAIT_SECONDS", 120, minimum=0, maximum=3600)

# --- Scholarly search (docs/research.md) -------------------------------------------------------
# OpenAlex, Crossref, arXiv and Semantic Scholar, asked by the research step when this is on.
SCHOLARLY_SEARCH = env_bool("SCHOLARLY_SEARCH", True)
_SCHOLARLY_INDEXES = ["openalex", "crossref", "arxiv", "semantic_scholar"]
SCHOLARLY_INDEXES = env_list("SCHOLARLY_INDEXES", _SCHOLARLY_INDEXES)
if unknown := set(SCHOLARLY_INDEXES) - set(_SCHOLARLY_INDEXES):
    raise ImproperlyConfigured(
        f"SCHOLARLY_INDEXES may list only {', '.join(_SCHOLARLY_INDEXES)}; got {sorted(unknown)}"
    )
# Sent as `mailto` (Crossref's and OpenAlex's polite pools) and in the User-Agent.
CONTACT_EMAIL = env_str("CONTACT_EMAIL", "")
if CONTACT_EMAIL and not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", CONTACT_EMAIL):
    raise ImproperlyConfigured(f"CONTACT_EMAIL must be an email address, got {CONTACT_EMAIL!r}")
OPENALEX_API_KEY = env_str("OPENALEX_API_KEY", "")  # required by OpenAlex since 2026
SEMANTIC_SCHOLAR_API_KEY = env_str("SEMANTIC_SCHOLAR_API_KEY", "")  # optional: higher limits
# Base URLs as each API documents them; point them at a mirror, a proxy or a test double.
OPENALEX_URL = env_str("OPENALEX_URL", "https://api.openalex.org")
CROSSREF_URL = env_str("CROSSREF_URL", "https://api.crossref.org")
ARXIV_URL = env_str("ARXIV_URL", "https://export.arxiv.org/api")
SEMANTIC_SCHOLAR_URL = env_str("SEMANTIC_SCHOLAR_URL", "https://api.semanticscholar.org/graph/v1")
for _name in ("OPENALEX_URL", "CROSSREF_URL", "ARXIV_URL", "SEMANTIC_SCHOLAR_URL"):
    if not globals()[_name].startswith(("http://", "https://")):
        raise ImproperlyConfigured(f"{_name} must be an http(s) URL, got {globals()[_name]!r}")
# Seconds one request to an index may take (each index can be given its own), how often a 429 or
# 5xx is retried, the longest Retry-After we honour, and the whole search's time budget.
SCHOLARLY_TIMEOUT = env_number("SCHOLARLY_TIMEOUT", 10, minimum=0.5, maximum=120)
OPENALEX_TIMEOUT = env_number("OPENALEX_TIMEOUT", SCHOLARLY_TIMEOUT, minimum=0.5, maximum=120)
CROSSREF_TIMEOUT = env_number("CROSSREF_TIMEOUT", SCHOLARLY_TIMEOUT, minimum=0.5, maximum=120)
ARXIV_TIMEOUT = env_number("ARXIV_TIMEOUT", max(SCHOLARLY_TIMEOUT, 15), minimum=0.5, maximum=120)
SEMANTIC_SCHOLAR_TIMEOUT = env_number(
    "SEMANTIC_SCHOLAR_TIMEOUT", SCHOLARLY_TIMEOUT, minimum=0.5, maximum=120
)
SCHOLARLY_RETRIES = env_int("SCHOLARLY_RETRIES", 2, minimum=0, maximum=5)
SCHOLARLY_MAX_RETRY_WAIT = env_number("SCHOLARLY_MAX_RETRY_WAIT", 20, minimum=0, maximum=300)
SCHOLARLY_TOTAL_SECONDS = env_number("SCHOLARLY_TOTAL_SECONDS", 60, minimum=1, maximum=900)
# Index answers are cached in Redis this long (a day); 0 turns the cache off.
SCHOLARLY_CACHE_SECONDS = env_int("SCHOLARLY_CACHE_SECONDS", 86400, minimum=0, maximum=30 * 86400)

# --- Operations --------------------------------------------------------------------------------
# `/metrics` answers only `Authorization: Bearer <METRICS_TOKEN>`; unset, it is off (404).
METRICS_TOKEN = env_str("METRICS_TOKEN", "")

# --- Logging: one JSON object per record, to stdout ----------------------------------------------
# Each carries request_id, user_id, run_id and trace_id where known (apps/core/logcontext.py).
LOG_LEVEL = env_str("LOG_LEVEL", "INFO").upper()
if LOG_LEVEL not in {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}:
    raise ImproperlyConfigured(f"LOG_LEVEL must be a logging level name, got {LOG_LEVEL!r}")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"context": {"()": "apps.core.logcontext.ContextFilter"}},
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(process)d %(message)s",
            "rename_fields": {"asctime": "ts", "levelname": "level", "name": "logger"},
            "timestamp": False,
        }
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "json",
            "filters": ["context"],
        }
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # WeasyPrint logs every layout step of every export at INFO.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}
