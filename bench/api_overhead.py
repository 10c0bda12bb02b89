"""API overhead: p50 of the full project payload (100 shots) ÷ p50 of /healthz, on the same
server in the same run (performance.md).

The server is what production runs: gunicorn on a local port against the bench database and
Redis; requests come over HTTP from this process, once with a browser session and once with a
bearer token obtained through the device flow. Every request is counted by its rate tier (that
cost is part of the figure); the tiers are raised so none is refused. The project is a finished
one (every shot, bible entry and stage artifact has its file), so the payload carries its links.

The routes are asked in turn, round after round (health, session, bearer, ...), so a burst of
load on this shared machine falls on all of them alike rather than on whichever was being
measured then. Beside the figure, measured apart: the shot list of the same project (300 file
links), which the project page loads with it.
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


def _p50s(calls: dict[str, Callable[[], httpx.Response]], rounds: int = ROUNDS) -> dict[str, float]:
    """Each call's p50 in seconds, the calls made in turn round after round."""
    for call in calls.values():
        for _ in range(20):
            assert call().status_code == 200
    samples: dict[str, list[float]] = {name: [] for name in calls}
    for _ in range(rounds):
        for name, call in calls.items():
            started = time.perf_counter()
            call()
            samples[name].append(time.perf_counter() - started)
    return {name: statistics.median(taken) for name, taken in samples.items()}


def _session_cookie(user: User) -> str:
    browser = Client()
    browser.force_login(user)
    return str(browser.cookies[settings.SESSION_COOKIE_NAME].value)


def run() -> Iterator[str]:
    user = bench_user()
    project = project_with_shots(user, 100, finished=True)
    token = access_token(user)
    cookie = _session_cookie(user)
    port = free_port()
    tiers = {f"RATE_LIMIT_{tier.upper()}": "1000000/m" for tier in settings.VIDFLOW_RATE_TIERS}
    server = start_server(port, bench_env(**tiers))
    base = f"http://127.0.0.1:{port}"
    session = {settings.SESSION_COOKIE_NAME: cookie}
    bearer = {"Authorization": f"Bearer {token}"}
    try:
        with httpx.Client(base_url=base) as http:
            url = f"/api/projects/{project.pk}"
            p50 = _p50s(
                {
                    "healthz": lambda: http.get("/healthz"),
                    "session": lambda: http.get(url, cookies=session),
                    "bearer token": lambda: http.get(url, headers=bearer),
                }
            )
            # apart: a heavy request between two light ones slows the light ones down
            shots = _p50s(
                {"shots": lambda: http.get(f"{url}/timeline/shots", cookies=session)}, rounds=30
            )
    finally:
        stop([server])
    health = p50["healthz"]
    for how in ("session", "bearer token"):
        yield (
            f"API overhead over HTTP ({how}): payload p50 {p50[how] * 1000:.2f} ms / healthz p50 "
            f"{health * 1000:.2f} ms = {p50[how] / health:.1f}x (goal <= 3)"
        )
    yield (
        f"API overhead over HTTP: the shot list (100 shots, 300 file links) p50 "
        f"{shots['shots'] * 1000:.2f} ms = {shots['shots'] / health:.1f}x healthz (no goal)"
    )
