"""The typed state every step reads and extends."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from apps.core.sources import Source
from apps.core.writing import WritingRequest
from apps.pipeline.cancel import CancelToken, NeverCancelled
from apps.pipeline.handles import Handles
from apps.pipeline.resolving import Piece

if TYPE_CHECKING:
    from apps.pipeline.steps.revising import Revision


@dataclass(frozen=True)
class Route:
    system: str  # "simple" or "advanced"
    complexity: float  # 0..10
    reason: str

    @property
    def advanced(self) -> bool:
        return self.system == "advanced"


@dataclass(frozen=True)
class OutlineSection:
    title: str
    budget: int  # words
    purpose: str  # what the section must do
    points: tuple[str, ...] = ()  # what it must argue, in order
    evidence: str = ""  # what it must cite


@dataclass(frozen=True)
class Outline:
    title: str
    sections: tuple[OutlineSection, ...]

    @property
    def total_budget(self) -> int:
        return sum(s.budget for s in self.sections)


@dataclass
class Usage:
    model: str
    tokens_in: int = 0
    tokens_out: int = 0
    cost_usd: float = 0.0

    def add(self, other: Usage) -> None:
        self.tokens_in += other.tokens_in
        self.tokens_out += other.tokens_out
        self.cost_usd += other.cost_usd


@dataclass
class PipelineState:
    run_id: uuid.UUID
    conversation_id: uuid.UUID
    request: WritingRequest
    # The conversation's first prompt: the topic, when this run is a follow-up revision.
    original_prompt: str
    previous_draft: str | None = None
    # The previous version's target length: a follow-up that changed it asked for a new length.
    previous_target: int | None = None
    # What an offline revision applied and what it could not (apps.pipeline.steps.revising).
    revision: Revision | None = None
    route: Route | None = None
    # A title the model gave the request (first runs with a model only; "" otherwise).
    title: str = ""
    sources: list[Source] = field(default_factory=list)
    # The retrieved works by handle (S1, S2...): what the model cites (apps.pipeline.handles).
    handles: Handles = field(default_factory=Handles)
    # How research went: each scholarly index's outcome, works rejected (retracted, mismatched).
    research: dict[str, Any] = field(default_factory=dict)
    outline: Outline | None = None
    # The document as readers see it, and the same as pieces: text, and citations that keep
    # the works they cite (so the citations step can render them again with the final list).
    document: str = ""
    pieces: list[Piece] = field(default_factory=list)
    # What was taken out of what the model wrote, and where (the quality report lists it).
    removals: list[dict[str, str]] = field(default_factory=list)
    body_words: int = 0  # see docs/quality.md: the one definition of the document's length
    references: list[str] = field(default_factory=list)
    reference_keys: list[str] = field(default_factory=list)  # the works `references` lists
    usage: Usage | None = None
    quality: dict[str, Any] = field(default_factory=dict)
    # Polled between text deltas and steps; raises RunCancelled once the user asked to stop.
    cancel: CancelToken = field(default_factory=NeverCancelled)

    @property
    def is_revision(self) -> bool:
        return self.previous_draft is not None
