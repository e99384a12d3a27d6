"""Checks the result and records a quality report on the run."""

from __future__ import annotations

from apps.pipeline.state import PipelineState
from apps.pipeline.text import word_count
from apps.streaming.publisher import RunPublisher

TOLERANCE = 0.10


def run(state: PipelineState, events: RunPublisher) -> None:
    assert state.outline is not None
    words = word_count(state.document)
    target = state.request.target_word_count
    plan_only = state.request.model == "offline" and not state.sources
    deviation = (words - target) / target
    listed = {s.key for s in state.sources}
    state.quality = {
        "word_count": words,
        "target_word_count": target,
        "deviation": round(deviation, 4),
        # A plan is judged by its budgets, not by its own length.
        "word_count_ok": plan_only or abs(deviation) <= TOLERANCE,
        "budgets_sum_to_target": state.outline.total_budget == target,
        "mode": "plan" if plan_only else "draft",
        "sections": [{"title": s.title, "budget": s.budget} for s in state.outline.sections],
        "uncited_sources": sorted(listed - state.cited_keys),
        "citations_without_source": [],
        "sources_used": len(state.cited_keys),
    }
