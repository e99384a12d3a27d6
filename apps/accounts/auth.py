"""Who is asking: a personal API token (`Authorization: Bearer ...`) or the session."""

from __future__ import annotations

from importlib import import_module
from types import SimpleNamespace
from typing import cast

from django.conf import settings
from django.contrib.auth import get_user
from django.http import HttpRequest

from apps.accounts import throttling
from apps.accounts.models import User
from apps.accounts.services import api_token_aauthenticate, api_token_authenticate
from apps.core import logcontext


class AuthFailure(Exception):
    """Why a request is not authenticated: `status` 401, or 429 while locked out, when
    `retry_after` says how many seconds to wait."""

    def __init__(
        self, code: str, message: str, *, status: int = 401, retry_after: int | None = None
    ) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = status
        self.retry_after = retry_after


def bearer_secret(request: HttpRequest) -> str | None:
    """The token in the Authorization header, None if there is no header."""
    return _bearer(request.headers.get("Authorization"))


def _bearer(header: str | None) -> str | None:
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


def _locked_out(request: HttpRequest) -> AuthFailure:
    return AuthFailure(
        "locked_out",
        throttling.lockout_message(request),
        status=429,
        retry_after=throttling.lockout_seconds(request),
    )


def _token_user(request: HttpRequest, secret: str) -> User:
    """The token's user. A wrong token counts as a failed login for its address, and a locked
    address is told so; a valid token is accepted from a locked address: the lock is there to
    stop guessing, and one guesser on a shared address (a campus network) must not lock every
    writer behind it out of the API."""
    user = api_token_authenticate(secret=secret)
    if user is None:
        if not throttling.token_allowed(request):
            raise _locked_out(request)
        throttling.token_failed(request)
        raise _bad_token()
    return user


def authenticate_request(request: HttpRequest) -> tuple[User, bool]:
    """The user, and whether they came by token (token requests need no CSRF token)."""
    secret = bearer_secret(request)
    if secret is not None:
        user = _token_user(request, secret)
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
            if not await throttling.atoken_allowed(request):
                raise _locked_out(request)
            await throttling.atoken_failed(request)
            raise _bad_token()
        logcontext.bind(user_id=user.pk)
        return user
    session_user = await request.auser()
    if isinstance(session_user, User) and session_user.is_active:
        return session_user
    raise _not_logged_in()


def session_user(session_key: str) -> User | None:
    """The active user logged in with this session cookie, as Django's session and auth
    middlewares would find them (session expiry, the password-change hash)."""
    store = import_module(settings.SESSION_ENGINE).SessionStore(session_key)
    holder = SimpleNamespace(session=store)
    user = get_user(cast("HttpRequest", holder))
    return user if isinstance(user, User) and user.is_active else None


def authenticate_stream(request: HttpRequest) -> User:
    """authenticate_request outside Django's middleware (the stream server): a bearer token if
    there is an Authorization header (throttled as there), else the session cookie, read as the
    session and auth middlewares would. Synchronous, for one trip to a worker thread."""
    secret = bearer_secret(request)
    if secret is not None:
        return _token_user(request, secret)
    session_key = request.COOKIES.get(settings.SESSION_COOKIE_NAME)
    if session_key and (user := session_user(session_key)) is not None:
        return user
    raise _not_logged_in()
