"""Deduplicate records across indexes and rank them against the request.

score = W_RELEVANCE · BM25(title + abstract) / best BM25
      + W_RECENCY   · max(0, 1 − age / RECENCY_HORIZON_YEARS)
      + W_CITATIONS · log(1 + citations) / log(1 + most citations)

Each part lies in 0..1, so the weights say what share of the score each part can contribute.
A record that is not on the subject of one of the queries (`on_subject`) is dropped whatever its
score, age or fame.
"""

from __future__ import annotations

import dataclasses
import datetime
import itertools
import math
from collections.abc import Iterable, Sequence

from rank_bm25 import BM25Okapi

from apps.core.text import search_tokens as tokens
from apps.scholarly.records import ARXIV_DOI_PREFIX, Record

W_RELEVANCE = 0.6
W_RECENCY = 0.2
W_CITATIONS = 0.2
RECENCY_HORIZON_YEARS = 25  # a work this old or older gets no recency credit


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
    """`records` (already deduplicated) on the subject of one of `queries` at least, best first
    (scored against all of them together); at most `top`."""
    if not records:
        return []
    query = tokens(" ".join(queries))
    corpus = [tokens(f"{r.title} {r.abstract}") or ["_"] for r in records]
    relevance = list(BM25Okapi(corpus).get_scores(query)) if query else [0.0] * len(records)
    best = max(relevance)
    asked = [words for words in (tokens(q) for q in queries) if words]
    this_year = datetime.date.today().year
    most_cited = max((r.citation_count or 0 for r in records), default=0)
    scored: list[tuple[float, int, Record]] = []
    for i, (record, bm25) in enumerate(zip(records, relevance, strict=True)):
        if asked and not any(on_subject(corpus[i], words) for words in asked):
            continue
        rel = bm25 / best if best > 0 else 0.0
        age = this_year - record.year if record.year else RECENCY_HORIZON_YEARS
        recency = max(0.0, 1 - max(age, 0) / RECENCY_HORIZON_YEARS)
        cited = math.log1p(record.citation_count or 0) / math.log1p(most_cited) if most_cited else 0
        score = W_RELEVANCE * rel + W_RECENCY * recency + W_CITATIONS * cited
        scored.append((score, -i, record))
    scored.sort(key=lambda item: (item[0], item[1]), reverse=True)
    ranked = [record for _, _, record in scored]
    return ranked[:top] if top is not None else ranked


def on_subject(words: Sequence[str], query: Sequence[str]) -> bool:
    """Whether a work (the words of its title and abstract) is on a query's subject, not merely
    sharing a word with it: two of the query's words side by side ("turing test", "language
    model"), or more than half of its words. An index answers a query's rarest word too: for
    "large language models and the Turing test" Semantic Scholar returns nanotwin catalysts
    ("Turing-type") and the Church-Turing principle, and BM25 puts them among the works on the
    subject (0.25-0.37 of the best, where works on the Turing test score 0.22-0.25), so no floor
    on its score tells them apart."""
    terms = set(query)
    if len(terms) < 2:
        return bool(terms & set(words))
    if set(itertools.pairwise(query)) & set(itertools.pairwise(words)):
        return True
    return 2 * len(terms & set(words)) > len(terms)


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
