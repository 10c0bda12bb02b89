"""Helpers and fixtures for tests that sign in with the OAuth device flow, end to end over HTTP.

Tokens are always obtained the way a client obtains them: start a device flow, approve the code
on the /device page as the user, poll the token endpoint.
"""

from __future__ import annotations

import importlib
import itertools
import time
from collections.abc import Callable
from datetime import timedelta
from typing import Any
from urllib.parse import urlencode

import pytest
from django.apps import apps
from django.test import Client
from django.utils import timezone
from django_ratelimit.core import _get_window
from oauth2_provider.models import get_application_model, get_device_grant_model

from accounts.models import User

DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code"
FORM = "application/x-www-form-urlencoded"
_addresses = itertools.count(1)


def form_post(client: Client, url: str, data: dict[str, str], **extra: Any) -> Any:
    """OAuth endpoints take form-encoded bodies (the test client would send multipart)."""
    return client.post(url, urlencode(data), content_type=FORM, **extra)


def bearer(token: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def start_device_flow(
    client: Client,
    *,
    client_id: str = "vidflow-cli",
    scope: str | None = "projects:read",
    **extra: Any,
) -> Any:
    data = {"client_id": client_id}
    if scope is not None:
        data["scope"] = scope
    return form_post(client, "/api/oauth/device/code", data, **extra)


def poll(client: Client, device_code: str | None, *, client_id: str = "vidflow-cli") -> Any:
    data = {"grant_type": DEVICE_GRANT, "client_id": client_id}
    if device_code is not None:
        data["device_code"] = device_code
    return form_post(client, "/api/oauth/device/token", data)


def refresh(
    client: Client, refresh_token: str, *, client_id: str = "vidflow-cli", **extra: Any
) -> Any:
    return form_post(
        client,
        "/api/oauth/token",
        {"grant_type": "refresh_token", "refresh_token": refresh_token, "client_id": client_id},
        **extra,
    )


def revoke(
    client: Client, token: str, *, client_id: str = "vidflow-cli", hint: str | None = None
) -> Any:
    data = {"token": token, "client_id": client_id}
    if hint:
        data["token_type_hint"] = hint
    return form_post(client, "/api/oauth/revoke", data)


def browser_for(user: User) -> Client:
    browser = Client()
    browser.force_login(user)
    return browser


def approve(user: User, user_code: str, *, action: str = "approve") -> None:
    """The user types the code on /device and decides."""
    browser = browser_for(user)
    shown = browser.post("/device", {"user_code": user_code})
    assert shown.status_code == 200, shown.content
    decided = browser.post("/device", {"user_code": user_code, "action": action})
    assert decided.status_code == 200, decided.content


def backdate_last_poll(device_code: str, seconds: float) -> None:
    """As if the device last polled ``seconds`` ago (instead of sleeping)."""
    get_device_grant_model().objects.filter(device_code=device_code).update(
        last_checked=timezone.now() - timedelta(seconds=seconds)
    )


def expire_grant(device_code: str) -> None:
    get_device_grant_model().objects.filter(device_code=device_code).update(
        expires=timezone.now() - timedelta(seconds=1)
    )


def fresh_window(key_value: str, period: int = 60, margin: float = 5.0) -> None:
    """Counters use fixed windows, staggered per key. For tests that count with real time (other
    processes cannot share a frozen clock): if this key's window ends within ``margin``
    seconds, wait for the next one so the counting never straddles a reset."""
    left = _get_window(key_value, period) + 1 - time.time()
    if left < margin:
        time.sleep(left + 0.05)


@pytest.fixture
def public_clients(db: None) -> dict[str, Any]:
    """vidflow-cli and vidflow-mcp, as the data migration makes them. Made again here because
    transactional tests flush the database afterwards, data migrations' rows included."""
    migration = importlib.import_module("oauth_device.migrations.0002_public_clients")
    migration.create_clients(apps, None)
    Application = get_application_model()
    return {
        app.client_id: app for app in Application.objects.filter(client_id__startswith="vidflow-")
    }


@pytest.fixture
def issue_tokens(public_clients: dict[str, Any]) -> Callable[..., dict[str, Any]]:
    """``issue_tokens(user, scope=...)``: the token response of a whole device flow.

    Each flow starts from its own address, as separate devices would, so issuing several in one
    test never meets the auth tier's limit on starting flows.
    """

    def issue(
        user: User, scope: str = "projects:read", client_id: str = "vidflow-cli"
    ) -> dict[str, Any]:
        n = next(_addresses)
        client = Client(REMOTE_ADDR=f"10.{n // 250 % 250}.{n % 250}.7")
        started = start_device_flow(client, client_id=client_id, scope=scope)
        assert started.status_code == 200, started.content
        approve(user, started.json()["user_code"])
        token = poll(client, started.json()["device_code"], client_id=client_id)
        assert token.status_code == 200, token.content
        return dict(token.json())

    return issue
