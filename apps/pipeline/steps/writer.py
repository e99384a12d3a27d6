"""Writes the document section by section, streaming every delta to the reader."""

from __future__ import annotations

from apps.core.text import topic_phrase, word_count
from apps.core.writing import WriteupType
from apps.pipeline.providers.base import Provider, ProviderError, SectionTask
from apps.pipeline.providers.registry import OFFLINE_MODEL, get_provider
from apps.pipeline.state import PipelineState, Usage
from apps.pipeline.steps import lengths
from apps.pipeline.steps.draft import Draft
from apps.streaming.publisher import RunPublisher


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
    # The offline text is planned to its budget already: streamed as it comes, never cut.
    section = lengths.SectionText()
    lengths.consume(
        provider.write_section(task),
        title=task.section.title,
        target=provider.expected_words(task),
        section=section,
        draft=draft,
        usage=usage,
        cap=None,
    )
    return section.text
