"""Vendor jobs: work handed to a vendor, awaiting its callback (or a poll)."""

from __future__ import annotations

import secrets
import uuid

from django.db import models
from django.db.models import Q


def _new_secret() -> str:
    return secrets.token_urlsafe(32)


class JobStatus(models.TextChoices):
    SUBMITTING = "submitting", "Submitting"  # row written before the vendor is called
    PENDING = "pending", "Pending"  # the vendor accepted it
    SUCCEEDED = "succeeded", "Succeeded"
    FAILED = "failed", "Failed"


TERMINAL_JOB_STATUSES = (JobStatus.SUCCEEDED, JobStatus.FAILED)


class VendorJob(models.Model):
    """One submission to a vendor for one step of one run.

    The row is written before the vendor is called and is unique per (run, purpose, target), so a
    retried or redelivered task finds it and never submits the same step twice. The callback URL
    carries this row's id and secret, so even a job whose vendor id was never recorded (the worker
    died right after submitting) is matched when the vendor reports back.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    run = models.ForeignKey("projects.Run", on_delete=models.CASCADE, related_name="vendor_jobs")
    vendor = models.CharField(max_length=32)
    capability = models.CharField(max_length=32)
    purpose = models.CharField(max_length=48, help_text="What the result is for, e.g. shot.video")
    target_id = models.UUIDField(help_text="The shot, variation or project the result belongs to")
    external_id = models.CharField(max_length=128, blank=True, db_index=True)
    secret = models.CharField(max_length=64, default=_new_secret, editable=False)
    status = models.CharField(
        max_length=16, choices=JobStatus.choices, default=JobStatus.SUBMITTING, db_index=True
    )
    outcome = models.JSONField(null=True, blank=True)
    callbacks_received = models.PositiveIntegerField(default=0)
    polls = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    # Set just before the vendor is called: a job without it was never sent (its task died
    # first) and may be submitted by a redelivery; a job with it but without an external id may
    # have reached the vendor, so it is never sent again.
    submit_started_at = models.DateTimeField(null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("-created_at",)
        constraints = [
            models.UniqueConstraint(
                fields=("run", "purpose", "target_id"), name="vendorjob_one_per_step"
            ),
            models.UniqueConstraint(
                fields=("vendor", "external_id"),
                condition=~Q(external_id=""),
                name="vendorjob_unique_external_id",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.vendor} {self.purpose} {self.external_id or self.pk} ({self.status})"

    @property
    def is_finished(self) -> bool:
        return self.status in TERMINAL_JOB_STATUSES


class RunLease(models.Model):
    """A task at work on a run, and the proof that its worker is still alive.

    The task writes the row when it starts and a thread beside the work refreshes
    ``heartbeat_at`` every ``RUN_HEARTBEAT_SECONDS``; the row goes when the task ends. A row whose
    heartbeat is older than ``RUN_LEASE_SECONDS`` belongs to a worker that died mid-task: the
    reaper sends the same task (same id and arguments) again. One row per task id, so a run with
    several tasks at once (a shot each) has a lease per task, and a redelivery of a task finds the
    row its earlier delivery left.
    """

    id = models.BigAutoField(primary_key=True)
    task_id = models.CharField(max_length=255, unique=True)
    run = models.ForeignKey("projects.Run", on_delete=models.CASCADE, related_name="leases")
    task = models.CharField(max_length=128, help_text="The Celery task's name")
    args = models.JSONField(default=list, blank=True)
    kwargs = models.JSONField(default=dict, blank=True)
    # Host and process of the holder; empty while the reaper's re-sent task waits in the queue.
    worker = models.CharField(max_length=255, blank=True)
    heartbeat_at = models.DateTimeField(db_index=True)
    # Deliveries that began the work: bounded by RUN_WORKER_ATTEMPTS.
    starts = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("heartbeat_at",)

    def __str__(self) -> str:
        return f"{self.task} {self.task_id} on {self.worker or 'the queue'}"
