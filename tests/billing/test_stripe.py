"""Buying credits through Stripe Checkout; the webhook credits exactly once (reliability.md 37)."""

from __future__ import annotations

import json
import threading
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from rest_framework.test import APIClient

from accounts.models import User
from billing.models import (
    CreditAccount,
    EntryKind,
    LedgerEntry,
    Purchase,
    PurchaseStatus,
    StripeEvent,
)
from billing.payments import purchase_refund
from billing.services import ledger_disagreements
from tests.factories import UserFactory
from tests.vidflow.test_envelope import assert_error
from vendors.simulator import Delivery, Simulator
from vendors.simulator.stripe import decode_form, sign
from vidflow.api.exceptions import InvalidTransition, ValidationFailed


def _deliver(delivery: Delivery, *, client: Client | None = None, **overrides: Any) -> Any:
    headers = {k: v for k, v in delivery.headers.items() if k.lower() != "content-type"}
    headers.update(overrides.pop("headers", {}))
    return (client or Client()).post(
        "/api/stripe/webhook",
        data=overrides.pop("body", delivery.body),
        content_type="application/json",
        headers=headers,
    )


def _checkout(api: APIClient, pack: str = "starter") -> tuple[str, Purchase]:
    answer = api.post("/api/billing/checkout", {"pack": pack}, format="json")
    assert answer.status_code == 201, answer.content
    data = answer.json()["data"]
    return data["url"], Purchase.objects.get(pk=data["purchase"]["id"])


def _balance(user: User) -> int:
    return CreditAccount.objects.get(user=user).balance


def _purchase_entries(user: User) -> list[LedgerEntry]:
    return list(LedgerEntry.objects.filter(account__user=user, kind=EntryKind.PURCHASE))


pytestmark = pytest.mark.django_db


def test_packs_listed_with_prices(api: APIClient, stripe_sim: Simulator) -> None:
    data = api.get("/api/billing/packs").json()["data"]

    assert data["enabled"] is True
    assert [(p["id"], p["credits"], p["priceDisplay"]) for p in data["packs"]] == [
        ("starter", 100, "$3.00"),
        ("creator", 500, "$10.00"),
        ("studio", 2000, "$34.00"),
    ]
    assert data["packs"][-1]["perCredit"] == 0.017


def test_checkout_creates_a_stripe_session_for_the_pack(
    api: APIClient, user: User, stripe_sim: Simulator
) -> None:
    url, purchase = _checkout(api, "creator")

    assert url.startswith(f"{stripe_sim.url}/stripe/checkout/pay/cs_test_")
    assert (purchase.credits, purchase.price, purchase.status) == (500, 1000, "open")
    sent = stripe_sim.requests("stripe", "/v1/checkout/sessions")[-1]
    assert sent.header("authorization") == f"Bearer {stripe_sim.keys['stripe']}"
    form = decode_form(sent.body)
    assert form["mode"] == "payment"
    assert form["line_items"][0]["price_data"]["unit_amount"] == "1000"
    assert form["line_items"][0]["price_data"]["currency"] == "usd"
    assert form["client_reference_id"] == str(user.pk)
    assert form["metadata"] == {"vidflow_user": str(user.pk), "pack": "creator", "credits": "500"}
    assert form["success_url"].endswith("session_id={CHECKOUT_SESSION_ID}")  # Stripe fills it
    assert _balance(user) == 50  # nothing until Stripe says it is paid


def test_unknown_pack_is_a_400(api: APIClient, stripe_sim: Simulator) -> None:
    answer = api.post("/api/billing/checkout", {"pack": "gold"}, format="json")

    assert_error(answer, 400, "VALIDATION_ERROR")
    assert Purchase.objects.count() == 0
    assert stripe_sim.requests("stripe") == []


def test_paid_session_credits_once_whatever_the_replays(
    api: APIClient, user: User, stripe_sim: Simulator
) -> None:
    _, purchase = _checkout(api)
    stripe_sim.stripe_pay(purchase.stripe_session_id)
    [completed] = stripe_sim.take_callbacks()

    first = _deliver(completed)
    again = _deliver(completed)  # the same bytes and signature, replayed
    resent = _deliver(stripe_sim.stripe_resend(completed.job_id))  # Stripe's retry, re-signed
    stripe_sim.take_callbacks()

    assert first.status_code == 200, first.content
    assert first.json()["data"]["outcome"] == "credited"
    assert again.json()["data"]["duplicate"] is True
    assert resent.json()["data"]["duplicate"] is True
    assert _balance(user) == 150
    [entry] = _purchase_entries(user)
    assert (entry.amount, entry.purchase_id) == (100, purchase.pk)
    assert "Starter" in entry.reason
    purchase.refresh_from_db()
    assert purchase.status == PurchaseStatus.PAID
    assert purchase.stripe_payment_intent.startswith("pi_")
    assert ledger_disagreements() == []


