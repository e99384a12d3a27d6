from __future__ import annotations

from django.urls import path

from apps.streaming import views

app_name = "streaming"

urlpatterns = [
    path("runs/<uuid:run_id>/", views.run_stream_html, name="run_html"),
]
