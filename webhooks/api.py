"""Webhook endpoints and their delivery log over HTTP. Thin: validate, call a service, serialize."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from vidflow.api.schema import examples
from vidflow.api.serializers import DeletedSerializer
from vidflow.api.views import UUID_PATTERN, ApiViewSet
from vidflow.errors import ValidationFailed

from . import selectors, services
from .models import DeliveryStatus
from .serializers import (
    DeliverySerializer,
    EndpointCreateSerializer,
    EndpointSerializer,
    EndpointUpdateSerializer,
    EndpointWithSecretSerializer,
)

_ENDPOINT = {
    "id": "d3f5a7c9-1b3d-4f5a-97c9-e1b3d5f7a9c1",
    "url": "https://hooks.example.com/vidflow",
    "description": "Slack relay",
    "events": ["run.succeeded", "run.failed", "project.rendered"],
    "enabled": True,
    "disabledAt": None,
    "disabledReason": "",
    "secretHint": "…Swq7Zk",
    "createdAt": "2026-11-30T09:14:05.120000Z",
    "updatedAt": "2026-11-30T09:14:05.120000Z",
}
_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSwq7Zk"  # noqa: S105 (an example)
_DELIVERY = {
    "id": "a1c3e5f7-9b1d-4e3f-a5b7-c9d1e3f5a7b9",
    "messageId": "msg_5f0c2a9e8b7d4c1fa3e6b9d2c8f1a4e7",
    "eventType": "run.succeeded",
    "trigger": "event",
    "status": "succeeded",
    "attempts": 1,
    "nextAttemptAt": None,
    "responseStatus": 204,
    "responseExcerpt": "",
    "error": "",
    "createdAt": "2026-11-30T09:41:40.002000Z",
    "finishedAt": "2026-11-30T09:41:40.318000Z",
    "attemptLog": [
        {
            "number": 1,
            "at": "2026-11-30T09:41:40.010000Z",
            "responseStatus": 204,
            "error": "",
            "durationMs": 308,
        }
    ],
}
_QUEUED = {
    **_DELIVERY,
    "status": "pending",
    "attempts": 0,
    "responseStatus": None,
    "finishedAt": None,
    "attemptLog": [],
}

TURNED_OFF = OpenApiResponse(description="The webhook is turned off (INVALID_TRANSITION).")


def _with_secret(endpoint: Any, secret: str) -> dict[str, Any]:
    return {**EndpointSerializer(endpoint).data, "secret": secret}


@extend_schema(tags=["webhooks"])
class WebhookViewSet(ApiViewSet):
    """Outbound webhooks: your endpoints, signed with Standard Webhooks (README, "Webhooks")."""

    serializer_class = EndpointSerializer
    lookup_url_kwarg = "endpoint_id"
    lookup_value_regex = UUID_PATTERN

    def get_queryset(self) -> Any:
        return selectors.endpoints_for(self.user)

    @extend_schema(
        summary="List your webhook endpoints",
        responses=EndpointSerializer(many=True),
        examples=examples(response=_ENDPOINT),
    )
    def list(self, request: Request) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(EndpointSerializer(page, many=True).data)

    @extend_schema(
        summary="Add a webhook endpoint",
        description="The URL must resolve to public addresses only (no private, loopback or "
        "link-local address). The answer carries the endpoint's secret, shown this once.",
        request=EndpointCreateSerializer,
        responses={201: EndpointWithSecretSerializer},
        examples=examples(
            request={k: _ENDPOINT[k] for k in ("url", "description", "events")},
            response={**_ENDPOINT, "secret": _SECRET},
            status=201,
        ),
    )
    def create(self, request: Request) -> Response:
        serializer = EndpointCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        endpoint, secret = services.endpoint_create(owner=self.user, **serializer.validated_data)
        return Response(_with_secret(endpoint, secret), status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="A webhook endpoint",
        responses=EndpointSerializer,
        examples=examples(response=_ENDPOINT),
    )
    def retrieve(self, request: Request, endpoint_id: str) -> Response:
        endpoint = selectors.endpoint_get(owner=self.user, endpoint_id=endpoint_id)
        return Response(EndpointSerializer(endpoint).data)

    @extend_schema(
        summary="Change a webhook endpoint (or turn it on or off)",
        request=EndpointUpdateSerializer,
        responses=EndpointSerializer,
        examples=examples(
            request={"enabled": False},
            response={**_ENDPOINT, "enabled": False},
        ),
    )
    def partial_update(self, request: Request, endpoint_id: str) -> Response:
        selectors.endpoint_get(owner=self.user, endpoint_id=endpoint_id)
        serializer = EndpointUpdateSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        endpoint = services.endpoint_update(
            endpoint_id=endpoint_id, owner=self.user, changes=serializer.validated_data
        )
        return Response(EndpointSerializer(endpoint).data)

    @extend_schema(
        summary="Delete a webhook endpoint and its delivery log",
        responses={200: DeletedSerializer},
        examples=examples(response={"id": _ENDPOINT["id"], "deleted": True}),
    )
    def destroy(self, request: Request, endpoint_id: str) -> Response:
        services.endpoint_delete(endpoint_id=endpoint_id, owner=self.user)
        return Response({"id": endpoint_id, "deleted": True})

    @extend_schema(
        summary="Rotate the endpoint's secret",
        description="Answers the new secret, shown this once. For 24 hours the old secret signs "
        "too (a second signature in webhook-signature), so the receiver can switch over.",
        request=None,
        responses=EndpointWithSecretSerializer,
        examples=examples(response={**_ENDPOINT, "secret": _SECRET}),
    )
    @action(detail=True, methods=["post"], url_path="rotate-secret")
    def rotate_secret(self, request: Request, endpoint_id: str) -> Response:
        endpoint, secret = services.endpoint_rotate_secret(endpoint_id=endpoint_id, owner=self.user)
        return Response(_with_secret(endpoint, secret))

    @extend_schema(
        summary="Send a test message (webhook.test) now",
        description="One attempt, queued at once; its outcome shows in the delivery log.",
        request=None,
        responses={202: DeliverySerializer, 409: TURNED_OFF},
        examples=examples(
            response={**_QUEUED, "eventType": "webhook.test", "trigger": "test"}, status=202
        ),
    )
    @action(detail=True, methods=["post"])
    def test(self, request: Request, endpoint_id: str) -> Response:
        delivery = services.endpoint_test(endpoint_id=endpoint_id, owner=self.user)
        return Response(DeliverySerializer(delivery).data, status=status.HTTP_202_ACCEPTED)

    @extend_schema(
        summary="The endpoint's delivery log, newest first",
        parameters=[OpenApiParameter("status", str, enum=DeliveryStatus.values)],
        responses=DeliverySerializer(many=True),
        examples=examples(response=_DELIVERY),
    )
    @action(detail=True, methods=["get"])
    def deliveries(self, request: Request, endpoint_id: str) -> Response:
        endpoint = selectors.endpoint_get(owner=self.user, endpoint_id=endpoint_id)
        deliveries = selectors.deliveries_for(endpoint)
        wanted = request.query_params.get("status")
        if wanted is not None:
            if wanted not in DeliveryStatus.values:
                raise ValidationFailed(
                    "status must be one of " + ", ".join(DeliveryStatus.values) + ".",
                    details={"status": ["Unknown status."]},
                )
            deliveries = deliveries.filter(status=wanted)
        page = self.paginate_queryset(deliveries)
        return self.get_paginated_response(DeliverySerializer(page, many=True).data)

    @extend_schema(
        summary="Send a message again",
        description="The same body and webhook-id, one attempt, a new entry in the log.",
        request=None,
        responses={202: DeliverySerializer, 409: TURNED_OFF},
        examples=examples(response={**_QUEUED, "trigger": "redelivery"}, status=202),
    )
    @action(
        detail=True,
        methods=["post"],
        url_path=rf"deliveries/(?P<delivery_id>{UUID_PATTERN})/redeliver",
    )
    def redeliver(self, request: Request, endpoint_id: str, delivery_id: str) -> Response:
        delivery = services.delivery_redeliver(
            endpoint_id=endpoint_id, delivery_id=delivery_id, owner=self.user
        )
        return Response(DeliverySerializer(delivery).data, status=status.HTTP_202_ACCEPTED)
