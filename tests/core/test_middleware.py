from __future__ import annotations

from django.db import OperationalError
from django.test import Client
from django.urls import reverse

from apps.conversations.models import Run

DEAD_REDIS = {
    "default": {
        "BACKEND": "apps.core.cache.SharedRedisCache",
        "LOCATION": "redis://127.0.0.1:1/0",
    }
}


def test_a_page_answers_a_readable_503_when_redis_is_down(auth_client: Client, settings):
    settings.CACHES = DEAD_REDIS
    response = auth_client.post(
        reverse("conversations:create"),
        {
            "prompt": "Write an essay on tides",
            "writeup_type": "essay",
            "citation_style": "apa7",
            "academic_level": "undergraduate",
            "target_word_count": 800,
            "model": "offline",
        },
    )
    assert response.status_code == 503
    assert response["Retry-After"]
    assert "briefly unavailable" in response.content.decode()
    assert not Run.objects.exists()


def test_a_page_answers_503_when_the_database_fails(auth_client: Client, monkeypatch):
    def down(**kwargs: object) -> None:
        raise OperationalError("connection refused")

    monkeypatch.setattr("apps.conversations.selectors.conversations_for", down)
    response = auth_client.get(reverse("conversations:list"))
    assert response.status_code == 503
    assert "<h1>" in response.content.decode()


def test_an_error_page_outside_the_api_stays_html(auth_client: Client):
    response = auth_client.get("/conversations/no-such-page/")
    assert response.status_code == 404
    assert not response["Content-Type"].startswith("application/json")
