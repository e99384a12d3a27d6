"""Error responses: JSON under the API prefix always; a 503 page when a backing service is down."""

from __future__ import annotations

import json

import pytest
import redis.exceptions
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.db import DataError, IntegrityError, OperationalError
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.http.response import HttpResponseBase
from django.test import RequestFactory

from apps.core.error_responses import (
    RETRY_AFTER_SECONDS,
    UNAVAILABLE_MESSAGE,
    ErrorResponseMiddleware,
)

requests = RequestFactory()
middleware = ErrorResponseMiddleware(lambda request: HttpResponse())


def _api() -> HttpRequest:
    return requests.post("/api/chat")


def _page() -> HttpRequest:
    return requests.get("/conversations/")


def _json(response: HttpResponseBase | None) -> tuple[int, str, str]:
    assert response is not None
    assert response["Content-Type"] == "application/json"
    body = json.loads(response.content)  # type: ignore[attr-defined]
    assert body["success"] is False
    return response.status_code, body["error_code"], body["error_message"]


@pytest.mark.parametrize(
    "error",
    [
        OperationalError("no connection"),
        redis.exceptions.ConnectionError("refused"),
        redis.exceptions.TimeoutError("slow"),
    ],
)
def test_a_backing_service_down_is_a_503_json_under_the_api_with_retry_after(error: Exception):
    response = middleware.process_exception(_api(), error)
    assert _json(response) == (503, "service_unavailable", UNAVAILABLE_MESSAGE)
    assert response is not None
    assert response["Retry-After"] == str(RETRY_AFTER_SECONDS)


def test_a_backing_service_down_is_a_readable_503_page_elsewhere():
    response = middleware.process_exception(_page(), OperationalError("down"))
    assert response is not None
    assert (response.status_code, response["Retry-After"]) == (503, str(RETRY_AFTER_SECONDS))
    assert response["Content-Type"].startswith("text/html")


def test_other_page_errors_are_left_to_django():
    assert middleware.process_exception(_page(), ValueError("bug")) is None


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        (RequestDataTooBig(), (413, "request_too_large", "The request body is too large.")),
        (
            DataError("value too long"),
            (400, "invalid_input", "The request contains a value that cannot be stored."),
        ),
        (
            SuspiciousOperation("bad host"),
            (400, "bad_request", "The request was refused as malformed."),
        ),
        (
            UnicodeDecodeError("utf-8", b"\xff", 0, 1, "bad"),
            (400, "invalid_input", "The request contains text that is not valid Unicode."),
        ),
        (
            IntegrityError("duplicate"),
            (400, "invalid_input", "The request could not be processed."),
        ),
        (RecursionError(), (400, "invalid_input", "The request could not be processed.")),
    ],
)
def test_a_bad_api_request_gets_its_own_code(error: Exception, expected: tuple[int, str, str]):
    assert _json(middleware.process_exception(_api(), error)) == expected


def test_an_api_crash_is_a_500_json_that_gives_nothing_away():
    response = middleware.process_exception(_api(), KeyError("secret detail"))
    status, code, message = _json(response)
    assert (status, code) == (500, "internal_error")
    assert "secret" not in message


def test_djangos_own_error_pages_under_the_api_become_json_keeping_allow():
    response = middleware.process_response(_api(), HttpResponseNotAllowed(["GET"]))
    assert _json(response) == (
        405,
        "method_not_allowed",
        "This method is not allowed on this endpoint.",
    )
    assert response["Allow"] == "GET"
    not_found = middleware.process_response(_api(), HttpResponse("<h1>Not Found</h1>", status=404))
    assert _json(not_found) == (404, "not_found", "There is nothing at this address.")
    teapot = middleware.process_response(_api(), HttpResponse(status=418))
    assert _json(teapot) == (418, "bad_request", "I'm a Teapot")


def test_json_errors_successes_and_pages_pass_through_unchanged():
    page_error = HttpResponse("<h1>Not Found</h1>", status=404)
    assert middleware.process_response(_page(), page_error) is page_error
    ok = HttpResponse("fine")
    assert middleware.process_response(_api(), ok) is ok
    already = HttpResponse('{"success": false}', status=400, content_type="application/json")
    assert middleware.process_response(_api(), already) is already
