"""Reads of webhook endpoints and deliveries, always through their owner."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Prefetch, QuerySet

from accounts.models import User
from vidflow.errors import NotFound

from .models import Attempt, Delivery, Endpoint


def endpoints_for(owner: User) -> QuerySet[Endpoint]:
    return Endpoint.objects.filter(owner=owner)


def endpoint_get(*, owner: User, endpoint_id: Any, lock: bool = False) -> Endpoint:
    """The owner's endpoint, or 404 (another user's is not found either)."""
    endpoints = endpoints_for(owner)
    if lock:
        endpoints = endpoints.select_for_update()
    try:
        endpoint = endpoints.filter(pk=endpoint_id).first()
    except (ValidationError, ValueError):
        endpoint = None
    if endpoint is None:
        raise NotFound("No such webhook.")
    return endpoint


def deliveries_for(endpoint: Endpoint) -> QuerySet[Delivery]:
    """The endpoint's delivery log, newest first, each with its attempts."""
    return endpoint.deliveries.prefetch_related(
        Prefetch("attempt_log", queryset=Attempt.objects.order_by("number"))
    )


def delivery_get(*, owner: User, endpoint_id: Any, delivery_id: Any) -> Delivery:
    endpoint = endpoint_get(owner=owner, endpoint_id=endpoint_id)
    try:
        delivery = endpoint.deliveries.select_related("endpoint").filter(pk=delivery_id).first()
    except (ValidationError, ValueError):
        delivery = None
    if delivery is None:
        raise NotFound("No such delivery.")
    return delivery


def endpoints_turned_off_by_failure(owner: User) -> list[Endpoint]:
    """The owner's endpoints that repeated failure turned off and that still owe a notice."""
    return list(endpoints_for(owner).filter(enabled=False).exclude(disabled_reason=""))
