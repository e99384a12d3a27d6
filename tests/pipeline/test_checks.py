from __future__ import annotations

from pathlib import Path

import pytest

from apps.pipeline import checks


def test_the_installed_word_list_passes():
    assert checks.wordlist_installed() == []


def test_a_missing_word_list_stops_the_start(monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    monkeypatch.setattr(checks, "WORDLIST", tmp_path / "missing")
    (error,) = checks.wordlist_installed()
    assert error.id == "pipeline.E001"
    assert "wbritish" in (error.hint or "")
