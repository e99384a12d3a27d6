from __future__ import annotations

from django.contrib import admin

from apps.streaming.models import RunEvent


@admin.register(RunEvent)
class RunEventAdmin(admin.ModelAdmin[RunEvent]):
    list_display = ("run", "seq", "type", "created_at")
    list_filter = ("type",)
    search_fields = ("run__id",)
    raw_id_fields = ("run",)
    ordering = ("-created_at",)
