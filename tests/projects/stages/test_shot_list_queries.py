"""The shot list costs the same queries for any number of shots (the project page loads it with
the payload), and carries a working link for each shot's files."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from accounts.models import User
from projects.models import Shot
from tests.factories import ProjectFactory, RunFactory

pytestmark = pytest.mark.django_db


def _shots(user: User, n: int) -> Any:
    """``n`` shots drawn by one generate-all run (whose video steps made no vendor jobs)."""
    project = ProjectFactory(owner=user)
    run = RunFactory(owner=user, project=project)
    Shot.objects.bulk_create(
        Shot(
            project=project,
            position=i,
            start=i,
            end=i + 1,
            image=f"projects/x/shots/{i}.png",
            run=run,
        )
        for i in range(n)
    )
    return project


def _list(api: APIClient, project: Any) -> tuple[int, list[dict[str, Any]]]:
    with CaptureQueriesContext(connection) as queries:
        response = api.get(f"/api/projects/{project.pk}/timeline/shots")
    assert response.status_code == 200
    return len(queries), response.json()["data"]["results"]


def test_the_shot_list_costs_the_same_queries_for_1_and_50_shots(
    api: APIClient, user: User
) -> None:
    one, fifty = _shots(user, 1), _shots(user, 50)
    _list(api, one)  # warm the session

    few, _ = _list(api, one)
    many, shots = _list(api, fifty)

    assert many == few
    assert len(shots) == 50
    assert all(s["imageUrl"] and s["videoUrl"] is None for s in shots)
    assert len({s["imageUrl"] for s in shots}) == 50
