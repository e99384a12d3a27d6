"""Gathers what may be cited. Only sources actually retrieved reach the writer."""

from __future__ import annotations

from apps.pipeline.state import PipelineState
from apps.pipeline.text import keywords
from apps.streaming.events import EventType
from apps.streaming.publisher import RunPublisher


def run(state: PipelineState, events: RunPublisher) -> None:
    terms = keywords(state.original_prompt + " " + state.request.prompt)
    query = " ".join(terms) or state.request.prompt[:80]
    events.publish(
        EventType.RESEARCH, query=query, sources_found=0, agent="user_material", status="started"
    )
    # The user's own material is the only source for now: uploads land in a later issue, and a
    # conversation without material has nothing to cite, so nothing is.
    state.sources = []
    events.publish(
        EventType.RESEARCH,
        query=query,
        sources_found=len(state.sources),
        agent="user_material",
        status="completed",
    )
