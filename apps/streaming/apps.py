from __future__ import annotations

from django.apps import AppConfig


class StreamingConfig(AppConfig):
    name = "apps.streaming"
    label = "streaming"
