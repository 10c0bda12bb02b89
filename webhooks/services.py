"""Every write to webhook endpoints and deliveries, and the delivery itself.

An event (``vidflow.events``) becomes one ``Delivery`` per enabled endpoint of its owner that
listens for it, in the transaction of the change that caused it; the first attempt is queued once
that commits. An attempt claims its delivery (locking the row, pushing ``next_attempt_at`` past
its own time-out), sends without holding the lock, then records the outcome and, on failure,
when the next attempt is due (:func:`retry_delay`). Attempts due later than a queued countdown
may safely wait are sent by the periodic sweep (:func:`deliveries_dispatch_due`); a task that
finds its delivery not due, or already over, does nothing, so a task run twice never sends twice.
"""

from __future__ import annotations

import json
import logging
import random
import time
import uuid
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import httpx
from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerError

from accounts.models import User
from vidflow.crypto import seal, unseal
from vidflow.errors import InvalidTransition, ValidationFailed
from vidflow.events import EventType

from .destinations import DestinationRefused, destination_resolve
from .models import Attempt, Delivery, DeliveryStatus, DeliveryTrigger, Endpoint
from .selectors import delivery_get, endpoint_get
from .signing import secret_new, signature_header
from .tasks import webhook_deliver_task

logger = logging.getLogger(__name__)

TEST_EVENT = "webhook.test"
# The retry schedule: the n-th retry waits RETRY_BASE * RETRY_FACTOR**(n-1), at most RETRY_CAP,
# times a random factor in [1 - RETRY_JITTER, 1 + RETRY_JITTER] so that many deliveries failing at
# once (a receiver's outage) do not all come back at the same second. With the defaults (base 10 s,
# 9 attempts): 10 s, 40 s, 2 min 40 s, 10 min 40 s, 43 min, 2 h 51 min, 11 h 23 min, 12 h,
# about 27 hours from the first attempt to the last.
RETRY_FACTOR = 4
RETRY_CAP = timedelta(hours=12)
RETRY_JITTER = 0.2
# A secret replaced by a rotation keeps signing (a second signature) this long.
ROTATION_OVERLAP = timedelta(hours=24)
# Characters of a response body kept in the delivery log.
EXCERPT_CHARS = 1000
MAX_ENDPOINTS_PER_USER = 20
# A queued attempt not taken within this long after it is due is queued again by the sweep.
QUEUED_GRACE = timedelta(minutes=5)
# The delivery log keeps finished deliveries this long.
LOG_RETENTION = timedelta(days=30)
MAX_URL_LENGTH = 2000
MAX_DESCRIPTION_LENGTH = 200
USER_AGENT = "VidFlow-Webhooks/1.0"


def retry_delay(attempts: int) -> timedelta:
    """How long after its ``attempts``-th failed attempt a delivery tries again (with jitter)."""
    base = settings.WEBHOOKS_RETRY_BASE_SECONDS * RETRY_FACTOR ** (attempts - 1)
    seconds = min(base, RETRY_CAP.total_seconds())
    return timedelta(seconds=seconds * random.uniform(1 - RETRY_JITTER, 1 + RETRY_JITTER))


def _max_attempts(delivery: Delivery) -> int:
    return settings.WEBHOOKS_MAX_ATTEMPTS if delivery.trigger == DeliveryTrigger.EVENT else 1


# --- endpoints ------------------------------------------------------------------------------


def _hint(secret: str) -> str:
    return "…" + secret[-6:]


def _checked_url(url: str) -> str:
    """A well-formed http(s) URL whose host resolves to public addresses only (400 otherwise)."""
    try:
        URLValidator(schemes=["http", "https"])(url)
    except DjangoValidationError as exc:
        raise DestinationRefused("Enter a valid http:// or https:// URL.") from exc
    if len(url) > MAX_URL_LENGTH:
        raise DestinationRefused(f"The URL is longer than {MAX_URL_LENGTH} characters.")
    destination_resolve(url)
    return url


