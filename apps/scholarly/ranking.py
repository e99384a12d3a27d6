"""Deduplicate records across indexes and rank them against the request.

score = W_RELEVANCE · BM25(title + abstract) / best BM25
      + W_RECENCY   · max(0, 1 − age / RECENCY_HORIZON_YEARS)
      + W_CITATIONS · log(1 + citations) / log(1 + most citations)

Each part lies in 0..1, so the weights say what share of the score each part can contribute.
A record whose relevance is under RELEVANCE_FLOOR is dropped whatever its age or fame.
"""

from __future__ import annotations

import dataclasses
import datetime
import math
from collections.abc import Iterable, Sequence

from rank_bm25 import BM25Okapi

from apps.core.text import search_tokens as tokens
from apps.scholarly.records import ARXIV_DOI_PREFIX, Record

W_RELEVANCE = 0.6
W_RECENCY = 0.2
W_CITATIONS = 0.2
RECENCY_HORIZON_YEARS = 25  # a work this old or older gets no recency credit
# Of the best match's BM25. An index answers a query's rarest word too: for "large language
# models and the Turing test" Semantic Scholar returns nanotwin catalysts ("Turing-type") and
# the Church-Turing principle, at 0.11-0.19 of the best, where the works on the subject score
# 0.28 and up (tests/scholarly/fixtures/semantic_scholar_paper_search_turing.json). With no
# floor, recency and citations lifted such works into the cited few.
RELEVANCE_FLOOR = 0.25


def dedupe(records: Iterable[Record]) -> list[Record]:
    """One record per work: the same DOI, the same arXiv id, or the same normalised title + first
    author's family name + year, is one work. Metadata is merged, preferring the richer record."""
    items = list(records)
    parent = list(range(len(items)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    seen: dict[tuple[str, object], int] = {}
    for i, record in enumerate(items):
        keys: list[tuple[str, object]] = []
        if record.doi:
            keys.append(("doi", record.doi))
        if record.arxiv_id:
            keys.append(("arxiv", record.arxiv_id.lower()))
        title, family, year = record.match_key
        if title and family and year:
            keys.append(("tay", (title, family, year)))
        for key in keys:
            if key in seen:
                parent[find(i)] = find(seen[key])
            else:
                seen[key] = i
    groups: dict[int, list[Record]] = {}
    for i, record in enumerate(items):
        groups.setdefault(find(i), []).append(record)
    return [merge(group) for group in groups.values()]


def merge(group: Sequence[Record]) -> Record:
    """The richest record, its gaps filled from the others (first found wins a tie)."""
    if len(group) == 1:
        return group[0]
    base = max(group, key=_richness)
    fills: dict[str, object] = {}
    for name in ("container", "volume", "issue", "pages", "url", "oa_url", "abstract"):
        if not getattr(base, name):
            fills[name] = next((getattr(r, name) for r in group if getattr(r, name)), "")
    for name in ("year", "arxiv_id"):
        if getattr(base, name) is None:
            fills[name] = next((getattr(r, name) for r in group if getattr(r, name)), None)
    if not base.authors:
        fills["authors"] = next((r.authors for r in group if r.authors), ())
    # A journal DOI beats arXiv's DataCite DOI for the same work: it is what gets cited.
    dois = [r.doi for r in group if r.doi]
    journal_dois = [d for d in dois if not d.startswith(ARXIV_DOI_PREFIX)]
    if journal_dois and (not base.doi or base.doi.startswith(ARXIV_DOI_PREFIX)):
        fills["doi"] = journal_dois[0]
    elif not base.doi and dois:
        fills["doi"] = dois[0]
    counts = [r.citation_count for r in group if r.citation_count is not None]
    found_in: list[str] = []
    for record in group:
        found_in.extend(i for i in record.found_in if i not in found_in)
    return dataclasses.replace(
        base,
        **fills,  # type: ignore[arg-type]
        citation_count=max(counts) if counts else None,
        is_retracted=any(r.is_retracted for r in group),
        found_in=tuple(found_in),
    )


def rank(
    records: Sequence[Record], *, queries: Sequence[str], top: int | None = None
) -> list[Record]:
    """`records` (already deduplicated) best first against `queries` (scored on all of them
    together); at most `top`. A record must reach RELEVANCE_FLOOR on one query at least: a
    revision's query asks for a facet of its own, whose works need not match the others."""
    if not records:
        return []
    query = tokens(" ".join(queries))
    corpus = [tokens(f"{r.title} {r.abstract}") or ["_"] for r in records]
    bm25 = BM25Okapi(corpus)
    relevance = list(bm25.get_scores(query)) if query else [0.0] * len(records)
    best = max(relevance)
    relevant = _over_the_floor(bm25, [tokens(q) for q in queries], len(records))
    this_year = datetime.date.today().year
    most_cited = max((r.citation_count or 0 for r in records), default=0)
    scored: list[tuple[float, int, Record]] = []
    for i, (record, score_bm25) in enumerate(zip(records, relevance, strict=True)):
        if query and not (relevant[i] and set(query) & set(corpus[i])):
            continue
        rel = score_bm25 / best if best > 0 else 0.0
        age = this_year - record.year if record.year else RECENCY_HORIZON_YEARS
        recency = max(0.0, 1 - max(age, 0) / RECENCY_HORIZON_YEARS)
        cited = math.log1p(record.citation_count or 0) / math.log1p(most_cited) if most_cited else 0
        score = W_RELEVANCE * rel + W_RECENCY * recency + W_CITATIONS * cited
        scored.append((score, -i, record))
    scored.sort(key=lambda item: (item[0], item[1]), reverse=True)
    ranked = [record for _, _, record in scored]
    return ranked[:top] if top is not None else ranked


def _over_the_floor(bm25: BM25Okapi, queries: list[list[str]], count: int) -> list[bool]:
    """Which records score at least RELEVANCE_FLOOR of the best on some query. A query whose
    best score is not positive (every record holds all its words: BM25 gives them no weight)
    cannot tell records apart, and lets every one through."""
    keep = [False] * count
    for query in queries:
        if not query:
            continue
        scores = list(bm25.get_scores(query))
        best = max(scores)
        for i, score in enumerate(scores):
            if best <= 0 or score >= RELEVANCE_FLOOR * best:
                keep[i] = True
    return keep if any(queries) else [True] * count


def _richness(record: Record) -> tuple[int, int]:
    filled = sum(
        bool(value)
        for value in (
            record.doi,
            record.authors,
            record.year,
            record.container,
            record.volume,
            record.issue,
            record.pages,
            record.abstract,
            record.oa_url,
        )
    )
    return (filled, len(record.abstract))
