"""Who is asking: a personal API token (`Authorization: Bearer ...`) or the session."""

from __future__ import annotations

from django.http import HttpRequest

from apps.accounts.models import User
from apps.accounts.services import api_token_aauthenticate, api_token_authenticate
from apps.core import logcontext


class AuthFailure(Exception):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def bearer_secret(request: HttpRequest) -> str | None:
    """The token in the Authorization header, None if there is no header."""
    header = request.headers.get("Authorization")
    if header is None:
        return None
    scheme, _, secret = header.partition(" ")
    if scheme.lower() != "bearer" or not secret.strip():
        raise AuthFailure("invalid_token", "Authorization must be 'Bearer <token>'.")
    return secret.strip()


def _not_logged_in() -> AuthFailure:
    return AuthFailure(
        "authentication_required",
        "Log in or send an API token as 'Authorization: Bearer <token>'.",
    )


def _bad_token() -> AuthFailure:
    return AuthFailure("invalid_token", "The API token is unknown or has been revoked.")


def authenticate_request(request: HttpRequest) -> tuple[User, bool]:
    """The user, and whether they came by token (token requests need no CSRF token)."""
    secret = bearer_secret(request)
    if secret is not None:
        user = api_token_authenticate(secret=secret)
        if user is None:
            raise _bad_token()
        logcontext.bind(user_id=user.pk)
        return user, True
    if isinstance(request.user, User) and request.user.is_active:
        return request.user, False
    raise _not_logged_in()


async def aauthenticate_request(request: HttpRequest) -> User:
    secret = bearer_secret(request)
    if secret is not None:
        user = await api_token_aauthenticate(secret=secret)
        if user is None:
            raise _bad_token()
        logcontext.bind(user_id=user.pk)
        return user
    session_user = await request.auser()
    if isinstance(session_user, User) and session_user.is_active:
        return session_user
    raise _not_logged_in()
