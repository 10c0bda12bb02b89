"""Delivering webhooks to a real receiver on 127.0.0.1 that verifies them with `standardwebhooks`:
the signature, the retry schedule, giving up, turning an endpoint off, redirects, excerpts."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from standardwebhooks import Webhook
from standardwebhooks.webhooks import WebhookVerificationError

from accounts.models import User
from webhooks.models import Delivery, DeliveryStatus, Endpoint
from webhooks.services import (
    EXCERPT_CHARS,
    deliveries_dispatch_due,
    delivery_attempt,
    endpoint_rotate_secret,
    endpoint_update,
    retry_delay,
)

from .conftest import Answer, Receiver, finished_run

pytestmark = pytest.mark.django_db


def make_due(delivery: Delivery) -> None:
    """The time of the delivery's next attempt has come."""
    Delivery.objects.filter(pk=delivery.pk).update(next_attempt_at=timezone.now())


def test_a_run_that_succeeds_is_delivered_signed_as_standard_webhooks_say(
    user: User, receiver: Receiver, endpoint_for: Any, django_capture_on_commit_callbacks: Any
) -> None:
    endpoint = endpoint_for(user)

    with django_capture_on_commit_callbacks() as queued:
        run = finished_run(user)
    (delivery,) = Delivery.objects.filter(endpoint=endpoint)
    assert len(queued) == 1  # the first attempt is queued once the run's end commits
    delivered = delivery_attempt(delivery_id=delivery.pk)

    (request,) = receiver.received
    assert request.verified_with == receiver.secrets, request.error
    assert request.path == "/hooks/vidflow"
    assert request.headers["webhook-id"] == delivery.message_id
    assert request.headers["content-type"] == "application/json"
    assert request.payload["type"] == "run.succeeded"
    assert request.payload["data"]["run"]["id"] == str(run.pk)
    assert request.payload["data"]["run"]["status"] == "succeeded"
    assert request.payload["data"]["run"]["result"] == {"words": 42}
    assert delivered is not None
    assert delivered.status == DeliveryStatus.SUCCEEDED
    assert delivered.attempts == 1
    assert delivered.response_status == 200
    assert delivered.response_excerpt == "ok"
    assert delivered.next_attempt_at is None


def test_a_failed_run_is_told_only_to_endpoints_that_listen_for_it(
    user: User, other_user: User, receiver: Receiver, endpoint_for: Any
) -> None:
    failures = endpoint_for(user, events=["run.failed"])
    successes = endpoint_for(user, events=["run.succeeded"])
    endpoint_for(other_user)  # another user's endpoint hears nothing of this user's runs

    run = finished_run(user, succeed=False)

    (delivery,) = Delivery.objects.all()
    assert delivery.endpoint == failures
    assert not successes.deliveries.exists()
    delivery_attempt(delivery_id=delivery.pk)
    (request,) = receiver.received
    assert request.payload["type"] == "run.failed"
    assert request.payload["data"]["run"]["id"] == str(run.pk)
    assert request.payload["data"]["run"]["error"]["code"] == "VENDOR_ERROR"


def test_a_failed_attempt_is_retried_later_with_the_same_id_and_body(
    user: User, receiver: Receiver, endpoint_for: Any, django_capture_on_commit_callbacks: Any
) -> None:
    endpoint_for(user)
    receiver.answers = [Answer(500, "down for maintenance"), Answer(503, "still down")]
    finished_run(user)
    delivery = Delivery.objects.get()

    with django_capture_on_commit_callbacks() as queued:
        first = delivery_attempt(delivery_id=delivery.pk)

    assert first is not None
    assert first.status == DeliveryStatus.PENDING
    assert first.response_status == 500
    assert first.response_excerpt == "down for maintenance"
    assert first.error == "HTTP 500"
    wait = first.next_attempt_at - timezone.now()  # type: ignore[operator]
    assert timedelta(seconds=7) < wait <= timedelta(seconds=12)  # 10 s, +-20 % jitter
    assert len(queued) == 1  # a short wait: the retry is queued with a countdown
    # Not due yet: a task that comes early (or twice) sends nothing.
    assert delivery_attempt(delivery_id=delivery.pk) is None
    assert len(receiver.received) == 1

    make_due(delivery)
    second = delivery_attempt(delivery_id=delivery.pk)
    make_due(delivery)
    third = delivery_attempt(delivery_id=delivery.pk)

    assert second is not None
    assert second.status == DeliveryStatus.PENDING
    assert third is not None
    assert third.status == DeliveryStatus.SUCCEEDED
    assert [r.headers["webhook-id"] for r in receiver.received] == [delivery.message_id] * 3
    assert len({r.body for r in receiver.received}) == 1
    assert all(r.verified_with for r in receiver.received)  # each attempt signed afresh
    log = list(third.attempt_log.values_list("number", "response_status", "error"))
    assert log == [(1, 500, "HTTP 500"), (2, 503, "HTTP 503"), (3, 200, "")]


