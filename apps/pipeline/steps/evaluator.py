"""Checks the result and records a quality report on the run."""

from __future__ import annotations

from apps.core.text import word_count
from apps.pipeline.citing import REFERENCES_HEADING, audit
from apps.pipeline.state import PipelineState
from apps.pipeline.steps.citations import citer_for
from apps.streaming.publisher import RunPublisher

TOLERANCE = 0.10


def _body(state: PipelineState) -> str:
    """The document without its reference list: what word counts and citations are judged on."""
    heading = REFERENCES_HEADING.get(state.request.citation_style, "References")
    marker = f"## {heading}\n"
    if state.references and marker in state.document:
        return state.document[: state.document.rindex(marker)]
    return state.document


def _citation_check(state: PipelineState, body: str) -> tuple[list[str], list[str]]:
    """Listed works never cited in the body, and in-text citations that match no listed work."""
    if not state.sources:
        return [], []
    found = audit(citer=citer_for(state), keys=state.reference_keys, body=body)
    titles = {s.key: s.title for s in state.sources}
    uncited = [titles.get(k, k) for k in state.reference_keys if k not in found.cited]
    return uncited, found.unmatched


def run(state: PipelineState, events: RunPublisher) -> None:
    assert state.outline is not None
    body = _body(state)
    words = word_count(body)
    target = state.request.target_word_count
    plan_only = state.request.model == "offline" and not state.sources
    deviation = (words - target) / target
    uncited, unmatched = _citation_check(state, body)
    state.quality = {
        "word_count": words,  # without the reference list
        "target_word_count": target,
        "deviation": round(deviation, 4),
        # A plan is judged by its budgets, not by its own length.
        "word_count_ok": plan_only or abs(deviation) <= TOLERANCE,
        "budgets_sum_to_target": state.outline.total_budget == target,
        "mode": "plan" if plan_only else "draft",
        "sections": [{"title": s.title, "budget": s.budget} for s in state.outline.sections],
        # Every in-text citation maps to a listed source, and every listed source is cited.
        "uncited_sources": uncited,
        "citations_without_source": unmatched,
        "citations_ok": not uncited and not unmatched,
        "sources_retrieved": len({s.key for s in state.sources}),
        "passages_retrieved": len(state.sources),
        "sources_used": len(state.cited_keys),
        "references": len(state.references),
    }
