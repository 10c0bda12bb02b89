"""Enqueue Celery tasks only once the surrounding transaction commits.

A task sent from inside a transaction that later rolls back would act on rows that never
existed (or charge for a run that was refused); ``on_commit`` sends it only if the work it
depends on is really there (docs/reliability.md, item 21).

A send can still fail after the commit: the broker is unreachable. Then ``on_failure`` undoes
what the commit promised (a run's caller fails the run and refunds it at once) and the request
answers 503 ``PROVIDER_UNAVAILABLE`` with ``Retry-After``, which a client may simply retry
(docs/reliability.md, item 31), never a 500 and never a charge left behind.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from celery import Task
from django.db import transaction
from kombu.exceptions import OperationalError as BrokerError

from vidflow.errors import ProviderUnavailable

logger = logging.getLogger(__name__)

# Seconds a client is told to wait before retrying a request whose work could not be queued.
BROKER_RETRY_AFTER = 10


class QueueUnavailable(ProviderUnavailable):
    """The work was not queued (the broker is unreachable); whatever it charged was refunded."""

    default_message = (
        "The work queue is unreachable right now, so nothing was started and nothing charged; "
        "try again shortly."
    )

    def __init__(self, message: str | None = None) -> None:
        super().__init__(
            message,
            details={"retryable": True},
            headers={"Retry-After": str(BROKER_RETRY_AFTER)},
        )


def enqueue_on_commit(
    task: Task,
    *args: Any,
    countdown: float = 0,
    on_failure: Callable[[], Any] | None = None,
    task_id: str | None = None,
    **kwargs: Any,
) -> None:
    """Send ``task(*args, **kwargs)`` after the current transaction commits (now, if none).
    ``task_id`` sends it under a given id (the reaper re-sends lost work under its own id).

    When the broker cannot take it, ``on_failure()`` runs (in a transaction of its own) and
    :class:`QueueUnavailable` is raised to whoever committed.
    """

    def send() -> None:
        try:
            task.apply_async(args=args, kwargs=kwargs, countdown=countdown, task_id=task_id)
        except (BrokerError, OSError) as exc:
            logger.error("could not queue %s%r: %s", task.name, args, exc)
            if on_failure is not None:
                on_failure()
            raise QueueUnavailable() from exc

    transaction.on_commit(send, robust=False)
