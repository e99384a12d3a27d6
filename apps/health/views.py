from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from apps.health import checks


@never_cache
@require_GET
def health(request: HttpRequest) -> JsonResponse:
    """Everything, for people: 200 when the app can serve requests, 503 when it cannot.
    Workers and providers are reported but do not make the app itself unhealthy."""
    redis = checks.check_redis()
    results = {
        "database": checks.check_database(),
        "redis": redis,
        # Workers are reached through Redis: asking with Redis down would only hang.
        "workers": checks.check_workers() if redis.ok else checks.skipped("Redis is down"),
        "providers": checks.check_providers(),
    }
    serving = results["database"].ok and results["redis"].ok
    status = "ok" if all(r.ok for r in results.values()) else "degraded" if serving else "down"
    return JsonResponse(
        {
            "status": status,
            "timestamp": timezone.now().isoformat(),
            "checks": {name: r.as_dict() for name, r in results.items()},
        },
        status=200 if serving else 503,
    )


@never_cache
@require_GET
def ready(request: HttpRequest) -> JsonResponse:
    """For a load balancer: 503 unless PostgreSQL and Redis both answer."""
    results = {"database": checks.check_database(), "redis": checks.check_redis()}
    ok = all(r.ok for r in results.values())
    return JsonResponse(
        {
            "status": "ready" if ok else "not_ready",
            "checks": {n: r.as_dict() for n, r in results.items()},
        },
        status=200 if ok else 503,
    )


@never_cache
@require_GET
def live(request: HttpRequest) -> JsonResponse:
    """The process is up and answering; touches nothing else."""
    return JsonResponse({"status": "alive", "timestamp": timezone.now().isoformat()})
