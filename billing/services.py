"""Money: every change of a balance, with the ledger entry that explains it.

Locking: the account row is locked (``select_for_update``) for every change, so concurrent charges
serialize and can never overdraw; on SQLite the IMMEDIATE transaction serializes writers the same
way.

Billing knows what a charge paid for only by its ``reference`` (a run's id): it imports no app
above it. The app that owns the references (projects, for runs) registers a
:class:`ReferenceOwner` at start-up, whose ``lock`` is called before the account row is locked
(the lock order everywhere: the reference's own row, then the account) and which is told of every
charge and refund, so its own totals stay exact.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Protocol

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import OuterRef, Subquery, Sum
from django.db.models.functions import Coalesce

from accounts.models import User
from vidflow.errors import InsufficientCredits, ValidationFailed

from .models import CreditAccount, DeliveredPart, EntryKind, LedgerEntry

SIGNUP_REASON = "Welcome credits"


@dataclass(frozen=True)
class ChargePart:
    """One separately refundable part of a charge ("image", "video", "render", ...)."""

    part: str
    amount: int
    shot_id: uuid.UUID | None = None

    @property
    def key(self) -> str:
        return part_key(part=self.part, shot_id=self.shot_id)


def part_key(*, part: str, shot_id: Any = None) -> str:
    return f"{shot_id}:{part}" if shot_id else part


class ReferenceOwner(Protocol):
    """What the app owning charge references (runs) does when billing touches one."""

    def lock(self, reference: uuid.UUID) -> None:
        """Lock the reference's own row for this transaction (before the account row)."""

    def charged(self, reference: uuid.UUID, amount: int) -> None: ...

    def refunded(self, reference: uuid.UUID, amount: int) -> None: ...


class _NoOwner:
    def lock(self, reference: uuid.UUID) -> None:
        return None

    def charged(self, reference: uuid.UUID, amount: int) -> None:
        return None

    def refunded(self, reference: uuid.UUID, amount: int) -> None:
        return None


_owner: ReferenceOwner = _NoOwner()


def reference_owner_register(owner: ReferenceOwner) -> None:
    """Called once at start-up by the app whose ids are charge references."""
    global _owner
    _owner = owner


def price(operation: str, quantity: int = 1) -> int:
    """The price of ``quantity`` units of an operation from the settings table."""
    try:
        return int(settings.CREDIT_PRICES[operation]) * quantity
    except KeyError:
        raise KeyError(f"No price for {operation!r} in CREDIT_PRICES") from None


# --- accounts -------------------------------------------------------------------------------


def account_open(*, user: User) -> CreditAccount:
    """The user's account, opened with the sign-up credits the first time. Safe to call again
    and concurrently: the grant is written only by the call that creates the account."""
    try:
        return CreditAccount.objects.get(user=user)
    except CreditAccount.DoesNotExist:
        pass
    try:
        with transaction.atomic():
            account = CreditAccount.objects.create(user=user, balance=0)
            if settings.SIGNUP_CREDITS > 0:
                _append(
                    account=account,
                    kind=EntryKind.GRANT,
                    amount=settings.SIGNUP_CREDITS,
                    reason=SIGNUP_REASON,
                )
            return account
    except IntegrityError:
        return CreditAccount.objects.get(user=user)


def _locked(user_id: Any) -> CreditAccount:
    if not connection.in_atomic_block:
        raise RuntimeError("credit changes must run inside transaction.atomic()")
    try:
        return CreditAccount.objects.select_for_update().get(user_id=user_id)
    except CreditAccount.DoesNotExist:
        account_open(user=User.objects.get(pk=user_id))
        return CreditAccount.objects.select_for_update().get(user_id=user_id)


def _append(
    *,
    account: CreditAccount,
    kind: str,
    amount: int,
    reason: str,
    part: str = "",
    reference: Any = None,
    shot_id: Any = None,
    reverses: LedgerEntry | None = None,
    actor: User | None = None,
    purchase: Any = None,
) -> LedgerEntry:
    """Change the (locked) balance and write the entry that explains it, together."""
    if account.balance + amount < 0:
        raise InsufficientCredits(
            f"This would take the balance ({account.balance}) below zero.",
            details={"balance": account.balance, "required": -amount},
        )
    account.balance += amount
    account.save(update_fields=["balance", "updated_at"])
    return LedgerEntry.objects.create(
        account=account,
        kind=kind,
        amount=amount,
        balance_after=account.balance,
        reason=reason[:300],
        part=part,
        reference=reference,
        shot_id=shot_id,
        reverses=reverses,
        actor=actor,
        purchase=purchase,
    )


def balance_of(*, user: User) -> int:
    return account_open(user=user).balance


# --- charges and refunds --------------------------------------------------------------------


def credits_charge(
    *, owner_id: Any, reference: uuid.UUID, parts: Iterable[ChargePart], reason: str
) -> int:
    """Charge the owner for the parts of the work ``reference`` names, up front, in the
    caller's transaction.

    The caller records the work and enqueues it in the same transaction (on commit), so a refused
    charge (402 INSUFFICIENT_CREDITS) leaves no work and sends no task. Returns the total.
    """
    parts = [p for p in parts if p.amount > 0]
    total = sum(p.amount for p in parts)
    if total == 0:
        return 0
    account = _locked(owner_id)
    if account.balance < total:
        raise InsufficientCredits(
            f"This needs {total} credits; the balance is {account.balance}.",
            details={"required": total, "balance": account.balance},
        )
    for charge in parts:
        _append(
            account=account,
            kind=EntryKind.CHARGE,
            amount=-charge.amount,
            reason=reason,
            part=charge.part,
            reference=reference,
            shot_id=charge.shot_id,
        )
    _owner.charged(reference, total)
    return total