def _checked_description(description: str) -> str:
    if len(description) > MAX_DESCRIPTION_LENGTH:
        raise ValidationFailed(
            f"The description is longer than {MAX_DESCRIPTION_LENGTH} characters.",
            details={"description": ["Too long."]},
        )
    return description


def _checked_events(events: list[str]) -> list[str]:
    unknown = [e for e in events if e not in EventType.values]
    if unknown or not events:
        raise ValidationFailed(
            "Choose at least one event among " + ", ".join(EventType.values) + ".",
            details={"events": [f"Unknown event: {e}." for e in unknown] or ["Choose one."]},
        )
    return [e for e in EventType.values if e in events]  # one order, no repeats


def endpoint_create(
    *, owner: User, url: str, events: list[str] | None = None, description: str = ""
) -> tuple[Endpoint, str]:
    """A new endpoint and its secret (shown to the owner this once). Refuses (400) a URL that is
    not a public http(s) address after resolving it."""
    description = _checked_description(description)
    chosen = _checked_events(list(EventType.values) if events is None else events)
    if Endpoint.objects.filter(owner=owner).count() >= MAX_ENDPOINTS_PER_USER:
        raise ValidationFailed(f"An account may have at most {MAX_ENDPOINTS_PER_USER} webhooks.")
    _checked_url(url)  # last: it resolves the name
    secret = secret_new()
    endpoint = Endpoint.objects.create(
        owner=owner,
        url=url,
        events=chosen,
        description=description,
        secret_sealed=seal(secret),
        secret_hint=_hint(secret),
    )
    return endpoint, secret


@transaction.atomic
def endpoint_update(*, endpoint_id: Any, owner: User, changes: dict[str, Any]) -> Endpoint:
    """Change the URL (checked as at creation), events, description, or turn it on or off.
    Turning it on clears a failure notice and the failure count."""
    endpoint = endpoint_get(owner=owner, endpoint_id=endpoint_id, lock=True)
    if "url" in changes and changes["url"] != endpoint.url:
        endpoint.url = _checked_url(changes["url"])
    if "events" in changes:
        endpoint.events = _checked_events(changes["events"])
    if "description" in changes:
        endpoint.description = _checked_description(changes["description"])
    if "enabled" in changes and changes["enabled"] != endpoint.enabled:
        endpoint.enabled = changes["enabled"]
        endpoint.disabled_at = None if endpoint.enabled else timezone.now()
        endpoint.disabled_reason = ""
        endpoint.failure_streak = 0
    endpoint.save()
    return endpoint


def endpoint_delete(*, endpoint_id: Any, owner: User) -> None:
    """Delete the endpoint and its delivery log; attempts not yet sent are never sent."""
    endpoint_get(owner=owner, endpoint_id=endpoint_id).delete()


@transaction.atomic
def endpoint_rotate_secret(*, endpoint_id: Any, owner: User) -> tuple[Endpoint, str]:
    """A new secret (shown this once); the one it replaces keeps signing beside it for
    ``ROTATION_OVERLAP``, so the receiver can switch to the new one without losing messages."""
    endpoint = endpoint_get(owner=owner, endpoint_id=endpoint_id, lock=True)
    secret = secret_new()
    endpoint.previous_secret_sealed = endpoint.secret_sealed
    endpoint.previous_secret_until = timezone.now() + ROTATION_OVERLAP
    endpoint.secret_sealed = seal(secret)
    endpoint.secret_hint = _hint(secret)
    endpoint.save()
    return endpoint, secret


def endpoint_notice_dismiss(*, owner: User) -> int:
    """Forget the failure notices (the endpoints stay off). Returns how many were shown."""
    return (
        Endpoint.objects.filter(owner=owner, enabled=False)
        .exclude(disabled_reason="")
        .update(disabled_reason="")
    )


# --- messages -------------------------------------------------------------------------------


def _body(event_type: str, data: dict[str, Any]) -> str:
    payload = {"type": event_type, "timestamp": timezone.now().isoformat(), "data": data}
    return json.dumps(payload, separators=(",", ":"), sort_keys=False, default=str)


