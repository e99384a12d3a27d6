"""Settles the citations and appends the reference list.

Citations were rendered live as the draft streamed, with every retrieved work in view. Now that
the document is written they are rendered once more with only the works it cites, so a year
suffix (2020a) stays only where both works are listed and numbers follow first citation; the
offline note's length is checked against the real count. Where the text already sent changes,
readers get the whole document again (a `content` event with `replace`). The reference list
comes from the cited works' metadata through citeproc, never from the model, and is streamed
like the rest so the deltas still join to the document.
"""

from __future__ import annotations

from apps.pipeline.citing import REFERENCES_HEADING
from apps.pipeline.rendering import cited_keys, citer_for, render_final
from apps.pipeline.resolving import HEADER, Piece
from apps.pipeline.state import PipelineState
from apps.pipeline.steps.draft import Draft, body_words
from apps.pipeline.steps.writer import header
from apps.streaming.publisher import RunPublisher


def _settled(state: PipelineState) -> str:
    words = body_words(state.pieces)
    state.pieces = [
        Piece(header(state, state.request.model, words=words), body=False, role=HEADER)
        if piece.role == HEADER
        else piece
        for piece in state.pieces
    ]
    style = state.request.citation_style
    rendered = iter(render_final(style=style, handles=state.handles, pieces=state.pieces))
    return "".join(next(rendered) if p.is_citation else p.text for p in state.pieces)


def run(state: PipelineState, events: RunPublisher) -> None:
    draft = Draft(state, events)
    draft.replace(_settled(state))
    keys = cited_keys(state.pieces)
    if not keys:
        state.references, state.reference_keys = [], []
        return
    citer = citer_for(style=state.request.citation_style, handles=state.handles, keys=keys)
    references = citer.references(keys)
    state.reference_keys = [key for key, _ in references]
    state.references = [entry for _, entry in references]
    heading = REFERENCES_HEADING.get(state.request.citation_style, "References")
    ending = len(state.document) - len(state.document.rstrip("\n"))
    draft.append("\n" * max(0, 2 - ending) + f"## {heading}\n\n")
    for entry in state.references:
        draft.append(f"{entry}\n\n")
