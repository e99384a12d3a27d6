"""The workspace around every page: the history sidebar and its small formatting."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django import template
from django.utils import timezone
from django.utils.timesince import timesince

from apps.conversations.selectors import conversations_search

register = template.Library()

HISTORY_LIMIT = 100


@register.inclusion_tag("conversations/_history_items.html", takes_context=True)
def history_items(context: template.Context) -> dict[str, Any]:
    """The signed-in writer's conversations for the sidebar, filtered by the page's `q`."""
    request = context["request"]
    query = request.GET.get("q", "").strip()
    current = context.get("conversation")
    found = conversations_search(user=request.user, query=query)[: HISTORY_LIMIT + 1]
    items = list(found)
    return {
        "items": items[:HISTORY_LIMIT],
        "more": len(items) > HISTORY_LIMIT,
        "query": query,
        # A search (htmx) says which conversation is open; a page knows it from its context.
        "current_id": str(current.id) if current is not None else request.GET.get("current"),
        "request": request,
        "csrf_token": context.get("csrf_token"),
    }


@register.filter
def ago(moment: datetime | None) -> str:
    """'just now', '5 minutes ago', '2 days ago': the largest unit only."""
    if moment is None:
        return ""
    if timezone.now() - moment < timedelta(minutes=1):
        return "just now"
    return timesince(moment, depth=1) + " ago"
