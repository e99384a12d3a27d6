"""How often a writer may submit work (new requests, follow-ups, uploads), counted in the Redis
cache across the UI and the API together, so switching between them buys nothing."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.http import HttpRequest
from django_ratelimit.core import is_ratelimited

MESSAGE = "You are sending requests too quickly. Wait a minute, then try again."


def _user_key(group: str, request: HttpRequest) -> str:
    return str(request.user.pk)


def form_within_rate(request: HttpRequest, form: forms.Form) -> bool:
    """For a valid form: count the submission, and if it is over the rate say so on the form."""
    if submission_limited(request):
        form.add_error(None, MESSAGE)
        return False
    return True


def submission_limited(request: HttpRequest) -> bool:
    """Count this submission; True when it is over the writer's rate."""
    return bool(
        is_ratelimited(
            request,
            group="submissions",
            key=_user_key,
            rate=settings.SUBMISSION_RATE,
            increment=True,
        )
    )
