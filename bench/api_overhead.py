"""API overhead: p50 of the full project payload (100 shots) ÷ p50 of /healthz, on the same
server in the same run (performance.md).

The server is what production runs: gunicorn on a local port against the bench database and
Redis; requests come over HTTP from this process, once with a browser session and once with a
bearer token obtained through the device flow. Every request is counted by its rate tier (that
cost is part of the figure); the tiers are raised so none is refused.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable, Iterator

import httpx
from django.conf import settings
from django.test import Client

from accounts.models import User
from bench.fixtures import (
    access_token,
    bench_env,
    bench_user,
    free_port,
    project_with_shots,
    start_server,
    stop,
)

ROUNDS = 300


def _p50(call: Callable[[], httpx.Response]) -> float:
    for _ in range(20):
        assert call().status_code == 200
    samples = []
    for _ in range(ROUNDS):
        started = time.perf_counter()
        call()
        samples.append(time.perf_counter() - started)
    return statistics.median(samples)


def _session_cookie(user: User) -> str:
    browser = Client()
    browser.force_login(user)
    return str(browser.cookies[settings.SESSION_COOKIE_NAME].value)


def run() -> Iterator[str]:
    user = bench_user()
    project = project_with_shots(user, 100)
    token = access_token(user)
    cookie = _session_cookie(user)
    port = free_port()
    tiers = {f"RATE_LIMIT_{tier.upper()}": "1000000/m" for tier in settings.VIDFLOW_RATE_TIERS}
    server = start_server(port, bench_env(**tiers))
    base = f"http://127.0.0.1:{port}"
    try:
        with httpx.Client(base_url=base) as http:
            url = f"/api/projects/{project.pk}"
            health = _p50(lambda: http.get("/healthz"))
            session = _p50(lambda: http.get(url, cookies={settings.SESSION_COOKIE_NAME: cookie}))
            bearer = _p50(lambda: http.get(url, headers={"Authorization": f"Bearer {token}"}))
    finally:
        stop([server])
    for how, took in (("session", session), ("bearer token", bearer)):
        yield (
            f"API overhead over HTTP ({how}): payload p50 {took * 1000:.2f} ms / healthz p50 "
            f"{health * 1000:.2f} ms = {took / health:.1f}x (goal <= 3)"
        )