def test_another_event_for_the_same_session_credits_nothing_more(
    api: APIClient, user: User, stripe_sim: Simulator
) -> None:
    _, purchase = _checkout(api)
    session = stripe_sim.stripe_pay(purchase.stripe_session_id)
    stripe_sim.stripe_send_event("checkout.session.completed", session)  # a new event id
    first, second = stripe_sim.take_callbacks()
    assert first.job_id != second.job_id

    assert _deliver(second).json()["data"]["outcome"] == "credited"
    assert _deliver(first).json()["data"]["outcome"] == "already credited"
    assert len(_purchase_entries(user)) == 1
    assert _balance(user) == 150


def test_delayed_payment_credits_on_settlement_in_either_order(
    api: APIClient, user: User, stripe_sim: Simulator
) -> None:
    _, purchase = _checkout(api)
    stripe_sim.stripe_pay(purchase.stripe_session_id, delayed=True)
    stripe_sim.stripe_settle(purchase.stripe_session_id)
    completed_unpaid, succeeded = stripe_sim.take_callbacks()

    # Out of order: the settlement arrives before the (unpaid) completion.
    assert _deliver(succeeded).json()["data"]["outcome"] == "credited"
    assert _deliver(completed_unpaid).json()["data"]["outcome"] == "not paid yet"
    assert _balance(user) == 150
    assert len(_purchase_entries(user)) == 1


def test_unpaid_completion_alone_credits_nothing(
    api: APIClient, user: User, stripe_sim: Simulator
) -> None:
    _, purchase = _checkout(api)
    stripe_sim.stripe_pay(purchase.stripe_session_id, delayed=True)
    stripe_sim.stripe_settle(purchase.stripe_session_id, succeeded=False)
    completed_unpaid, failed = stripe_sim.take_callbacks()

    _deliver(completed_unpaid)
    _deliver(failed)

    assert _balance(user) == 50
    purchase.refresh_from_db()
    assert purchase.status == PurchaseStatus.EXPIRED


def test_expiry_after_payment_changes_nothing(
    api: APIClient, user: User, stripe_sim: Simulator
) -> None:
    _, purchase = _checkout(api)
    session = stripe_sim.stripe_pay(purchase.stripe_session_id)
    stripe_sim.stripe_send_event("checkout.session.expired", {**session, "status": "expired"})
    completed, expired = stripe_sim.take_callbacks()

    _deliver(expired)  # reordered: the (bogus) expiry first
    _deliver(completed)

    purchase.refresh_from_db()
    assert purchase.status == PurchaseStatus.PAID
    assert _balance(user) == 150


@pytest.mark.parametrize("signature", ["wrong", "stale", "none"])
def test_unverified_webhooks_are_refused_and_change_nothing(
    api: APIClient, user: User, stripe_sim: Simulator, signature: str
) -> None:
    _, purchase = _checkout(api)
    stripe_sim.behave("stripe", signature=signature)
    stripe_sim.stripe_pay(purchase.stripe_session_id)
    [delivery] = stripe_sim.take_callbacks()

    answer = _deliver(delivery)

    assert_error(answer, 400, "VALIDATION_ERROR")
    assert _balance(user) == 50
    # Refused events are not remembered: the same event, properly signed, still credits.
    assert _deliver(stripe_sim.stripe_resend(delivery.job_id)).status_code == 200
    assert _balance(user) == 150


def test_a_body_changed_after_signing_is_refused(
    api: APIClient, user: User, stripe_sim: Simulator
) -> None:
    _, purchase = _checkout(api)
    stripe_sim.stripe_pay(purchase.stripe_session_id)
    [delivery] = stripe_sim.take_callbacks()
    event = json.loads(delivery.body)
    event["data"]["object"]["client_reference_id"] = "1"

    answer = _deliver(delivery, body=json.dumps(event).encode())

    assert_error(answer, 400, "VALIDATION_ERROR")
    assert _balance(user) == 50


def test_timestamp_tolerance_is_the_setting(
    api: APIClient, user: User, stripe_sim: Simulator, settings: Any
) -> None:
    _, purchase = _checkout(api)
    stripe_sim.stripe_pay(purchase.stripe_session_id)
    [delivery] = stripe_sim.take_callbacks()
    import time

    old = sign(delivery.body, stripe_sim.stripe_webhook_secret, int(time.time()) - 200)
    settings.STRIPE_WEBHOOK_TOLERANCE = 100
    assert _deliver(delivery, headers={"Stripe-Signature": old}).status_code == 400
    settings.STRIPE_WEBHOOK_TOLERANCE = 300
    assert _deliver(delivery, headers={"Stripe-Signature": old}).status_code == 200
    assert _balance(user) == 150


