"""The Celery router (``CELERY_TASK_ROUTES``): each task to its workload's queue.

A task named in ``VIDFLOW_TASK_WORKLOADS`` goes to that workload's queue. ``run_task`` performs
every kind of run, so it goes by the kind of its run (``VIDFLOW_RUN_WORKLOADS``): the kind rides
along as the task's ``kind`` argument; a sender that leaves it out (an old message, a re-queue)
costs one query for it. Everything else (periodic work) goes to the default queue. Queue names
follow the default queue of the moment (``task_default_queue``), so a test session or a second
deployment on the same broker keeps apart by naming its own (vidflow/workloads.py).
"""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings

from vidflow.workloads import queue_for

logger = logging.getLogger(__name__)

RUN_TASK = "projects.tasks.run_task"


def workload_of(name: str, args: Any = (), kwargs: Any = None) -> str | None:
    """The workload a task goes to (None: the default queue)."""
    if name == RUN_TASK:
        kind = (kwargs or {}).get("kind") or _kind_of_run(args[0] if args else None)
        return settings.VIDFLOW_RUN_WORKLOADS.get(kind) if kind else None
    return settings.VIDFLOW_TASK_WORKLOADS.get(name)


def _kind_of_run(run_id: Any) -> str | None:
    if run_id is None:
        return None
    from projects.models import Run

    try:
        return Run.objects.filter(pk=run_id).values_list("kind", flat=True).first()
    except Exception:  # a malformed id, or no database here: the default queue takes it
        logger.warning("routing run_task: cannot read run %r's kind", run_id, exc_info=True)
        return None


def route_task(
    name: str, args: Any, kwargs: Any, options: Any, task: Any = None, **_: Any
) -> dict[str, str] | None:
    workload = workload_of(name, args, kwargs)
    if workload is None:
        return None
    from vidflow.celery import app

    return {"queue": queue_for(workload, str(app.conf.task_default_queue))}
