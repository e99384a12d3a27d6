"""Scholarly settings are parsed strictly at start-up: the settings module is executed afresh
with the environment under test."""

from __future__ import annotations

import os
import runpy
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.exceptions import ImproperlyConfigured

SETTINGS = Path(__file__).resolve().parents[2] / "handywriterz" / "settings.py"
NAMES = (
    "SCHOLARLY_SEARCH",
    "SCHOLARLY_INDEXES",
    "CONTACT_EMAIL",
    "OPENALEX_URL",
    "SCHOLARLY_TIMEOUT",
    "ARXIV_TIMEOUT",
    "SCHOLARLY_CACHE_SECONDS",
    "SCHOLARLY_RETRIES",
)


def _load(monkeypatch, **env: str) -> dict:
    for name in NAMES:
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(SETTINGS))


def test_defaults(monkeypatch):
    values = _load(monkeypatch)
    assert values["SCHOLARLY_SEARCH"] is True
    assert values["SCHOLARLY_INDEXES"] == ["openalex", "crossref", "arxiv", "semantic_scholar"]
    assert values["OPENALEX_URL"] == "https://api.openalex.org"
    assert values["CROSSREF_URL"] == "https://api.crossref.org"
    assert values["ARXIV_URL"] == "https://export.arxiv.org/api"
    assert values["SEMANTIC_SCHOLAR_URL"] == "https://api.semanticscholar.org/graph/v1"
    assert values["SCHOLARLY_CACHE_SECONDS"] == 86400
    assert values["OPENALEX_TIMEOUT"] == values["SCHOLARLY_TIMEOUT"] == 10


def test_values_from_the_environment(monkeypatch):
    values = _load(
        monkeypatch,
        SCHOLARLY_SEARCH="off",
        SCHOLARLY_INDEXES="crossref, arxiv",
        CONTACT_EMAIL="ops@handywriterz.example",
        SCHOLARLY_TIMEOUT="4.5",
        SCHOLARLY_CACHE_SECONDS="0",
    )
    assert values["SCHOLARLY_SEARCH"] is False
    assert values["SCHOLARLY_INDEXES"] == ["crossref", "arxiv"]
    assert values["CONTACT_EMAIL"] == "ops@handywriterz.example"
    assert values["CROSSREF_TIMEOUT"] == 4.5
    assert values["ARXIV_TIMEOUT"] == 15  # arXiv is given at least 15 s unless set itself
    assert values["SCHOLARLY_CACHE_SECONDS"] == 0


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"SCHOLARLY_SEARCH": "maybe"}, "SCHOLARLY_SEARCH must be a boolean"),
        ({"SCHOLARLY_TIMEOUT": "ten"}, "SCHOLARLY_TIMEOUT must be a number"),
        ({"SCHOLARLY_TIMEOUT": "0"}, "SCHOLARLY_TIMEOUT must be between"),
        ({"SCHOLARLY_CACHE_SECONDS": "-1"}, "SCHOLARLY_CACHE_SECONDS must be between"),
        ({"SCHOLARLY_CACHE_SECONDS": "1.5"}, "SCHOLARLY_CACHE_SECONDS must be a whole number"),
        ({"SCHOLARLY_RETRIES": "9"}, "SCHOLARLY_RETRIES must be between"),
        ({"OPENALEX_URL": "api.openalex.org"}, "OPENALEX_URL must be an http"),
        ({"SCHOLARLY_INDEXES": "openalex,google_scholar"}, "SCHOLARLY_INDEXES may list only"),
        ({"CONTACT_EMAIL": "not-an-address"}, "CONTACT_EMAIL must be an email address"),
    ],
)
def test_a_bad_value_stops_start_up(monkeypatch, env, message):
    with pytest.raises(ImproperlyConfigured, match=message):
        _load(monkeypatch, **env)


def test_tests_run_with_scholarly_search_off_and_no_keys():
    assert os.environ.get("TEST_SCHOLARLY_FROM_ENV") != "1"
    assert django_settings.SCHOLARLY_SEARCH is False
    assert django_settings.OPENALEX_API_KEY == django_settings.SEMANTIC_SCHOLAR_API_KEY == ""
