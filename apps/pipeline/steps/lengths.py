"""Writing to plan with a real model: one call per section, steered to its word budget.

Models are poor at counting words. Each section gets a share of what is left of the target (so
an early section that ran long or short is made up for by the later ones); a section that stops
well short is continued by a further call, and one that runs long is cut at the first sentence end
past its share. The cut happens while streaming, before the excess reaches a reader, so the
streamed draft and the stored document are the same text; the rest of the call is drained unseen
because its usage (what it cost) only arrives at the end.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import TYPE_CHECKING

from apps.pipeline.providers.base import Provider, SectionTask, TextDelta
from apps.pipeline.state import Usage
from apps.pipeline.text import word_count
from apps.streaming.events import EventType

if TYPE_CHECKING:
    from apps.pipeline.steps.writer import Draft

# A section is cut at the first sentence end once it has this share of its target...
CAP = 1.05
# ...and continued while it has less than this share, at most MAX_CONTINUATIONS times.
SHORT = 0.92
MAX_CONTINUATIONS = 2
MIN_SECTION_WORDS = 15
PROGRESS_STEP = 10

# The end of a sentence (with any closing quote or bracket) or of a paragraph.
_SENTENCE_END = re.compile(r"[.!?…][\"'”’)\]]*(?=\s|$)|\n\s*\n")


def heading(index: int, title: str) -> str:
    return f"## {index + 1}. {title}\n\n"


def body_target(*, target: int, written: int, budgets: list[int], index: int, title: str) -> int:
    """This section's share of what is left of the target, less its heading."""
    left = target - written
    share = left * budgets[index] / max(1, sum(budgets[index:]))
    return max(MIN_SECTION_WORDS, round(share) - word_count(heading(index, title)))


def _cut(delta: str) -> int | None:
    """Just past the first sentence end in `delta`, if it has one."""
    match = _SENTENCE_END.search(delta)
    return match.end() if match else None


def write_section(
    *,
    provider: Provider,
    task: SectionTask,
    target: int,
    draft: Draft,
    usage: Usage,
) -> str:
    """Stream one section body of about `target` words into the draft; return its text."""
    events = draft.events
    written = ""
    reported = 0
    for attempt in range(1 + MAX_CONTINUATIONS):
        wanted = target - word_count(written)
        call = replace(task, target_words=wanted, continuation_of=written if attempt else "")
        closed = False
        first = True
        for item in provider.write_section(call):
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
            if word_count(written + text) >= target * CAP:
                cut = _cut(text)
                if cut is not None:
                    text, closed = text[:cut], True
            written += text
            draft.append(text)
            words = word_count(written)
            progress = min(99, words * 100 // max(1, target))
            if progress - reported >= PROGRESS_STEP:
                reported = progress
                events.publish(
                    EventType.WRITING,
                    section=task.section.title,
                    progress=progress,
                    word_count=words,
                    agent="writer",
                )
        if closed or word_count(written) >= target * SHORT:
            break
    return written
