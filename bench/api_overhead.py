"""API overhead: p50 of the full project payload (100 shots) ÷ p50 of /healthz, same process,
once with the browser session and once with a bearer token from the device flow.

Measured in-process through Django's full request stack (middleware, auth, rate-limit counting,
envelope, serializers), without a socket, so it isolates what our code adds.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable, Iterator
from urllib.parse import urlencode

from django.conf import settings
from django.test import Client
from rest_framework.test import APIClient

from accounts.models import User
from bench.fixtures import bench_user, project_with_shots

ROUNDS = 300
FORM = "application/x-www-form-urlencoded"


def _p50(call: Callable[[], object]) -> float:
    for _ in range(20):
        call()
    samples = []
    for _ in range(ROUNDS):
        started = time.perf_counter()
        call()
        samples.append(time.perf_counter() - started)
    return statistics.median(samples)


def _access_token(user: User) -> str:
    """A token obtained the way a CLI obtains one: device code, approval, poll."""
    device = Client()
    started = device.post(
        "/api/oauth/device/code",
        urlencode({"client_id": "vidflow-cli", "scope": "projects:read"}),
        content_type=FORM,
    ).json()
    browser = Client()
    browser.force_login(user)
    browser.post("/device", {"user_code": started["user_code"], "action": "approve"})
    token = device.post(
        "/api/oauth/device/token",
        urlencode(
            {
                "grant_type": "urn:ietf:params:oauth:grant-type:device_code",
                "device_code": started["device_code"],
                "client_id": "vidflow-cli",
            }
        ),
        content_type=FORM,
    ).json()
    return str(token["access_token"])


def run() -> Iterator[str]:
    # Requests are still counted (that cost is part of the figure) but never refused.
    settings.VIDFLOW_RATE_TIERS = dict.fromkeys(settings.VIDFLOW_RATE_TIERS, "1000000/m")
    user = bench_user()
    project = project_with_shots(user, 100)
    session = APIClient()
    session.force_login(user)
    token_client = APIClient()
    token_client.credentials(HTTP_AUTHORIZATION=f"Bearer {_access_token(user)}")
    url = f"/api/projects/{project.pk}"
    health = _p50(lambda: session.get("/healthz"))
    payload = _p50(lambda: session.get(url))
    bearer = _p50(lambda: token_client.get(url))
    for how, took in (("session", payload), ("bearer token", bearer)):
        yield (
            f"API overhead ({how}): payload p50 {took * 1000:.2f} ms / healthz p50 "
            f"{health * 1000:.2f} ms = {took / health:.1f}x (goal <= 3)"
        )
