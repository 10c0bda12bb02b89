"""Celery tasks that drive generation. Thin: they take ids, load fresh rows and call the pipeline;
each is safe to run twice. A worker that dies mid-task is noticed by its lease going silent and
the task is sent again within RUN_RECOVERY_SECONDS (``projects.pipeline.leases``); acks_late +
reject_on_worker_lost also redeliver it (at once when a pool process dies, after the broker's
visibility timeout when the whole worker does)."""

from __future__ import annotations

import logging

from celery import Task, shared_task

logger = logging.getLogger(__name__)


# Acknowledged only when done, requeued when its worker dies.
@shared_task(bind=True, acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def run_task(self: Task, run_id: str) -> None:
    """Perform one run (its kind decides what that means)."""
    from projects.pipeline.leases import leased
    from projects.pipeline.runner import execute_run

    leased(self, run_id=run_id, work=lambda: execute_run(run_id=run_id))


# Acknowledged only when done, requeued when its worker dies.
@shared_task(bind=True, acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def shot_task(self: Task, run_id: str, shot_id: str) -> None:
    """Advance one shot of a run: its image step, then its video step."""
    from projects.pipeline.leases import leased
    from projects.stages.production.runs import advance_shot

    leased(self, run_id=run_id, work=lambda: advance_shot(run_id=run_id, shot_id=shot_id))


# Acknowledged only when done, requeued when its worker dies.
@shared_task(bind=True, acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def vendor_job_finished_task(self: Task, job_id: str) -> None:
    """A vendor reported a job's outcome (callback or poll): continue the pipeline."""
    from projects.pipeline.jobs import job_continue
    from projects.pipeline.leases import leased
    from projects.pipeline.vendor_jobs import job_run_id

    leased(self, run_id=job_run_id(job_id=job_id), work=lambda: job_continue(job_id=job_id))


# Acknowledged only when done, requeued when its worker dies.
@shared_task(bind=True, acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def make_continue_task(self: Task, run_id: str) -> None:
    """A step of a make ended: launch the next one, or finish the make."""
    from projects.pipeline.leases import leased
    from projects.stages.make.runs import make_advance

    leased(self, run_id=run_id, work=lambda: make_advance(run_id=run_id))


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
