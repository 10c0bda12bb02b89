"""Enqueue Celery tasks only once the surrounding transaction commits.

A task sent from inside a transaction that later rolls back would act on rows that never
existed (or charge for a run that was refused); ``on_commit`` sends it only if the work it
depends on is really there (docs/reliability.md, item 21).
"""

from __future__ import annotations

from typing import Any

from celery import Task
from django.db import transaction


def enqueue_on_commit(task: Task, *args: Any, countdown: float = 0, **kwargs: Any) -> None:
    """Send ``task(*args, **kwargs)`` after the current transaction commits (now, if none)."""
    transaction.on_commit(
        lambda: task.apply_async(args=args, kwargs=kwargs, countdown=countdown), robust=False
    )
