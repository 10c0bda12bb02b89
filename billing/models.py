"""Credit accounts and the append-only ledger.

The balance on ``CreditAccount`` is a cache of the ledger's sum, changed only together with the
entry that explains it (same transaction, account row locked). ``manage.py check_ledger`` proves
the two agree. Entries are never edited or deleted; a mistake is corrected by a new entry.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q


class CreditAccount(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="credit_account",
    )
    balance = models.IntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(balance__gte=0), name="credit_balance_not_negative")
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.balance} cr)"


class EntryKind(models.TextChoices):
    GRANT = "grant", "Grant"
    CHARGE = "charge", "Charge"
    REFUND = "refund", "Refund"
    ADJUSTMENT = "adjustment", "Adjustment"
    PURCHASE = "purchase", "Purchase"


class LedgerEntryQuerySet(models.QuerySet["LedgerEntry"]):
    def update(self, **kwargs: Any) -> int:
        raise TypeError("Ledger entries are append-only")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise TypeError("Ledger entries are append-only")


class LedgerEntry(models.Model):
    """One change of a balance. ``amount`` is signed: charges are negative."""

    id = models.BigAutoField(primary_key=True)
    account = models.ForeignKey(CreditAccount, on_delete=models.PROTECT, related_name="entries")
    kind = models.CharField(max_length=16, choices=EntryKind.choices)
    amount = models.IntegerField()
    balance_after = models.IntegerField()
    reason = models.CharField(max_length=300)
    # Which part of a run a charge pays for ("image", "video", "render", ...) and for which shot;
    # refunds reverse exactly one charge entry, once.
    part = models.CharField(max_length=32, blank=True)
    # What the charge paid for, by reference (a run's id); billing imports nothing above it.
    reference = models.UUIDField(null=True, blank=True, db_index=True, db_column="run_id")
    shot_id = models.UUIDField(null=True, blank=True)
    reverses = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="reversed_by"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="The staff member behind a grant or adjustment.",
    )
    # The credit pack a ``purchase`` entry adds, or whose refund an ``adjustment`` takes back.
    purchase = models.ForeignKey(
        "billing.Purchase",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="entries",
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    objects = LedgerEntryQuerySet.as_manager()

    class Meta:
        ordering = ("-created_at", "-id")
        verbose_name_plural = "ledger entries"
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(kind="charge", amount__lt=0)
                    | Q(kind__in=["grant", "refund", "purchase"], amount__gt=0)
                    | Q(kind="adjustment")
                ),
                name="ledger_amount_sign_matches_kind",
            ),
            models.CheckConstraint(
                condition=Q(kind="refund", reverses__isnull=False) | ~Q(kind="refund"),
                name="ledger_refund_reverses_a_charge",
            ),
            models.CheckConstraint(
                condition=Q(balance_after__gte=0), name="ledger_balance_after_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(kind="purchase", purchase__isnull=False) | ~Q(kind="purchase"),
                name="ledger_purchase_names_its_purchase",
            ),
            # Whatever webhooks arrive, twice or at once: one purchase entry per paid session,
            # and one adjustment taking it back when it is refunded.
            models.UniqueConstraint(
                fields=["purchase", "kind"],
                condition=Q(purchase__isnull=False),
                name="ledger_one_entry_of_each_kind_per_purchase",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.amount:+d} → {self.balance_after}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None and not self._state.adding:
            raise TypeError("Ledger entries are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise TypeError("Ledger entries are append-only")


class DeliveredPart(models.Model):
    """A charge part whose artifact was delivered ("<shot id>:image", "render", ...): it is not
    refunded when the rest of the work fails."""

    reference = models.UUIDField()
    key = models.CharField(max_length=80)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=("reference", "key"), name="delivered_part_once")
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.key}"


class PurchaseStatus(models.TextChoices):
    OPEN = "open", "Open"  # a Checkout Session was created; not paid (yet)
    PAID = "paid", "Paid"  # credited: its ``purchase`` ledger entry exists
    EXPIRED = "expired", "Expired"  # the session expired unpaid
    REFUNDED = "refunded", "Refunded"  # the money went back and the credits were taken back


class Purchase(models.Model):
    """One credit pack bought (or being bought) through a Stripe Checkout Session."""

    id = models.BigAutoField(primary_key=True)
    account = models.ForeignKey(CreditAccount, on_delete=models.PROTECT, related_name="purchases")
    pack = models.CharField(max_length=40)
    credits = models.PositiveIntegerField()
    price = models.PositiveIntegerField(help_text="In the currency's smallest unit (cents).")
    currency = models.CharField(max_length=3)
    status = models.CharField(
        max_length=16, choices=PurchaseStatus.choices, default=PurchaseStatus.OPEN
    )
    stripe_session_id = models.CharField(max_length=255, unique=True)
    stripe_payment_intent = models.CharField(max_length=255, blank=True)
    stripe_refund_id = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    paid_at = models.DateTimeField(null=True, blank=True)
    refunded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("-created_at", "-id")
        constraints = [
            models.CheckConstraint(condition=Q(credits__gt=0), name="purchase_credits_positive")
        ]

    def __str__(self) -> str:
        return f"{self.credits} credits for {self.price / 100:.2f} {self.currency.upper()}"


class StripeEvent(models.Model):
    """A Stripe webhook event handled: a replay of the same event id changes nothing."""

    id = models.CharField(max_length=255, primary_key=True)
    type = models.CharField(max_length=100)
    object_id = models.CharField(max_length=255, blank=True)
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("-received_at",)

    def __str__(self) -> str:
        return f"{self.type} {self.id}"
