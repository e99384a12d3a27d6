from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from handywriterz.env import env_bool, env_int, env_list, env_number

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    ("raw", "value"), [("true", True), ("1", True), ("YES", True), ("off", False), ("0", False)]
)
def test_booleans_parse(monkeypatch, raw, value):
    monkeypatch.setenv("HWZ_FLAG", raw)
    assert env_bool("HWZ_FLAG", not value) is value


@pytest.mark.parametrize("raw", ["ture", "2", "enabled"])
def test_a_malformed_boolean_is_refused(monkeypatch, raw):
    monkeypatch.setenv("HWZ_FLAG", raw)
    with pytest.raises(ImproperlyConfigured, match="HWZ_FLAG must be a boolean"):
        env_bool("HWZ_FLAG", False)


def test_numbers_are_checked_for_form_and_range(monkeypatch):
    monkeypatch.setenv("HWZ_N", "12")
    assert env_int("HWZ_N", 1, minimum=0, maximum=20) == 12
    monkeypatch.setenv("HWZ_N", "1.5")
    with pytest.raises(ImproperlyConfigured, match="whole number"):
        env_int("HWZ_N", 1, minimum=0, maximum=20)
    monkeypatch.setenv("HWZ_N", "abc")
    with pytest.raises(ImproperlyConfigured, match="must be a number"):
        env_number("HWZ_N", 1, minimum=0, maximum=20)
    monkeypatch.setenv("HWZ_N", "21")
    with pytest.raises(ImproperlyConfigured, match="between 0 and 20"):
        env_int("HWZ_N", 1, minimum=0, maximum=20)


def test_lists_split_on_commas(monkeypatch):
    monkeypatch.setenv("HWZ_L", " a.example, b.example ,,")
    assert env_list("HWZ_L", []) == ["a.example", "b.example"]
    assert env_list("HWZ_MISSING", ["x"]) == ["x"]


def _check(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "SECRET_KEY"}}
    return subprocess.run(
        [sys.executable, "manage.py", "check", *args],
        cwd=ROOT,
        env={
            **clean,
            "DJANGO_SETTINGS_MODULE": "handywriterz.settings",
            "ENV_FILE": os.devnull,  # a developer's .env must not change what is checked
            **env,
        },
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_production_settings_pass_the_deploy_check():
    result = _check(
        "--deploy",
        "--fail-level",
        "WARNING",
        DEBUG="false",
        SECRET_KEY="x" * 60 + "-Production-Key-42",
    )
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_production_without_a_secret_key_refuses_to_start():
    result = _check(DEBUG="false")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def _setting(name: str, **env: str) -> str:
    """What a fresh process's settings say for `name`, with only `env` set on top of the bare
    defaults."""
    clean = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "SECRET_KEY"}}
    result = subprocess.run(
        [sys.executable, "-c", f"from django.conf import settings; print(settings.{name})"],
        cwd=ROOT,
        env={
            **clean,
            "DJANGO_SETTINGS_MODULE": "handywriterz.settings",
            "ENV_FILE": os.devnull,
            **env,
        },
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_debug_unset_means_production_settings():
    secret = "y" * 60 + "-Production-Key-42"
    assert _setting("DEBUG", SECRET_KEY=secret) == "False"
    assert _setting("SESSION_COOKIE_SECURE", SECRET_KEY=secret) == "True"
    assert _setting("SECURE_SSL_REDIRECT", SECRET_KEY=secret) == "True"


def test_debug_unset_without_a_secret_key_refuses_to_start():
    result = _check()
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_development_mode_is_asked_for_with_debug_true():
    assert _setting("DEBUG", DEBUG="true") == "True"
    assert _setting("SECURE_SSL_REDIRECT", DEBUG="true") == "False"
