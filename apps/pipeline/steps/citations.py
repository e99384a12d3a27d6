"""Appends the reference list. References come from source metadata through citeproc, never
from the model, and are streamed like the rest so the deltas still join to the document."""

from __future__ import annotations

from apps.pipeline import grounding
from apps.pipeline.citing import REFERENCES_HEADING, Citer, audit
from apps.pipeline.state import PipelineState
from apps.pipeline.steps.draft import Draft
from apps.streaming.publisher import RunPublisher


def citer_for(state: PipelineState) -> Citer:
    items = {s.key: {**s.csl, "id": s.key} for s in state.sources}
    return Citer(style=state.request.citation_style, items=items.values())


def citation_order(state: PipelineState) -> list[str]:
    """The works in the order the draft first cites them, which numeric styles number by."""
    if state.request.model == "offline" and state.outline is not None:
        return grounding.plan(state.outline, tuple(state.sources)).citation_order
    return list(dict.fromkeys(s.key for s in state.sources))


def run(state: PipelineState, events: RunPublisher) -> None:
    if not state.sources:
        state.cited_keys = set()
        state.references = []
        state.reference_keys = []
        return
    citer = citer_for(state)
    found = audit(citer=citer, keys=citation_order(state), body=state.document)
    state.cited_keys = set(found.cited)
    references = citer.references(found.cited)
    state.reference_keys = [key for key, _ in references]
    state.references = [entry for _, entry in references]
    if not references:
        return
    heading = REFERENCES_HEADING.get(state.request.citation_style, "References")
    draft = Draft(state, events)  # appends to state.document as it streams
    ending = len(state.document) - len(state.document.rstrip("\n"))
    draft.append("\n" * max(0, 2 - ending) + f"## {heading}\n\n")
    for entry in state.references:
        draft.append(f"{entry}\n\n")
