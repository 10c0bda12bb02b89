"""API overhead: p50 of the full project payload (100 shots) ÷ p50 of /healthz, same process.

Measured in-process through Django's full request stack (middleware, auth, envelope, serializers),
without a socket, so it isolates what our code adds.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable, Iterator

from rest_framework.test import APIClient

from bench.fixtures import bench_user, project_with_shots

ROUNDS = 300


def _p50(call: Callable[[], object]) -> float:
    for _ in range(20):
        call()
    samples = []
    for _ in range(ROUNDS):
        started = time.perf_counter()
        call()
        samples.append(time.perf_counter() - started)
    return statistics.median(samples)


def run() -> Iterator[str]:
    user = bench_user()
    project = project_with_shots(user, 100)
    client = APIClient()
    client.force_login(user)
    health = _p50(lambda: client.get("/healthz"))
    payload = _p50(lambda: client.get(f"/api/projects/{project.pk}"))
    yield (
        f"API overhead: payload p50 {payload * 1000:.2f} ms / healthz p50 {health * 1000:.2f} ms "
        f"= {payload / health:.1f}x (goal <= 3)"
    )
