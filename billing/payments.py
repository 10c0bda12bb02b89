"""Credits for sale: credit packs bought through Stripe Checkout, credited by Stripe's webhook.

The flow (docs.stripe.com/checkout/fulfillment):

1. ``checkout_create``: a Checkout Session for one pack (``POST /v1/checkout/sessions``, mode
   ``payment``, one line item with inline ``price_data``); the ``Purchase`` row is written with
   the session's id before its URL is answered, so the webhook always finds it.
2. The buyer pays on Stripe's page; Stripe POSTs ``checkout.session.completed`` (and, for payment
   methods that settle later, ``checkout.session.async_payment_succeeded``) to
   ``/api/stripe/webhook``, signed in ``Stripe-Signature`` (``t=<unix>,v1=<hex HMAC-SHA256 of
   "t.body" with the endpoint secret>``).
3. ``webhook_handle``: the signature and its timestamp (``STRIPE_WEBHOOK_TOLERANCE``) are checked
   by the official library (``stripe.Webhook.construct_event``); then, in one transaction, the
   event id is recorded (a replay of the same event changes nothing) and the purchase row is
   locked: a paid session that is not yet credited gets its one ``purchase`` ledger entry. Two
   different events for one session, events out of order and concurrent duplicates all end in
   exactly one entry (reliability.md item 37): the event row's primary key, the purchase row's
   lock and the ledger's unique (purchase, kind) constraint each hold it on their own.

Refunds (``purchase_refund``, staff only): Stripe refunds the payment intent (with an idempotency
key per purchase, so a retry never refunds twice) and an ``adjustment`` takes the credits back.
A refund made in Stripe's dashboard arrives as ``charge.refunded`` and takes back what is left.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

import stripe
from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import User
from vidflow.api.exceptions import (
    InvalidTransition,
    NotFound,
    ProviderUnavailable,
    ValidationFailed,
    VendorError,
)

from .models import EntryKind, LedgerEntry, Purchase, PurchaseStatus, StripeEvent
from .services import _append, _locked, account_open

logger = logging.getLogger(__name__)

PAID_STATUSES = {"paid", "no_payment_required"}
CREDITING_EVENTS = {"checkout.session.completed", "checkout.session.async_payment_succeeded"}


@dataclass(frozen=True)
class Pack:
    id: str
    name: str
    credits: int
    price: int  # smallest currency unit
    currency: str

    @property
    def per_credit(self) -> float:
        return self.price / 100 / self.credits

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "credits": self.credits,
            "price": self.price,
            "currency": self.currency,
            "priceDisplay": money(self.price, self.currency),
            "perCredit": round(self.per_credit, 4),
        }


def money(amount: int, currency: str) -> str:
    symbol = {"usd": "$", "eur": "€", "gbp": "£"}.get(currency.lower())
    value = f"{amount / 100:,.2f}"
    return f"{symbol}{value}" if symbol else f"{value} {currency.upper()}"


def packs() -> list[Pack]:
    return [
        Pack(
            id=p["id"],
            name=str(p.get("name") or p["id"].title()),
            credits=int(p["credits"]),
            price=int(p["price"]),
            currency=settings.CREDIT_PACK_CURRENCY,
        )
        for p in settings.CREDIT_PACKS
    ]


def pack_get(pack_id: Any) -> Pack:
    for pack in packs():
        if pack.id == pack_id:
            return pack
    raise ValidationFailed(
        "No such credit pack.",
        details={"pack": [f"Choose one of: {', '.join(p.id for p in packs())}."]},
    )


def purchases_enabled() -> bool:
    return bool(settings.STRIPE_SECRET_KEY and settings.STRIPE_WEBHOOK_SECRET and packs())


def _client() -> stripe.StripeClient:
    return stripe.StripeClient(
        settings.STRIPE_SECRET_KEY,
        base_addresses={"api": settings.STRIPE_API_BASE},
        max_network_retries=2,  # the library reuses one idempotency key across its retries
    )


def _vendor_error(exc: stripe.StripeError) -> VendorError:
    message = getattr(exc, "user_message", None) or str(exc) or "Stripe refused the request."
    logger.warning("stripe error: %s", exc)
    return VendorError(f"Stripe: {message}", details={"stripeCode": getattr(exc, "code", None)})


# --- buying ---------------------------------------------------------------------------------


def checkout_create(
    *, user: User, pack_id: Any, idempotency_key: str | None = None
) -> tuple[Purchase, str]:
    """A Stripe Checkout Session for one pack; returns the open purchase and the page's URL."""
    if not purchases_enabled():
        raise ProviderUnavailable(
            "Purchases are off on this server (no Stripe settings); ask staff for credits."
        )
    pack = pack_get(pack_id)
    account = account_open(user=user)
    base = settings.PUBLIC_BASE_URL
    metadata = {"vidflow_user": str(user.pk), "pack": pack.id, "credits": str(pack.credits)}
    params: dict[str, Any] = {
        "mode": "payment",
        "line_items": [
            {
                "quantity": 1,
                "price_data": {
                    "currency": pack.currency,
                    "unit_amount": pack.price,
                    "product_data": {
                        "name": f"{pack.name}: {pack.credits} VidFlow credits",
                    },
                },
            }
        ],
        "client_reference_id": str(user.pk),
        "metadata": metadata,
        "payment_intent_data": {"metadata": metadata},
        "success_url": f"{base}/billing?checkout=success&session_id={{CHECKOUT_SESSION_ID}}",
        "cancel_url": f"{base}/billing?checkout=cancelled",
    }
    if user.email:
        params["customer_email"] = user.email
    options: dict[str, Any] = {}
    if idempotency_key:
        options["idempotency_key"] = f"vidflow-checkout-{user.pk}-{idempotency_key}"[:255]
    try:
        session = (
            _client()
            .v1.checkout.sessions.create(
                params=params,  # type: ignore[arg-type]
                options=options,  # type: ignore[arg-type]
            )
            .to_dict()
        )
    except stripe.StripeError as exc:
        raise _vendor_error(exc) from exc
    if not session.get("id") or not session.get("url"):
        raise VendorError("Stripe answered a Checkout Session without an id or URL.")
    purchase, _ = Purchase.objects.get_or_create(
        stripe_session_id=session["id"],
        defaults={
            "account": account,
            "pack": pack.id,
            "credits": pack.credits,
            "price": pack.price,
            "currency": pack.currency,
        },
    )
    return purchase, str(session["url"])


