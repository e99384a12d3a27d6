"""Writing to plan with a real model: one call per section, steered to its word budget.

Models are poor at counting words. Each section gets a share of what is left of the target (so
an early section that ran long or short is made up for by the later ones); a section that stops
well short is continued by a further call, and one that runs long is cut at the first sentence end
past its share. The cut happens while streaming, before the excess reaches a reader, so the
streamed draft and the stored document are the same text; the rest of the call is drained unseen
because its usage (what it cost) only arrives at the end. A continuation that starts by repeating
what the section already says has the repeated sentences dropped.

Lengths are counted as the body's words are (docs/quality.md): without headings and citations.
Every delta passes through the section's StreamResolver (apps.pipeline.resolving) on its way to
the draft, so readers see citations, never handles.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, replace

from apps.pipeline import pricing
from apps.pipeline.providers import prompts
from apps.pipeline.providers.base import Provider, SectionTask, TextDelta
from apps.pipeline.resolving import StreamResolver, prose_words
from apps.pipeline.state import Usage
from apps.pipeline.steps.draft import Draft

# A section is cut at the first sentence end once it has this share of its target...
CAP = 1.05
# ...and continued while it has less than this share, at most MAX_CONTINUATIONS times.
SHORT = 0.92
MAX_CONTINUATIONS = 2
MIN_SECTION_WORDS = 15
PROGRESS_STEP = 10  # a writing event each time a section's bar moves this many percent

# The end of a sentence (with any closing quote or bracket) or of a paragraph.
_SENTENCE_END = re.compile(r"[.!?…][\"'”’)\]]*(?=\s|$)|\n\s*\n")


def heading(index: int, title: str) -> str:
    return f"## {index + 1}. {title}\n\n"


def body_target(*, target: int, written: int, budgets: list[int], index: int) -> int:
    """This section's share of what is left of the target (`written`: the body's words)."""
    left = target - written
    share = left * budgets[index] / max(1, sum(budgets[index:]))
    return max(MIN_SECTION_WORDS, round(share))


def _cut(written: str, delta: str) -> int | None:
    """Just past the first sentence end in `delta` that is not inside brackets (`[S1, p. 4]`
    has a full stop too), if it has one."""
    for match in _SENTENCE_END.finditer(delta):
        before = written + delta[: match.start()]
        if before.rfind("[") <= before.rfind("]") and before.rfind("(") <= before.rfind(")"):
            return match.end()
    return None


def write_section(
    *,
    provider: Provider,
    task: SectionTask,
    target: int,
    draft: Draft,
    usage: Usage,
) -> str:
    """Stream one section body of about `target` words into the draft; return its raw text."""
    section = SectionText()
    stream = StreamResolver(task.handles)
    try:
        for attempt in range(1 + MAX_CONTINUATIONS):
            wanted = target - prose_words(section.text)
            call = replace(
                task, target_words=wanted, continuation_of=section.text if attempt else ""
            )
            before = len(section.text)
            try:
                closed = _stream_call(provider, call, target, section, draft, usage, stream)
            except BaseException:
                # A call cut short (stopped, failed) never reports its usage; count an estimate
                # so that what was spent still counts against the budget.
                usage.add(_estimate(provider.name, call, section.text[before:]))
                raise
            if closed or prose_words(section.text) >= target * SHORT:
                break
        draft.add(stream.finish())
    finally:
        draft.note_removals(stream.removals, section=task.section.title)
    return section.text


@dataclass
class SectionText:
    """A section's text as written so far, shared by the calls that write it."""

    text: str = ""


def _estimate(model: str, task: SectionTask, text: str) -> Usage:
    prompt = len(prompts.system_prompt(task)) + len(prompts.user_prompt(task))
    return pricing.call_usage(model, None, prompt_chars=prompt, written_chars=len(text))


