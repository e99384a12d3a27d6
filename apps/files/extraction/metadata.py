"""Title, authors and year for an upload: its properties, else its first page, else its name."""

from __future__ import annotations

import re
from datetime import date, datetime
from pathlib import PurePath

_YEAR = re.compile(r"\b(1[5-9]\d\d|20\d\d)\b")
# Titles that document properties carry but nobody wrote.
_JUNK_TITLE = re.compile(
    r"^(untitled|document\d*|microsoft word\b.*|.*\.(docx?|pdf|tex|txt|odt|rtf))$", re.IGNORECASE
)
_NAME_SPLIT = re.compile(r"\s*;\s*|\s+and\s+|\s*&\s*", re.IGNORECASE)


def clean_title(value: object) -> str:
    title = " ".join(str(value or "").split()).strip(" .")
    if not title or _JUNK_TITLE.match(title) or len(title) < 3:
        return ""
    return title[:500]


def title_from_filename(name: str) -> str:
    stem = PurePath(name).stem
    return " ".join(re.sub(r"[_]+", " ", stem).split()) or name


def title_from_text(text: str) -> str:
    """The first line that reads like a title: a few words, not a running header or a number."""
    for line in text.splitlines()[:15]:
        words = line.split()
        if 2 <= len(words) <= 25 and sum(c.isalpha() for c in line) > len(line) / 2:
            return clean_title(line)
    return ""


def parse_names(value: object) -> list[dict[str, str]]:
    """'Jane Smith; John Doe', 'Smith, Jane and Doe, John' → CSL names."""
    raw = " ".join(str(value or "").split())
    if not raw:
        return []
    parts = [p for p in _NAME_SPLIT.split(raw) if p]
    # "Smith, Jane, Doe, John" is ambiguous; with commas only, read each part as one name.
    if len(parts) == 1 and raw.count(",") > 1:
        parts = [p.strip() for p in raw.split(",") if p.strip()]
    names: list[dict[str, str]] = []
    for part in parts[:30]:
        if "," in part:
            family, _, given = part.partition(",")
            names.append({"family": family.strip(), "given": given.strip()})
        elif " " in part:
            given, _, family = part.rpartition(" ")
            names.append({"family": family, "given": given})
        else:
            names.append({"literal": part})
    return [n for n in names if any(n.values())]


def year_from(value: object) -> int | None:
    if isinstance(value, datetime | date):
        return value.year
    match = _YEAR.search(str(value or ""))
    return int(match.group(1)) if match else None