# --- the webhook ----------------------------------------------------------------------------


def webhook_handle(*, payload: bytes, signature: str | None) -> dict[str, Any]:
    """Verify and apply one Stripe webhook. Raises ValidationFailed (400) for a bad signature,
    a stale timestamp or an unreadable body; anything else answers 2xx so Stripe stops."""
    secret = settings.STRIPE_WEBHOOK_SECRET
    if not secret:  # nothing here listens for Stripe
        raise NotFound("Stripe webhooks are off on this server.")
    if not signature:
        raise ValidationFailed("Missing Stripe-Signature header.")
    try:
        event = stripe.Webhook.construct_event(
            payload, signature, secret, tolerance=settings.STRIPE_WEBHOOK_TOLERANCE
        )
    except stripe.SignatureVerificationError as exc:
        raise ValidationFailed(f"Bad Stripe signature: {exc.user_message or exc}") from None
    except Exception:  # any malformed header or body the library trips on: a 400, never a 500
        raise ValidationFailed("Unreadable Stripe event.") from None
    raw = event.to_dict()
    event_id, event_type = raw.get("id"), raw.get("type")
    data = raw.get("data")
    obj = data.get("object") if isinstance(data, dict) else None
    if not (isinstance(event_id, str) and isinstance(event_type, str) and isinstance(obj, dict)):
        raise ValidationFailed("Unreadable Stripe event.")
    with transaction.atomic():
        try:
            with transaction.atomic():
                StripeEvent.objects.create(
                    id=event_id, type=event_type, object_id=str(obj.get("id") or "")[:255]
                )
        except IntegrityError:  # this event was handled (or is being handled right now)
            return {"received": True, "duplicate": True, "outcome": "duplicate event"}
        outcome = _apply(event_type, obj)
    logger.info("stripe %s %s: %s", event_type, event_id, outcome)
    return {"received": True, "duplicate": False, "outcome": outcome}


def _apply(event_type: str, obj: dict[str, Any]) -> str:
    if event_type in CREDITING_EVENTS:
        if obj.get("payment_status") not in PAID_STATUSES:
            return "not paid yet"
        purchase = _purchase_for_session(obj)
        if purchase is None:
            return "unknown session"
        return _credit(purchase, obj)
    if event_type in ("checkout.session.expired", "checkout.session.async_payment_failed"):
        updated = Purchase.objects.filter(
            stripe_session_id=str(obj.get("id")), status=PurchaseStatus.OPEN
        ).update(status=PurchaseStatus.EXPIRED)
        return "expired" if updated else "nothing to expire"
    if event_type == "charge.refunded":
        return _refunded_at_stripe(obj)
    return "ignored"