def _stream_call(
    provider: Provider,
    call: SectionTask,
    target: int,
    section: SectionText,
    draft: Draft,
    usage: Usage,
    stream: StreamResolver,
) -> bool:
    """One provider call's deltas into the section and the draft; True when it was cut."""
    # Closed explicitly on the way out, so a stop or an error hangs up on the provider at once.
    items = provider.write_section(call)
    try:
        if call.continuation_of:
            deltas = without_repeats(items, already=call.continuation_of)
        else:
            deltas = without_heading(items)
        return consume(
            deltas,
            title=call.section.title,
            target=target,
            section=section,
            draft=draft,
            usage=usage,
            cap=CAP,
            stream=stream,
        )
    finally:
        close = getattr(items, "close", None)  # generators have it; any iterator will do
        if close is not None:
            close()


_SENTENCE = re.compile(r"[^.!?…]+(?:[.!?…]+[\"'”’)\]]*|$)\s*")


def _normal(sentence: str) -> str:
    return " ".join(re.findall(r"[a-z0-9]+", sentence.lower()))


def without_repeats(
    items: Iterator[TextDelta | Usage], *, already: str
) -> Iterator[TextDelta | Usage]:
    """A continuation without the sentences at its start that the section already has (models
    asked to go on often restate where they stopped). Only the start is held back, until a
    sentence that is new shows up."""
    known = {_normal(s) for s in _SENTENCE.findall(already) if len(_normal(s).split()) >= 4}
    pending = ""
    deciding = True
    for item in items:
        if not deciding or not isinstance(item, TextDelta):
            yield item
            continue
        pending += item.text
        while deciding:
            match = _SENTENCE.match(pending)
            complete = match is not None and match.end() < len(pending)
            if not complete or match is None:
                break
            if _normal(match.group(0)) in known:
                pending = pending[match.end() :]
                continue
            deciding = False
        if not deciding and pending:
            yield TextDelta(pending)
            pending = ""
    if pending and (not deciding or _normal(pending) not in known):
        yield TextDelta(pending)


def without_heading(items: Iterator[TextDelta | Usage]) -> Iterator[TextDelta | Usage]:
    """Drop a heading the model wrote despite being told not to: the writer adds its own. Only
    the first line is held back, and only until it shows whether it is a heading."""
    pending = ""
    decided = False
    for item in items:
        if decided or not isinstance(item, TextDelta):
            yield item
            continue
        pending += item.text
        stripped = pending.lstrip()
        if not stripped:
            continue
        if not stripped.startswith("#"):
            decided = True
            yield TextDelta(stripped)
            continue
        if "\n" in stripped:
            decided = True
            rest = stripped.split("\n", 1)[1].lstrip()
            if rest:
                yield TextDelta(rest)
    if not decided and pending.strip() and not pending.lstrip().startswith("#"):
        yield TextDelta(pending.lstrip())


def consume(
    items: Iterator[TextDelta | Usage],
    *,
    title: str,
    target: int,
    section: SectionText,
    draft: Draft,
    usage: Usage,
    cap: float | None,
    stream: StreamResolver,
) -> bool:
    """Stream a provider's deltas, resolved, into the draft (the raw text into `section`),
    adding up its usage and moving the section's progress bar. With a `cap`, the text is cut at
    the first sentence end past `cap` × `target` words (True is returned, and the rest drained
    unseen)."""
    events = draft.events
    closed = False
    first = True
    written = section.text
    reported = prose_words(written) * 100 // max(1, target)
    for item in items:
        if isinstance(item, Usage):
            usage.add(item)
            continue
        assert isinstance(item, TextDelta)
        if closed:
            draft.cancel.check()
            continue  # drained unseen: the usage comes last
        text = item.text
        if first and written and not written[-1].isspace() and not text[:1].isspace():
            text = " " + text  # a continuation picks up mid-paragraph
        first = False
        if cap is not None and prose_words(written + text) >= target * cap:
            cut = _cut(written, text)
            if cut is not None:
                text, closed = text[:cut], True
        written += text
        section.text = written
        draft.add(stream.feed(text))
        words = prose_words(written)
        progress = min(99, words * 100 // max(1, target))
        if progress - reported >= PROGRESS_STEP:
            reported = progress
            events.writing(section=title, progress=progress, word_count=words, agent="writer")
    return closed
