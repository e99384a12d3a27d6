"""The user's material as research: a conversation's chunks ranked by BM25 for one request."""

from __future__ import annotations

import re
import time
import uuid
from collections.abc import Callable, Sequence

from rank_bm25 import BM25Okapi

from apps.core.sources import Source
from apps.core.text import search_tokens as tokens
from apps.files.models import TextChunk, UploadedFile, csl_name
from apps.files.selectors import chunks_for_files, files_by_ids

MAX_CHUNKS = 20_000  # chunks loaded for one ranking: the material of a very large conversation
_WORD = re.compile(r"[a-z0-9][a-z0-9'’-]*")


def wait_for_files(
    *, file_ids: Sequence[uuid.UUID], timeout: float, on_wait: Callable[[int], None]
) -> list[UploadedFile]:
    """The request's files, once none is still being read (or `timeout` has passed).
    `on_wait(pending)` is called once when there is something to wait for."""
    deadline = time.monotonic() + timeout
    announced = False
    while True:
        files = list(files_by_ids(file_ids=file_ids))
        pending = sum(1 for f in files if f.is_pending)
        if not pending or time.monotonic() >= deadline:
            return files
        if not announced:
            on_wait(pending)
            announced = True
        time.sleep(0.5)


def _source(chunk: TextChunk, score: float) -> Source:
    entry = chunk.entry
    names = tuple(csl_name(a) for a in entry.authors)
    if chunk.page is not None:
        label, locator = "page", str(chunk.page)
    elif chunk.paragraph is not None:
        label, locator = "paragraph", str(chunk.paragraph)
    else:
        label, locator = "", ""
    excerpt = chunk.text
    if chunk.file.is_bibliography:
        # A record's passage is its title then its abstract: only the abstract can be quoted.
        excerpt = excerpt.removeprefix(entry.title).lstrip(". ") if entry.abstract else ""
    return Source(
        key=entry.id.hex,
        title=entry.title,
        authors=names,
        year=entry.year,
        excerpt=excerpt,
        locator=locator,
        locator_label=label,
        heading=chunk.heading,
        file_id=str(chunk.file_id),
        chunk_id=chunk.pk,
        score=round(score, 4),
        csl=entry.to_csl(),
        origin="library" if chunk.file.is_bibliography else "upload",
    )


def rank_sources(*, file_ids: Sequence[uuid.UUID], query: str, limit: int) -> list[Source]:
    """Up to `limit` passages relevant to `query`, best first. Every file contributes at least
    its best passage (the user attached it for a reason), and when fewer than half of `limit`
    share the query's words — "write about the attached papers" — each file's opening passages
    fill the gap, in turn."""
    chunks = list(chunks_for_files(file_ids=file_ids, limit=MAX_CHUNKS))
    if not chunks or limit <= 0:
        return []
    corpus = [tokens(f"{c.heading} {c.text}") for c in chunks]
    query_tokens = tokens(query)
    scores = (
        list(BM25Okapi(corpus).get_scores(query_tokens))
        if query_tokens and any(corpus)
        else [0.0] * len(chunks)
    )
    order = sorted(range(len(chunks)), key=lambda i: (-scores[i], i))
    picked = [i for i in order if scores[i] > 0][:limit]
    by_file: dict[uuid.UUID, list[int]] = {}
    for i in range(len(chunks)):
        by_file.setdefault(chunks[i].file_id, []).append(i)
    for indexes in by_file.values():
        if not any(i in picked for i in indexes):
            best = max(indexes, key=lambda i: (scores[i], -i))
            picked.append(best)
    # Too little overlap with the prompt: take each file's opening passages, round-robin.
    floor = max(1, limit // 2)
    queues = [list(indexes) for indexes in by_file.values()]
    while len(picked) < floor and any(queues):
        for queue in queues:
            while queue and queue[0] in picked:
                queue.pop(0)
            if queue and len(picked) < floor:
                picked.append(queue.pop(0))
    picked.sort(key=lambda i: (-scores[i], i))
    return [_source(chunks[i], scores[i]) for i in picked]
