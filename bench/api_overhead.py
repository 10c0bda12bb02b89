"""API overhead: p50 of the full project payload (100 shots) ÷ p50 of /healthz, on the same
server in the same run (performance.md).

The server is what production runs: gunicorn on a local port against the bench database and
Redis; requests come over HTTP from this process, once with a browser session and once with a
bearer token obtained through the device flow. Every request is counted by its rate tier (that
cost is part of the figure); the tiers are raised so none is refused.
"""

from __future__ import annotations

import os
import signal
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import urlencode

import httpx
from django.conf import settings
from django.db import connection
from django.test import Client

from accounts.models import User
from bench.fixtures import bench_user, project_with_shots

ROUNDS = 300
FORM = "application/x-www-form-urlencoded"
ROOT = Path(__file__).resolve().parent.parent


def _p50(call: Callable[[], httpx.Response]) -> float:
    for _ in range(20):
        assert call().status_code == 200
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


def _session_cookie(user: User) -> str:
    browser = Client()
    browser.force_login(user)
    return str(browser.cookies[settings.SESSION_COOKIE_NAME].value)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _server(port: int) -> subprocess.Popen[bytes]:
    db = connection.settings_dict
    env = {
        **os.environ,
        "DATABASE_URL": (
            f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
        ),
        "SECRET_KEY": settings.SECRET_KEY,
        "DEBUG": "0",
        **{f"RATE_LIMIT_{tier.upper()}": "1000000/m" for tier in settings.VIDFLOW_RATE_TIERS},
    }
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "vidflow.wsgi:application", "--bind",
         f"127.0.0.1:{port}", "--workers", "1", "--threads", "2", "--log-level", "warning"],
        cwd=ROOT, env=env,
    )  # fmt: skip
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                return server
        except httpx.HTTPError:
            time.sleep(0.2)
    server.kill()
    raise RuntimeError("the bench server did not start")


def run() -> Iterator[str]:
    user = bench_user()
    project = project_with_shots(user, 100)
    token = _access_token(user)
    cookie = _session_cookie(user)
    port = _free_port()
    server = _server(port)
    base = f"http://127.0.0.1:{port}"
    try:
        with httpx.Client(base_url=base) as http:
            url = f"/api/projects/{project.pk}"
            health = _p50(lambda: http.get("/healthz"))
            session = _p50(lambda: http.get(url, cookies={settings.SESSION_COOKIE_NAME: cookie}))
            bearer = _p50(lambda: http.get(url, headers={"Authorization": f"Bearer {token}"}))
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
    for how, took in (("session", session), ("bearer token", bearer)):
        yield (
            f"API overhead over HTTP ({how}): payload p50 {took * 1000:.2f} ms / healthz p50 "
            f"{health * 1000:.2f} ms = {took / health:.1f}x (goal <= 3)"
        )
