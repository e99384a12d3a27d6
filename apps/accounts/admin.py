from __future__ import annotations

from axes.utils import reset as axes_reset
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin
from django.db.models import QuerySet
from django.http import HttpRequest

from apps.accounts.models import ApiToken, User


@admin.register(User)
class WriterAdmin(UserAdmin[User]):
    list_display = (
        "username",
        "email",
        "first_name",
        "last_name",
        "is_staff",
        "monthly_budget_usd",
    )
    fieldsets = (
        *(UserAdmin.fieldsets or ()),
        ("Spending", {"fields": ("monthly_budget_usd",)}),
    )
    actions = ["unlock_login"]

    @admin.action(description="Unlock login (clear failed attempts)")
    def unlock_login(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        # A lock on an address rather than a username: delete it under Axes › Access attempts.
        cleared = sum(axes_reset(username=user.username) for user in queryset)
        self.message_user(
            request,
            f"Unlocked {queryset.count()} login(s); {cleared} lock(s) cleared.",
            messages.SUCCESS,
        )


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin[ApiToken]):
    list_display = ("name", "user", "prefix", "created_at", "last_used_at", "revoked_at")
    list_filter = ("revoked_at",)
    search_fields = ("name", "user__username", "prefix")
    readonly_fields = ("prefix", "key_hash", "created_at", "last_used_at")
    raw_id_fields = ("user",)
