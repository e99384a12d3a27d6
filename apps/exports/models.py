from __future__ import annotations

import uuid

from django.db import models

from apps.conversations.models import Run
from apps.exports.formats import FORMATS


def export_upload_to(export: Export, filename: str) -> str:
    """exports/<run id>/<format>.<ext> under MEDIA_ROOT (never served directly)."""
    return f"exports/{export.run_id}/{filename}"


class Export(models.Model):
    """One file of one run (a version) in one format: generated once by a Celery task, then
    served from storage to every later request for it."""

    class Status(models.TextChoices):
        PENDING = "pending", "Being generated"
        READY = "ready", "Ready"
        FAILED = "failed", "Failed"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    run = models.ForeignKey(Run, on_delete=models.CASCADE, related_name="exports")
    format = models.CharField(max_length=16, choices=[(f.name, f.label) for f in FORMATS.values()])
    # The title page's optional fields (course, instructor, institution) change the file, so
    # each set of them is its own cached export; `options_key` is their digest ("" for none).
    options = models.JSONField(default=dict, blank=True)
    options_key = models.CharField(max_length=64, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    file = models.FileField(upload_to=export_upload_to, max_length=300, blank=True)
    filename = models.CharField(max_length=200, blank=True)
    size = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)
    # Seconds the last generation took: the benchmark and the admin read it.
    duration = models.FloatField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    queued_at = models.DateTimeField(null=True, blank=True)
    generated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["run", "format", "options_key"], name="export_once_per_run_format"
            )
        ]

    def __str__(self) -> str:
        return f"{self.format} of run {self.run_id} ({self.status})"
