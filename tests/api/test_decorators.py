"""The JSON API's plumbing around a view: method, authentication, CSRF, submission rate."""

from __future__ import annotations

import json

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest, JsonResponse
from django.http.response import HttpResponseBase
from django.test import RequestFactory

from apps.accounts.auth import AuthFailure
from apps.accounts.models import User
from apps.accounts.services import api_token_create
from apps.api.decorators import api_view, auth_failure_response

requests = RequestFactory()
seen: list[str] = []


@api_view(methods=("POST",), submission=True)
def submit(request: HttpRequest) -> JsonResponse:
    seen.append(request.user.get_username())
    return JsonResponse({"ok": True})


@api_view(methods=("GET", "HEAD"))
def read(request: HttpRequest, thing: str) -> JsonResponse:
    return JsonResponse({"thing": thing, "user": request.user.get_username()})


def _body(response: HttpResponseBase) -> dict[str, object]:
    return json.loads(response.content)  # type: ignore[attr-defined]


def _session_post(user: User, *, csrf: bool) -> HttpRequest:
    token = "a" * 32
    headers = {"X-CSRFToken": token} if csrf else {}
    request = requests.post("/api/x", headers=headers)
    request.COOKIES["csrftoken"] = token
    request.user = user
    return request


@pytest.fixture(autouse=True)
def _forget_calls() -> None:
    seen.clear()


def test_a_method_the_endpoint_does_not_take_is_405_with_allow(user):
    response = read(requests.post("/api/x"), thing="t")
    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD"
    assert _body(response)["error_code"] == "method_not_allowed"
    assert _body(response)["error_message"] == "Use GET or HEAD on this endpoint."


def test_an_anonymous_request_is_401_before_the_view_runs(db):
    request = requests.post("/api/x")
    request.user = AnonymousUser()
    response = submit(request)
    assert (response.status_code, _body(response)["error_code"]) == (
        401,
        "authentication_required",
    )
    assert seen == []


def test_a_token_request_needs_no_csrf_and_reaches_the_view_as_its_owner(user):
    secret = api_token_create(user=user, name="t").secret
    response = submit(requests.post("/api/x", headers={"Authorization": f"Bearer {secret}"}))
    assert (response.status_code, seen) == (200, [user.username])


def test_a_session_request_without_a_csrf_token_is_403(user):
    response = submit(_session_post(user, csrf=False))
    assert (response.status_code, _body(response)["error_code"]) == (403, "csrf_failed")
    assert seen == []


def test_a_session_request_with_its_csrf_token_reaches_the_view(user):
    assert submit(_session_post(user, csrf=True)).status_code == 200
    assert seen == [user.username]


def test_a_safe_method_needs_no_csrf_and_keeps_the_views_arguments(user):
    request = requests.get("/api/x")
    request.user = user
    assert _body(read(request, thing="run-1")) == {"thing": "run-1", "user": user.username}


def test_submissions_over_the_writers_rate_are_429_with_retry_after(user, settings):
    settings.SUBMISSION_RATE = "2/m"
    secret = api_token_create(user=user, name="t").secret
    headers = {"Authorization": f"Bearer {secret}"}
    codes = [submit(requests.post("/api/x", headers=headers)).status_code for _ in range(3)]
    assert codes == [200, 200, 429]
    limited = submit(requests.post("/api/x", headers=headers))
    assert (limited["Retry-After"], _body(limited)["error_code"]) == ("60", "rate_limited")
    assert len(seen) == 2


def test_a_lockout_answers_429_with_how_long_to_wait():
    response = auth_failure_response(
        AuthFailure("locked_out", "Wait 15 minutes.", status=429, retry_after=900)
    )
    assert (response.status_code, response["Retry-After"]) == (429, "900")
    assert _body(response) == {
        "success": False,
        "error_code": "locked_out",
        "error_message": "Wait 15 minutes.",
    }
    assert "Retry-After" not in auth_failure_response(AuthFailure("invalid_token", "No."))
