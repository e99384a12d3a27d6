from __future__ import annotations

from django.db.models import QuerySet

from apps.accounts.models import ApiToken, User


def api_tokens_for(*, user: User) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user=user)
