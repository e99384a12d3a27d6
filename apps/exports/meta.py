"""What an export says about the document besides its text: the title page and the style's
page conventions."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from apps.core.writing import CitationStyle

INCOMPLETE_NOTICE = "Incomplete draft"
# Every style's font is Times New Roman 12 pt; the PDF uses Liberation Serif, its metric twin
# from Debian (no font is fetched).
FONT = "Times New Roman"
PDF_FONT = "Liberation Serif"
FONT_SIZE_PT = 12
_DANGLING = frozenset(
    [
        "a",
        "an",
        "and",
        "as",
        "at",
        "by",
        "for",
        "from",
        "in",
        "into",
        "of",
        "on",
        "or",
        "the",
        "their",
        "its",
        "to",
        "with",
    ]
)
_DOUBLE_SPACED = frozenset({CitationStyle.APA7, CitationStyle.MLA9})


@dataclass(frozen=True)
class ExportMeta:
    author: str
    date: datetime.date
    citation_style: str
    version: int
    # A stopped or failed run: its text is what was written before it ended.
    incomplete: bool = False
    incomplete_reason: str = ""
    course: str = ""
    instructor: str = ""
    institution: str = ""

    @property
    def line_spacing(self) -> float:
        return 2.0 if self.citation_style in _DOUBLE_SPACED else 1.5

    @property
    def is_apa(self) -> bool:
        return self.citation_style == CitationStyle.APA7

    def running_head(self, title: str) -> str:
        """APA's running head: the title, shortened to 50 characters, in capitals."""
        head = title.upper()
        if len(head) > 50 and ":" in head[:51]:
            head = head.split(":", 1)[0]
        if len(head) > 50:
            words = head[:51].rsplit(" ", 1)[0].split()
            # Not ending on a dangling "AND THEIR": drop the short words left at the end.
            while len(words) > 1 and words[-1].casefold() in _DANGLING:
                words.pop()
            head = " ".join(words)
        return head.rstrip(" ,;:.-–—")

    @property
    def date_text(self) -> str:
        return f"{self.date.day} {self.date:%B %Y}"

    @property
    def title_page_lines(self) -> list[str]:
        """Below the title: the writer, the optional course details, the date."""
        lines = [self.author, self.institution, self.course, self.instructor, self.date_text]
        return [line for line in lines if line]
