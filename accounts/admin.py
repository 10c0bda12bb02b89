from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db.models import QuerySet
from django.http import HttpRequest

from vidflow.admin_actions import action_with_reason

from .models import User
from .services import user_reinstate, user_suspend


class SuspendedFilter(admin.SimpleListFilter):
    title = "suspended"
    parameter_name = "suspended"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [("yes", "Suspended"), ("no", "Active")]

    def queryset(self, request: HttpRequest, queryset: QuerySet[User]) -> QuerySet[User]:
        if self.value() == "yes":
            return queryset.filter(suspended_at__isnull=False)
        if self.value() == "no":
            return queryset.filter(suspended_at__isnull=True)
        return queryset


def _suspend(request: HttpRequest, user: User, data: dict[str, Any]) -> str:
    cancelled = user_suspend(user=user, actor=request.user, reason=data["reason"])  # type: ignore[arg-type]
    return f"{user.username} suspended ({cancelled} runs cancelled and refunded)"


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    """Staff's page for users; billing adds the credit column and the grant action to it."""

    list_display: tuple[str, ...] = ("username", "email", "is_staff", "suspended", "date_joined")
    list_filter = (SuspendedFilter, "is_staff", "is_active")
    search_fields = ("username", "email")
    readonly_fields = ("suspended_at", "suspension_reason", "last_login", "date_joined")
    fieldsets = (
        *(DjangoUserAdmin.fieldsets or ()),
        ("Moderation", {"fields": ("suspended_at", "suspension_reason")}),
    )
    actions: list[Any] = [
        action_with_reason(description="Suspend accounts…", perform=_suspend),
        "reinstate",
    ]

    @admin.display(boolean=True)
    def suspended(self, user: User) -> bool:
        return user.is_suspended

    @admin.action(description="Reinstate suspended accounts")
    def reinstate(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        for user in queryset:
            user_reinstate(user=user)
        self.message_user(request, f"{queryset.count()} accounts reinstated.")
