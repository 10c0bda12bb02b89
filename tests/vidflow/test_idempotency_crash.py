"""An Idempotency-Key survives the web process being killed mid-request (reliability.md, item
30): gunicorn in a subprocess, SIGKILLed while a keyed, charged request is in flight."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from django.utils import timezone

from accounts.models import User
from billing.models import LedgerEntry
from billing.services import balance_of
from projects.models import Run
from tests.concurrency import Gunicorn, free_port, server_env, session_cookies
from tests.factories import ProjectFactory
from vidflow.models import IdempotencyRecord

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]


@pytest.fixture
def server() -> Iterator[Gunicorn]:
    gunicorn = Gunicorn(
        free_port(), server_env(DJANGO_SETTINGS_MODULE="tests.vidflow.crash_settings")
    )
    yield gunicorn
    gunicorn.stop()


def _http(server: Gunicorn, user: User) -> httpx.Client:
    cookies = session_cookies(user)
    return httpx.Client(
        base_url=server.url,
        cookies=cookies,
        headers={"X-CSRFToken": cookies["csrftoken"], "Idempotency-Key": "crash-1"},
        timeout=60,
    )


def _charges(user: User) -> int:
    return LedgerEntry.objects.filter(account__user=user, amount__lt=0).count()


def _as_if_any_lock_expired() -> None:
    """Move every key record's clock back by an hour (the old lock lasted 15 minutes)."""
    IdempotencyRecord.objects.update(locked_until=timezone.now() - timedelta(hours=1))


def test_a_retry_after_the_web_process_died_mid_request_is_charged_once(
    server: Gunicorn, user: User, tmp_path: Path
) -> None:
    project = ProjectFactory(owner=user)
    before = balance_of(user=user)
    signal = tmp_path / "charged"
    body: dict[str, Any] = {"projectId": str(project.pk), "hang": 30, "signal": str(signal)}

    def kill_once_charged() -> None:
        for _ in range(300):
            if signal.exists():
                server.kill_workers()
                return
            time.sleep(0.1)

    with _http(server, user) as http:
        killer = threading.Thread(target=kill_once_charged)
        killer.start()
        with pytest.raises(httpx.HTTPError):  # the process died under this request
            http.post("/api/test/charge-then-hang", json=body)
        killer.join()

        retry = http.post("/api/test/charge-then-hang", json=body)
        assert retry.status_code == 200, retry.text
        run_id = retry.json()["data"]["runId"]

        _as_if_any_lock_expired()
        again = http.post("/api/test/charge-then-hang", json=body)
        other = http.post("/api/test/charge-then-hang", json={**body, "hang": 1})

    assert again.status_code == 200
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.json()["data"]["runId"] == run_id
    assert other.status_code == 409
    assert other.json()["error"]["code"] == "IDEMPOTENCY_CONFLICT"
    assert Run.objects.filter(owner=user).count() == 1
    assert _charges(user) == 1
    assert balance_of(user=user) == before - 1
