from __future__ import annotations

from django.contrib import admin

from apps.exports.models import Export


@admin.register(Export)
class ExportAdmin(admin.ModelAdmin[Export]):
    list_display = ("run", "format", "status", "size", "duration", "generated_at")
    list_filter = ("format", "status")
    raw_id_fields = ("run",)
    readonly_fields = ("id", "created_at", "updated_at", "queued_at", "generated_at")
