from __future__ import annotations

from django.urls import path

from apps.health import metrics, views

app_name = "health"

# No trailing slashes: the paths the first plan's clients and load balancers already use.
urlpatterns = [
    path("health", views.health, name="health"),
    path("health/ready", views.ready, name="ready"),
    path("health/live", views.live, name="live"),
    path("metrics", metrics.metrics, name="metrics"),
]
