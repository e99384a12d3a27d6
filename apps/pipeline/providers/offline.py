"""The built-in provider used when no model is configured: deterministic and grounded.

With no material it writes a structured plan: every section with its word budget, what it must
argue and what it must cite. With the user's material it writes grounded extractive text: each
section quotes the passages most relevant to it, cited with page numbers (apps.pipeline.grounding).
It never invents a source.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator

from django.conf import settings

from apps.core.text import word_count
from apps.pipeline import grounding
from apps.pipeline.providers.base import Completion, SectionTask, TextDelta
from apps.pipeline.state import Usage

_CHUNK = re.compile(r"\S+\s*|\s+")


class OfflineProvider:
    name = "offline"
    label = "Offline — no AI model: a plan, or cited passages from your files"

    def __init__(self, *, delay: float | None = None) -> None:
        self._delay = settings.OFFLINE_STREAM_DELAY if delay is None else delay

    def section_text(self, task: SectionTask) -> str:
        if task.sources:
            return grounding.render(task.outline, task.sources)[task.index]
        section = task.section
        lines = [
            f"## {task.index + 1}. {section.title}",
            "",
            f"*Word budget: {section.budget} words.* {section.purpose}",
            "",
            "**What it must argue:**",
            "",
        ]
        lines.extend(f"- {point}" for point in section.points)
        lines.append("")
        if section.evidence.startswith("None"):
            lines.append(f"**Evidence to cite:** {section.evidence}")
        else:
            lines.append(
                f"**Evidence to cite:** {section.evidence} No sources are attached yet, so "
                "nothing is cited here."
            )
        lines.append("")
        return "\n".join(lines) + "\n"

    def expected_words(self, task: SectionTask) -> int:
        return max(1, word_count(self.section_text(task)))

    def write_section(self, task: SectionTask) -> Iterator[TextDelta | Usage]:
        text = self.section_text(task)
        pieces = _CHUNK.findall(text)
        # Two words a delta: small enough to look like a model typing, few enough to be cheap.
        for i in range(0, len(pieces), 2):
            if self._delay:
                time.sleep(self._delay)
            yield TextDelta("".join(pieces[i : i + 2]))
        yield Usage(model=self.name)

    def complete(self, *, system: str, prompt: str, max_tokens: int) -> Completion:
        """Without a model there is nothing to ask: an empty answer that costs nothing (the
        caller keeps what it derived itself)."""
        return Completion(text="", usage=Usage(model=self.name))
