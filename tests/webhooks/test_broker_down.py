"""The broker unreachable when a run ends: the run's end stands, its webhook waits in the database,
and the periodic sweep queues it once the broker is back (reliability.md, item 38)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from accounts.models import User
from projects.models import RunStatus
from tests.projects.test_broker_down import broker
from webhooks.models import Delivery, DeliveryStatus
from webhooks.services import deliveries_dispatch_due

from .conftest import finished_run

pytestmark = pytest.mark.django_db(transaction=True)
__all__ = ["broker"]  # the broker fixture of the projects' tests, used here


def test_a_run_ending_while_the_broker_is_down_still_ends_and_its_webhook_is_sent_later(
    user: User, endpoint_for: Any, broker: Any, throwaway_queue: Callable[[], int]
) -> None:
    endpoint_for(user)
    broker.down()

    run = finished_run(user)

    assert run.status == RunStatus.SUCCEEDED
    delivery = Delivery.objects.get()
    assert delivery.status == DeliveryStatus.PENDING
    assert delivery.attempts == 0
    broker.up()
    assert deliveries_dispatch_due() == 1
    assert throwaway_queue() == 1
