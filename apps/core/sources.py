"""What may be cited: a retrieved passage of a work, with the work's CSL metadata. Shared by
the layers that retrieve sources (files, scholarly) and the pipeline that cites them."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Source:
    """Something retrieved that may be cited: only retrieved sources can be cited."""

    key: str  # the work's citation key: passages of one work share it
    title: str
    authors: tuple[str, ...]
    year: int | None
    excerpt: str
    locator: str = ""  # where the excerpt is: the page (or paragraph) number
    locator_label: str = ""  # what `locator` counts, as CSL names it: "page" or "paragraph"
    heading: str = ""  # the heading the excerpt sits under, if any
    file_id: str = ""  # the uploaded file the excerpt came from
    chunk_id: int | None = None
    score: float = field(default=0.0, compare=False)  # relevance to the request
    # Where it came from: "upload" or "library" (the writer's files), or the scholarly index
    # that found it ("openalex", "crossref", "arxiv", "semantic_scholar").
    origin: str = ""
    # A found record's check against its registry (apps.scholarly.verify): "verified" or
    # "unverified"; retracted and mismatched works never become sources.
    verification: str = ""
    verification_note: str = ""
    open_access_url: str = ""
    # The work's CSL-JSON, from which citations and references are formatted.
    csl: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)
