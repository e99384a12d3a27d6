"""Scores how demanding the request is and picks the simple or the advanced pipeline."""

from __future__ import annotations

from django.conf import settings

from apps.core.writing import AcademicLevel, WriteupType
from apps.pipeline.providers.registry import OFFLINE_MODEL, get_provider
from apps.pipeline.state import PipelineState, Route
from apps.pipeline.titles import generate_title
from apps.streaming.publisher import RunPublisher

ADVANCED_THRESHOLD = 5.0

_LEVEL = {
    AcademicLevel.HIGH_SCHOOL: 0.0,
    AcademicLevel.UNDERGRADUATE: 1.0,
    AcademicLevel.MASTERS: 2.0,
    AcademicLevel.DOCTORAL: 3.0,
}
_TYPE = {
    WriteupType.SUMMARY: 0.0,
    WriteupType.REFLECTION: 0.5,
    WriteupType.ESSAY: 1.0,
    WriteupType.CASE_STUDY: 1.5,
    WriteupType.REPORT: 1.5,
    WriteupType.RESEARCH_PROPOSAL: 2.0,
    WriteupType.LITERATURE_REVIEW: 2.5,
    WriteupType.DISSERTATION_CHAPTER: 2.5,
}


def score(state: PipelineState) -> Route:
    request = state.request
    words = request.target_word_count
    length = 0.0 if words < 800 else 1.0 if words < 2000 else 2.0 if words < 5000 else 3.0
    prompt = min(1.0, len(request.prompt) / 1500)
    files = 0.5 if request.file_ids else 0.0
    level = _LEVEL.get(AcademicLevel(request.academic_level), 1.0)
    kind = _TYPE.get(WriteupType(request.writeup_type), 1.0)
    complexity = round(min(10.0, length + prompt + files + level + kind), 1)
    system = "advanced" if complexity >= ADVANCED_THRESHOLD else "simple"
    reason = (
        f"{words:,} words, {WriteupType(request.writeup_type).label.lower()} at "
        f"{AcademicLevel(request.academic_level).label.lower()} level"
        + (", with attached material" if request.file_ids else "")
        + (
            ": more sections, more sources and a review pass"
            if system == "advanced"
            else ": a focused structure is enough"
        )
    )
    return Route(system=system, complexity=complexity, reason=reason)


def name(state: PipelineState) -> None:
    """A new conversation with a model gets a title from it: one cheap call. Offline, and for
    follow-ups, the title derived from the request stays."""
    if not settings.GENERATED_TITLES or state.is_revision or state.request.model == OFFLINE_MODEL:
        return
    try:
        provider = get_provider(state.request.model)
    except LookupError:
        return  # the writer step says so, with the error the run ends on
    state.title, usage = generate_title(provider=provider, request_text=state.request.prompt)
    if usage is not None:
        state.usage = usage  # the writer adds the sections' usage to it


def run(state: PipelineState, events: RunPublisher) -> None:
    name(state)
    state.route = score(state)
    events.routing(
        system=state.route.system,
        complexity=state.route.complexity,
        reason=state.route.reason,
    )
