from __future__ import annotations

from django.apps import AppConfig


class ScholarlyConfig(AppConfig):
    name = "apps.scholarly"
    label = "scholarly"
    verbose_name = "Scholarly search"
