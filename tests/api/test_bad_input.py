"""Every bad input the JSON API can be sent answers JSON, never a 5xx, and stores nothing."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from apps.conversations.models import Conversation, Message, Run
from apps.files.models import UploadedFile
from tests.factories import RunFactory
from tests.files.builders import make_pdf

GOOD: dict[str, Any] = {
    "prompt": "Write a short academic essay about AI ethics",
    "mode": "essay",
    "file_ids": [],
    "user_params": {"citationStyle": "Harvard", "wordCount": 1000, "academicLevel": "masters"},
}
CHAT = "/api/chat"
UPLOAD = "/api/files/upload"


def _params(**changes: Any) -> dict[str, Any]:
    return {**GOOD, "user_params": {**GOOD["user_params"], **changes}}


def _json(body: Any) -> Callable[[Client], Any]:
    return lambda c: c.post(CHAT, data=json.dumps(body), content_type="application/json")


def _raw(data: bytes | str, content_type: str = "application/json") -> Callable[[Client], Any]:
    return lambda c: c.post(CHAT, data=data, content_type=content_type)


def _upload(*files: SimpleUploadedFile) -> Callable[[Client], Any]:
    return lambda c: c.post(UPLOAD, {"files": list(files)})


def _file(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


@dataclass(frozen=True)
class Case:
    name: str
    send: Callable[[Client], Any]
    status: int
    code: str


HTML = b"<html><body><script>alert(document.cookie)</script><p>Hello</p></body></html>"
CASES = [
    # The body as a whole.
    Case("syntax error", _raw(b'{"prompt": "a",'), 400, "invalid_json"),
    Case("blank body", _raw(b"  \n "), 400, "invalid_json"),
    Case("empty body", _raw(b""), 415, "unsupported_media_type"),
    Case("array body", _json([GOOD]), 400, "invalid_json"),
    Case("string body", _json("Write an essay"), 400, "invalid_json"),
    Case("null body", _json(None), 400, "invalid_json"),
    Case("bytes not UTF-8", _raw(b'{"prompt": "\xff\xfe"}'), 400, "invalid_json"),
    Case("nested 100,000 deep", _raw("[" * 100_000 + "]" * 100_000), 400, "invalid_json"),
    Case(
        "nested past the limit",
        _json({**GOOD, "extra": [[[[[[[[[["x"]]]]]]]]]]}),
        400,
        "invalid_json",
    ),
    Case("lone surrogate", _raw('{"prompt": "essay \\ud800 on x"}'), 400, "invalid_json"),
    Case("lone surrogate in a key", _raw('{"\\udfff": 1, "prompt": "a"}'), 400, "invalid_json"),
    Case("NUL in the prompt", _json({**GOOD, "prompt": "an essay\x00"}), 400, "invalid_json"),
    Case(
        "NaN word count", _raw(json.dumps(_params(wordCount=float("nan")))), 400, "validation_error"
    ),
    Case("10 MB body", _raw(b'{"prompt": "' + b"a" * 10_000_000 + b'"}'), 413, "request_too_large"),
    # The media type.
    Case(
        "JSON sent as text/plain",
        _raw(json.dumps(GOOD), "text/plain"),
        415,
        "unsupported_media_type",
    ),
    Case("no content type", _raw(json.dumps(GOOD), ""), 415, "unsupported_media_type"),
    Case(
        "form-encoded body",
        lambda c: c.post(CHAT, {"prompt": "essay"}),
        415,
        "unsupported_media_type",
    ),
    Case(
        "multipart body",
        lambda c: c.post(CHAT, {"prompt": "x", "f": _file("a.txt", b"a")}),
        415,
        "unsupported_media_type",
    ),
    # Field types: nothing is coerced.
    Case("prompt a number", _json({**GOOD, "prompt": 123}), 400, "validation_error"),
    Case("prompt a list", _json({**GOOD, "prompt": ["a", "b"]}), 400, "validation_error"),
    Case("prompt an object", _json({**GOOD, "prompt": {"text": "a"}}), 400, "validation_error"),
    Case("prompt a boolean", _json({**GOOD, "prompt": True}), 400, "validation_error"),
    Case(
        "prompt missing",
        _json({k: v for k, v in GOOD.items() if k != "prompt"}),
        400,
        "validation_error",
    ),
    Case("prompt blank", _json({**GOOD, "prompt": "   "}), 400, "validation_error"),
    Case("prompt too long", _json({**GOOD, "prompt": "a" * 20_001}), 400, "validation_error"),
    Case("word count a string", _json(_params(wordCount="500")), 400, "validation_error"),
    Case("word count a fraction", _json(_params(wordCount=500.5)), 400, "validation_error"),
    Case("word count a boolean", _json(_params(wordCount=True)), 400, "validation_error"),
    Case("word count too small", _json(_params(wordCount=99)), 400, "validation_error"),
    Case("word count huge", _json(_params(wordCount=10**30)), 400, "validation_error"),
    Case("mode unknown", _json({**GOOD, "mode": "poem"}), 400, "validation_error"),
    Case("mode a number", _json({**GOOD, "mode": 3}), 400, "validation_error"),
    Case(
        "citation style unknown", _json(_params(citationStyle="Vancouver")), 400, "validation_error"
    ),
    Case("citation style a list", _json(_params(citationStyle=["APA"])), 400, "validation_error"),
    Case(
        "academic level unknown",
        _json(_params(academicLevel="kindergarten")),
        400,
        "validation_error",
    ),
    Case("model unknown", _json(_params(model="gpt-99")), 400, "validation_error"),
    Case("model a number", _json(_params(model=4)), 400, "validation_error"),
    Case("user_params a list", _json({**GOOD, "user_params": ["APA"]}), 400, "validation_error"),
    Case("user_params a string", _json({**GOOD, "user_params": "APA"}), 400, "validation_error"),
    Case("file_ids a string", _json({**GOOD, "file_ids": "abc"}), 400, "validation_error"),
    Case("file_ids of numbers", _json({**GOOD, "file_ids": [1, 2]}), 400, "validation_error"),
    Case("file id not a uuid", _json({**GOOD, "file_ids": ["nope"]}), 404, "file_not_found"),
    Case(
        "file id unknown", _json({**GOOD, "file_ids": [str(uuid.uuid4())]}), 404, "file_not_found"
    ),
    Case(
        "conversation_id a number", _json({**GOOD, "conversation_id": 7}), 400, "validation_error"
    ),
    Case(
        "conversation_id unknown",
        _json({**GOOD, "conversation_id": str(uuid.uuid4())}),
        404,
        "not_found",
    ),
    # Routes and methods.
    Case("GET on chat", lambda c: c.get(CHAT), 405, "method_not_allowed"),
    Case(
        "PUT on a stream", lambda c: c.put(f"/api/stream/{uuid.uuid4()}"), 405, "method_not_allowed"
    ),
    Case("DELETE on upload", lambda c: c.delete(UPLOAD), 405, "method_not_allowed"),
    Case(
        "file id in the URL not a uuid", lambda c: c.get("/api/files/not-a-uuid"), 404, "not_found"
    ),
    Case("no such API route", lambda c: c.get("/api/nowhere"), 404, "not_found"),
    Case("stream of no run", lambda c: c.get(f"/api/stream/{uuid.uuid4()}"), 404, "not_found"),
    Case("stream id not a uuid", lambda c: c.get("/api/stream/1%20OR%201=1"), 404, "not_found"),
    Case("cancel id not a uuid", lambda c: c.post("/api/runs/abc/cancel"), 404, "not_found"),
    Case(
        "bad Last-Event-ID",
        lambda c: c.get(f"/api/stream/{uuid.uuid4()}", headers={"Last-Event-ID": "x"}),
        404,
        "not_found",
    ),
    # Uploads.
    Case("upload with no files", lambda c: c.post(UPLOAD, {}), 400, "no_files"),
    Case(
        "upload as JSON",
        lambda c: c.post(UPLOAD, data="{}", content_type="application/json"),
        400,
        "no_files",
    ),
    Case(
        "upload 45 files",
        _upload(*[_file(f"n{i}.txt", b"notes") for i in range(45)]),
        400,
        "too_many_files",
    ),
    Case(
        "upload 21 files",
        _upload(*[_file(f"n{i}.txt", b"notes") for i in range(21)]),
        400,
        "too_many_files",
    ),
    Case(
        "upload a 1,000-character name", _upload(_file("a" * 996 + ".txt", b"some notes")), 200, ""
    ),
    Case("upload an HTML page", _upload(_file("page.html", HTML)), 400, "unsupported_type"),
    Case(
        "upload HTML named .pdf", _upload(_file("script.html.pdf", HTML)), 400, "unsupported_type"
    ),
    Case("upload an empty file", _upload(_file("empty.txt", b"")), 400, "empty_file"),
    Case(
        "upload a program",
        _upload(_file("notes.txt", b"\x7fELF" + b"\0" * 64)),
        400,
        "unsupported_type",
    ),
    Case("upload a broken PDF", _upload(_file("paper.pdf", make_pdf()[:200])), 400, "corrupt_pdf"),
]


def _stored_nothing(media_root: Path) -> bool:
    return (
        not Conversation.objects.exists()
        and not Run.objects.exists()
        and not Message.objects.exists()
        and not UploadedFile.objects.exists()
        and not any(p.is_file() for p in media_root.rglob("*"))
    )


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_bad_input_is_answered_in_json_and_stores_nothing(
    case: Case, token_client: Client, media_root: Path, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as queued:
        response = case.send(token_client)
    assert response["Content-Type"].startswith("application/json")
    data = response.json()
    if case.status == 200:
        # Accepted on purpose: the name is cut to its last 255 characters, the file is kept.
        assert data["success"] is True
        assert len(data["files"][0]["name"]) <= 255
        return
    assert (response.status_code, data["error_code"]) == (case.status, case.code), data
    assert data["success"] is False
    assert data["error_message"]
    assert _stored_nothing(media_root)
    assert not queued


def test_there_are_at_least_forty_classes_of_bad_input():
    assert len([c for c in CASES if c.status >= 400]) >= 40


def test_unauthenticated_and_wrong_token_and_missing_csrf_answer_json(user, db):
    anonymous = Client().post(CHAT, data=json.dumps(GOOD), content_type="application/json")
    wrong = Client(headers={"Authorization": "Bearer hwz_not-a-token"}).get(
        f"/api/stream/{uuid.uuid4()}"
    )
    session = Client(enforce_csrf_checks=True)
    session.force_login(user)
    no_csrf = session.post(CHAT, data=json.dumps(GOOD), content_type="application/json")
    assert [(r.status_code, r.json()["error_code"]) for r in (anonymous, wrong, no_csrf)] == [
        (401, "authentication_required"),
        (401, "invalid_token"),
        (403, "csrf_failed"),
    ]
    assert not Run.objects.exists()


def test_a_bad_last_event_id_on_a_real_run_is_a_json_400(token_client: Client, user):
    run = RunFactory(conversation__user=user)
    response = token_client.get(f"/api/stream/{run.id}", headers={"Last-Event-ID": "-1"})
    assert (response.status_code, response.json()["error_code"]) == (400, "invalid_last_event_id")


def test_chat_answers_503_with_retry_after_when_redis_is_down(
    token_client: Client, settings, media_root: Path
):
    # Port 1 answers nothing: the rate limit's Redis cache is the first thing a submission needs.
    settings.CACHES = {
        "default": {
            "BACKEND": "apps.core.cache.SharedRedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
        }
    }
    response = token_client.post(CHAT, data=json.dumps(GOOD), content_type="application/json")
    assert (response.status_code, response.json()["error_code"]) == (503, "service_unavailable")
    assert int(response["Retry-After"]) > 0
    assert _stored_nothing(media_root)


def test_an_unexpected_crash_under_the_api_is_a_json_500(token_client: Client, monkeypatch):
    def crash(**kwargs: Any) -> None:
        raise RuntimeError("a bug")

    monkeypatch.setattr("apps.conversations.services.starting.run_submit_announced", crash)
    response = token_client.post(CHAT, data=json.dumps(GOOD), content_type="application/json")
    assert (response.status_code, response.json()["error_code"]) == (500, "internal_error")
    assert "a bug" not in response.content.decode()
