"""Title, authors and year for an upload: its properties, else its first page, else its name.

A year is only ever one the document states: a publication date in its metadata, or a
copyright, "published" or date line on its first page. The date a file was created or saved
says when someone made that copy, not when the work appeared: without a stated year the work
has none, and citations say "n.d."."""

from __future__ import annotations

import re
from datetime import date, datetime
from pathlib import PurePath

_YEAR = re.compile(r"\b(1[5-9]\d\d|20\d\d)\b")
_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_SEASON = r"(?:spring|summer|autumn|fall|winter)"
# "© 2021 The Authors", "Copyright (c) 2019 Elsevier", "Published: 10 March 2020",
# "First published online 2 May 2021", "Publication date: 2020-05-02".
_STATED = re.compile(
    r"(?:©|\(c\)|\bcopyright\b|\b(?:first\s+)?published\b(?:\s+online)?|\bpublication\s+date\b"
    r"|\bdate\s+of\s+publication\b)[^\n]{0,40}?\b(1[5-9]\d\d|20\d\d)\b",
    re.IGNORECASE,
)
# A line that is a date and nothing else, as under a title: "March 2021", "12 March 2021",
# "March 12, 2021", "2021-03-12", "Spring 2021", "2021".
_DATE_LINE = re.compile(
    rf"^(?:(?:\d{{1,2}}\s+)?{_MONTH}\s+(?:\d{{1,2}},?\s+)?|{_SEASON}\s+)?"
    r"(1[5-9]\d\d|20\d\d)(?:-\d{2}(?:-\d{2})?)?$",
    re.IGNORECASE,
)
FRONT_LINES = 40  # how far into the first page a stated year is looked for
TITLE_LINES = 12  # how near the title a bare date line must be
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


_ORGANISATION = re.compile(
    r"\b(?:council|committee|commission|agency|department|ministry|office|government|"
    r"organi[sz]ation|association|society|institute|institution|university|college|school|"
    r"foundation|trust|board|bureau|centre|center|authority|administration|corporation|"
    r"company|group|network|programme|program|service|panel|consortium|federation|union|"
    r"nations|bank|fund|parliament|senate|assembly|court)\b",
    re.IGNORECASE,
)


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
        if _ORGANISATION.search(part):
            # "Harbour City Council" is one body, not Mr H. C. Council.
            names.append({"literal": part.strip()})
        elif "," in part:
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


def _plausible(year: int) -> int | None:
    return year if year <= date.today().year + 1 else None


def stated_year(text: str) -> int | None:
    """The year a copyright or publication line on the first page states."""
    lines = [" ".join(line.split()) for line in text.splitlines()[:FRONT_LINES]]
    for line in lines:
        match = _STATED.search(line)
        if match:
            return _plausible(int(match.group(1)))
    return None


def dated_line_year(text: str) -> int | None:
    """The year of a line near the title that is a date and nothing else."""
    lines = [" ".join(line.split()).strip(" .,") for line in text.splitlines()[:TITLE_LINES]]
    for line in lines:
        match = _DATE_LINE.match(line)
        if match:
            return _plausible(int(match.group(1)))
    return None
