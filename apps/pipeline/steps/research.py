"""Gathers what may be cited. Only sources actually retrieved reach the writer.

Two agents: the writer's own material (uploads and library, ranked by BM25), and — where the
network allows — scholarly search (OpenAlex, Crossref, arXiv, Semantic Scholar; apps.scholarly),
whose verified records become sources like any other: cited by handle, listed from metadata.
Works the writer excluded are never retrieved again. An index that is down only costs its own
records: its `research` event says why, and the run goes on.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings

from apps.core.sources import Source
from apps.core.text import keywords, topic_phrase
from apps.files.research import rank_sources, wait_for_files
from apps.pipeline.handles import Handles
from apps.pipeline.state import PipelineState
from apps.scholarly.records import Record
from apps.scholarly.services import IndexReport, SearchOutcome, scholarly_search
from apps.streaming.publisher import RunPublisher

AGENT = "user_material"
WORDS_PER_PASSAGE = 60  # words of the draft one retrieved passage can carry, roughly
# Works taken from scholarly search: enough for the piece, more for an advanced run.
SCHOLARLY_SIMPLE, SCHOLARLY_ADVANCED = 8, 15


def passage_limit(state: PipelineState) -> int:
    """How many passages to retrieve: enough to fill the target, more for advanced runs."""
    limit = max(6, min(40, state.request.target_word_count // WORDS_PER_PASSAGE))
    if state.route is not None and state.route.advanced:
        limit = min(60, limit * 3 // 2)
    return limit


def _material(state: PipelineState, events: RunPublisher, query: str) -> list[Source]:
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
    text = state.original_prompt + " " + state.request.prompt
    excluded = set(state.request.excluded_sources)
    found = [
        s
        for s in rank_sources(file_ids=ready, query=text, limit=passage_limit(state))
        if s.key not in excluded
    ]
    unusable = [f.original_name for f in files if not f.is_ready]
    events.research(
        query=query + (f" (not used, not readable: {', '.join(unusable)})" if unusable else ""),
        sources_found=len(found),
        agent=AGENT,
        status="completed",
    )
    return found


def _queries(state: PipelineState) -> list[str]:
    """What to ask the indexes: the topic as a phrase, and its key terms."""
    topic = topic_phrase(state.original_prompt)
    terms = " ".join(keywords(state.original_prompt)[:8])
    queries = [topic, terms]
    if state.is_revision:
        queries.append(" ".join(keywords(state.request.prompt)[:6]))
    return [q for q in dict.fromkeys(queries) if q]


def _source(record: Record) -> Source:
    return Source(
        key=record.key,
        title=record.title,
        authors=tuple(_display(name) for name in record.authors),
        year=record.year,
        excerpt=record.abstract,
        csl=record.csl,
        score=0.0,
        origin=record.index,
        verification=str(record.verification),
        verification_note=record.verification_note,
        open_access_url=record.oa_url,
    )


def _display(name: Any) -> str:
    if "literal" in name:
        return str(name["literal"])
    return ", ".join(part for part in (name.get("family", ""), name.get("given", "")) if part)


def _rejected(record: Record) -> dict[str, Any]:
    return {
        "title": record.title,
        "year": record.year,
        "doi": record.doi,
        "origin": record.index,
        "verification": str(record.verification),
        "note": record.verification_note,
    }


def _scholarly(state: PipelineState, events: RunPublisher) -> SearchOutcome:
    limit = (
        SCHOLARLY_ADVANCED
        if state.route is not None and state.route.advanced
        else (SCHOLARLY_SIMPLE)
    )

    def progress(report: IndexReport) -> None:
        query = report.query if report.status != "failed" else f"{report.query}: {report.reason}"
        events.research(
            query=query,
            sources_found=report.sources_found,
            agent=report.index,
            status=report.status,
        )

    excluded = set(state.request.excluded_sources)
    # A few more than needed, so that excluded works leave room for others.
    outcome = scholarly_search(
        queries=_queries(state), limit=limit + len(excluded), on_progress=progress
    )
    kept = [r for r in outcome.records if r.key not in excluded and r.abstract][:limit]
    return SearchOutcome(
        records=kept,
        rejected=outcome.rejected,
        reports=outcome.reports,
        offline=outcome.offline,
        enabled=outcome.enabled,
    )


def run(state: PipelineState, events: RunPublisher) -> None:
    terms = keywords(state.original_prompt)
    if state.is_revision:
        # Each prompt's key terms on their own: a follow-up adds its terms to the topic's.
        terms = list(dict.fromkeys(terms + keywords(state.request.prompt)))
    query = " ".join(terms) or state.request.prompt[:80]
    material = _material(state, events, query)
    outcome = _scholarly(state, events)
    state.sources = material + [_source(record) for record in outcome.records]
    state.handles = Handles.of(state.sources)
    state.research = {
        "scholarly_enabled": outcome.enabled,
        # On, but no index answered: the piece is written without scholarly search.
        "scholarly_offline": outcome.enabled and outcome.offline,
        "indexes": [
            {
                "index": r.index,
                "status": r.status,
                "sources_found": r.sources_found,
                "reason": r.reason,
            }
            for r in outcome.reports
        ],
        "rejected": [_rejected(record) for record in outcome.rejected],
        "excluded": list(state.request.excluded_sources),
    }