def credits_refund(
    *, charge: LedgerEntry, reason: str, actor: User | None = None
) -> LedgerEntry | None:
    """Reverse one charge entry, at most once whatever retries or duplicate callbacks happen.

    Returns the refund entry, or None when the charge was already refunded.
    """
    with transaction.atomic():
        if charge.reference:  # lock order everywhere: the reference's row, then the account
            _owner.lock(charge.reference)
        account = _locked(charge.account_id)
        if LedgerEntry.objects.filter(reverses=charge).exists():
            return None
        try:
            with transaction.atomic():
                entry = _append(
                    account=account,
                    kind=EntryKind.REFUND,
                    amount=-charge.amount,
                    reason=reason,
                    part=charge.part,
                    reference=charge.reference,
                    shot_id=charge.shot_id,
                    reverses=charge,
                    actor=actor,
                )
        except IntegrityError:  # the one-refund-per-charge constraint: someone else won
            account.refresh_from_db()
            return None
        if charge.reference:
            _owner.refunded(charge.reference, entry.amount)
        return entry


def parts_delivered(*, reference: uuid.UUID, parts: Iterable[str], shot_id: Any = None) -> None:
    """Record that artifacts paid for by these parts were delivered; they are not refunded on
    failure. Safe to repeat.

    The conservative rule: any usable artifact of a shot (image, animated still or video) keeps
    the shot's image-step credit, so delivering a later step also delivers the image step.
    """
    keys: set[str] = set()
    for part in parts:
        keys.add(part_key(part=part, shot_id=shot_id))
        if shot_id and part != "image":
            keys.add(part_key(part="image", shot_id=shot_id))
    with transaction.atomic():
        _owner.lock(reference)
        DeliveredPart.objects.bulk_create(
            [DeliveredPart(reference=reference, key=key) for key in sorted(keys)],
            ignore_conflicts=True,
        )


def delivered_keys(*, reference: uuid.UUID) -> set[str]:
    return set(DeliveredPart.objects.filter(reference=reference).values_list("key", flat=True))


def credits_refund_unused(*, reference: uuid.UUID, reason: str) -> int:
    """Refund every charge part of ``reference`` whose artifact was not delivered. Returns the
    credits refunded. Safe to call any number of times: each charge part is refunded at most
    once."""
    with transaction.atomic():
        _owner.lock(reference)
        delivered = delivered_keys(reference=reference)
        refunded = 0
        charges = LedgerEntry.objects.filter(
            reference=reference, kind=EntryKind.CHARGE, reversed_by__isnull=True
        ).order_by("id")
        for charge in charges:
            if part_key(part=charge.part, shot_id=charge.shot_id) in delivered:
                continue
            entry = credits_refund(charge=charge, reason=reason)
            refunded += entry.amount if entry else 0
        return refunded


def credits_refund_all(*, reference: uuid.UUID, actor: User, reason: str) -> int:
    """Staff refund of everything still refundable on ``reference``, whatever was delivered."""
    if not reason.strip():
        raise ValidationFailed("A refund needs a reason.", details={"reason": ["Required."]})
    refunded = 0
    for charge in LedgerEntry.objects.filter(
        reference=reference, kind=EntryKind.CHARGE, reversed_by__isnull=True
    ).order_by("id"):
        entry = credits_refund(charge=charge, reason=f"Staff refund: {reason}", actor=actor)
        refunded += entry.amount if entry else 0
    return refunded


# --- grants and adjustments -----------------------------------------------------------------


def credits_grant(
    *, user: User, amount: int, reason: str, actor: User | None = None
) -> LedgerEntry:
    if amount <= 0:
        raise ValidationFailed("A grant must be positive.", details={"amount": ["Must be > 0."]})
    if not reason.strip():
        raise ValidationFailed("A grant needs a reason.", details={"reason": ["Required."]})
    account_open(user=user)
    with transaction.atomic():
        return _append(
            account=_locked(user.pk),
            kind=EntryKind.GRANT,
            amount=amount,
            reason=reason,
            actor=actor,
        )


def credits_adjust(*, user: User, amount: int, reason: str, actor: User) -> LedgerEntry:
    """A staff correction, positive or negative; it can never take the balance below zero."""
    if amount == 0:
        raise ValidationFailed("An adjustment cannot be zero.", details={"amount": ["Nonzero."]})
    if not reason.strip():
        raise ValidationFailed("An adjustment needs a reason.", details={"reason": ["Required."]})
    account_open(user=user)
    with transaction.atomic():
        return _append(
            account=_locked(user.pk),
            kind=EntryKind.ADJUSTMENT,
            amount=amount,
            reason=reason,
            actor=actor,
        )


def ledger_disagreements() -> list[dict[str, Any]]:
    """Accounts whose balance differs from the sum of their ledger or from its last entry."""
    entries = LedgerEntry.objects.filter(account=OuterRef("pk"))
    accounts = CreditAccount.objects.annotate(
        ledger_sum=Coalesce(
            Subquery(
                entries.order_by().values("account").annotate(t=Sum("amount")).values("t")[:1]
            ),
            0,
        ),
        last_after=Coalesce(Subquery(entries.order_by("-id").values("balance_after")[:1]), 0),
    ).select_related("user")
    return [
        {
            "user": account.user.get_username(),
            "balance": account.balance,
            "ledgerSum": account.ledger_sum,
            "lastBalanceAfter": account.last_after,
        }
        for account in accounts.order_by("user_id")
        if account.ledger_sum != account.balance or account.last_after != account.balance
    ]
