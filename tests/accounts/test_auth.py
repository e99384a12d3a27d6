"""Who is asking: a bearer token or the session, and why a request is refused."""

from __future__ import annotations

import pytest
from asgiref.sync import sync_to_async
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest
from django.test import RequestFactory

from apps.accounts.auth import (
    AuthFailure,
    aauthenticate_request,
    authenticate_request,
    bearer_secret,
)
from apps.accounts.models import User
from apps.accounts.services import api_token_create, api_token_revoke
from tests.factories import UserFactory

requests = RequestFactory()


def _request(
    authorization: str | None = None, user: User | None = None, address: str = "10.0.0.1"
) -> HttpRequest:
    headers = {"Authorization": authorization} if authorization is not None else {}
    request = requests.get("/api/runs", headers=headers, REMOTE_ADDR=address)
    request.user = user if user is not None else AnonymousUser()
    return request


def _failure(request: HttpRequest) -> AuthFailure:
    with pytest.raises(AuthFailure) as failure:
        authenticate_request(request)
    return failure.value


def test_no_authorization_header_is_no_bearer_secret():
    assert bearer_secret(_request()) is None


@pytest.mark.parametrize("header", ["Bearer  abc ", "bearer abc", "BEARER abc"])
def test_the_bearer_scheme_is_read_case_insensitively_and_trimmed(header: str):
    assert bearer_secret(_request(header)) == "abc"


@pytest.mark.parametrize("header", ["Basic abc", "Bearer", "Bearer   ", "abc", ""])
def test_another_scheme_or_an_empty_token_is_refused(header: str):
    with pytest.raises(AuthFailure) as failure:
        bearer_secret(_request(header))
    assert (failure.value.code, failure.value.status) == ("invalid_token", 401)


def test_a_valid_token_authenticates_its_owner_without_csrf(user):
    secret = api_token_create(user=user, name="laptop").secret
    assert authenticate_request(_request(f"Bearer {secret}")) == (user, True)


def test_a_token_wins_over_the_session(user, other_user):
    secret = api_token_create(user=user, name="laptop").secret
    assert authenticate_request(_request(f"Bearer {secret}", user=other_user)) == (user, True)


def test_a_revoked_or_unknown_token_is_refused(user):
    issued = api_token_create(user=user, name="old")
    api_token_revoke(token=issued.token)
    for secret in (issued.secret, "hwz_unknown"):
        failure = _failure(_request(f"Bearer {secret}"))
        assert (failure.code, failure.status) == ("invalid_token", 401)
        assert failure.message == "The API token is unknown or has been revoked."


def test_a_session_user_is_authenticated_and_needs_csrf(user):
    assert authenticate_request(_request(user=user)) == (user, False)


def test_an_inactive_session_user_or_no_one_is_refused(user):
    user.is_active = False
    user.save()
    for request in (_request(user=user), _request()):
        failure = _failure(request)
        assert (failure.code, failure.status) == ("authentication_required", 401)


def test_wrong_tokens_from_one_address_lock_it_out(settings, db):
    settings.AXES_FAILURE_LIMIT = 2
    for _ in range(2):
        assert _failure(_request("Bearer wrong", address="10.9.9.9")).code == "invalid_token"
    locked = _failure(_request("Bearer wrong", address="10.9.9.9"))
    assert (locked.code, locked.status) == ("locked_out", 429)
    assert locked.retry_after is not None
    assert locked.retry_after > 0
    # Another address is not locked out.
    assert _failure(_request("Bearer wrong", address="10.9.9.8")).code == "invalid_token"


@pytest.mark.django_db(transaction=True)
async def test_the_async_check_accepts_a_token_or_a_session_and_refuses_a_bad_token():
    owner: User = await sync_to_async(UserFactory)()
    issued = await sync_to_async(api_token_create)(user=owner, name="t")
    assert await aauthenticate_request(_request(f"Bearer {issued.secret}")) == owner

    session = _request()

    async def auser() -> User:
        return owner

    session.auser = auser
    assert await aauthenticate_request(session) == owner
    with pytest.raises(AuthFailure) as failure:
        await aauthenticate_request(_request("Bearer nope"))
    assert failure.value.code == "invalid_token"
