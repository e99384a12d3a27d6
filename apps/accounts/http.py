"""Request typing for views behind authentication."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import HttpRequest

if TYPE_CHECKING:
    from django_htmx.middleware import HtmxDetails

    from apps.accounts.models import User


class AuthedRequest(HttpRequest):
    """A request behind login_required (or API auth): `user` is a real User."""

    user: User
    htmx: HtmxDetails
