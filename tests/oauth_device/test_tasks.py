"""The periodic clean-up of device grants and expired tokens."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone
from oauth2_provider.models import get_device_grant_model

from accounts.models import User
from oauth_device.tasks import clear_expired_tokens_task, sweep_device_grants_task
from tests.oauth import approve, expire_grant, poll, refresh, start_device_flow

pytestmark = pytest.mark.django_db

DeviceGrant = get_device_grant_model()


def test_the_sweep_deletes_grants_long_expired_and_keeps_the_rest(
    public_clients: Any, user: User
) -> None:
    fresh = start_device_flow(Client()).json()
    just_expired = start_device_flow(Client(REMOTE_ADDR="10.4.0.1")).json()
    long_expired = start_device_flow(Client(REMOTE_ADDR="10.4.0.2")).json()
    denied = start_device_flow(Client(REMOTE_ADDR="10.4.0.3")).json()
    approve(user, denied["user_code"], action="deny")
    expire_grant(just_expired["device_code"])
    retention = timedelta(seconds=settings.OAUTH_DEVICE_GRANT_RETENTION_SECONDS + 1)
    DeviceGrant.objects.filter(
        device_code__in=[long_expired["device_code"], denied["device_code"]]
    ).update(expires=timezone.now() - retention)

    assert sweep_device_grants_task() == 2

    left = set(DeviceGrant.objects.values_list("device_code", flat=True))
    assert left == {fresh["device_code"], just_expired["device_code"]}
    # a late poll of a recently expired code still hears expired_token, not invalid_grant
    assert poll(Client(), just_expired["device_code"]).json() == {"error": "expired_token"}


def test_clearing_tokens_keeps_what_reuse_detection_needs(issue_tokens: Any, user: User) -> None:
    first = issue_tokens(user)
    second = refresh(Client(), first["refresh_token"]).json()

    clear_expired_tokens_task()

    # the rotated token is still known, so presenting it again still revokes the family
    assert refresh(Client(), first["refresh_token"]).json()["error"] == "invalid_grant"
    assert refresh(Client(), second["refresh_token"]).json()["error"] == "invalid_grant"


def test_both_are_scheduled() -> None:
    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}

    assert "oauth_device.tasks.sweep_device_grants_task" in tasks
    assert "oauth_device.tasks.clear_expired_tokens_task" in tasks
