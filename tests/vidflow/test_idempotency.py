"""Idempotency-Key on POST: replay, conflict, and two concurrent requests running once."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.db import connection
from rest_framework.test import APIClient

from accounts.models import User
from projects.models import Project
from tests.vidflow.test_envelope import assert_error
from vidflow.models import IdempotencyRecord


@pytest.mark.django_db
def test_a_retry_gets_the_first_answer_and_runs_once(api: APIClient) -> None:
    first = api.post("/api/projects", {"title": "Once"}, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    retry = api.post("/api/projects", {"title": "Once"}, format="json", HTTP_IDEMPOTENCY_KEY="k-1")

    assert first.status_code == retry.status_code == 201
    assert retry.json() == first.json()
    assert retry["Idempotent-Replayed"] == "true"
    assert Project.objects.count() == 1


@pytest.mark.django_db
def test_an_error_answer_is_replayed_too(api: APIClient) -> None:
    first = api.post("/api/projects", {"title": ""}, format="json", HTTP_IDEMPOTENCY_KEY="k-err")
    retry = api.post("/api/projects", {"title": ""}, format="json", HTTP_IDEMPOTENCY_KEY="k-err")

    assert first.status_code == retry.status_code == 400
    assert retry.json() == first.json()


@pytest.mark.django_db
def test_same_key_with_another_body_is_a_conflict(api: APIClient) -> None:
    api.post("/api/projects", {"title": "A"}, format="json", HTTP_IDEMPOTENCY_KEY="k-2")

    response = api.post("/api/projects", {"title": "B"}, format="json", HTTP_IDEMPOTENCY_KEY="k-2")

    assert_error(response, 409, "IDEMPOTENCY_CONFLICT")
    assert list(Project.objects.values_list("title", flat=True)) == ["A"]


@pytest.mark.django_db
def test_keys_belong_to_one_user(api: APIClient, other_user: User, client_for: Any) -> None:
    api.post("/api/projects", {"title": "A"}, format="json", HTTP_IDEMPOTENCY_KEY="shared")

    response = client_for(other_user).post(
        "/api/projects", {"title": "A"}, format="json", HTTP_IDEMPOTENCY_KEY="shared"
    )

    assert response.status_code == 201
    assert "Idempotent-Replayed" not in response
    assert Project.objects.filter(owner=other_user).count() == 1


@pytest.mark.django_db
def test_a_bad_key_is_a_validation_error(api: APIClient) -> None:
    response = api.post(
        "/api/projects", {"title": "A"}, format="json", HTTP_IDEMPOTENCY_KEY="x" * 300
    )

    assert_error(response, 400, "VALIDATION_ERROR")
    assert not Project.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_requests_with_one_key_run_once(user: User, client_for: Any) -> None:
    barrier = threading.Barrier(2)
    answers: list[Any] = [None, None]

    def post(i: int) -> None:
        client = client_for(user)
        barrier.wait()
        try:
            answers[i] = client.post(
                "/api/projects", {"title": "Race"}, format="json", HTTP_IDEMPOTENCY_KEY="race"
            )
        finally:
            connection.close()

    threads = [threading.Thread(target=post, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)

    assert Project.objects.count() == 1
    statuses = sorted(a.status_code for a in answers)
    assert statuses == [201, 201]
    assert answers[0].json() == answers[1].json()
    assert IdempotencyRecord.objects.get().state == IdempotencyRecord.State.DONE
