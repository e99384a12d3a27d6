from __future__ import annotations

from django.test import Client

DOWN_REDIS = "redis://127.0.0.1:1/0"


def test_live_answers_without_touching_anything(client: Client):
    response = client.get("/health/live")
    assert response.status_code == 200
    assert response.json()["status"] == "alive"


def test_ready_when_postgres_and_redis_answer(client: Client, db):
    response = client.get("/health/ready")
    assert response.status_code == 200
    data = response.json()
    assert data["status"] == "ready"
    assert data["checks"]["database"]["ok"]
    assert data["checks"]["redis"]["ok"]


def test_ready_is_503_when_redis_is_down(client: Client, db, settings):
    settings.REDIS_URL = DOWN_REDIS
    response = client.get("/health/ready")
    assert response.status_code == 503
    data = response.json()
    assert data["status"] == "not_ready"
    assert data["checks"]["redis"]["ok"] is False
    assert "Connection" in data["checks"]["redis"]["detail"]


def test_health_reports_every_dependency(client: Client, db):
    response = client.get("/health")
    assert response.status_code == 200
    data = response.json()
    assert set(data["checks"]) == {"database", "redis", "workers", "providers"}
    assert data["status"] in {"ok", "degraded"}
    assert data["checks"]["providers"]["detail"] == "models: offline"
    assert response["Cache-Control"].startswith("max-age=0")


def test_health_is_503_and_skips_workers_when_redis_is_down(client: Client, db, settings):
    settings.REDIS_URL = DOWN_REDIS
    response = client.get("/health")
    assert response.status_code == 503
    data = response.json()
    assert data["status"] == "down"
    assert data["checks"]["workers"]["detail"] == "not checked: Redis is down"
