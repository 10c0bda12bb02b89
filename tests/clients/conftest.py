"""Fixtures for the client package's tests: the SDK, the CLI and the MCP server against a real
live server (PostgreSQL, Redis, real OAuth device flow), never a mocked API."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import redis
from django.conf import settings as django_settings
from vidflow_client import ALL_SCOPES, CredentialStore, VidflowClient

from accounts.models import User
from tests.workers import QUEUE
from vidflow.celery import app as celery_app


@pytest.fixture(autouse=True)
def config_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Credentials go to a directory of the test's own; nothing from the environment leaks in."""
    path = tmp_path / "vidflow-config"
    monkeypatch.setenv("VIDFLOW_CONFIG_DIR", str(path))
    monkeypatch.delenv("VIDFLOW_TOKEN", raising=False)
    monkeypatch.delenv("VIDFLOW_URL", raising=False)
    return path


@pytest.fixture
def store(config_dir: Path) -> CredentialStore:
    return CredentialStore(config_dir / "credentials.json")


@pytest.fixture
def server(live_server: Any, settings: Any) -> str:
    """The live server's URL; artifact links point at it; rate tiers out of the way."""
    settings.PUBLIC_BASE_URL = live_server.url
    settings.VIDFLOW_RATE_TIERS = dict.fromkeys(settings.VIDFLOW_RATE_TIERS, "100000/m")
    return str(live_server.url)


@pytest.fixture
def token(user: User, issue_tokens: Callable[..., dict[str, Any]]) -> str:
    """An access token with every scope, from a device flow approved by ``user``."""
    return str(issue_tokens(user, ALL_SCOPES)["access_token"])


@pytest.fixture
def vf(server: str, token: str) -> Iterator[VidflowClient]:
    with VidflowClient(server, token=token) as client:
        yield client


@pytest.fixture
def idle_queue(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """Tasks go to a queue no worker consumes: runs stay queued until cancelled."""
    queue = f"{QUEUE}-clients-idle"
    monkeypatch.setitem(celery_app.conf, "task_default_queue", queue)
    yield queue
    redis.Redis.from_url(django_settings.CELERY_BROKER_URL).delete(queue)
