from __future__ import annotations

from django.contrib import admin

from apps.conversations.models import Conversation, Message, Run
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
    raw_id_fields = ("user",)
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
        "conversation",
        "status",
        "model",
        "system_used",
        "word_count",
        "created_at",
        "finished_at",
    )
    list_filter = ("status", "model", "system_used", "writeup_type")
    search_fields = ("id", "conversation__title", "conversation__user__username")
    raw_id_fields = ("conversation", "user_message", "result_message")
    readonly_fields = ("created_at", "started_at", "finished_at", "quality_report")
    inlines = [RunEventInline]
