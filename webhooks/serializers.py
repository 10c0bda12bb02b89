"""Request validation and response shapes (camelCase) for webhook endpoints and deliveries."""

from __future__ import annotations

from rest_framework import serializers

from vidflow.api.serializers import StrictSerializer
from vidflow.events import EventType

from .models import DeliveryStatus, DeliveryTrigger


class EndpointSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    url = serializers.URLField()
    description = serializers.CharField()
    events = serializers.ListField(child=serializers.ChoiceField(choices=EventType.choices))
    enabled = serializers.BooleanField()
    disabledAt = serializers.DateTimeField(source="disabled_at", allow_null=True)
    disabledReason = serializers.CharField(
        source="disabled_reason",
        help_text="Why repeated failure turned the webhook off; empty otherwise.",
    )
    secretHint = serializers.CharField(
        source="secret_hint", help_text="The secret's last characters (the secret is shown once)."
    )
    createdAt = serializers.DateTimeField(source="created_at")
    updatedAt = serializers.DateTimeField(source="updated_at")


class EndpointWithSecretSerializer(EndpointSerializer):
    secret = serializers.CharField(
        help_text="whsec_… — shown this once: keep it to verify the webhook-signature header."
    )


class EndpointCreateSerializer(StrictSerializer):
    url = serializers.URLField(max_length=2000)
    events = serializers.ListField(
        child=serializers.ChoiceField(choices=EventType.choices),
        required=False,
        allow_empty=False,
        help_text="The events to send; all of them when left out.",
    )
    description = serializers.CharField(max_length=200, required=False, allow_blank=True)


class EndpointUpdateSerializer(EndpointCreateSerializer):
    url = serializers.URLField(max_length=2000, required=False)
    enabled = serializers.BooleanField(
        required=False, help_text="Turning a webhook on again clears its failure notice."
    )


class AttemptSerializer(serializers.Serializer):
    number = serializers.IntegerField()
    at = serializers.DateTimeField()
    responseStatus = serializers.IntegerField(source="response_status", allow_null=True)
    error = serializers.CharField()
    durationMs = serializers.IntegerField(source="duration_ms")


class DeliverySerializer(serializers.Serializer):
    id = serializers.UUIDField()
    messageId = serializers.CharField(
        source="message_id", help_text="The webhook-id header: the same on every attempt."
    )
    eventType = serializers.CharField(source="event_type")
    trigger = serializers.ChoiceField(choices=DeliveryTrigger.choices)
    status = serializers.ChoiceField(choices=DeliveryStatus.choices)
    attempts = serializers.IntegerField()
    nextAttemptAt = serializers.DateTimeField(source="next_attempt_at", allow_null=True)
    responseStatus = serializers.IntegerField(source="response_status", allow_null=True)
    responseExcerpt = serializers.CharField(
        source="response_excerpt", help_text="The start of the last answer's body."
    )
    error = serializers.CharField()
    createdAt = serializers.DateTimeField(source="created_at")
    finishedAt = serializers.DateTimeField(source="finished_at", allow_null=True)
    attemptLog = AttemptSerializer(source="attempt_log.all", many=True)