def _message_id() -> str:
    return "msg_" + uuid.uuid4().hex


def _queue(delivery: Delivery, *, countdown: float = 0) -> None:
    """Send the delivery's task once the transaction commits (the caller saves the delivery,
    whose ``queued_until`` this sets). A broker that cannot take it is logged, not raised: the
    delivery is due in the database and the periodic sweep sends it."""
    delivery.queued_until = timezone.now() + timedelta(seconds=countdown) + QUEUED_GRACE

    def send() -> None:
        try:
            webhook_deliver_task.apply_async(args=(str(delivery.pk),), countdown=countdown)
        except (BrokerError, OSError) as exc:
            logger.warning("webhook delivery %s left to the sweep: %s", delivery.pk, exc)
            Delivery.objects.filter(pk=delivery.pk).update(queued_until=None)

    transaction.on_commit(send)


def event_deliveries_create(owner_id: Any, event_type: str, data: dict[str, Any]) -> int:
    """The event hook (registered in ``WebhooksConfig.ready``): one delivery per enabled endpoint
    of the owner listening for ``event_type``, in the caller's transaction. Returns how many."""
    endpoints = [
        e
        for e in Endpoint.objects.filter(owner_id=owner_id, enabled=True).only("pk", "events")
        if event_type in e.events
    ]
    if not endpoints:
        return 0
    body, message_id, now = _body(event_type, data), _message_id(), timezone.now()
    for endpoint in endpoints:
        delivery = Delivery(
            endpoint=endpoint,
            message_id=message_id,
            event_type=event_type,
            body=body,
            next_attempt_at=now,
        )
        _queue(delivery)
        delivery.save()
    return len(endpoints)


@transaction.atomic
def endpoint_test(*, endpoint_id: Any, owner: User) -> Delivery:
    """Send a ``webhook.test`` message now (one attempt; its outcome is in the delivery log)."""
    endpoint = endpoint_get(owner=owner, endpoint_id=endpoint_id)
    if not endpoint.enabled:
        raise InvalidTransition("The webhook is turned off: turn it on to send it a test.")
    delivery = Delivery(
        endpoint=endpoint,
        message_id=_message_id(),
        event_type=TEST_EVENT,
        body=_body(TEST_EVENT, {"endpointId": str(endpoint.pk)}),
        trigger=DeliveryTrigger.TEST,
        next_attempt_at=timezone.now(),
    )
    _queue(delivery)
    delivery.save()
    return delivery


@transaction.atomic
def delivery_redeliver(*, endpoint_id: Any, delivery_id: Any, owner: User) -> Delivery:
    """Send a delivered (or failed) message again: the same body and ``webhook-id``, one attempt,
    a new entry in the log."""
    original = delivery_get(owner=owner, endpoint_id=endpoint_id, delivery_id=delivery_id)
    if not original.endpoint.enabled:
        raise InvalidTransition("The webhook is turned off: turn it on to redeliver.")
    delivery = Delivery(
        endpoint=original.endpoint,
        message_id=original.message_id,
        event_type=original.event_type,
        body=original.body,
        trigger=DeliveryTrigger.REDELIVERY,
        next_attempt_at=timezone.now(),
    )
    _queue(delivery)
    delivery.save()
    return delivery


# --- delivery -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Outcome:
    status: int | None
    excerpt: str
    error: str
    duration_ms: int

    @property
    def ok(self) -> bool:
        return self.status is not None and 200 <= self.status < 300


def _signing_secrets(endpoint: Endpoint) -> list[str]:
    sealed = [endpoint.secret_sealed]
    if endpoint.previous_secret_sealed and (
        endpoint.previous_secret_until and endpoint.previous_secret_until > timezone.now()
    ):
        sealed.append(endpoint.previous_secret_sealed)
    return [s for s in (unseal(x) for x in sealed) if s]


