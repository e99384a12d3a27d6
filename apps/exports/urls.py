from __future__ import annotations

from django.urls import path

from apps.exports import views

app_name = "exports"

urlpatterns = [
    path("runs/<uuid:run_id>/", views.run_export, name="run_export"),
]
