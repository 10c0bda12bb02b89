from __future__ import annotations

import pytest
from django.test import Client


def test_healthz_answers_without_touching_anything(client: Client) -> None:
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


@pytest.mark.django_db
def test_readyz_checks_database_and_broker(client: Client) -> None:
    response = client.get("/readyz")

    assert response.status_code == 200
    assert response.json() == {"status": "ready", "checks": {"database": "ok", "broker": "ok"}}


@pytest.mark.django_db
def test_readyz_reports_an_unreachable_broker(
    client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    from vidflow.celery import app

    unreachable = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    # Celery prefers the CELERY_BROKER_URL environment variable over its configuration.
    monkeypatch.setenv("CELERY_BROKER_URL", unreachable)
    monkeypatch.setattr(app.conf, "broker_url", unreachable)

    response = client.get("/readyz")

    assert response.status_code == 503
    assert response.json()["checks"]["broker"].startswith("error")
    assert response.json()["checks"]["database"] == "ok"
