"""Checks the result and records the quality report the writer sees (docs/quality.md).

- Length: the body's words (the text of the sections between the title and the reference list,
  without headings and without in-text citations, so the count does not depend on the style)
  against the target, ±10 %.
- Citations: how many were resolved from handles, what was removed and why, and an independent
  audit of the finished text: every in-text citation maps to a listed work and every listed work
  is cited.
- Sources: retrieved and cited.
- Support: per cited sentence, whether its passages support it (apps.pipeline.quality.support).
- Originality: the share of the body copied from a source outside quotation marks
  (apps.pipeline.quality.originality).
"""

from __future__ import annotations

import uuid
from collections import Counter
from typing import Any

from apps.core.text import word_count
from apps.pipeline.citing import REFERENCES_HEADING, audit
from apps.pipeline.quality import originality, support
from apps.pipeline.rendering import cited_keys, citer_for
from apps.pipeline.resolving import REMOVAL_LABELS
from apps.pipeline.state import PipelineState
from apps.pipeline.steps.draft import body_words
from apps.streaming.publisher import RunPublisher

TOLERANCE = 0.10
WORD_DEFINITION = (
    "words of the sections' text between the title and the reference list, "
    "without headings and without in-text citations"
)


def body_text(state: PipelineState) -> str:
    """The document without its reference list: what citations are audited on."""
    heading = REFERENCES_HEADING.get(state.request.citation_style, "References")
    marker = f"## {heading}\n"
    if state.references and marker in state.document:
        return state.document[: state.document.rindex(marker)]
    return state.document


def _citations(state: PipelineState, body: str) -> dict[str, Any]:
    """The independent audit: citations found in the text by what citeproc renders for each
    listed work, and whatever else in it looks like a citation."""
    if not state.reference_keys:
        found_unmatched = audit(
            citer=citer_for(style=state.request.citation_style, handles=state.handles, keys=[]),
            keys=[],
            body=body,
        ).unmatched
        return {"uncited": [], "unmatched": found_unmatched}
    citer = citer_for(
        style=state.request.citation_style, handles=state.handles, keys=state.reference_keys
    )
    found = audit(citer=citer, keys=state.reference_keys, body=body)
    titles = {w.key: w.title for w in state.handles.works}
    return {
        "uncited": [titles.get(k, k) for k in state.reference_keys if k not in found.cited],
        "unmatched": found.unmatched,
    }


def _sources(state: PipelineState) -> list[dict[str, Any]]:
    cited = set(cited_keys(state.pieces))
    sources = []
    for work in state.handles.works:
        first = work.passages[0]
        csl = first.csl
        found = first.origin not in ("", "upload", "library")
        sources.append(
            {
                "handle": work.handle,
                "key": work.key,
                "title": work.title,
                "authors": list(work.authors),
                "year": work.year,
                "venue": csl.get("container-title") or csl.get("publisher") or "",
                "doi": csl.get("DOI") or "",
                "url": csl.get("URL") or "",
                "open_access_url": first.open_access_url,
                "origin": first.origin,
                "verification": first.verification,
                "verification_note": first.verification_note,
                "cited": work.key in cited,
                "passages": len(work.passages),
                # The writer's own library entry (an upload's work key is its entry's id),
                # which they can correct; a found record's metadata, which they can save.
                "entry_id": str(uuid.UUID(work.key)) if first.file_id else None,
                "csl": csl if found else None,
            }
        )
    return sources


def report(state: PipelineState) -> dict[str, Any]:
    assert state.outline is not None
    body = body_text(state)
    words = body_words(state.pieces)
    target = state.request.target_word_count
    plan_only = state.request.model == "offline" and not state.sources
    deviation = (words - target) / target
    audited = _citations(state, body)
    removed = state.removals
    by_kind = Counter(r["kind"] for r in removed)
    checks = support.check(state.pieces, state.handles)
    supported = sum(1 for c in checks if c.supported)
    copied = originality.measure(
        "".join(p.text for p in state.pieces if p.body and not p.is_citation), state.sources
    )
    resolved = sum(1 for p in state.pieces if p.is_citation)
    return {
        "mode": "plan" if plan_only else "draft",
        # Length, by the one definition (docs/quality.md).
        "word_count": words,
        "word_definition": WORD_DEFINITION,
        "target_word_count": target,
        "deviation": round(deviation, 4),
        "tolerance": TOLERANCE,
        # A plan is judged by its budgets, not by its own length.
        "word_count_ok": plan_only or abs(deviation) <= TOLERANCE,
        "budgets_sum_to_target": state.outline.total_budget == target,
        "sections": [{"title": s.title, "budget": s.budget} for s in state.outline.sections],
        # Citations: resolved from handles; removed (what and why); the independent audit.
        "citations_resolved": resolved,
        "citations_removed": removed,
        "citations_removed_by_kind": dict(by_kind),
        "removal_labels": {kind: REMOVAL_LABELS[kind] for kind in by_kind},
        "uncited_sources": audited["uncited"],
        "citations_without_source": audited["unmatched"],
        "citations_ok": not audited["uncited"] and not audited["unmatched"],
        # Sources.
        "sources_retrieved": len(state.handles.works),
        "passages_retrieved": len(state.sources),
        "sources_used": len(state.reference_keys),
        "references": len(state.references),
        "sources": _sources(state),
        "research": state.research,
        # Support and originality.
        "support": {
            "method": support.METHOD,
            "checked": len(checks),
            "supported": supported,
            "share": round(supported / len(checks), 4) if checks else None,
            "sentences": [c.as_dict() for c in checks[:200]],
        },
        "originality": copied.as_dict(),
        "document_words": word_count(state.document),
    }


def run(state: PipelineState, events: RunPublisher) -> None:
    state.quality = report(state)
