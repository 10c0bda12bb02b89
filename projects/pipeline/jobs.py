"""Vendor outcomes into the pipeline, and the two safety nets: polling and the reaper."""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from projects.models import ACTIVE_RUN_STATUSES, Run
from projects.pipeline.models import JobStatus, VendorJob
from projects.pipeline.vendor_jobs import job_finish
from projects.services import run_fail
from vendors.base import ProviderError
from vendors.http import async_adapter
from vidflow.api.error_codes import ErrorCode

from . import JOB_HANDLERS

logger = logging.getLogger(__name__)


def job_continue(*, job_id: Any) -> None:
    """Continue the pipeline with a finished job's outcome (called from a task; repeatable)."""
    job = VendorJob.objects.select_related("run").filter(pk=job_id).first()
    if job is None or not job.is_finished:
        return
    if job.run.status not in ACTIVE_RUN_STATUSES:
        logger.info("job %s finished after its run %s ended; ignored", job.pk, job.run_id)
        return
    handler = JOB_HANDLERS.get(job.purpose)
    if handler is None:
        logger.error("no handler for vendor job purpose %s", job.purpose)
        return
    handler(job)


def poll_vendor_jobs(*, older_than: timedelta | None = None) -> int:
    """Ask vendors about jobs that should have called back by now (a lost or refused callback).
    Returns how many jobs this finished."""

    if older_than is None:
        older_than = timedelta(seconds=settings.VENDOR_POLL_AFTER)
    cutoff = timezone.now() - older_than
    finished = 0
    jobs = VendorJob.objects.filter(
        status=JobStatus.PENDING, submitted_at__lt=cutoff, run__status__in=ACTIVE_RUN_STATUSES
    ).exclude(external_id="")
    for job in jobs[:200]:
        VendorJob.objects.filter(pk=job.pk).update(polls=job.polls + 1)
        adapter = async_adapter(vendor=job.vendor, capability=job.capability)
        if adapter is None:
            continue
        try:
            outcome = adapter.poll(job.external_id)
        except ProviderError as exc:
            logger.warning("polling %s job %s failed: %s", job.vendor, job.external_id, exc)
            continue
        if outcome is not None and job_finish(job_id=job.pk, outcome=outcome, via="poll"):
            finished += 1
    return finished


def reap_runs() -> int:
    """Fail and refund every run past its deadline: a vendor that never called back, a worker
    that vanished. No run stays running forever. Returns how many were reaped."""
    now = timezone.now()
    reaped = 0
    overdue = Run.objects.filter(status__in=ACTIVE_RUN_STATUSES, deadline_at__lt=now)
    for run in overdue.only("pk")[:500]:
        waiting_on_vendor = VendorJob.objects.filter(
            Q(status=JobStatus.PENDING) | Q(status=JobStatus.SUBMITTING), run=run
        ).exists()
        message = (
            "A vendor never reported back before the run's deadline."
            if waiting_on_vendor
            else "The run did not finish before its deadline."
        )
        code = ErrorCode.VENDOR_ERROR if waiting_on_vendor else ErrorCode.INTERNAL_ERROR
        if run_fail(run_id=run.pk, code=code, message=message) is not None:
            reaped += 1
    return reaped