def _send(delivery: Delivery, endpoint: Endpoint) -> Outcome:
    """One signed POST to the endpoint, to the address checked just before; redirects are not
    followed (a 3xx is a failure), the answer is read up to a few kilobytes."""
    started = time.monotonic()

    def outcome(status: int | None = None, excerpt: str = "", error: str = "") -> Outcome:
        elapsed = int((time.monotonic() - started) * 1000)
        return Outcome(status, excerpt[:EXCERPT_CHARS], error[:500], elapsed)

    try:
        destination = destination_resolve(endpoint.url)
    except ValidationFailed as exc:
        return outcome(error=f"Refused: {exc.message}")
    secrets_ = _signing_secrets(endpoint)
    if not secrets_:
        return outcome(error="The secret cannot be read (SECRET_KEY changed?): rotate it.")
    body = delivery.body.encode()
    timestamp = int(time.time())
    headers = {
        "Host": destination.host_header,
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        "webhook-id": delivery.message_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": signature_header(
            secrets_=secrets_, message_id=delivery.message_id, timestamp=timestamp, body=body
        ),
    }
    timeout = settings.WEBHOOKS_TIMEOUT
    extensions = {"sni_hostname": destination.host} if destination.scheme == "https" else {}
    try:
        with (
            httpx.Client(
                timeout=httpx.Timeout(timeout, connect=min(timeout, 5.0)),
                follow_redirects=False,
                trust_env=False,  # no proxy: we connect to the address we checked
            ) as client,
            client.stream(
                "POST",
                destination.pinned_url,
                content=body,
                headers=headers,
                extensions=extensions,
            ) as response,
        ):
            chunks = b""
            for chunk in response.iter_bytes():
                chunks += chunk
                # Enough for the excerpt; and a body trickling in never holds the worker past
                # the attempt's time (httpx's timeouts are per read).
                if len(chunks) >= 4 * EXCERPT_CHARS or time.monotonic() - started > timeout:
                    break
            excerpt = chunks.decode("utf-8", errors="replace")
            error = ""
            if response.is_redirect:
                error = "Redirects are not followed: answer 2xx at the URL itself."
            elif not response.is_success:
                error = f"HTTP {response.status_code}"
            return outcome(response.status_code, excerpt, error)
    except httpx.TimeoutException:
        return outcome(error=f"No answer within {timeout:g} s.")
    except httpx.HTTPError as exc:
        return outcome(error=f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__)


def _claim(delivery_id: Any) -> tuple[Delivery, Endpoint] | None:
    """Lock the delivery and take its due attempt, or None when it is not due (or over)."""
    with transaction.atomic():
        delivery = (
            Delivery.objects.select_for_update(skip_locked=True)
            .select_related("endpoint")
            .filter(pk=delivery_id)
            .first()
        )
        now = timezone.now()
        if (
            delivery is None
            or delivery.status != DeliveryStatus.PENDING
            or delivery.next_attempt_at is None
            or delivery.next_attempt_at > now
        ):
            return None
        endpoint = delivery.endpoint
        if not endpoint.enabled:
            delivery.status = DeliveryStatus.FAILED
            delivery.error = "Not sent: the webhook was turned off."
            delivery.next_attempt_at = None
            delivery.finished_at = now
            delivery.save()
            return None
        # If this worker dies mid-attempt, the sweep finds the attempt due again after this.
        lease = settings.WEBHOOKS_TIMEOUT + 60
        delivery.next_attempt_at = now + timedelta(seconds=lease)
        delivery.queued_until = None
        delivery.save(update_fields=["next_attempt_at", "queued_until"])
        return delivery, endpoint


