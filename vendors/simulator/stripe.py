"""Stripe, simulated: Checkout Sessions, a hosted payment page, refunds, and signed webhooks.

Real API (docs.stripe.com/api): form-encoded POST bodies with bracketed keys
(``line_items[0][price_data][unit_amount]=300``), ``Authorization: Bearer sk_...``, an optional
``Idempotency-Key`` header (the same key answers the first answer again), errors as
``{"error": {"type", "code", "message", "param"}}``.

- ``POST /v1/checkout/sessions`` → a ``checkout.session`` (``status: open``,
  ``payment_status: unpaid``, ``url`` of the payment page); ``GET /v1/checkout/sessions/{id}``.
- The payment page ``GET /checkout/pay/{id}``: *Pay* completes the session (``status:
  complete``, ``payment_status: paid``, a ``pi_...`` payment intent) and sends
  ``checkout.session.completed``, then redirects to ``success_url`` with ``{CHECKOUT_SESSION_ID}``
  filled in; *Cancel* redirects to ``cancel_url``.
- ``POST /v1/refunds`` (``payment_intent``) → a ``refund`` and a ``charge.refunded`` event.
- Webhooks: an ``event`` object (``id evt_...``, ``type``, ``created``, ``data.object``) POSTed
  to the endpoint with ``Stripe-Signature: t=<unix>,v1=<hex HMAC-SHA256 of "t.body">`` under the
  endpoint's ``whsec_`` secret (docs.stripe.com/webhooks#verify-manually). Behaviours: signature
  ``wrong``/``stale``/``none``, callback ``twice``/``never``. ``Simulator.stripe_resend`` sends an
  event again, freshly signed, as Stripe's retries and the dashboard's *Resend* do.
"""

from __future__ import annotations

import hashlib
import hmac
import html
import json
import re
import threading
import time
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl

from .core import Delivery, Reply, SimRequest, json_reply, new_id

if TYPE_CHECKING:
    from .core import SimJob
    from .server import Simulator

API_VERSION = "2025-09-30.clover"
_KEY_PART = re.compile(r"\[([^\]]*)\]")


def decode_form(body: bytes) -> dict[str, Any]:
    """Stripe's form encoding back into nested dicts and lists."""
    root: dict[str, Any] = {}
    for key, value in parse_qsl(body.decode(errors="replace"), keep_blank_values=True):
        head = key.split("[", 1)[0]
        parts = [head, *_KEY_PART.findall(key[len(head) :])]
        node: Any = root
        for i, part in enumerate(parts):
            last = i == len(parts) - 1
            nxt_is_index = not last and parts[i + 1].isdigit()
            if isinstance(node, list):
                index = int(part)
                while len(node) <= index:
                    node.append(None)
                if last:
                    node[index] = value
                else:
                    if node[index] is None:
                        node[index] = [] if nxt_is_index else {}
                    node = node[index]
            else:
                if last:
                    node[part] = value
                else:
                    node = node.setdefault(part, [] if nxt_is_index else {})
    return root


def stripe_error(status: int, message: str, *, code: str = "", param: str = "") -> Reply:
    kind = {401: "invalid_request_error", 402: "card_error"}.get(status, "invalid_request_error")
    if status >= 500:
        kind = "api_error"
    error = {"type": kind, "message": message}
    if code:
        error["code"] = code
    if param:
        error["param"] = param
    return json_reply({"error": error}, status, headers={"Request-Id": new_id("req_")})


def sign(payload: bytes, secret: str, timestamp: int) -> str:
    signed = f"{timestamp}.".encode() + payload
    digest = hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


