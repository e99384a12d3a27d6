"""Scholarly search for a run's research step: every enabled index, deduplicated, ranked, verified.

The indexes are asked in parallel (one thread each, their queries in turn) under one deadline,
SCHOLARLY_TOTAL_SECONDS. Progress is reported from the calling thread only, so a caller may
publish events or touch the database from `on_progress` without thinking about threads.
"""

from __future__ import annotations

import functools
import logging
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor, as_completed
from concurrent.futures import TimeoutError as FuturesTimeout
from dataclasses import dataclass, field
from typing import Literal, Protocol

import httpx
from django.conf import settings

from apps.core import metrics
from apps.scholarly import arxiv, cache, crossref, http, openalex, semantic_scholar
from apps.scholarly.ranking import dedupe, rank
from apps.scholarly.records import Record
from apps.scholarly.verify import verify_records

logger = logging.getLogger(__name__)

# Records verified per run beyond `limit`, so that a mismatch or a retraction among the best
# leaves someone to take its place.
VERIFY_SLACK = 2.0


class SearchFunction(Protocol):
    def __call__(
        self,
        query: str,
        *,
        limit: int,
        client: httpx.Client | None = None,
        sleep: http.Sleep = ...,
    ) -> list[Record]: ...


# The seam: an index is one module with `search(query, *, limit, client) -> list[Record]`.
INDEXES: dict[str, SearchFunction] = {
    openalex.INDEX: openalex.search,
    crossref.INDEX: crossref.search,
    arxiv.INDEX: arxiv.search,
    semantic_scholar.INDEX: semantic_scholar.search,
}

Status = Literal["started", "completed", "failed"]


@dataclass(frozen=True)
class IndexReport:
    index: str  # the research event's `agent`
    status: Status
    query: str
    sources_found: int = 0
    reason: str = ""  # why it failed, for a person: "could not reach api.openalex.org: ..."


@dataclass(frozen=True)
class SearchOutcome:
    records: list[Record]  # citable (verified or unverified), best first, at most `limit`
    rejected: list[Record]  # retracted or mismatched among those considered: warn, never cite
    reports: list[IndexReport] = field(default_factory=list)  # one final report per index
    offline: bool = False  # no index answered: the piece is written without scholarly search
    enabled: bool = True  # SCHOLARLY_SEARCH was on


def scholarly_search(
    *,
    queries: Sequence[str],
    limit: int,
    on_progress: Callable[[IndexReport], None] | None = None,
    sleep: http.Sleep = time.sleep,
) -> SearchOutcome:
    """Search every enabled index for `queries`, keep the best `limit` verified works."""
    wanted = list(dict.fromkeys(q.strip() for q in queries if q.strip()))
    if not settings.SCHOLARLY_SEARCH:
        return SearchOutcome(records=[], rejected=[], offline=True, enabled=False)
    if not wanted or limit <= 0:
        return SearchOutcome(records=[], rejected=[])
    notify = on_progress if on_progress is not None else (lambda report: None)
    label = " | ".join(wanted)
    names = [name for name in settings.SCHOLARLY_INDEXES if name in INDEXES]
    for name in names:
        notify(IndexReport(index=name, status="started", query=label))

    deadline = time.monotonic() + float(settings.SCHOLARLY_TOTAL_SECONDS)
    found: dict[str, list[Record]] = {}
    reports: list[IndexReport] = []
    pool = ThreadPoolExecutor(max_workers=max(1, len(names)), thread_name_prefix="scholarly")
    try:
        futures: dict[Future[list[Record]], str] = {
            pool.submit(_search_index, name, wanted, limit, sleep): name for name in names
        }
        try:
            for future in as_completed(futures, timeout=max(0.0, deadline - time.monotonic())):
                name = futures[future]
                try:
                    found[name] = future.result()
                except http.IndexUnavailable as error:
                    report = IndexReport(name, "failed", label, reason=error.reason)
                else:
                    report = IndexReport(name, "completed", label, len(found[name]))
                reports.append(report)
                metrics.RESEARCH_CALLS.inc(index=name, outcome=report.status)
                notify(report)
        except FuturesTimeout:
            for future, name in futures.items():
                if not future.done():
                    why = f"no answer within {settings.SCHOLARLY_TOTAL_SECONDS:g} s"
                    report = IndexReport(name, "failed", label, reason=why)
                    reports.append(report)
                    metrics.RESEARCH_CALLS.inc(index=name, outcome="timeout")
                    notify(report)
    finally:
        # Threads still waiting on a slow index are abandoned, not awaited: their HTTP timeouts
        # end them soon after.
        pool.shutdown(wait=False, cancel_futures=True)

    reports.sort(key=lambda r: names.index(r.index))
    offline = not any(report.status == "completed" for report in reports)
    everything = [record for name in names for record in found.get(name, [])]
    ranked = rank(dedupe(everything), queries=wanted)
    candidates = ranked[: max(limit, int(limit * VERIFY_SLACK))]
    known = {r.doi: r for r in found.get(crossref.INDEX, []) if r.doi}
    checked = verify_records(candidates, known=known, sleep=sleep, deadline=deadline)
    return SearchOutcome(
        records=[r for r in checked if r.citable][:limit],
        rejected=[r for r in checked if not r.citable],
        reports=reports,
        offline=offline,
    )


def _search_index(name: str, queries: list[str], limit: int, sleep: http.Sleep) -> list[Record]:
    """One index, every query in turn over one connection pool; IndexUnavailable on the first
    failure (an index that cannot answer one query will not answer the next)."""
    search = INDEXES[name]
    records: dict[str, Record] = {}  # by key: one query's hit is not new for the next query
    try:
        with httpx.Client(follow_redirects=True) as client:
            for query in queries:
                fetch = functools.partial(search, query, limit=limit, client=client, sleep=sleep)
                for record in cache.cached_search(name, query, limit, fetch):
                    records.setdefault(record.key, record)
    except http.IndexUnavailable:
        raise
    except Exception as error:  # an index's odd answer (a parsing surprise) must not end a run
        logger.exception("scholarly index=%s failed unexpectedly", name)
        raise http.IndexUnavailable(name, f"unexpected answer ({type(error).__name__})") from error
    return list(records.values())
