"""The vocabulary of a writing request (SPEC section 3), shared by every layer above core."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

from django.db import models


class WriteupType(models.TextChoices):
    ESSAY = "essay", "Essay"
    REPORT = "report", "Report"
    LITERATURE_REVIEW = "literature_review", "Literature review"
    DISSERTATION_CHAPTER = "dissertation_chapter", "Dissertation chapter"
    RESEARCH_PROPOSAL = "research_proposal", "Research proposal"
    CASE_STUDY = "case_study", "Case study"
    SUMMARY = "summary", "Summary"
    REFLECTION = "reflection", "Reflection"


class CitationStyle(models.TextChoices):
    APA7 = "apa7", "APA 7"
    HARVARD = "harvard", "Harvard"
    MLA9 = "mla9", "MLA 9"
    CHICAGO = "chicago_author_date", "Chicago (author-date)"
    IEEE = "ieee", "IEEE"


class AcademicLevel(models.TextChoices):
    HIGH_SCHOOL = "high_school", "High school"
    UNDERGRADUATE = "undergraduate", "Undergraduate"
    MASTERS = "masters", "Master's"
    DOCTORAL = "doctoral", "Doctoral"


@dataclass(frozen=True)
class WritingRequest:
    """A validated writing request (SPEC section 3), from the compose form or the API."""

    prompt: str
    writeup_type: str
    citation_style: str
    academic_level: str
    target_word_count: int
    model: str
    file_ids: tuple[uuid.UUID, ...] = field(default=())
    # Works the writer excluded from this conversation (their keys): never retrieved again.
    excluded_sources: tuple[str, ...] = field(default=())
