from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from apps.accounts.models import ApiToken, User

TOKEN_PREFIX = "hwz_"  # noqa: S105 — a public marker, not a secret


@dataclass(frozen=True)
class IssuedToken:
    token: ApiToken
    secret: str


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def api_token_create(*, user: User, name: str) -> IssuedToken:
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user, name=name.strip(), prefix=secret[:12], key_hash=_hash(secret)
    )
    return IssuedToken(token=token, secret=secret)


def api_token_revoke(*, token: ApiToken) -> None:
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])


# `last_used_at` is written at most this often a token: a write (a commit) on every request
# would sit on the path of every POST and every stream connect.
LAST_USED_RESOLUTION = dt.timedelta(minutes=1)


def _used_long_ago(token: ApiToken) -> bool:
    last = token.last_used_at
    return last is None or timezone.now() - last >= LAST_USED_RESOLUTION


def api_token_authenticate(*, secret: str) -> User | None:
    """The active user a token belongs to, or None. Records when the token was last used (to
    the minute)."""
    token = (
        ApiToken.objects.select_related("user")
        .filter(key_hash=_hash(secret), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if token is None:
        return None
    if _used_long_ago(token):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
    return token.user


async def api_token_aauthenticate(*, secret: str) -> User | None:
    token = (
        await ApiToken.objects.select_related("user")
        .filter(key_hash=_hash(secret), revoked_at__isnull=True, user__is_active=True)
        .afirst()
    )
    if token is None:
        return None
    if _used_long_ago(token):
        await ApiToken.objects.filter(pk=token.pk).aupdate(last_used_at=timezone.now())
    return token.user


@transaction.atomic
def user_ensure_demo(*, username: str, password: str, email: str) -> tuple[User, bool]:
    """Create the demo login if it does not exist; reset its password if it does."""
    user, created = User.objects.get_or_create(username=username, defaults={"email": email})
    user.set_password(password)
    user.save()
    return user, created
