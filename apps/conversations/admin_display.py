"""Read-only views of a run for staff: its quality report and the sources it had to work with.

Everything shown is escaped (format_html): reports and titles come from models and uploads.
"""

from __future__ import annotations

import json
from typing import Any

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from apps.conversations.models import Run
from apps.files.models import LibraryEntry
from apps.streaming.events import EventType


def _value(value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "NO"
    if isinstance(value, dict | list):
        return json.dumps(value, indent=1, ensure_ascii=False)
    return str(value)


def run_quality_html(run: Run) -> SafeString:
    # The works are shown under "sources".
    report = {k: v for k, v in (run.quality_report or {}).items() if k != "sources"}
    if not report:
        return format_html("<p>{}</p>", "No quality report (the run did not finish).")
    rows = format_html_join(
        "",
        '<tr><th style="text-align:left">{}</th><td><pre style="margin:0">{}</pre></td></tr>',
        ((key, _value(value)) for key, value in report.items()),
    )
    return format_html("<table>{}</table>", rows)


def run_sources_html(run: Run) -> SafeString:
    """What the run searched and what it could cite: each index's research outcome, and the
    writer's attached files with their works."""
    research = [
        e.payload
        for e in run.events.filter(type=EventType.RESEARCH).order_by("seq")
        if e.payload.get("status") in ("completed", "failed")
    ]
    searched = format_html_join(
        "",
        "<li>{} — {} ({} found): {}</li>",
        (
            (p.get("agent", ""), p.get("status", ""), p.get("sources_found", 0), p.get("query", ""))
            for p in research
        ),
    )
    works_used = [w for w in (run.quality_report or {}).get("sources", []) if isinstance(w, dict)]
    retrieved = format_html_join(
        "",
        "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
        (
            (
                w.get("handle", ""),
                "; ".join(map(str, w.get("authors", []))) or "—",
                w.get("year") or "n.d.",
                w.get("title", ""),
                "cited" if w.get("cited") else "not cited",
                w.get("passages", 0),
            )
            for w in works_used
        ),
    )
    files = list(run.conversation.files.order_by("created_at"))
    entries = LibraryEntry.objects.filter(file__in=files).order_by("file", "created_at")
    works = format_html_join(
        "",
        "<li>{} ({}). {}{}</li>",
        (
            (e.author_line or "—", e.year or "n.d.", e.title, f" doi:{e.doi}" if e.doi else "")
            for e in entries
        ),
    )
    attached = format_html_join(
        "", "<li>{} — {}</li>", ((f.original_name, f.status) for f in files)
    )
    return format_html(
        "<p><strong>Works the run could cite</strong></p>"
        "<table><tr><th>handle</th><th>authors</th><th>year</th><th>title</th><th>cited</th>"
        "<th>passages</th></tr>{}</table>"
        "<p><strong>Research</strong></p><ul>{}</ul>"
        "<p><strong>Attached files</strong></p><ul>{}</ul>"
        "<p><strong>Works in those files</strong></p><ul>{}</ul>",
        retrieved or format_html('<tr><td colspan="6">{}</td></tr>', "none"),
        searched or format_html("<li>{}</li>", "none"),
        attached or format_html("<li>{}</li>", "none"),
        works or format_html("<li>{}</li>", "none"),
    )
