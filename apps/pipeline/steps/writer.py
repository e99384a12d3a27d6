"""Writes the document section by section, streaming every delta to the reader."""

from __future__ import annotations

from apps.core.text import topic_phrase
from apps.core.writing import WriteupType
from apps.pipeline.providers.base import Provider, ProviderError, SectionTask
from apps.pipeline.providers.registry import OFFLINE_MODEL, get_provider
from apps.pipeline.resolving import HEADER, StreamResolver, prose_words
from apps.pipeline.state import PipelineState, Usage
from apps.pipeline.steps import lengths, revising
from apps.pipeline.steps.draft import Draft
from apps.streaming.publisher import RunPublisher

# Sources from the writer's own files and library; any other origin is a scholarly index.
OWN_ORIGINS = frozenset({"upload", "library"})


def header(state: PipelineState, provider_name: str, *, words: int) -> str:
    """The title, and for the offline provider a note that says what it is: with the length it
    really has (`words`, the body's words), never only the target."""
    assert state.outline is not None
    kind = WriteupType(state.request.writeup_type).label
    target = state.request.target_word_count
    lines = [f"# {state.outline.title}", ""]
    if state.revision is not None:
        lines += [revising.note(state.revision), ""]
    elif state.is_revision:
        lines += [f"> Revision requested: “{topic_phrase(state.request.prompt)}”", ""]
    sections = len(state.outline.sections)
    if provider_name == OFFLINE_MODEL and state.sources:
        lines += [
            f"*{kind}: {words:,} words (target {target:,}) in {sections} sections. Written "
            f"offline, without an AI model: each section quotes {_quoted(state)}.*",
            "",
        ]
    elif provider_name == OFFLINE_MODEL:
        lines += [
            f"*{kind} plan for {target:,} words in {sections} sections ({words:,} words of "
            "plan). Written offline, without an AI model: each section gives its word budget, "
            "what it must argue and what it must cite.*",
            "",
        ]
    return "\n".join(lines) + "\n"


def _quoted(state: PipelineState) -> str:
    """What the offline draft quotes: the writer's files (cited with their page or paragraph),
    the works scholarly search found (their abstracts), or both."""
    own = any(s.origin in OWN_ORIGINS for s in state.sources)
    found = any(s.origin not in OWN_ORIGINS for s in state.sources)
    if own and found:
        return (
            "the passages of your material and of the works scholarly search found most "
            "relevant to it, cited (your files with their page or paragraph)"
        )
    if own:
        return (
            "the passages of your material most relevant to it, cited with their page or paragraph"
        )
    return (
        "the passages of the works scholarly search found most relevant to it (their "
        "abstracts), cited"
    )


def _provider(model: str) -> Provider:
    try:
        return get_provider(model)
    except LookupError:
        raise ProviderError(
            "provider_not_configured",
            f"The model {model!r} is no longer configured; choose another model and resend.",
        ) from None


def _task(state: PipelineState, index: int) -> SectionTask:
    assert state.outline is not None
    return SectionTask(
        request=state.request,
        topic=state.outline.title,
        outline=state.outline,
        index=index,
        section=state.outline.sections[index],
        sources=tuple(state.sources),
        handles=state.handles,
        revision_of=state.previous_draft,
        original_prompt=state.original_prompt,
    )


def run(state: PipelineState, events: RunPublisher) -> None:
    assert state.outline is not None
    provider = _provider(state.request.model)
    draft = Draft(state, events)
    sections = state.outline.sections
    tasks = [_task(state, index) for index in range(len(sections))]
    # The offline text is known before it is streamed: its note can say how long it is. (The
    # citations step checks the note against the final count.)
    planned = (
        sum(prose_words(provider_section_text(provider, t)) for t in tasks)
        if provider.name == OFFLINE_MODEL
        else 0
    )
    draft.append(header(state, provider.name, words=planned), role=HEADER)
    # Kept on the state as it grows: a run that fails half-way still records what it spent.
    # (The router's title call may have started it.)
    if state.usage is None:
        state.usage = Usage(model=provider.name)
    usage = state.usage
    budgets = [s.budget for s in sections]
    for index, (section, task) in enumerate(zip(sections, tasks, strict=True)):
        if provider.name == OFFLINE_MODEL:
            written = _write_offline(provider, task, draft, usage)
        else:
            # A real model writes to plan: the heading is ours, the body is steered to budget.
            target = lengths.body_target(
                target=state.request.target_word_count,
                written=draft.body_words,
                budgets=budgets,
                index=index,
            )
            draft.append(lengths.heading(index, section.title), body=True)
            written = lengths.write_section(
                provider=provider, task=task, target=target, draft=draft, usage=usage
            )
            draft.append("\n\n", body=True)
        events.writing(
            section=section.title,
            progress=100,
            word_count=prose_words(written),
            agent="writer",
        )


def provider_section_text(provider: Provider, task: SectionTask) -> str:
    text = getattr(provider, "section_text", None)
    return str(text(task)) if callable(text) else ""


def _write_offline(provider: Provider, task: SectionTask, draft: Draft, usage: Usage) -> str:
    # The offline text is planned to its budget already: streamed as it comes, never cut.
    section = lengths.SectionText()
    stream = StreamResolver(task.handles)
    lengths.consume(
        provider.write_section(task),
        title=task.section.title,
        target=provider.expected_words(task),
        section=section,
        draft=draft,
        usage=usage,
        cap=None,
        stream=stream,
    )
    draft.add(stream.finish())
    draft.note_removals(stream.removals, section=task.section.title)
    return section.text
