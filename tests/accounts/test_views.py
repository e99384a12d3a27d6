from __future__ import annotations

from django.test import Client
from django.urls import reverse

from apps.accounts.models import ApiToken, User
from apps.accounts.services import api_token_create
from tests.factories import PASSWORD


def test_login_page_renders_for_anonymous(client: Client, db):
    response = client.get(reverse("accounts:login"))
    assert response.status_code == 200
    assert b'name="username"' in response.content


def test_pages_behind_login_redirect_anonymous_to_login(client: Client, db):
    for name in ("conversations:list", "accounts:settings", "accounts:password_change"):
        response = client.get(reverse(name))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))


def test_login_with_password_lands_on_conversations(client: Client, user: User):
    response = client.post(
        reverse("accounts:login"), {"username": user.username, "password": PASSWORD}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("conversations:list")


def test_signup_creates_and_logs_in(client: Client, db):
    response = client.post(
        reverse("accounts:signup"),
        {
            "username": "newwriter",
            "email": "",
            "password1": "a-long-pass-9!",
            "password2": "a-long-pass-9!",
        },
    )
    assert response.status_code == 302
    assert User.objects.filter(username="newwriter").exists()
    assert client.get(reverse("conversations:list")).status_code == 200


def test_signup_with_mismatched_passwords_shows_field_error(client: Client, db):
    response = client.post(
        reverse("accounts:signup"),
        {"username": "x1", "password1": "a-long-pass-9!", "password2": "different-pass-9!"},
    )
    assert response.status_code == 200
    assert b'role="alert"' in response.content
    assert not User.objects.filter(username="x1").exists()


def test_logout_is_a_post(auth_client: Client):
    response = auth_client.post(reverse("accounts:logout"))
    assert response.status_code in (200, 302)
    assert auth_client.get(reverse("conversations:list")).status_code == 302


def test_password_change(auth_client: Client, user: User):
    response = auth_client.post(
        reverse("accounts:password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "brand-new-pass-77",
            "new_password2": "brand-new-pass-77",
        },
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("brand-new-pass-77")


def test_creating_a_token_shows_its_secret_once(auth_client: Client, user: User):
    response = auth_client.post(reverse("accounts:settings"), {"name": "cli"})
    assert response.status_code == 200
    token = ApiToken.objects.get(user=user)
    secret = response.context["new_secret"]
    assert secret.startswith(token.prefix)
    assert secret.encode() in response.content
    again = auth_client.get(reverse("accounts:settings"))
    assert secret.encode() not in again.content
    assert token.prefix.encode() in again.content


def test_token_without_name_is_a_field_error(auth_client: Client, user: User):
    response = auth_client.post(reverse("accounts:settings"), {"name": ""})
    assert response.status_code == 200
    assert response.context["form"].errors["name"]
    assert not ApiToken.objects.exists()


def test_revoking_a_token(auth_client: Client, user: User):
    token = api_token_create(user=user, name="ci").token
    response = auth_client.post(reverse("accounts:token_revoke", args=[token.id]))
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_another_users_token_is_404_and_untouched(auth_client: Client, other_user: User):
    token = api_token_create(user=other_user, name="theirs").token
    response = auth_client.post(reverse("accounts:token_revoke", args=[token.id]))
    assert response.status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None
