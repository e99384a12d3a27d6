from __future__ import annotations

from typing import Any

from django.core.checks import CheckMessage, Error

from apps.pipeline.proper_nouns import WORDLIST


def wordlist_installed(**kwargs: Any) -> list[CheckMessage]:
    """Without the word list every APA title would lose its proper nouns' capitals ("heat in
    london"): better to refuse to start than to write such reference lists."""
    if WORDLIST.is_file():
        return []
    return [
        Error(
            f"The word list {WORDLIST} is missing.",
            hint="Install Debian's wbritish package (scripts/system.sh does).",
            id="pipeline.E001",
        )
    ]
