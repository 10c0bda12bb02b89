"""Project payload queries: SQL queries for GET /api/projects/{id} with 1 and 300 shots."""

from __future__ import annotations

from collections.abc import Iterator

from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from bench.fixtures import bench_user, project_with_shots


def run() -> Iterator[str]:
    user = bench_user()
    client = APIClient()
    client.force_login(user)
    counts = {}
    for n in (1, 300):
        project = project_with_shots(user, n)
        client.get(f"/api/projects/{project.pk}")  # warm caches
        with CaptureQueriesContext(connection) as queries:
            response = client.get(f"/api/projects/{project.pk}")
        assert response.status_code == 200, response.content
        counts[n] = len(queries)
    yield (
        f"project payload queries: {counts[1]} with 1 shot, {counts[300]} with 300 shots "
        f"(goal: equal, <= 12)"
    )
