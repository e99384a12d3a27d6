from __future__ import annotations

import json

from django.test import Client
from django.urls import reverse

from apps.conversations.models import Run
from apps.core.ratelimit import MESSAGE

BODY = {"prompt": "An essay on tides", "user_params": {"wordCount": 500}}
FORM = {
    "prompt": "An essay on tides",
    "writeup_type": "essay",
    "citation_style": "apa7",
    "academic_level": "undergraduate",
    "target_word_count": 500,
    "model": "offline",
}


def test_api_submissions_over_the_rate_get_429(
    token_client: Client, settings, django_capture_on_commit_callbacks
):
    settings.SUBMISSION_RATE = "2/m"

    def post():
        return token_client.post(
            reverse("api:chat"), json.dumps(BODY), content_type="application/json"
        )

    with django_capture_on_commit_callbacks(execute=False):
        assert [post().status_code, post().status_code] == [200, 200]
        refused = post()
    assert refused.status_code == 429
    assert refused.json()["error_code"] == "rate_limited"
    assert refused["Retry-After"] == "60"
    assert Run.objects.count() == 2


def test_the_ui_and_the_api_share_one_count(
    auth_client: Client, user, settings, django_capture_on_commit_callbacks
):
    settings.SUBMISSION_RATE = "1/m"
    with django_capture_on_commit_callbacks(execute=False):
        assert auth_client.post(reverse("conversations:create"), FORM).status_code == 302
        refused = auth_client.post(reverse("conversations:create"), FORM)
    assert refused.status_code == 422
    assert MESSAGE in refused.content.decode()
    assert Run.objects.count() == 1


def test_invalid_forms_do_not_use_up_the_rate(
    auth_client: Client, settings, django_capture_on_commit_callbacks
):
    settings.SUBMISSION_RATE = "1/m"
    assert (
        auth_client.post(reverse("conversations:create"), {**FORM, "prompt": ""}).status_code == 422
    )
    with django_capture_on_commit_callbacks(execute=False):
        assert auth_client.post(reverse("conversations:create"), FORM).status_code == 302
