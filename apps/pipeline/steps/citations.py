"""Collects what the draft cites. References come from source metadata, never from the model."""

from __future__ import annotations

from apps.pipeline.state import PipelineState
from apps.streaming.publisher import RunPublisher


def run(state: PipelineState, events: RunPublisher) -> None:
    # With no retrieved sources there is nothing to cite and no reference list to write; the
    # CSL-based formatter arrives with uploaded material.
    state.cited_keys = {s.key for s in state.sources if s.key in state.document}
    state.references = []
