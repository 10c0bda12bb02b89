"""A user's webhook endpoints, what was sent to them and how each attempt went."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models


class Endpoint(models.Model):
    """A URL of the user's that hears about some of their events, signed with its own secret.

    The secret is kept sealed (``vidflow.crypto``: usable for signing, unreadable in a database
    dump) and shown to its owner once, when it is made. After a rotation the previous secret
    signs too (a second signature) until ``previous_secret_until``, so a receiver can switch
    without dropping a message.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="webhook_endpoints"
    )
    url = models.URLField(max_length=2000)
    description = models.CharField(max_length=200, blank=True)
    events = models.JSONField(default=list)  # vidflow.events.EventType values
    secret_sealed = models.TextField()
    secret_hint = models.CharField(
        max_length=12
    )  # the secret's last characters, to tell them apart
    previous_secret_sealed = models.TextField(blank=True)
    previous_secret_until = models.DateTimeField(null=True, blank=True)
    enabled = models.BooleanField(default=True)
    # Set when repeated failure turned the endpoint off (the web app shows a notice until the
    # owner turns it on again or deletes it); empty when its owner turned it off.
    disabled_at = models.DateTimeField(null=True, blank=True)
    disabled_reason = models.CharField(max_length=300, blank=True)
    # Deliveries in a row that failed every attempt; a successful attempt resets it.
    failure_streak = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ("-created_at",)
        indexes = [models.Index(fields=("owner", "enabled"))]

    def __str__(self) -> str:
        return self.url

    @property
    def disabled_by_failure(self) -> bool:
        return not self.enabled and bool(self.disabled_reason)


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    SUCCEEDED = "succeeded", "Succeeded"
    FAILED = "failed", "Failed"


class DeliveryTrigger(models.TextChoices):
    EVENT = "event", "Event"  # retried with backoff over about a day
    REDELIVERY = "redelivery", "Manual redelivery"  # one attempt
    TEST = "test", "Test ping"  # one attempt


class Delivery(models.Model):
    """One message to one endpoint: its body (fixed when the event happened, so every attempt
    and every redelivery sends the same bytes under the same ``webhook-id``) and where its
    attempts stand."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    endpoint = models.ForeignKey(Endpoint, on_delete=models.CASCADE, related_name="deliveries")
    message_id = models.CharField(max_length=40, db_index=True)  # the webhook-id header
    event_type = models.CharField(max_length=40)
    body = models.TextField()
    trigger = models.CharField(
        max_length=12, choices=DeliveryTrigger.choices, default=DeliveryTrigger.EVENT
    )
    status = models.CharField(
        max_length=12, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    # When the next attempt is due (a claimed attempt pushes it past its own time-out, so a
    # worker that died mid-attempt is retried); None once the delivery is over.
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    # Until when the attempt due at next_attempt_at sits in the queue (a countdown, or the sweep
    # queued it): the sweep leaves it alone till then, and queues it again after (a lost task).
    queued_until = models.DateTimeField(null=True, blank=True)
    response_status = models.PositiveSmallIntegerField(null=True, blank=True)
    response_excerpt = models.TextField(blank=True)
    error = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("-created_at",)
        verbose_name_plural = "deliveries"
        indexes = [
            models.Index(fields=("endpoint", "-created_at")),
            models.Index(fields=("status", "next_attempt_at")),
        ]

    def __str__(self) -> str:
        return f"{self.event_type} to {self.endpoint_id}: {self.status}"


class Attempt(models.Model):
    """One HTTP request of a delivery and what came back."""

    delivery = models.ForeignKey(Delivery, on_delete=models.CASCADE, related_name="attempt_log")
    number = models.PositiveSmallIntegerField()
    at = models.DateTimeField()
    response_status = models.PositiveSmallIntegerField(null=True, blank=True)
    response_excerpt = models.TextField(blank=True)
    error = models.CharField(max_length=500, blank=True)
    duration_ms = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ("delivery", "number")

    def __str__(self) -> str:
        return f"attempt {self.number} of {self.delivery_id}"
