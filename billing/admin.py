"""Staff views of money: read-only ledgers; changes only through reasoned actions."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html, format_html_join

from accounts.admin import UserAdmin as AccountsUserAdmin
from accounts.models import User
from vidflow.admin_actions import AmountReasonForm, action_with_reason

from .models import CreditAccount, LedgerEntry, Purchase, StripeEvent
from .payments import money, purchase_refund
from .services import credits_grant

RECENT_LEDGER = 20


def ledger_table(entries: Iterable[LedgerEntry]) -> str:
    """Ledger entries as a small HTML table for staff pages (a user's, a run's)."""
    rows = format_html_join(
        "",
        "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
        (
            (
                e.created_at.strftime("%Y-%m-%d %H:%M"),
                e.kind,
                f"{e.amount:+d}",
                e.balance_after,
                e.part,
                e.reason,
                e.reference or "",
            )
            for e in entries
        ),
    )
    if not rows:
        return "No ledger entries."
    return format_html(
        "<table><thead><tr><th>when</th><th>kind</th><th>amount</th><th>balance</th>"
        "<th>part</th><th>reason</th><th>run</th></tr></thead><tbody>{}</tbody></table>",
        rows,
    )


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class LedgerInline(admin.TabularInline):
    model = LedgerEntry
    fk_name = "account"
    fields = (
        "created_at",
        "kind",
        "amount",
        "balance_after",
        "reason",
        "part",
        "reference",
        "purchase",
        "actor",
    )
    readonly_fields = fields
    ordering = ("-id",)
    extra = 0
    max_num = 0
    can_delete = False
    show_change_link = True

    def get_queryset(self, request: HttpRequest) -> Any:
        return super().get_queryset(request).select_related("actor", "purchase")


@admin.register(CreditAccount)
class CreditAccountAdmin(ReadOnlyAdmin):
    list_display = ("user", "balance", "updated_at")
    search_fields = ("user__username", "user__email")
    readonly_fields = ("user", "balance", "updated_at")
    inlines = [LedgerInline]


@admin.register(LedgerEntry)
class LedgerEntryAdmin(ReadOnlyAdmin):
    list_display = (
        "id",
        "created_at",
        "account",
        "kind",
        "amount",
        "balance_after",
        "reason",
        "reference",
    )
    list_filter = ("kind", "created_at")
    search_fields = ("account__user__username", "reason")
    list_select_related = ("account__user",)
    date_hierarchy = "created_at"


# --- the users' page: their credits, and the grant action -----------------------------------


def _grant(request: HttpRequest, user: User, data: dict[str, Any]) -> str:
    entry = credits_grant(
        user=user,
        amount=data["amount"],
        reason=data["reason"],
        actor=request.user,  # type: ignore[arg-type]
    )
    return f"{user.username} +{entry.amount} (balance {entry.balance_after})"


class UserCreditsAdmin(AccountsUserAdmin):
    list_display = (
        *AccountsUserAdmin.list_display[:2],
        "balance",
        *AccountsUserAdmin.list_display[2:],
    )
    actions = [
        *AccountsUserAdmin.actions,
        action_with_reason(
            description="Grant credits…", form_class=AmountReasonForm, perform=_grant
        ),
    ]

    readonly_fields = (*AccountsUserAdmin.readonly_fields, "balance", "recent_ledger")  # type: ignore[assignment]
    fieldsets = (
        *(AccountsUserAdmin.fieldsets or ()),
        ("Credits", {"fields": ("balance", "recent_ledger")}),
    )

    def get_queryset(self, request: HttpRequest) -> QuerySet[User]:
        return super().get_queryset(request).select_related("credit_account")

    @admin.display(description="recent ledger")
    def recent_ledger(self, user: User) -> str:
        """The user's last entries, newest first, and a link to all of them."""
        table = ledger_table(LedgerEntry.objects.filter(account__user=user)[:RECENT_LEDGER])
        link = reverse("admin:billing_ledgerentry_changelist") + f"?q={user.username}"
        return format_html('{}<p><a href="{}">All of {}\'s ledger</a></p>', table, link, user)

    @admin.display(description="credits")
    def balance(self, user: User) -> int | None:
        account = getattr(user, "credit_account", None)
        return account.balance if account else None


admin.site.unregister(User)
admin.site.register(User, UserCreditsAdmin)


def _describe_purchase(purchase: Purchase) -> str:
    return (
        f"purchase #{purchase.pk} by {purchase.account.user}: {purchase.pack} pack, "
        f"{purchase.credits} credits for {money(purchase.price, purchase.currency)} "
        f"({purchase.get_status_display().lower()})"
    )


def _refund_purchase(request: HttpRequest, purchase: Purchase, data: dict[str, Any]) -> str:
    entry = purchase_refund(purchase=purchase, actor=request.user, reason=data["reason"])  # type: ignore[arg-type]
    return (
        f"purchase #{purchase.pk}: {money(purchase.price, purchase.currency)} refunded through "
        f"Stripe, {-entry.amount} credits taken back from {purchase.account.user}"
    )


@admin.register(Purchase)
class PurchaseAdmin(ReadOnlyAdmin):
    list_display = (
        "id",
        "created_at",
        "account",
        "pack",
        "credits",
        "amount",
        "status",
        "paid_at",
        "refunded_at",
    )
    list_filter = ("status", "pack", "created_at")
    search_fields = ("account__user__username", "account__user__email", "stripe_session_id")
    list_select_related = ("account__user",)
    readonly_fields = (
        "account",
        "pack",
        "credits",
        "price",
        "currency",
        "status",
        "stripe_session_id",
        "stripe_payment_intent",
        "stripe_refund_id",
        "created_at",
        "paid_at",
        "refunded_at",
    )
    actions = [
        action_with_reason(
            description="Refund purchases through Stripe…",
            perform=_refund_purchase,
            describe=_describe_purchase,
        )
    ]

    @admin.display(description="paid")
    def amount(self, purchase: Purchase) -> str:
        return money(purchase.price, purchase.currency)


@admin.register(StripeEvent)
class StripeEventAdmin(ReadOnlyAdmin):
    list_display = ("id", "type", "object_id", "received_at")
    list_filter = ("type",)
    search_fields = ("id", "object_id")
