"""Celery tasks that drive generation. Thin: they take ids, load fresh rows and call the pipeline;
each is safe to run twice. A worker that dies mid-task is noticed by its lease going silent and
the task is sent again within RUN_RECOVERY_SECONDS (``projects.pipeline.leases``); acks_late +
reject_on_worker_lost also redeliver it (at once when a pool process dies, after the broker's
visibility timeout when the whole worker does).

Each task that works for a user first takes one of that user's worker slots (vidflow/slots.py:
at most ``VIDFLOW_USER_SLOTS`` at once across all workers), then its lease. When the user holds
every slot, the task is sent again ``VIDFLOW_USER_SLOT_WAIT`` seconds later (to the same queue,
under the same id, so its lease counts its starts on) and this delivery ends without doing
anything: the work waits its turn, and the worker takes the next task, often another user's.
Nothing is charged by a task (charges are made when a run is asked for), so a task sent again is
never charged twice; and since the new message is sent before this one is acknowledged, it is
never lost either (a crash in between delivers it twice, which every task tolerates). Every log
line of a task's work carries its run's id (vidflow/logs.py).
"""

from __future__ import annotations

import logging
import random
from collections.abc import Callable
from typing import Any

from celery import Task, shared_task
from celery.exceptions import Reject
from django.conf import settings
from kombu.exceptions import OperationalError as BrokerError

from vidflow.logs import bound_run
from vidflow.slots import user_slot

logger = logging.getLogger(__name__)


def _owner_of(run_id: Any) -> Any:
    from projects.models import Run

    return Run.objects.filter(pk=run_id).values_list("owner_id", flat=True).first()


# A message header: how many times this task has waited for a slot already.
WAITS_HEADER = "vidflow_slot_waits"


def _wait_turn(task: Task, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
    """Send the task again a little later (its owner's slots are all taken): after
    VIDFLOW_USER_SLOT_WAIT seconds, twice that after a second wait, at most four times that,
    plus up to half again at random, so a user's many waiting tasks do not keep every worker busy
    asking."""
    waits = int(getattr(task.request, WAITS_HEADER, 0) or 0)
    wait = float(settings.VIDFLOW_USER_SLOT_WAIT) * min(2**waits, 4)
    countdown = wait + random.uniform(0, wait / 2)
    try:
        task.apply_async(
            args=args,
            kwargs=kwargs,
            countdown=countdown,
            task_id=task.request.id,
            headers={WAITS_HEADER: str(waits + 1)},
        )
    except (BrokerError, OSError) as exc:
        # Not sent: hand this delivery back to the broker rather than acknowledge it.
        raise Reject(exc, requeue=True) from exc


def _perform(
    task: Task,
    run_id: Any,
    work: Callable[[], None],
    args: tuple[Any, ...],
    kwargs: dict[str, Any] | None = None,
) -> None:
    """Do ``work`` for the run's owner in one of their worker slots (under a lease on the run),
    or wait for one."""
    from projects.pipeline.leases import leased

    with bound_run(run_id):
        logger.info("%s takes run %s", task.name, run_id)  # carries run_id (LOG_FORMAT=json)
        owner = _owner_of(run_id) if run_id is not None else None
        if owner is None:  # gone, or never was: the work itself decides what that means
            leased(task, run_id=run_id, work=work)
            return
        with user_slot(owner, token=task.request.id) as taken:
            if not taken:
                logger.info("user %s holds every worker slot; %s waits", owner, task.name)
                _wait_turn(task, args, kwargs or {})
                return
            leased(task, run_id=run_id, work=work)


# Acknowledged only when done, requeued when its worker dies.
@shared_task(bind=True, acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def run_task(self: Task, run_id: str, kind: str = "") -> None:
    """Perform one run (its kind decides what that means). ``kind`` only routes the task to its
    workload's queue (projects/queues.py)."""
    from projects.pipeline.runner import execute_run

    kwargs = {"kind": kind} if kind else {}
    _perform(self, run_id, lambda: execute_run(run_id=run_id), (run_id,), kwargs)


# Acknowledged only when done, requeued when its worker dies.
@shared_task(bind=True, acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def shot_task(self: Task, run_id: str, shot_id: str) -> None:
    """Advance one shot of a run: its image step, then its video step."""
    from projects.stages.production.runs import advance_shot

    _perform(self, run_id, lambda: advance_shot(run_id=run_id, shot_id=shot_id), (run_id, shot_id))


# Acknowledged only when done, requeued when its worker dies.
@shared_task(bind=True, acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def vendor_job_finished_task(self: Task, job_id: str) -> None:
    """A vendor reported a job's outcome (callback or poll): continue the pipeline."""
    from projects.pipeline.jobs import job_continue
    from projects.pipeline.vendor_jobs import job_run_id

    _perform(self, job_run_id(job_id=job_id), lambda: job_continue(job_id=job_id), (job_id,))


# Acknowledged only when done, requeued when its worker dies.
@shared_task(bind=True, acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def make_continue_task(self: Task, run_id: str) -> None:
    """A step of a make ended: launch the next one, or finish the make."""
    from projects.stages.make.runs import make_advance

    _perform(self, run_id, lambda: make_advance(run_id=run_id), (run_id,))


# The tasks that hold a lease on their run while they work, by name: the reaper sends these again
# when their worker is gone.
LEASED_TASKS: dict[str, Task] = {
    task.name: task for task in (run_task, shot_task, vendor_job_finished_task, make_continue_task)
}


@shared_task(ignore_result=True)
def reap_runs_task() -> int:
    """Periodic (every RUN_REAPER_SECONDS): fail and refund runs past their deadline, then send
    again the work of workers that died (on runs still active)."""
    from projects.pipeline.jobs import reap_runs
    from projects.pipeline.leases import leases_reclaim

    return reap_runs() + leases_reclaim()


@shared_task(ignore_result=True)
def poll_vendor_jobs_task() -> int:
    """Periodic: ask vendors about jobs whose callback is overdue."""
    from projects.pipeline.jobs import poll_vendor_jobs

    return poll_vendor_jobs()


@shared_task(ignore_result=True)
def purge_idempotency_task() -> int:
    """Periodic: forget Idempotency-Key answers older than 24 hours."""
    from vidflow.idempotency import idempotency_purge

    return idempotency_purge()
