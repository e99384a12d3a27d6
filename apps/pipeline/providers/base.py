"""The seam every model provider plugs into."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Protocol

from apps.core.sources import Source
from apps.core.writing import WritingRequest
from apps.pipeline.handles import Handles
from apps.pipeline.state import Outline, OutlineSection, Usage


class ProviderError(Exception):
    """A provider failed for good (retries spent): ends the run with this code."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class SectionTask:
    """Everything a provider needs to write one section. Material and earlier drafts are data
    for the prompt, never instructions."""

    request: WritingRequest
    topic: str
    outline: Outline
    index: int
    section: OutlineSection
    sources: tuple[Source, ...]
    handles: Handles = field(default_factory=Handles)  # the sources' works by handle (S1...)
    revision_of: str | None = None  # the previous draft, when revising
    # Set by the writer, which steers lengths for real models: how many words this call should
    # write (0: the section's budget), and the section so far when a short one is continued.
    target_words: int = 0
    continuation_of: str = ""
    # The conversation's first request (the topic); `request.prompt` is this turn's message.
    original_prompt: str = ""

    @property
    def words_wanted(self) -> int:
        return self.target_words or self.section.budget


@dataclass(frozen=True)
class TextDelta:
    text: str


@dataclass(frozen=True)
class Completion:
    """A short answer in one piece (a title, say), with what it cost."""

    text: str
    usage: Usage


def collect(items: Iterable[TextDelta | Usage], *, model: str) -> Completion:
    """A streamed answer gathered into one: its text and its (last reported) usage."""
    parts: list[str] = []
    usage = Usage(model=model)
    for item in items:
        if isinstance(item, TextDelta):
            parts.append(item.text)
        else:
            usage = item
    return Completion(text="".join(parts).strip(), usage=usage)


class Provider(Protocol):
    name: str
    label: str

    def expected_words(self, task: SectionTask) -> int:
        """How long the section is expected to be, for progress bars."""
        ...

    def write_section(self, task: SectionTask) -> Iterator[TextDelta | Usage]:
        """Stream the section's Markdown as deltas, then report usage once."""
        ...

    def complete(self, *, system: str, prompt: str, max_tokens: int) -> Completion:
        """One short answer to `prompt` (a title): the same call as a section, gathered."""
        ...
