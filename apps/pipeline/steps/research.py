"""Gathers what may be cited. Only sources actually retrieved reach the writer."""

from __future__ import annotations

from django.conf import settings

from apps.core.text import keywords
from apps.files.research import rank_sources, wait_for_files
from apps.pipeline.handles import Handles
from apps.pipeline.state import PipelineState
from apps.streaming.publisher import RunPublisher

AGENT = "user_material"
WORDS_PER_PASSAGE = 60  # words of the draft one retrieved passage can carry, roughly


def passage_limit(state: PipelineState) -> int:
    """How many passages to retrieve: enough to fill the target, more for advanced runs."""
    limit = max(6, min(40, state.request.target_word_count // WORDS_PER_PASSAGE))
    if state.route is not None and state.route.advanced:
        limit = min(60, limit * 3 // 2)
    return limit


def run(state: PipelineState, events: RunPublisher) -> None:
    text = state.original_prompt + " " + state.request.prompt
    terms = keywords(state.original_prompt)
    if state.is_revision:
        # Each prompt's key terms on their own: a follow-up adds its terms to the topic's.
        terms = list(dict.fromkeys(terms + keywords(state.request.prompt)))
    query = " ".join(terms) or state.request.prompt[:80]
    events.research(query=query, sources_found=0, agent=AGENT, status="started")

    def waiting(pending: int) -> None:
        events.research(
            query=f"waiting for {pending} attached file(s) to be read",
            sources_found=0,
            agent=AGENT,
            status="progress",
        )

    files = wait_for_files(
        file_ids=state.request.file_ids,
        timeout=settings.FILE_WAIT_SECONDS,
        on_wait=waiting,
    )
    ready = [f.id for f in files if f.is_ready]
    # The whole prompt is the query: BM25 weighs its words, the keywords are for people.
    state.sources = rank_sources(file_ids=ready, query=text, limit=passage_limit(state))
    state.handles = Handles.of(state.sources)
    unusable = [f.original_name for f in files if not f.is_ready]
    events.research(
        query=query + (f" (not used, not readable: {', '.join(unusable)})" if unusable else ""),
        sources_found=len(state.sources),
        agent=AGENT,
        status="completed",
    )
