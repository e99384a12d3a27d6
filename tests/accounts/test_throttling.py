from __future__ import annotations

import uuid

import pytest
from axes.models import AccessAttempt
from django.test import Client
from django.urls import reverse

from tests.factories import UserFactory

PASSWORD = "correct horse battery staple"
LOGIN = "/accounts/login/"


@pytest.fixture
def writer(db):
    return UserFactory(username="ada", password=PASSWORD)


def _login(client: Client, username: str, password: str, address: str = "10.0.0.1"):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=address)


def test_the_login_form_locks_a_username_after_the_limit_with_the_time_to_wait(writer, settings):
    client = Client()
    wrong = [_login(client, "ada", "guess", address=f"10.0.0.{i}").status_code for i in range(5)]
    # The form says the password is wrong four times; the fifth failure is the limit.
    assert wrong == [200, 200, 200, 200, 429]
    locked = _login(client, "ada", PASSWORD, address="10.0.0.99")
    assert locked.status_code == 429
    page = locked.content.decode()
    assert "Too many failed logins" in page
    assert "Try again in 15 minutes" in page
    assert locked["Retry-After"] == str(15 * 60)
    assert "_auth_user_id" not in client.session


def test_the_login_form_locks_an_address_trying_many_usernames(writer):
    client = Client()
    for i in range(5):
        _login(client, f"nobody{i}", "guess", address="10.9.9.9")
    assert _login(client, "ada", PASSWORD, address="10.9.9.9").status_code == 429
    # Another address still logs in.
    assert _login(Client(), "ada", PASSWORD, address="10.1.1.1").status_code == 302


def test_a_success_before_the_limit_resets_the_count(writer):
    client = Client()
    for _ in range(4):
        _login(client, "ada", "guess")
    assert _login(client, "ada", PASSWORD).status_code == 302
    client.logout()
    for _ in range(4):
        _login(client, "ada", "guess")
    assert _login(client, "ada", PASSWORD).status_code == 302


def test_the_lock_ends_after_the_cool_off(writer, settings):
    from datetime import timedelta

    settings.AXES_COOLOFF_TIME = timedelta(seconds=1)
    client = Client()
    for _ in range(5):
        _login(client, "ada", "guess")
    assert _login(client, "ada", PASSWORD).status_code == 429
    AccessAttempt.objects.update(
        attempt_time=AccessAttempt.objects.get().attempt_time - timedelta(seconds=5)
    )
    assert _login(client, "ada", PASSWORD).status_code == 302


def test_staff_unlock_a_writer_in_the_admin(writer):
    client = Client()
    for _ in range(5):
        _login(client, "ada", "guess")
    assert _login(client, "ada", PASSWORD).status_code == 429
    staff = UserFactory(is_staff=True, is_superuser=True)
    admin = Client()
    admin.force_login(staff)
    response = admin.post(
        reverse("admin:accounts_user_changelist"),
        {"action": "unlock_login", "_selected_action": [writer.pk]},
        follow=True,
    )
    assert "Unlocked 1 login(s)" in response.content.decode()
    assert _login(client, "ada", PASSWORD).status_code == 302


def test_staff_see_and_delete_locks_in_the_admin(writer):
    client = Client()
    for _ in range(5):
        _login(client, "ada", "guess")
    staff = UserFactory(is_staff=True, is_superuser=True)
    admin = Client()
    admin.force_login(staff)
    listing = admin.get(reverse("admin:axes_accessattempt_changelist"))
    assert "ada" in listing.content.decode()
    attempt = AccessAttempt.objects.get(username="ada")
    admin.post(reverse("admin:axes_accessattempt_delete", args=[attempt.pk]), {"post": "yes"})
    assert _login(client, "ada", PASSWORD).status_code == 302


def _stream(client: Client, token: str, address: str):
    return client.get(
        f"/api/stream/{uuid.uuid4()}",
        headers={"Authorization": f"Bearer {token}"},
        REMOTE_ADDR=address,
    )


def test_wrong_api_tokens_lock_the_address_out_of_token_auth(api_token: str, user):
    client = Client()
    answers = [
        client.post(
            "/api/chat",
            data="{}",
            content_type="application/json",
            headers={"Authorization": "Bearer hwz_wrong"},
            REMOTE_ADDR="10.2.2.2",
        ).json()["error_code"]
        for _ in range(5)
    ]
    assert answers == ["invalid_token"] * 4 + ["locked_out"]
    # Now a wrong token from that address is refused outright, with the time to wait...
    locked = client.post(
        "/api/chat",
        data="{}",
        content_type="application/json",
        headers={"Authorization": "Bearer hwz_wrong"},
        REMOTE_ADDR="10.2.2.2",
    )
    assert (locked.status_code, locked.json()["error_code"]) == (429, "locked_out")
    assert "Try again in 15 minutes" in locked.json()["error_message"]
    assert int(locked["Retry-After"]) == 15 * 60
    streamed = _stream(client, "hwz_wrong", "10.2.2.2")
    assert (streamed.status_code, streamed.json()["error_code"]) == (429, "locked_out")
    # ...but the right token still works from it, on the sync and the async views: the lock is
    # there to stop guessing, and a guesser on a shared address must not shut out everyone
    # behind it.
    right = client.post(
        "/api/chat",
        data="{}",
        content_type="application/json",
        headers={"Authorization": f"Bearer {api_token}"},
        REMOTE_ADDR="10.2.2.2",
    )
    assert (right.status_code, right.json()["error_code"]) == (400, "validation_error")
    assert _stream(client, api_token, "10.2.2.2").status_code == 404
    # The token's owner elsewhere is not locked out: a wrong token names no user.
    assert _stream(client, api_token, "10.3.3.3").status_code == 404
    assert not AccessAttempt.objects.filter(username__startswith="hwz_").exists()


def test_wrong_tokens_on_the_stream_count_too(api_token: str, user):
    client = Client()
    answers = [_stream(client, "hwz_wrong", "10.4.4.4").status_code for _ in range(5)]
    assert answers == [401, 401, 401, 401, 429]
    assert _stream(client, "hwz_wrong", "10.4.4.4").status_code == 429
    assert _stream(client, api_token, "10.4.4.4").status_code == 404  # a valid token gets in