def test_the_retry_schedule_spreads_nine_attempts_over_about_a_day(settings: Any) -> None:
    settings.WEBHOOKS_RETRY_BASE_SECONDS = 10
    waits = [retry_delay(n) for n in range(1, settings.WEBHOOKS_MAX_ATTEMPTS)]

    assert settings.WEBHOOKS_MAX_ATTEMPTS == 9
    nominal = [10, 40, 160, 640, 2560, 10240, 40960, 43200]  # x4 each time, at most 12 h
    for wait, expected in zip(waits, nominal, strict=True):
        assert 0.8 * expected <= wait.total_seconds() <= 1.2 * expected
    total = sum(w.total_seconds() for w in waits)
    assert timedelta(hours=20) < timedelta(seconds=total) < timedelta(hours=34)
    # Jitter: many deliveries failing at once do not all come back at the same moment.
    assert len({retry_delay(5).total_seconds() for _ in range(20)}) > 1


def test_a_long_wait_is_left_to_the_periodic_sweep(
    user: User,
    receiver: Receiver,
    endpoint_for: Any,
    settings: Any,
    django_capture_on_commit_callbacks: Any,
    throwaway_queue: Callable[[], int],
) -> None:
    """A countdown longer than the broker's visibility timeout would be redelivered again and
    again by Redis: the attempt waits in the database and the sweep queues it when due, once."""
    settings.WEBHOOKS_RETRY_BASE_SECONDS = 3600
    endpoint_for(user)
    receiver.answers = [Answer(500)]
    finished_run(user)
    delivery = Delivery.objects.get()

    with django_capture_on_commit_callbacks() as queued:
        delivery_attempt(delivery_id=delivery.pk)

    assert queued == []
    assert deliveries_dispatch_due() == 0  # not due yet
    make_due(delivery)
    assert deliveries_dispatch_due() == 1
    assert deliveries_dispatch_due() == 0  # in the queue already: not queued twice
    assert throwaway_queue() == 1  # one message in the broker


def test_a_delivery_gives_up_after_its_last_attempt_and_repeated_failure_turns_the_endpoint_off(
    user: User, receiver: Receiver, endpoint_for: Any, settings: Any, client_for: Any
) -> None:
    settings.WEBHOOKS_MAX_ATTEMPTS = 2
    settings.WEBHOOKS_DISABLE_AFTER = 2
    endpoint = endpoint_for(user)
    receiver.answers = [Answer(500)] * 4

    for _ in range(2):
        finished_run(user)
    for delivery in Delivery.objects.all():
        delivery_attempt(delivery_id=delivery.pk)
        make_due(delivery)
        delivery_attempt(delivery_id=delivery.pk)

    assert set(Delivery.objects.values_list("status", "attempts")) == {("failed", 2)}
    endpoint.refresh_from_db()
    assert not endpoint.enabled
    assert endpoint.failure_streak == 2
    assert "2 deliveries in a row failed every attempt (last: HTTP 500)" in endpoint.disabled_reason
    # Nothing more is sent to it...
    finished_run(user)
    assert Delivery.objects.count() == 2
    # ...and every page of the web app says so (no e-mail).
    page = client_for(user).get("/").content.decode()
    assert 'id="webhook-notice"' in page
    assert receiver.url in page

    endpoint_update(endpoint_id=endpoint.pk, owner=user, changes={"enabled": True})

    endpoint.refresh_from_db()
    assert endpoint.enabled
    assert endpoint.disabled_reason == ""
    assert endpoint.failure_streak == 0
    assert 'id="webhook-notice"' not in client_for(user).get("/").content.decode()


