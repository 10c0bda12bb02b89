"""Celery tasks that send webhooks. Thin: ids in, a service does the work; each is safe to run
twice (an attempt is only made when one is due, and claiming it is atomic)."""

from __future__ import annotations

from celery import shared_task


# Acknowledged only when done, requeued when its worker dies (the claim's lease then expires and
# the attempt is made again).
@shared_task(acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def webhook_deliver_task(delivery_id: str) -> None:
    """Make a delivery's due attempt (services.delivery_attempt)."""
    from webhooks.services import delivery_attempt

    delivery_attempt(delivery_id=delivery_id)


@shared_task(ignore_result=True)
def webhooks_dispatch_due_task() -> int:
    """Periodic: queue the webhook attempts that are due."""
    from webhooks.services import deliveries_dispatch_due

    return deliveries_dispatch_due()


@shared_task(ignore_result=True)
def webhooks_purge_task() -> int:
    """Periodic: forget finished deliveries older than 30 days."""
    from webhooks.services import deliveries_purge

    return deliveries_purge()
