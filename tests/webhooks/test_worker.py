"""The whole way on real Celery workers: a run ends, its webhook is queued once that commits, a
worker sends it, the receiver refuses twice, the worker's retries (countdowns with backoff and
jitter) land it, and the receiver verifies every attempt with `standardwebhooks`."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from accounts.models import User
from tests.workers import Worker, wait_for
from webhooks.models import Delivery, DeliveryStatus

from .conftest import Answer, Receiver, finished_run

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]


def test_a_worker_delivers_and_retries_until_the_receiver_answers(
    user: User,
    receiver: Receiver,
    endpoint_for: Any,
    start_worker: Callable[..., Worker],
) -> None:
    worker = start_worker(WEBHOOKS_ALLOW_PRIVATE="1", WEBHOOKS_RETRY_BASE_SECONDS="0.5")
    endpoint_for(user)
    receiver.answers = [Answer(503, "starting up"), Answer(500, "oops")]

    run = finished_run(user)

    delivery = wait_for(
        lambda: Delivery.objects.filter(status=DeliveryStatus.SUCCEEDED).first(),
        timeout=60,
        message=f"no successful delivery\n{worker.log()}",
    )
    assert delivery.attempts == 3
    assert [r.headers["webhook-id"] for r in receiver.received] == [delivery.message_id] * 3
    assert all(r.verified_with for r in receiver.received), [r.error for r in receiver.received]
    assert receiver.received[-1].payload["data"]["run"]["id"] == str(run.pk)
    statuses = list(delivery.attempt_log.values_list("response_status", flat=True))
    assert statuses == [503, 500, 200]
