"""Worker leases: how the pipeline learns that the worker doing a run's work is gone, and gives
that work to another within a stated time (docs/reliability.md, item 33).

A task at work on a run holds a lease (a ``RunLease`` row keyed by the task's id) and refreshes it
every ``RUN_HEARTBEAT_SECONDS`` from a thread beside the work. A worker that dies (SIGKILL, a lost
machine) stops refreshing. The reaper, every ``RUN_REAPER_SECONDS`` on beat, sends the work of
each lease not refreshed for ``RUN_LEASE_SECONDS`` again, under the same task id and arguments:
the work is queued again within ``RUN_RECOVERY_SECONDS`` of the death, where the broker would only
give the unacknowledged message back after its visibility timeout (a backstop, now).

Re-running is safe: every task checks state before acting, and credits are charged when a run is
created, never by a task, so the work done again charges nothing more. Work that keeps killing
its worker is not sent for ever: after ``RUN_WORKER_ATTEMPTS`` starts the run fails and unused
credit is refunded.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from celery import Task
from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from projects.models import ACTIVE_RUN_STATUSES
from projects.pipeline.models import RunLease
from projects.services import run_fail
from projects.tasks import LEASED_TASKS
from vidflow.api.error_codes import ErrorCode
from vidflow.queue import QueueUnavailable, enqueue_on_commit

logger = logging.getLogger(__name__)


def leased(task: Task, *, run_id: Any, work: Callable[[], Any]) -> None:
    """Do ``work`` for ``run_id`` under a lease held by the running ``task``.

    Only work delivered by a broker is leased (a direct or eager call has nothing to re-send).
    When this delivery would start the work more than ``RUN_WORKER_ATTEMPTS`` times, the run is
    failed and refunded instead, and ``work`` is not called.
    """
    request = task.request
    if run_id is None or not request.id or request.is_eager or request.called_directly:
        work()
        return
    worker = f"{request.hostname or socket.gethostname()} pid {os.getpid()}"
    lease = lease_take(
        task_id=str(request.id),
        task=task.name,
        args=list(request.args or ()),
        kwargs=dict(request.kwargs or {}),
        run_id=run_id,
        worker=worker,
    )
    if lease is None:
        return
    heartbeat = Heartbeat(lease_id=lease.pk, worker=worker)
    heartbeat.start()
    try:
        work()
    finally:
        heartbeat.stop()
        lease_release(lease_id=lease.pk, worker=worker)


def lease_take(
    *,
    task_id: str,
    task: str,
    args: list[Any],
    kwargs: dict[str, Any],
    run_id: Any,
    worker: str,
) -> RunLease | None:
    """Take (or take over) the lease of task ``task_id`` for ``worker`` and count the start.

    Returns None when the work has been started ``RUN_WORKER_ATTEMPTS`` times already: the run is
    then failed and refunded (once; a run already finished is left alone).
    """
    now = timezone.now()
    with transaction.atomic():
        lease, _ = RunLease.objects.select_for_update().get_or_create(
            task_id=task_id,
            defaults={
                "run_id": run_id,
                "task": task,
                "args": args,
                "kwargs": kwargs,
                "heartbeat_at": now,
            },
        )
        if lease.starts < settings.RUN_WORKER_ATTEMPTS:
            lease.starts += 1
            lease.worker = worker
            lease.heartbeat_at = now
            lease.save(update_fields=["starts", "worker", "heartbeat_at"])
            return lease
        lease.delete()
        _give_up(run_id=run_id, starts=lease.starts)
    return None


def lease_release(*, lease_id: int, worker: str) -> None:
    """The task ended (however): its lease goes, unless another worker has taken it over."""
    RunLease.objects.filter(pk=lease_id, worker=worker).delete()


class Heartbeat:
    """A thread that refreshes one lease while the work runs, on its own database connection."""

    def __init__(self, *, lease_id: int, worker: str) -> None:
        self.lease_id = lease_id
        self.worker = worker
        self._stopped = threading.Event()
        self._thread = threading.Thread(
            target=self._beat, name=f"lease-{lease_id}-heartbeat", daemon=True
        )

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stopped.set()
        self._thread.join(timeout=settings.RUN_HEARTBEAT_SECONDS)

    @property
    def beating(self) -> bool:
        return self._thread.is_alive()

    def _beat(self) -> None:
        try:
            while not self._stopped.wait(settings.RUN_HEARTBEAT_SECONDS):
                try:
                    held = RunLease.objects.filter(pk=self.lease_id, worker=self.worker).update(
                        heartbeat_at=timezone.now()
                    )
                except DatabaseError:
                    # One missed beat is no loss (the lease lasts three); a broken connection is
                    # dropped so the next beat opens a new one.
                    logger.warning("lease %s: heartbeat failed", self.lease_id, exc_info=True)
                    connection.close()
                    continue
                if not held:
                    # Taken over (the reaper judged this worker gone) or released: the work goes
                    # on, safe to repeat, but this thread has nothing left to keep alive.
                    logger.warning("lease %s is no longer held by %s", self.lease_id, self.worker)
                    return
        finally:
            connection.close()  # this thread's connection, never the task's


def leases_reclaim(*, now: datetime | None = None) -> int:
    """The reaper's first duty: send again the work of every worker that stopped beating.

    A lease not refreshed for ``RUN_LEASE_SECONDS`` whose run is still active is sent again (same
    task, id and arguments), or, once its work was started ``RUN_WORKER_ATTEMPTS`` times, its run
    fails and is refunded. Leases of finished runs are forgotten. Safe to run concurrently and
    repeatedly: each lease is locked, re-checked and acted on once; a re-sent lease waits in the
    queue (no worker) and is not sent again. Returns how many leases were re-sent or given up.
    """
    now = now or timezone.now()
    cutoff = now - timedelta(seconds=settings.RUN_LEASE_SECONDS)
    stale = RunLease.objects.filter(heartbeat_at__lt=cutoff)
    stale.exclude(run__status__in=ACTIVE_RUN_STATUSES).delete()
    lost = list(stale.exclude(worker="").values_list("pk", flat=True)[:500])
    reclaimed = 0
    for lease_id in lost:
        try:
            if _reclaim(lease_id=lease_id, cutoff=cutoff, now=now):
                reclaimed += 1
        except QueueUnavailable:
            # The lease was put back as it was: the next pass sends it, once the broker is back.
            logger.warning("the broker is unreachable; lost work is sent again on a later pass")
            break
    return reclaimed


def _reclaim(*, lease_id: int, cutoff: datetime, now: datetime) -> bool:
    with transaction.atomic():
        lease = (
            RunLease.objects.select_for_update(skip_locked=True)
            .filter(pk=lease_id, heartbeat_at__lt=cutoff, run__status__in=ACTIVE_RUN_STATUSES)
            .exclude(worker="")
            .first()
        )
        if lease is None:
            return False  # refreshed, released or handled since the list was read
        task = LEASED_TASKS.get(lease.task)
        if task is None or lease.starts >= settings.RUN_WORKER_ATTEMPTS:
            lease.delete()
            _give_up(run_id=lease.run_id, starts=lease.starts)
            return True
        logger.warning(
            "run %s: %s %s lost its worker (%s, last heard %s); sending it again",
            lease.run_id,
            lease.task,
            lease.task_id,
            lease.worker,
            lease.heartbeat_at.isoformat(),
        )
        gone, last_heard = lease.worker, lease.heartbeat_at
        lease.worker = ""
        lease.heartbeat_at = now
        lease.save(update_fields=["worker", "heartbeat_at"])

        def put_back() -> None:
            RunLease.objects.filter(pk=lease_id, worker="").update(
                worker=gone, heartbeat_at=last_heard
            )

        enqueue_on_commit(
            task, *lease.args, task_id=lease.task_id, on_failure=put_back, **lease.kwargs
        )
    return True


def _give_up(*, run_id: Any, starts: int) -> None:
    run_fail(
        run_id=run_id,
        code=ErrorCode.INTERNAL_ERROR,
        message=f"The worker doing this run stopped {starts} times before it finished; the run "
        "was stopped and its unused credits refunded.",
    )
