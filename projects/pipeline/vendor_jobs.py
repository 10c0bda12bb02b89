"""The life of a vendor job, shared by tasks, callbacks and the poller.

``job_open`` before calling the vendor, ``job_submitted`` once it accepted, ``job_finish`` when it
reports (callback or poll). ``job_finish`` takes effect once per job, whatever duplicates arrive;
the pipeline's handler for the job's purpose then runs in a task.
"""

from __future__ import annotations

import hmac
import logging
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from projects.models import Run
from projects.tasks import vendor_job_finished_task
from vendors.base import CallbackTarget, JobOutcome
from vidflow.queue import enqueue_on_commit

from .models import JobStatus, VendorJob

logger = logging.getLogger(__name__)


def job_open(
    *, run: Run, vendor: str, capability: str, purpose: str, target_id: Any
) -> tuple[VendorJob, bool]:
    """The job for this step of this run, and whether this call created it (and so must submit).

    A job that already exists was submitted (or is being submitted) by an earlier delivery of the
    task: never submit it again.
    """
    try:
        with transaction.atomic():
            job = VendorJob.objects.create(
                run=run, vendor=vendor, capability=capability, purpose=purpose, target_id=target_id
            )
            return job, True
    except IntegrityError:
        return VendorJob.objects.get(run=run, purpose=purpose, target_id=target_id), False


def job_claim_submit(*, job: VendorJob) -> bool:
    """Claim the right to call the vendor for this job, once: True for the one delivery that
    will send it. A job whose earlier sender died before sending can still be claimed; one that
    was (perhaps) sent cannot."""
    return (
        VendorJob.objects.filter(
            pk=job.pk, status=JobStatus.SUBMITTING, submit_started_at__isnull=True
        ).update(submit_started_at=timezone.now())
        == 1
    )


def callback_target(job: VendorJob) -> CallbackTarget:
    """The URL this job's vendor calls back, carrying the job's id and per-job secret."""
    path = reverse(f"{job.vendor}-callback")
    url = f"{settings.PUBLIC_BASE_URL}{path}?job={job.pk}&token={job.secret}"
    return CallbackTarget(url=url, secret=job.secret)


def job_submitted(*, job_id: Any, external_id: str) -> None:
    VendorJob.objects.filter(pk=job_id, status=JobStatus.SUBMITTING).update(
        status=JobStatus.PENDING, external_id=external_id, submitted_at=timezone.now()
    )


def secret_matches(job: VendorJob, token: str) -> bool:
    return hmac.compare_digest(job.secret.encode(), (token or "").encode())


def job_finish(*, job_id: Any, outcome: JobOutcome, via: str) -> bool:
    """Record a job's outcome once. Returns False for a duplicate (already finished): nothing
    changes, and the caller still answers the vendor 2xx so it stops retrying.

    The pipeline handler for the job's purpose runs after commit, in a task.
    """
    with transaction.atomic():
        job = VendorJob.objects.select_for_update().get(pk=job_id)
        if via == "callback":
            job.callbacks_received += 1
        if job.is_finished:
            job.save(update_fields=["callbacks_received"])
            logger.info("duplicate %s for finished job %s ignored", via, job.pk)
            return False
        job.status = JobStatus.SUCCEEDED if outcome.succeeded else JobStatus.FAILED
        job.outcome = {"urls": list(outcome.urls), "error": outcome.error, "data": outcome.data}
        job.finished_at = timezone.now()
        job.save(update_fields=["status", "outcome", "finished_at", "callbacks_received"])
        enqueue_on_commit(vendor_job_finished_task, str(job.pk))
    return True


def job_run_id(*, job_id: Any) -> Any | None:
    """The run a vendor job belongs to (None for a job that is gone)."""
    return VendorJob.objects.filter(pk=job_id).values_list("run_id", flat=True).first()
