from __future__ import annotations

import datetime as dt
import hashlib

import pytest
from django.utils import timezone

from apps.accounts.models import ApiToken
from apps.accounts.services import (
    LAST_USED_RESOLUTION,
    api_token_aauthenticate,
    api_token_authenticate,
    api_token_create,
    api_token_revoke,
    user_ensure_demo,
)


def test_token_is_stored_only_as_its_hash(user):
    issued = api_token_create(user=user, name="laptop")
    stored = ApiToken.objects.get(pk=issued.token.pk)
    assert issued.secret.startswith("hwz_")
    assert stored.key_hash == hashlib.sha256(issued.secret.encode()).hexdigest()
    assert issued.secret not in {stored.key_hash, stored.prefix, stored.name}
    assert stored.prefix == issued.secret[:12]


def test_token_authenticates_its_owner_and_records_use(user):
    issued = api_token_create(user=user, name="script")
    assert api_token_authenticate(secret=issued.secret) == user
    issued.token.refresh_from_db()
    assert issued.token.last_used_at is not None


def test_token_use_is_written_at_most_once_a_minute_in_one_query_otherwise(
    user, django_assert_num_queries
):
    issued = api_token_create(user=user, name="script")
    other = api_token_create(user=user, name="laptop")
    with django_assert_num_queries(2):  # the lookup, and the first use written
        assert api_token_authenticate(secret=issued.secret) == user
    with django_assert_num_queries(1):  # within the minute: the lookup alone
        assert api_token_authenticate(secret=issued.secret) == user
    ApiToken.objects.filter(pk=issued.token.pk).update(
        last_used_at=timezone.now() - LAST_USED_RESOLUTION
    )
    with django_assert_num_queries(2):
        assert api_token_authenticate(secret=issued.secret) == user
    issued.token.refresh_from_db()
    other.token.refresh_from_db()
    assert issued.token.last_used_at is not None
    assert timezone.now() - issued.token.last_used_at < dt.timedelta(seconds=5)
    assert other.token.last_used_at is None  # another token of the same writer, untouched


def test_revoked_or_unknown_token_authenticates_nobody(user):
    issued = api_token_create(user=user, name="old")
    api_token_revoke(token=issued.token)
    assert api_token_authenticate(secret=issued.secret) is None
    assert api_token_authenticate(secret="hwz_not-a-real-token") is None


def test_token_of_inactive_user_is_refused(user):
    issued = api_token_create(user=user, name="x")
    user.is_active = False
    user.save()
    assert api_token_authenticate(secret=issued.secret) is None


@pytest.mark.django_db(transaction=True)
async def test_async_authentication_matches_sync(user):
    issued = await _acreate(user)
    assert await api_token_aauthenticate(secret=issued.secret) == user
    assert await api_token_aauthenticate(secret=issued.secret + "x") is None


async def _acreate(user):
    from asgiref.sync import sync_to_async

    return await sync_to_async(api_token_create)(user=user, name="async")


def test_demo_user_is_created_then_reset(db):
    user, created = user_ensure_demo(username="demo", password="first-pass-123", email="d@x.org")
    assert created
    assert user.check_password("first-pass-123")
    again, created_again = user_ensure_demo(
        username="demo", password="second-pass-456", email="d@x.org"
    )
    assert not created_again
    assert again.pk == user.pk
    assert again.check_password("second-pass-456")
