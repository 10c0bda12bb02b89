"""Celery tasks that drive generation. Thin: they take ids, load fresh rows and call the pipeline;
each is safe to run twice (acks_late + reject_on_worker_lost redeliver after a crash)."""

from __future__ import annotations

import logging

from celery import shared_task

logger = logging.getLogger(__name__)


@shared_task(acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def vendor_job_finished_task(job_id: str) -> None:
    """A vendor reported a job's outcome (callback or poll): continue the pipeline."""
    from projects.pipeline.jobs import job_landed

    job_landed(job_id=job_id)
