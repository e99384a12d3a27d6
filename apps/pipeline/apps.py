from __future__ import annotations

from django.apps import AppConfig
from django.core import checks


class PipelineConfig(AppConfig):
    name = "apps.pipeline"
    label = "pipeline"

    def ready(self) -> None:
        from apps.pipeline.checks import wordlist_installed

        checks.register(wordlist_installed)
