from __future__ import annotations

import uuid
from decimal import Decimal

from django.conf import settings
from django.db import models

from apps.core.writing import AcademicLevel, CitationStyle, WriteupType


class Conversation(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="conversations"
    )
    title = models.CharField(max_length=200)
    # Set once the writer renames the conversation: a generated title never overwrites theirs.
    title_edited = models.BooleanField(default=False)
    # The writer's material attached to this conversation. Declared here, not on the file: files
    # sit below conversations in the layer order. The table keeps its original name.
    files = models.ManyToManyField(
        "files.UploadedFile",
        related_name="conversations",
        blank=True,
        db_table="files_uploadedfile_conversations",
    )
    # Works the writer excluded (their keys): later runs of this conversation never cite them.
    excluded_sources = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-updated_at"]
        indexes = [models.Index(fields=["user", "-updated_at"])]

    def __str__(self) -> str:
        return self.title


class Message(models.Model):
    class Role(models.TextChoices):
        USER = "user", "User"
        ASSISTANT = "assistant", "Assistant"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="messages"
    )
    role = models.CharField(max_length=16, choices=Role.choices)
    content = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return f"{self.role}: {self.content[:60]}"


class Run(models.Model):
    """One execution of the pipeline for one user message. Its id is the API's `trace_id`."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        SUCCEEDED = "succeeded", "Succeeded"
        FAILED = "failed", "Failed"
        CANCELLED = "cancelled", "Cancelled"

    ACTIVE = (Status.QUEUED, Status.RUNNING)

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="runs")
    user_message = models.OneToOneField(
        Message, on_delete=models.CASCADE, related_name="run_requested"
    )
    result_message = models.OneToOneField(
        Message, on_delete=models.SET_NULL, null=True, blank=True, related_name="run_result"
    )
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.QUEUED)
    # "Regenerate": the same request again. It revises what the original run revised (if
    # anything), not the version the original produced.
    regenerated_from = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="regenerations"
    )

    # The writing request (SPEC section 3), frozen per run so a follow-up can change it.
    writeup_type = models.CharField(max_length=32, choices=WriteupType.choices)
    citation_style = models.CharField(max_length=32, choices=CitationStyle.choices)
    academic_level = models.CharField(max_length=32, choices=AcademicLevel.choices)
    target_word_count = models.PositiveIntegerField()
    model = models.CharField(max_length=100)

    # What the pipeline decided and produced.
    system_used = models.CharField(max_length=16, blank=True)
    complexity = models.FloatField(null=True, blank=True)
    word_count = models.PositiveIntegerField(null=True, blank=True)
    quality_report = models.JSONField(default=dict, blank=True)
    error_code = models.CharField(max_length=64, blank=True)
    error_message = models.TextField(blank=True)

    # What the run cost, from the provider's reported usage and settings.MODEL_PRICES. Stored for
    # every ending (a failed or stopped run has still spent tokens) and summed for budgets.
    tokens_in = models.PositiveIntegerField(default=0)
    tokens_out = models.PositiveIntegerField(default=0)
    cost_usd = models.DecimalField(max_digits=12, decimal_places=6, default=Decimal(0))
    # Set when the user asks to stop; the pipeline notices between text deltas.
    cancel_requested_at = models.DateTimeField(null=True, blank=True)
    # Staff retried this failed or cancelled run: the new run points back at it.
    retry_of = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="retries"
    )

    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # While running, the worker renews this every RUN_LEASE_SECONDS / 3; a lease left to lapse
    # means the worker died, and the sweep (or a redelivered task) ends the run.
    lease_expires_at = models.DateTimeField(null=True, blank=True)
    # Who holds the lease, `host:pid`: for the admin and the logs.
    worker = models.CharField(max_length=255, blank=True)

    class Meta:
        ordering = ["created_at"]
        indexes = [models.Index(fields=["status", "created_at"])]

    def __str__(self) -> str:
        return f"Run {self.id} ({self.status})"

    @property
    def is_active(self) -> bool:
        return self.status in self.ACTIVE

    @property
    def processing_time(self) -> float | None:
        if self.started_at and self.finished_at:
            return (self.finished_at - self.started_at).total_seconds()
        return None


class RunUsage(Run):
    """Runs seen by spending: the admin's usage per user and month."""

    class Meta:
        proxy = True
        verbose_name = "usage per user and month"
        verbose_name_plural = "usage per user and month"
