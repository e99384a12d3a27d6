from __future__ import annotations

from django.urls import path

from apps.privacy import views

app_name = "privacy"

urlpatterns = [
    path("export/", views.export, name="export"),
    path("delete/", views.delete, name="delete"),
    path("deleted/", views.deleted, name="deleted"),
]
