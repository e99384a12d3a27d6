from __future__ import annotations

import contextlib
from datetime import UTC
from typing import Any

from django.contrib import admin, messages
from django.db.models import Count, QuerySet, Sum
from django.db.models.functions import TruncMonth
from django.http import HttpRequest, HttpResponse

from apps.accounts.models import User
from apps.conversations.admin_display import run_quality_html, run_sources_html
from apps.conversations.models import Conversation, Message, Run, RunUsage
from apps.conversations.services import lifecycle, retrying, starting
from apps.streaming.models import RunEvent


class MessageInline(admin.TabularInline[Message, Conversation]):
    model = Message
    extra = 0
    fields = ("role", "content", "created_at")
    readonly_fields = ("created_at",)


@admin.register(Conversation)
class ConversationAdmin(admin.ModelAdmin[Conversation]):
    list_display = ("title", "user", "created_at", "updated_at")
    search_fields = ("title", "user__username", "id")
    raw_id_fields = ("user", "files")
    inlines = [MessageInline]


@admin.register(Message)
class MessageAdmin(admin.ModelAdmin[Message]):
    list_display = ("id", "conversation", "role", "created_at")
    list_filter = ("role",)
    search_fields = ("content", "conversation__title")
    raw_id_fields = ("conversation",)


class RunEventInline(admin.TabularInline[RunEvent, Run]):
    model = RunEvent
    extra = 0
    fields = ("seq", "type", "payload", "created_at")
    readonly_fields = fields
    can_delete = False
    ordering = ("seq",)


@admin.register(Run)
class RunAdmin(admin.ModelAdmin[Run]):
    list_display = (
        "id",
        "writer",
        "conversation",
        "status",
        "error_code",
        "model",
        "system_used",
        "word_count",
        "tokens_in",
        "tokens_out",
        "cost_usd",
        "created_at",
        "finished_at",
        "retry_of",
    )
    # Search by writer (username or email) or run id; filter by status, model and date.
    list_filter = ("status", "model", "created_at", "error_code", "system_used", "writeup_type")
    date_hierarchy = "created_at"
    search_fields = (
        "=id",
        "conversation__user__username",
        "conversation__user__email",
        "conversation__title",
    )
    list_select_related = ("conversation__user", "retry_of")
    raw_id_fields = ("conversation", "user_message", "result_message", "retry_of")
    readonly_fields = (
        "created_at",
        "started_at",
        "finished_at",
        "cancel_requested_at",
        "quality",
        "sources",
        "retry_of",
        "tokens_in",
        "tokens_out",
        "cost_usd",
    )
    exclude = ("quality_report",)
    inlines = [RunEventInline]
    actions = ["stop_runs", "retry_runs"]

    @admin.display(description="writer", ordering="conversation__user__username")
    def writer(self, run: Run) -> str:
        return run.conversation.user.username

    @admin.display(description="quality report")
    def quality(self, run: Run) -> str:
        return run_quality_html(run)

    @admin.display(description="sources")
    def sources(self, run: Run) -> str:
        return run_sources_html(run)

    @admin.action(description="Stop the selected runs (those still queued or running)")
    def stop_runs(self, request: HttpRequest, queryset: QuerySet[Run]) -> None:
        stopped = 0
        for run in queryset.filter(status__in=Run.ACTIVE):
            with contextlib.suppress(lifecycle.RunNotActive):
                lifecycle.run_cancel(run=run)
                stopped += 1
        self.message_user(request, f"Asked {stopped} run(s) to stop.")

    @admin.action(description="Retry the selected runs (those that failed or were cancelled)")
    def retry_runs(self, request: HttpRequest, queryset: QuerySet[Run]) -> None:
        for run in queryset.select_related("conversation"):
            try:
                retry = retrying.run_retry(run=run)
            except retrying.RunNotRetryable:
                self.message_user(
                    request, f"{run.id}: {run.status}, not retried.", level=messages.WARNING
                )
            except starting.RunInProgress:
                self.message_user(
                    request,
                    f"{run.id}: its conversation has a run in progress; not retried.",
                    level=messages.WARNING,
                )
            except starting.BudgetExceeded as error:
                self.message_user(request, f"{run.id}: {error}", level=messages.ERROR)
            else:
                self.message_user(request, f"{run.id}: retried as {retry.id}.")


@admin.register(RunUsage)
class UsageAdmin(admin.ModelAdmin[RunUsage]):
    """Usage per user and month: the Run changelist, aggregated. Its filters and date drill-down
    narrow the runs; the table sums them per writer and calendar month (UTC)."""

    list_filter = ("model", "status")
    date_hierarchy = "created_at"
    search_fields = ("conversation__user__username",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        response = super().changelist_view(request, extra_context)
        context = getattr(response, "context_data", None)
        if not context or "cl" not in context:
            return response  # a redirect or an error page: nothing to sum
        runs = context["cl"].queryset.order_by()
        rows = list(
            runs.annotate(month=TruncMonth("created_at", tzinfo=UTC))
            .values("month", "conversation__user_id", "conversation__user__username")
            .annotate(
                runs=Count("id"),
                tokens_in=Sum("tokens_in"),
                tokens_out=Sum("tokens_out"),
                cost=Sum("cost_usd"),
            )
            .order_by("-month", "-cost")
        )
        users = User.objects.in_bulk({row["conversation__user_id"] for row in rows})
        for row in rows:
            row["user_id"] = row["conversation__user_id"]
            row["username"] = row["conversation__user__username"]
            row["budget"] = users[row["user_id"]].budget_usd
            row["used"] = row["cost"] * 100 / row["budget"] if row["budget"] else None
        context["usage_rows"] = rows
        context["usage_total"] = runs.aggregate(
            runs=Count("id"),
            tokens_in=Sum("tokens_in"),
            tokens_out=Sum("tokens_out"),
            cost=Sum("cost_usd"),
        )
        return response