class Stripe:
    name = "stripe"

    def __init__(self) -> None:
        self._lock = threading.Lock()

    def error(self, status: int, message: str) -> Reply:
        return stripe_error(status, message)

    def callbacks(self, sim: Simulator, job: SimJob) -> list[Delivery]:
        return []

    # --- state (kept in sim.state, so a reset forgets it) ---

    def _state(self, sim: Simulator) -> dict[str, Any]:
        with sim._lock:
            return sim.state.setdefault(
                "stripe",
                {"sessions": {}, "intents": {}, "refunds": {}, "events": {}, "idem": {}},
            )

    # --- HTTP ---

    def handle(self, sim: Simulator, request: SimRequest) -> Reply:
        path = request.path
        if path.startswith("/checkout/"):
            return self._page(sim, request)
        token = request.header("authorization").removeprefix("Bearer ").strip()
        if not sim.authorized(self.name, token):
            return stripe_error(401, "Invalid API Key provided.")
        key = request.header("idempotency-key")
        state = self._state(sim)
        if request.method == "POST" and key:
            with self._lock:
                seen = state["idem"].get(key)
            if seen is not None:
                if seen[0] != (path, request.body):
                    return stripe_error(
                        400,
                        "Keys for idempotent requests can only be used with the same parameters "
                        "they were first used with.",
                        code="idempotency_error",
                    )
                reply: Reply = seen[1]
                replayed = {"Idempotent-Replayed": "true"}
                return Reply(reply.status, reply.body, reply.content_type, replayed)
        reply = self._route(sim, request, state)
        if request.method == "POST" and key and reply.status < 500:
            with self._lock:
                state["idem"][key] = ((path, request.body), reply)
        return reply

    def _route(self, sim: Simulator, request: SimRequest, state: dict[str, Any]) -> Reply:
        path, method = request.path, request.method
        if path == "/v1/checkout/sessions" and method == "POST":
            return self._create_session(sim, decode_form(request.body), state)
        match = re.fullmatch(r"/v1/checkout/sessions/([\w]+)", path)
        if match and method == "GET":
            session = state["sessions"].get(match.group(1))
            if session is None:
                return stripe_error(
                    404, f"No such checkout.session: '{match.group(1)}'", code="resource_missing"
                )
            return json_reply(session)
        if path == "/v1/refunds" and method == "POST":
            return self._refund(sim, decode_form(request.body), state)
        return stripe_error(404, f"Unrecognized request URL ({method}: {path}).")

    def _create_session(self, sim: Simulator, form: dict[str, Any], state: dict[str, Any]) -> Reply:
        if form.get("mode") != "payment":
            return stripe_error(400, "Only mode=payment is simulated.", param="mode")
        items = form.get("line_items")
        if not isinstance(items, list) or not items:
            return stripe_error(400, "Missing required param: line_items.", param="line_items")
        total, currency = 0, ""
        for n, item in enumerate(items):
            price = (item or {}).get("price_data") or {}
            try:
                amount = int(price["unit_amount"]) * int(item.get("quantity", 1))
                currency = str(price["currency"]).lower()
                str(price["product_data"]["name"])
            except (KeyError, TypeError, ValueError):
                return stripe_error(400, "Invalid line item.", param=f"line_items[{n}][price_data]")
            total += amount
        for field in ("success_url", "cancel_url"):
            if not str(form.get(field, "")).startswith(("http://", "https://")):
                return stripe_error(400, f"Not a valid URL: {field}", param=field)
        session_id = new_id("cs_test_")
        now = int(time.time())
        session = {
            "id": session_id,
            "object": "checkout.session",
            "amount_subtotal": total,
            "amount_total": total,
            "cancel_url": form["cancel_url"],
            "client_reference_id": form.get("client_reference_id"),
            "created": now,
            "currency": currency,
            "customer_details": {"email": form.get("customer_email")}
            if form.get("customer_email")
            else None,
            "customer_email": form.get("customer_email"),
            "expires_at": now + 24 * 3600,
            "livemode": False,
            "metadata": form.get("metadata") or {},
            "mode": "payment",
            "payment_intent": None,
            "payment_status": "unpaid",
            "status": "open",
            "success_url": form["success_url"],
            "url": f"{sim.url}/stripe/checkout/pay/{session_id}",
        }
        with self._lock:
            state["sessions"][session_id] = session
        return json_reply(session)

    def _refund(self, sim: Simulator, form: dict[str, Any], state: dict[str, Any]) -> Reply:
        intent_id = str(form.get("payment_intent") or "")
        with self._lock:
            intent = state["intents"].get(intent_id)
            if intent is None:
                return stripe_error(
                    404,
                    f"No such payment_intent: '{intent_id}'",
                    code="resource_missing",
                    param="payment_intent",
                )
            if intent["refunded"]:
                return stripe_error(
                    400,
                    f"Charge {intent['charge']} has already been refunded.",
                    code="charge_already_refunded",
                )
            intent["refunded"] = True
            refund = {
                "id": new_id("re_"),
                "object": "refund",
                "amount": intent["amount"],
                "charge": intent["charge"],
                "created": int(time.time()),
                "currency": intent["currency"],
                "metadata": form.get("metadata") or {},
                "payment_intent": intent_id,
                "status": "succeeded",
            }
            state["refunds"][refund["id"]] = refund
        charge = {
            "id": intent["charge"],
            "object": "charge",
            "amount": intent["amount"],
            "amount_refunded": intent["amount"],
            "currency": intent["currency"],
            "payment_intent": intent_id,
            "refunded": True,
            "refunds": {"object": "list", "data": [refund]},
        }
        sim.stripe_send_event("charge.refunded", charge)
        return json_reply(refund)

    # --- the hosted payment page ---

    def _page(self, sim: Simulator, request: SimRequest) -> Reply:
        match = re.fullmatch(r"/checkout/(pay|cancel)/([\w]+)", request.path)
        session = self._state(sim)["sessions"].get(match.group(2)) if match else None
        if match is None or session is None:
            return Reply(404, b"No such checkout page", "text/plain")
        action, session_id = match.groups()
        if request.method == "GET" and action == "pay":
            amount = f"{session['amount_total'] / 100:.2f} {session['currency'].upper()}"
            page = (
                "<!doctype html><title>Simulated Stripe Checkout</title>"
                f"<h1>Pay {html.escape(amount)}</h1><p>Simulated checkout {session_id}</p>"
                f'<form method="post" action="/stripe/checkout/pay/{session_id}">'
                '<button type="submit">Pay</button></form>'
                f'<form method="post" action="/stripe/checkout/cancel/{session_id}">'
                '<button type="submit">Cancel</button></form>'
            )
            return Reply(200, page.encode(), "text/html; charset=utf-8")
        if request.method != "POST":
            return Reply(405, b"Method not allowed", "text/plain")
        if action == "cancel":
            return Reply(303, b"", "text/plain", {"Location": session["cancel_url"]})
        sim.stripe_pay(session_id)
        target = session["success_url"].replace("{CHECKOUT_SESSION_ID}", session_id)
        return Reply(303, b"", "text/plain", {"Location": target})

    # --- what the Simulator's stripe_* methods call ---

    def pay(self, sim: Simulator, session_id: str, *, delayed: bool = False) -> dict[str, Any]:
        state = self._state(sim)
        with self._lock:
            session = state["sessions"].get(session_id)
            if session is None:
                raise ValueError(f"no checkout session {session_id}")
            if session["status"] != "open":
                raise ValueError(f"checkout session {session_id} is {session['status']}")
            intent_id = new_id("pi_")
            state["intents"][intent_id] = {
                "amount": session["amount_total"],
                "currency": session["currency"],
                "charge": new_id("ch_"),
                "refunded": False,
            }
            session.update(
                status="complete",
                payment_intent=intent_id,
                payment_status="unpaid" if delayed else "paid",
            )
            snapshot = json.loads(json.dumps(session))
        sim.stripe_send_event("checkout.session.completed", snapshot)
        return snapshot

    def settle(self, sim: Simulator, session_id: str, *, succeeded: bool = True) -> dict[str, Any]:
        """A delayed payment method settles (or fails) after the session completed unpaid."""
        state = self._state(sim)
        with self._lock:
            session = state["sessions"][session_id]
            session["payment_status"] = "paid" if succeeded else "unpaid"
            snapshot = json.loads(json.dumps(session))
        kind = "succeeded" if succeeded else "failed"
        sim.stripe_send_event(f"checkout.session.async_payment_{kind}", snapshot)
        return snapshot

    def expire(self, sim: Simulator, session_id: str) -> dict[str, Any]:
        state = self._state(sim)
        with self._lock:
            session = state["sessions"][session_id]
            if session["status"] != "open":
                raise ValueError(f"checkout session {session_id} is {session['status']}")
            session["status"] = "expired"
            snapshot = json.loads(json.dumps(session))
        sim.stripe_send_event("checkout.session.expired", snapshot)
        return snapshot

    def event(self, sim: Simulator, event_type: str, obj: dict[str, Any]) -> dict[str, Any]:
        event = {
            "id": new_id("evt_"),
            "object": "event",
            "api_version": API_VERSION,
            "created": int(time.time()),
            "data": {"object": obj},
            "livemode": False,
            "pending_webhooks": 1,
            "request": {"id": None, "idempotency_key": None},
            "type": event_type,
        }
        with self._lock:
            self._state(sim)["events"][event["id"]] = event
        return event

    def delivery(self, sim: Simulator, event: dict[str, Any], signature: str) -> Delivery:
        body = json.dumps(event).encode()
        now = int(time.time())
        headers = {"Content-Type": "application/json; charset=utf-8"}
        if signature == "valid":
            headers["Stripe-Signature"] = sign(body, sim.stripe_webhook_secret, now)
        elif signature == "stale":
            headers["Stripe-Signature"] = sign(body, sim.stripe_webhook_secret, now - 3600)
        elif signature == "wrong":
            headers["Stripe-Signature"] = sign(body, "whsec_not-the-endpoint-secret", now)
        return Delivery(event["id"], sim.stripe_webhook_url, headers, body)

    def stored_event(self, sim: Simulator, event_id: str) -> dict[str, Any]:
        with self._lock:
            event = self._state(sim)["events"].get(event_id)
        if event is None:
            raise ValueError(f"no event {event_id}")
        return dict(event)