def delivery_attempt(*, delivery_id: Any) -> Delivery | None:
    """Make the delivery's due attempt and record it. Returns the delivery as it now stands, or
    None when there was nothing to do. Safe to call twice: only a due attempt is made."""
    claimed = _claim(delivery_id)
    if claimed is None:
        return None
    delivery, endpoint = claimed
    attempted_at = timezone.now()
    outcome = _send(delivery, endpoint)
    with transaction.atomic():
        locked = Delivery.objects.select_for_update().filter(pk=delivery.pk).first()
        if locked is None:  # the endpoint was deleted meanwhile
            return None
        delivery = locked
        delivery.attempts += 1
        Attempt.objects.create(
            delivery=delivery,
            number=delivery.attempts,
            at=attempted_at,
            response_status=outcome.status,
            response_excerpt=outcome.excerpt,
            error=outcome.error,
            duration_ms=outcome.duration_ms,
        )
        delivery.response_status = outcome.status
        delivery.response_excerpt = outcome.excerpt
        delivery.error = outcome.error
        now = timezone.now()
        if outcome.ok:
            delivery.status = DeliveryStatus.SUCCEEDED
            delivery.next_attempt_at = None
            delivery.finished_at = now
            Endpoint.objects.filter(pk=endpoint.pk).update(failure_streak=0)
        elif delivery.attempts >= _max_attempts(delivery):
            delivery.status = DeliveryStatus.FAILED
            delivery.next_attempt_at = None
            delivery.finished_at = now
            if delivery.trigger == DeliveryTrigger.EVENT:
                _count_failure(endpoint.pk, outcome)
        else:
            delay = retry_delay(delivery.attempts)
            delivery.next_attempt_at = now + delay
            delivery.queued_until = None  # the sweep queues it when due...
            if delay.total_seconds() <= settings.WEBHOOKS_COUNTDOWN_LIMIT:  # ...or a countdown
                _queue(delivery, countdown=delay.total_seconds())
        delivery.save()
    return delivery


def _count_failure(endpoint_id: Any, outcome: Outcome) -> None:
    """A delivery failed all its attempts: one more in the endpoint's streak; at
    ``WEBHOOKS_DISABLE_AFTER`` in a row the endpoint is turned off, with a notice for its owner."""
    endpoint = Endpoint.objects.select_for_update().get(pk=endpoint_id)
    endpoint.failure_streak = F("failure_streak") + 1
    endpoint.save(update_fields=["failure_streak"])
    endpoint.refresh_from_db(fields=["failure_streak"])
    if endpoint.enabled and endpoint.failure_streak >= settings.WEBHOOKS_DISABLE_AFTER:
        last = outcome.error or f"HTTP {outcome.status}"
        endpoint.enabled = False
        endpoint.disabled_at = timezone.now()
        endpoint.disabled_reason = (
            f"Turned off after {endpoint.failure_streak} deliveries in a row failed every "
            f"attempt (last: {last})."
        )[:300]
        endpoint.save(update_fields=["enabled", "disabled_at", "disabled_reason", "updated_at"])
        logger.info("webhook endpoint %s turned off: %s", endpoint.pk, endpoint.disabled_reason)


def deliveries_dispatch_due(*, limit: int = 500) -> int:
    """Periodic: queue the attempts that are due and not in the queue already (those too far
    off for a countdown, any whose task was lost, any whose worker died mid-attempt). Returns
    how many were queued."""
    now = timezone.now()
    due = list(
        Delivery.objects.filter(status=DeliveryStatus.PENDING, next_attempt_at__lte=now)
        .exclude(queued_until__gt=now)
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:limit]
    )
    queued = 0
    for delivery_id in due:
        try:
            webhook_deliver_task.apply_async(args=(str(delivery_id),))
        except (BrokerError, OSError) as exc:
            logger.warning("webhook sweep could not queue: %s", exc)
            break
        Delivery.objects.filter(pk=delivery_id).update(queued_until=now + QUEUED_GRACE)
        queued += 1
    return queued


def deliveries_purge(*, older_than: timedelta = LOG_RETENTION) -> int:
    """Periodic: forget finished deliveries (and their attempts) older than the log keeps."""
    deleted, _ = (
        Delivery.objects.exclude(status=DeliveryStatus.PENDING)
        .filter(created_at__lt=timezone.now() - older_than)
        .delete()
    )
    return deleted
