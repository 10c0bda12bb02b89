"""The broker unreachable when a billable request commits (reliability.md, item 31): a retryable
503 with Retry-After, never a 500, and no credit left charged; the key of a keyed request stays
free, so its retry runs once the broker is back."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from rest_framework.test import APIClient

from accounts.models import User
from billing.services import balance_of
from projects.models import Run, RunStatus
from tests.concurrency import free_port
from tests.factories import ProjectFactory
from vidflow.celery import app as celery_app

pytestmark = pytest.mark.django_db(transaction=True)


def _forget_connections() -> None:
    """The app keeps its broker connections; make it open new ones to the configured URL."""
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


@pytest.fixture
def broker() -> Iterator[Any]:
    """``broker.down()`` points the app at a port nobody listens on; ``broker.up()`` back."""
    real = celery_app.conf.broker_write_url

    class Broker:
        def down(self) -> None:
            _forget_connections()
            celery_app.conf.broker_write_url = f"redis://127.0.0.1:{free_port()}/0"

        def up(self) -> None:
            _forget_connections()
            celery_app.conf.broker_write_url = real

    control = Broker()
    yield control
    control.up()


def _outline(api: APIClient, project_id: Any, **headers: str) -> Any:
    return api.post(f"/api/projects/{project_id}/script/outline", {}, format="json", **headers)


def test_a_billable_request_with_the_broker_down_is_a_retryable_503_and_refunded(
    api: APIClient, user: User, broker: Any
) -> None:
    project = ProjectFactory(owner=user, selected_title="Voyager")
    before = balance_of(user=user)
    broker.down()

    response = _outline(api, project.pk)

    assert response.status_code == 503, response.content
    assert response.json()["error"]["code"] == "PROVIDER_UNAVAILABLE"
    assert int(response["Retry-After"]) > 0
    assert balance_of(user=user) == before
    run = Run.objects.get(owner=user)
    assert run.status == RunStatus.FAILED
    assert (run.credits_charged, run.credits_refunded) == (1, 1)


def test_the_503_is_not_the_keys_answer_its_retry_runs_once_the_broker_is_back(
    api: APIClient, user: User, broker: Any
) -> None:
    project = ProjectFactory(owner=user, selected_title="Voyager")
    before = balance_of(user=user)
    broker.down()
    refused = _outline(api, project.pk, HTTP_IDEMPOTENCY_KEY="outline-1")
    broker.up()

    retry = _outline(api, project.pk, HTTP_IDEMPOTENCY_KEY="outline-1")
    replay = _outline(api, project.pk, HTTP_IDEMPOTENCY_KEY="outline-1")

    assert refused.status_code == 503
    assert retry.status_code == 200, retry.content
    assert "Idempotent-Replayed" not in retry
    assert replay.json() == retry.json()
    run = Run.objects.get(pk=retry.json()["data"]["runId"])
    assert run.status == RunStatus.QUEUED
    assert balance_of(user=user) == before - 1
