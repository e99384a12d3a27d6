"""Folds a run's events into what the UI shows: a timeline, section progress and the draft.

The conversation page folds the stored log; the HTML stream folds the live tail on top of it, so
both render the same fragments from the same state.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from apps.streaming.events import Event, ResearchEvent


@dataclass
class SectionProgress:
    title: str
    progress: int = 0
    word_count: int = 0


@dataclass
class TimelineItem:
    seq: int
    kind: str
    text: str
    status: str = ""


AGENT_NAMES = {"user_material": "Your material"}


def _research_text(event: ResearchEvent) -> str:
    agent = AGENT_NAMES.get(event["agent"], event["agent"])
    found = event["sources_found"]
    if event["status"] == "started":
        return f"{agent}: searching for {event['query']}"
    if event["status"] == "completed":
        return f"{agent}: {found} passage{'s' if found != 1 else ''} found for {event['query']}"
    return f"{agent}: {event['query']} ({event['status']})"


@dataclass
class RunProgress:
    timeline: list[TimelineItem] = field(default_factory=list)
    sections: dict[str, SectionProgress] = field(default_factory=dict)
    draft: str = ""
    word_count: int = 0
    last_seq: int = 0

    @classmethod
    def from_events(cls, events: Iterable[Event]) -> RunProgress:
        progress = cls()
        for event in events:
            progress.apply(event)
        return progress

    def apply(self, event: Event) -> TimelineItem | None:
        """Fold one event in; return the timeline item it adds, if any."""
        self.last_seq = max(self.last_seq, int(event["seq"]))
        kind = event["type"]
        item: TimelineItem | None = None
        # Compared with the literal tags (not EventType) so that mypy narrows each event's type.
        if event["type"] == "content":
            # `replace`: the message is the whole document so far (citations settled).
            self.draft = event["message"] if event.get("replace") else self.draft + event["message"]
            self.word_count = event["word_count"]
        elif event["type"] == "writing":
            section = self.sections.setdefault(event["section"], SectionProgress(event["section"]))
            section.progress = int(event["progress"])
            section.word_count = int(event["word_count"])
        elif event["type"] == "routing":
            item = TimelineItem(
                event["seq"],
                kind,
                f"Router chose the {event['system']} pipeline "
                f"(complexity {event['complexity']:.1f}/10): {event['reason']}",
            )
        elif event["type"] == "research":
            status = event["status"]
            if status == "completed" and not event["sources_found"]:
                status = "empty"  # nothing found is not a success to show in green
            item = TimelineItem(event["seq"], kind, _research_text(event), status=status)
        elif event["type"] == "usage":
            item = TimelineItem(
                event["seq"],
                kind,
                f"{event['model']}: {event['tokens_in']} tokens in, {event['tokens_out']} out, "
                f"${event['cost_usd']:.4f}",
            )
        elif event["type"] == "done":
            item = TimelineItem(
                event["seq"],
                kind,
                f"{event['message']} — {event['final_word_count']} words in "
                f"{event['processing_time']:.1f} s",
                status="completed",
            )
        elif event["type"] == "error":
            # A stop the user asked for is not a failure.
            stopped = event["error_code"] == "cancelled"
            item = TimelineItem(
                event["seq"],
                kind,
                event["error_message"],
                status="cancelled" if stopped else "failed",
            )
        if item is not None:
            self.timeline.append(item)
        return item

    @property
    def section_list(self) -> list[SectionProgress]:
        return list(self.sections.values())