def test_a_success_resets_the_failure_streak(
    user: User, receiver: Receiver, endpoint_for: Any, settings: Any
) -> None:
    settings.WEBHOOKS_MAX_ATTEMPTS = 1
    endpoint = endpoint_for(user)
    receiver.answers = [Answer(500), Answer(200)]
    for _ in range(2):
        finished_run(user)
    for delivery in Delivery.objects.order_by("created_at"):
        delivery_attempt(delivery_id=delivery.pk)

    endpoint.refresh_from_db()
    assert endpoint.enabled
    assert endpoint.failure_streak == 0


def test_pending_attempts_to_a_turned_off_endpoint_are_not_sent(
    user: User, receiver: Receiver, endpoint_for: Any
) -> None:
    endpoint = endpoint_for(user)
    finished_run(user)
    endpoint_update(endpoint_id=endpoint.pk, owner=user, changes={"enabled": False})

    assert delivery_attempt(delivery_id=Delivery.objects.get().pk) is None

    assert receiver.received == []
    delivery = Delivery.objects.get()
    assert delivery.status == DeliveryStatus.FAILED
    assert "turned off" in delivery.error


def test_redirects_are_not_followed(user: User, receiver: Receiver, endpoint_for: Any) -> None:
    endpoint_for(user)
    receiver.answers = [Answer(307, "", {"Location": receiver.url + "/elsewhere"})]
    finished_run(user)

    delivery = delivery_attempt(delivery_id=Delivery.objects.get().pk)

    assert len(receiver.received) == 1  # nothing sent to the Location
    assert delivery is not None
    assert delivery.status == DeliveryStatus.PENDING
    assert delivery.response_status == 307
    assert "Redirects are not followed" in delivery.error


def test_the_log_keeps_an_excerpt_of_a_long_answer(
    user: User, receiver: Receiver, endpoint_for: Any
) -> None:
    endpoint_for(user)
    receiver.answers = [Answer(200, "x" * 50_000)]
    finished_run(user)

    delivery = delivery_attempt(delivery_id=Delivery.objects.get().pk)

    assert delivery is not None
    assert delivery.response_excerpt == "x" * EXCERPT_CHARS


def test_a_receiver_that_does_not_answer_in_time_is_a_failed_attempt(
    user: User, receiver: Receiver, endpoint_for: Any, settings: Any
) -> None:
    settings.WEBHOOKS_TIMEOUT = 0.5
    endpoint_for(user)
    receiver.answers = [Answer(200, "late", delay=2)]
    finished_run(user)

    delivery = delivery_attempt(delivery_id=Delivery.objects.get().pk)

    assert delivery is not None
    assert delivery.status == DeliveryStatus.PENDING
    assert delivery.response_status is None
    assert delivery.error == "No answer within 0.5 s."


def test_after_a_rotation_both_secrets_sign_until_the_overlap_ends(
    user: User, receiver: Receiver, endpoint_for: Any
) -> None:
    endpoint = endpoint_for(user)
    (old_secret,) = receiver.secrets
    _endpoint, new_secret = endpoint_rotate_secret(endpoint_id=endpoint.pk, owner=user)
    receiver.secrets = [new_secret, old_secret]

    finished_run(user)
    delivery_attempt(delivery_id=Delivery.objects.get().pk)

    (request,) = receiver.received
    assert new_secret != old_secret
    assert request.verified_with == [new_secret, old_secret]
    assert len(request.headers["webhook-signature"].split(" ")) == 2

    Endpoint.objects.filter(pk=endpoint.pk).update(previous_secret_until=timezone.now())
    finished_run(user)
    delivery_attempt(delivery_id=Delivery.objects.latest("created_at").pk)

    latest = receiver.received[-1]
    assert latest.verified_with == [new_secret]
    with pytest.raises(WebhookVerificationError):
        Webhook(old_secret).verify(latest.body, latest.headers)


def test_a_tampered_body_does_not_verify(user: User, receiver: Receiver, endpoint_for: Any) -> None:
    endpoint_for(user)
    finished_run(user)
    delivery_attempt(delivery_id=Delivery.objects.get().pk)
    (request,) = receiver.received

    payload = json.loads(request.body)
    payload["data"]["run"]["status"] = "failed"
    tampered = json.dumps(payload, separators=(",", ":"))
    with pytest.raises(WebhookVerificationError):
        Webhook(receiver.secrets[0]).verify(tampered, request.headers)