def test_garbage_is_a_400_never_a_500(stripe_sim: Simulator) -> None:
    body = b"{not json"
    header = sign(body, stripe_sim.stripe_webhook_secret, int(__import__("time").time()))
    answer = Client().post(
        "/api/stripe/webhook",
        data=body,
        content_type="application/json",
        headers={"Stripe-Signature": header},
    )
    assert_error(answer, 400, "VALIDATION_ERROR")
    assert_error(
        Client().post("/api/stripe/webhook", data=b"", content_type="application/json"),
        400,
        "VALIDATION_ERROR",
    )
    # a form body (read as form fields before the view runs), signed or not
    for content_type in ("multipart/form-data", "application/x-www-form-urlencoded"):
        form = Client().post(
            "/api/stripe/webhook",
            data=b"a=1",
            content_type=content_type,
            headers={"Stripe-Signature": header},
        )
        assert_error(form, 400, "VALIDATION_ERROR")
    assert not StripeEvent.objects.exists()


def test_other_events_are_acknowledged_and_ignored(stripe_sim: Simulator) -> None:
    stripe_sim.stripe_send_event("customer.created", {"id": "cus_1", "object": "customer"})
    [delivery] = stripe_sim.take_callbacks()

    answer = _deliver(delivery)

    assert answer.status_code == 200
    assert answer.json()["data"]["outcome"] == "ignored"


@pytest.mark.django_db(transaction=True)
def test_concurrent_duplicates_credit_exactly_once(stripe_sim: Simulator, client_for: Any) -> None:
    user = UserFactory()
    api = client_for(user)
    _, purchase = _checkout(api)
    session = stripe_sim.stripe_pay(purchase.stripe_session_id)
    stripe_sim.stripe_send_event("checkout.session.completed", session)
    first, other_event = stripe_sim.take_callbacks()
    # Eight deliveries at once: the same event six times and a second event for the session twice.
    deliveries = [first] * 6 + [other_event] * 2
    barrier = threading.Barrier(len(deliveries))
    answers: list[Any] = [None] * len(deliveries)

    def post(i: int) -> None:
        try:
            client = Client()
            barrier.wait()
            answers[i] = _deliver(deliveries[i], client=client)
        except Exception as exc:  # pragma: no cover - reported below
            answers[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=post, args=(i,)) for i in range(len(deliveries))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)

    assert [getattr(a, "status_code", a) for a in answers] == [200] * len(deliveries)
    outcomes = sorted(a.json()["data"]["outcome"] for a in answers)
    assert outcomes.count("credited") == 1
    assert len(_purchase_entries(user)) == 1
    assert _balance(user) == 150
    assert ledger_disagreements() == []


def test_purchases_off_without_stripe_settings(api: APIClient, settings: Any) -> None:
    settings.STRIPE_SECRET_KEY = ""
    settings.STRIPE_WEBHOOK_SECRET = ""

    assert api.get("/api/billing/packs").json()["data"]["enabled"] is False
    assert_error(
        api.post("/api/billing/checkout", {"pack": "starter"}, format="json"),
        503,
        "PROVIDER_UNAVAILABLE",
    )
    assert_error(  # nothing listens for Stripe here
        Client().post("/api/stripe/webhook", data=b"{}", content_type="application/json"),
        404,
        "NOT_FOUND",
    )


# --- refunds ----------------------------------------------------------------------------------


@pytest.fixture
def staff(db: None) -> User:
    return User.objects.create_superuser("boss", "boss@example.com", "boss password 1")


def _paid(api: APIClient, stripe_sim: Simulator) -> Purchase:
    _, purchase = _checkout(api)
    stripe_sim.stripe_pay(purchase.stripe_session_id)
    [completed] = stripe_sim.take_callbacks()
    assert _deliver(completed).status_code == 200
    purchase.refresh_from_db()
    return purchase


def test_staff_refund_refunds_at_stripe_and_takes_the_credits_back(
    api: APIClient, user: User, staff: User, stripe_sim: Simulator
) -> None:
    purchase = _paid(api, stripe_sim)

    entry = purchase_refund(purchase=purchase, actor=staff, reason="bought by mistake")

    assert (entry.kind, entry.amount, entry.actor_id) == ("adjustment", -100, staff.pk)
    assert _balance(user) == 50
    purchase.refresh_from_db()
    assert purchase.status == PurchaseStatus.REFUNDED
    assert purchase.stripe_refund_id.startswith("re_")
    [refund_call] = stripe_sim.requests("stripe", "/v1/refunds")
    assert decode_form(refund_call.body)["payment_intent"] == purchase.stripe_payment_intent
    assert refund_call.header("idempotency-key") == f"vidflow-purchase-refund-{purchase.pk}"
    # Stripe then reports the refund: nothing more is taken.
    [charge_refunded] = stripe_sim.take_callbacks()
    assert _deliver(charge_refunded).json()["data"]["outcome"] == "nothing to take back"
    assert _balance(user) == 50
    with pytest.raises(InvalidTransition):
        purchase_refund(purchase=purchase, actor=staff, reason="again")
    assert ledger_disagreements() == []


