from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from .models import TokenActivity


@admin.register(TokenActivity)
class TokenActivityAdmin(admin.ModelAdmin):
    """Read-only: when each user's tokens for each client were last used. Applications, tokens
    and device grants have django-oauth-toolkit's own admin pages."""

    list_display = ["user", "application", "last_used_at"]
    list_select_related = ["user", "application"]
    search_fields = ["user__username", "user__email", "application__name"]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
