"""Celery tasks that drive generation. Thin: they take ids, load fresh rows and call the pipeline;
each is safe to run twice (acks_late + reject_on_worker_lost redeliver after a crash)."""

from __future__ import annotations

import logging

from celery import shared_task

logger = logging.getLogger(__name__)


# Acknowledged only when done, requeued when its worker dies.
@shared_task(acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def run_task(run_id: str) -> None:
    """Perform one run (its kind decides what that means)."""
    from projects.pipeline.runner import execute_run

    execute_run(run_id=run_id)


# Acknowledged only when done, requeued when its worker dies.
@shared_task(acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def shot_task(run_id: str, shot_id: str) -> None:
    """Advance one shot of a run: its image step, then its video step."""
    from projects.stages.production.runs import advance_shot

    advance_shot(run_id=run_id, shot_id=shot_id)


# Acknowledged only when done, requeued when its worker dies.
@shared_task(acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def vendor_job_finished_task(job_id: str) -> None:
    """A vendor reported a job's outcome (callback or poll): continue the pipeline."""
    from projects.pipeline.jobs import job_continue

    job_continue(job_id=job_id)


# Acknowledged only when done, requeued when its worker dies.
@shared_task(acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def make_continue_task(run_id: str) -> None:
    """A step of a make ended: launch the next one, or finish the make."""
    from projects.stages.make.runs import make_advance

    make_advance(run_id=run_id)


@shared_task(ignore_result=True)
def reap_runs_task() -> int:
    """Periodic: fail and refund runs past their deadline."""
    from projects.pipeline.jobs import reap_runs

    return reap_runs()


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