def test_refund_refused_when_the_credits_are_spent(
    api: APIClient, user: User, staff: User, stripe_sim: Simulator
) -> None:
    from billing.services import credits_adjust

    purchase = _paid(api, stripe_sim)
    credits_adjust(user=user, amount=-120, reason="spent", actor=staff)

    with pytest.raises(ValidationFailed, match="30 credits left of the 100"):
        purchase_refund(purchase=purchase, actor=staff, reason="wants money back")

    assert stripe_sim.requests("stripe", "/v1/refunds") == []
    purchase.refresh_from_db()
    assert purchase.status == PurchaseStatus.PAID


def test_refund_at_stripe_dashboard_takes_back_what_is_left(
    api: APIClient, user: User, staff: User, stripe_sim: Simulator
) -> None:
    from billing.services import credits_adjust

    purchase = _paid(api, stripe_sim)
    credits_adjust(user=user, amount=-120, reason="spent", actor=staff)
    # A refund made in Stripe's dashboard (not through VidFlow).
    stripe_sim.stripe.event(stripe_sim, "noop", {})  # events are independent of each other
    charge = {
        "id": "ch_x",
        "object": "charge",
        "amount": 300,
        "amount_refunded": 300,
        "payment_intent": purchase.stripe_payment_intent,
        "refunded": True,
        "refunds": {"object": "list", "data": [{"id": "re_dash", "object": "refund"}]},
    }
    stripe_sim.stripe_send_event("charge.refunded", charge)
    [delivery] = stripe_sim.take_callbacks()

    assert _deliver(delivery).json()["data"]["outcome"] == "taken back 30"
    assert _balance(user) == 0
    purchase.refresh_from_db()
    assert (purchase.status, purchase.stripe_refund_id) == ("refunded", "re_dash")


def test_admin_refund_form_names_buyer_pack_and_amount(
    api: APIClient, user: User, staff: User, stripe_sim: Simulator
) -> None:
    purchase = _paid(api, stripe_sim)
    admin = Client()
    admin.force_login(staff)
    action = "refund_purchases_through_stripe"

    form = admin.post(
        "/admin/billing/purchase/", {"action": action, "_selected_action": [purchase.pk]}
    )
    done = admin.post(
        "/admin/billing/purchase/",
        {"action": action, "_selected_action": [purchase.pk], "apply": "1", "reason": "oops"},
        follow=True,
    )

    text = form.content.decode()
    who = f"purchase #{purchase.pk} by {user.username}"
    assert f"{who}: starter pack, 100 credits for $3.00" in text
    assert "refunded through Stripe, 100 credits taken back" in done.content.decode()
    assert _balance(user) == 50


# --- the Buy credits page ---------------------------------------------------------------------


def _browser(user: User) -> Client:
    browser = Client()
    browser.force_login(user)
    return browser


def test_buy_credits_page_lists_the_packs_and_goes_to_stripe(
    user: User, stripe_sim: Simulator
) -> None:
    browser = _browser(user)

    page = browser.get("/billing").content.decode()
    bought = browser.post("/billing/checkout", {"pack": "studio"})

    assert "Buy credits" in page
    assert "$34.00" in page
    assert "2000 credits · 0.017 USD per credit" in page
    assert 'name="pack" value="starter"' in page
    assert bought.status_code == 302
    assert bought["Location"].startswith(f"{stripe_sim.url}/stripe/checkout/pay/cs_test_")
    assert Purchase.objects.get(account__user=user).credits == 2000


def test_back_from_stripe_the_page_says_the_credits_are_on_their_way(
    user: User, stripe_sim: Simulator
) -> None:
    page = _browser(user).get("/billing?checkout=success&session_id=cs_x", follow=True)

    assert "Your credits are added as soon as Stripe confirms the payment" in page.content.decode()


def test_without_stripe_settings_the_page_says_purchases_are_off(user: User, settings: Any) -> None:
    settings.STRIPE_SECRET_KEY = ""
    browser = _browser(user)

    page = browser.get("/billing").content.decode()
    refused = browser.post("/billing/checkout", {"pack": "starter"}, follow=True).content.decode()

    assert "Purchases are off on this server" in page
    assert "Ask the staff for credits" in page
    assert "<form" not in page.split('id="purchases-off"')[1]
    assert "Purchases are off on this server (no Stripe settings)" in refused
    assert Purchase.objects.count() == 0
