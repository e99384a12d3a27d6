"""Writes the document section by section, streaming every delta to the reader."""

from __future__ import annotations

from apps.core.text import topic_phrase, word_count
from apps.core.writing import WriteupType
from apps.pipeline.cancel import CancelToken
from apps.pipeline.providers.base import Provider, ProviderError, SectionTask, TextDelta
from apps.pipeline.providers.registry import OFFLINE_MODEL, get_provider
from apps.pipeline.state import PipelineState, Usage
from apps.pipeline.steps import lengths
from apps.streaming.publisher import RunPublisher

PROGRESS_STEP = 10  # a writing event each time a section's bar moves this many percent


class Draft:
    """The document as streamed so far, kept in the state as it grows so that a run that fails
    or is stopped keeps what was written: what is appended here is exactly what readers get.
    Every delta is also a point where a stop request is noticed."""

    def __init__(self, state: PipelineState, events: RunPublisher) -> None:
        self._state = state
        self.events = events
        self.cancel: CancelToken = state.cancel
        # Words are counted once, up to the last whitespace seen: recounting the whole document
        # on every delta would be quadratic in its length.
        self._counted_upto = len(state.document)
        self._counted = word_count(state.document)

    @property
    def text(self) -> str:
        return self._state.document

    def append(self, delta: str) -> None:
        self.cancel.check()
        document = self._state.document = self._state.document + delta
        boundary = max(document.rfind(" "), document.rfind("\n"))
        if boundary > self._counted_upto:
            self._counted += word_count(document[self._counted_upto : boundary])
            self._counted_upto = boundary
        total = self._counted + word_count(document[self._counted_upto :])
        self.events.content(delta, word_count=total)


def _header(state: PipelineState, provider_name: str) -> str:
    assert state.outline is not None
    kind = WriteupType(state.request.writeup_type).label
    lines = [f"# {state.outline.title}", ""]
    if state.is_revision:
        lines += [f"> Revision requested: “{topic_phrase(state.request.prompt)}”", ""]
    if provider_name == OFFLINE_MODEL and state.sources:
        lines += [
            f"*{kind}, {state.request.target_word_count:,} words in "
            f"{len(state.outline.sections)} sections. Written offline, without an AI model: "
            "each section quotes the passages of your material most relevant to it, cited with "
            "their page or paragraph.*",
            "",
        ]
    elif provider_name == OFFLINE_MODEL:
        lines += [
            f"*{kind} plan, {state.request.target_word_count:,} words in "
            f"{len(state.outline.sections)} sections. Written offline, without an AI model: "
            "each section gives its word budget, what it must argue and what it must cite.*",
            "",
        ]
    return "\n".join(lines) + "\n"


def _provider(model: str) -> Provider:
    try:
        return get_provider(model)
    except LookupError:
        raise ProviderError(
            "provider_not_configured",
            f"The model {model!r} is no longer configured; choose another model and resend.",
        ) from None


def run(state: PipelineState, events: RunPublisher) -> None:
    assert state.outline is not None
    provider = _provider(state.request.model)
    draft = Draft(state, events)
    draft.append(_header(state, provider.name))
    # Kept on the state as it grows: a run that fails half-way still records what it spent.
    usage = state.usage = Usage(model=provider.name)
    sections = state.outline.sections
    budgets = [s.budget for s in sections]
    for index, section in enumerate(sections):
        task = SectionTask(
            request=state.request,
            topic=state.outline.title,
            outline=state.outline,
            index=index,
            section=section,
            sources=tuple(state.sources),
            revision_of=state.previous_draft,
            original_prompt=state.original_prompt,
        )
        if provider.name == OFFLINE_MODEL:
            written = _write_offline(provider, task, draft, usage)
        else:
            # A real model writes to plan: the heading is ours, the body is steered to budget.
            target = lengths.body_target(
                target=state.request.target_word_count,
                written=word_count(draft.text),
                budgets=budgets,
                index=index,
                title=section.title,
            )
            draft.append(lengths.heading(index, section.title))
            written = lengths.write_section(
                provider=provider, task=task, target=target, draft=draft, usage=usage
            )
            draft.append("\n\n")
        events.writing(
            section=section.title,
            progress=100,
            word_count=word_count(written),
            agent="writer",
        )


def _write_offline(provider: Provider, task: SectionTask, draft: Draft, usage: Usage) -> str:
    expected = provider.expected_words(task)
    written = ""
    reported = 0
    for item in provider.write_section(task):
        if isinstance(item, Usage):
            usage.add(item)
            continue
        assert isinstance(item, TextDelta)
        written += item.text
        draft.append(item.text)
        progress = min(99, word_count(written) * 100 // expected)
        if progress - reported >= PROGRESS_STEP:
            reported = progress
            draft.events.writing(
                section=task.section.title,
                progress=progress,
                word_count=word_count(written),
                agent="writer",
            )
    return written
