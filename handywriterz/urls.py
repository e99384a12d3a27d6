from __future__ import annotations

from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="conversations:list", permanent=False)),
    path("admin/", admin.site.urls),
    path("accounts/", include("apps.accounts.urls")),
    path("account/data/", include("apps.privacy.urls")),
    path("conversations/", include("apps.conversations.urls")),
    path("files/", include("apps.files.urls")),
    path("exports/", include("apps.exports.urls")),
    path("api/", include("apps.api.urls")),
    path("", include("apps.health.urls")),
]