def _purchase_for_session(session: dict[str, Any]) -> Purchase | None:
    """The session's purchase, locked. A session we have no row for (our write was lost) is
    believed from its signed metadata: the user and the pack we put there."""
    session_id = str(session.get("id") or "")
    purchase = Purchase.objects.select_for_update().filter(stripe_session_id=session_id).first()
    if purchase is not None:
        return purchase
    metadata = session.get("metadata") or {}
    user_id = _int(session.get("client_reference_id"))
    user = User.objects.filter(pk=user_id).first() if user_id is not None else None
    pack = next((p for p in packs() if p.id == metadata.get("pack")), None)
    if not session_id or user is None or pack is None:
        logger.warning("stripe session %s names no known user and pack", session_id)
        return None
    try:
        with transaction.atomic():
            Purchase.objects.create(
                account=account_open(user=user),
                pack=pack.id,
                credits=_int(metadata.get("credits")) or pack.credits,
                price=_int(session.get("amount_total")) or pack.price,
                currency=str(session.get("currency") or pack.currency)[:3],
                stripe_session_id=session_id,
            )
    except IntegrityError:
        pass  # a concurrent delivery created it
    return Purchase.objects.select_for_update().get(stripe_session_id=session_id)


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _credit(purchase: Purchase, session: dict[str, Any]) -> str:
    """Add the purchase's credits once (the purchase row is locked by the caller)."""
    if purchase.status in (PurchaseStatus.PAID, PurchaseStatus.REFUNDED):
        return "already credited"
    account = _locked(purchase.account_id)
    pack = next((p for p in packs() if p.id == purchase.pack), None)
    name = pack.name if pack else purchase.pack
    _append(
        account=account,
        kind=EntryKind.PURCHASE,
        amount=purchase.credits,
        reason=f"Bought the {name} pack: {purchase.credits} credits "
        f"({money(purchase.price, purchase.currency)})",
        purchase=purchase,
    )
    purchase.status = PurchaseStatus.PAID
    purchase.paid_at = timezone.now()
    purchase.stripe_payment_intent = str(session.get("payment_intent") or "")[:255]
    purchase.save(update_fields=["status", "paid_at", "stripe_payment_intent"])
    return "credited"


def _refunded_at_stripe(charge: dict[str, Any]) -> str:
    """A refund made outside VidFlow (Stripe's dashboard): take back what is left of it."""
    intent = str(charge.get("payment_intent") or "")
    purchase = (
        Purchase.objects.select_for_update().filter(stripe_payment_intent=intent).first()
        if intent
        else None
    )
    if purchase is None or purchase.status != PurchaseStatus.PAID:
        return "nothing to take back"
    if (_int(charge.get("amount_refunded")) or 0) < purchase.price:
        return "partial refund: left to staff"
    account = _locked(purchase.account_id)
    take = min(purchase.credits, account.balance)
    if take:
        _append(
            account=account,
            kind=EntryKind.ADJUSTMENT,
            amount=-take,
            reason=f"Purchase #{purchase.pk} refunded at Stripe: {take} of its "
            f"{purchase.credits} credits taken back",
            purchase=purchase,
        )
    purchase.status = PurchaseStatus.REFUNDED
    purchase.refunded_at = timezone.now()
    refunds = charge.get("refunds")
    first = (refunds.get("data") or [{}])[0] if isinstance(refunds, dict) else {}
    purchase.stripe_refund_id = str(first.get("id") or "")[:255]
    purchase.save(update_fields=["status", "refunded_at", "stripe_refund_id"])
    return f"taken back {take}"


# --- staff refunds --------------------------------------------------------------------------


def purchase_refund(*, purchase: Purchase, actor: User, reason: str) -> LedgerEntry:
    """Staff refund of a paid purchase: the money through Stripe, the credits by an adjustment.

    Refused (nothing changes) when the purchase is not paid, or when the buyer has already spent
    some of its credits (the balance cannot go below zero; adjust by hand first).
    """
    if not reason.strip():
        raise ValidationFailed("A refund needs a reason.", details={"reason": ["Required."]})
    if not settings.STRIPE_SECRET_KEY:
        raise ProviderUnavailable("Stripe is not configured on this server.")
    with transaction.atomic():  # lock order: purchase, then account
        locked = Purchase.objects.select_for_update().filter(pk=purchase.pk).first()
        if locked is None:
            raise NotFound("No such purchase.")
        if locked.status != PurchaseStatus.PAID or not locked.stripe_payment_intent:
            raise InvalidTransition(
                f"Only a paid purchase can be refunded; this one is {locked.get_status_display()}."
            )
        account = _locked(locked.account_id)
        if account.balance < locked.credits:
            raise ValidationFailed(
                f"{account.user} has {account.balance} credits left of the {locked.credits} "
                "bought; refunding would take the balance below zero. Adjust the balance first.",
                details={"balance": account.balance, "credits": locked.credits},
            )
        try:
            refund = (
                _client()
                .v1.refunds.create(
                    params={
                        "payment_intent": locked.stripe_payment_intent,
                        "metadata": {"vidflow_purchase": str(locked.pk)},
                    },
                    options={"idempotency_key": f"vidflow-purchase-refund-{locked.pk}"},
                )
                .to_dict()
            )
        except stripe.StripeError as exc:
            raise _vendor_error(exc) from exc
        entry = _append(
            account=account,
            kind=EntryKind.ADJUSTMENT,
            amount=-locked.credits,
            reason=f"Refund of purchase #{locked.pk} ({locked.credits} credits, "
            f"{money(locked.price, locked.currency)}): {reason}",
            actor=actor,
            purchase=locked,
        )
        locked.status = PurchaseStatus.REFUNDED
        locked.refunded_at = timezone.now()
        locked.stripe_refund_id = str(refund.get("id") or "")[:255]
        locked.save(update_fields=["status", "refunded_at", "stripe_refund_id"])
        purchase.refresh_from_db()
        return entry
