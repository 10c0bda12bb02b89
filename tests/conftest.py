from __future__ import annotations

import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.core.cache import cache
from rest_framework.test import APIClient

from accounts.models import User
from billing.services import account_open
from tests.factories import UserFactory
from tests.hashers import use_quick_hasher

pytest_plugins = [
    "tests.isolation",
    "tests.media",
    "tests.workers",
    "tests.oauth",
    "tests.live",
    "tests.s3server",
]


def pytest_configure(config: pytest.Config) -> None:
    use_quick_hasher()


# The whole-pipeline tests, longest first (a minute or more each on two cores).
LONGEST_FIRST = (
    "tests/test_end_to_end.py",
    "tests/test_quick_make.py",
    "tests/browser/test_quick_mode.py",
    "tests/clients/test_cli.py",
)


def _weight(item: pytest.Item) -> int:
    if not item.get_closest_marker("slow"):
        return len(LONGEST_FIRST) + 1
    path = item.nodeid.split("::", 1)[0]
    return LONGEST_FIRST.index(path) if path in LONGEST_FIRST else len(LONGEST_FIRST)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Slow tests first, the whole-pipeline ones before them: xdist's worksteal hands each
    worker a contiguous share and an idle worker steals from the end of a busy one's, so a long
    test left at the end keeps one core busy while the other waits. (This runs after
    pytest-django's ordering, which the sort keeps within each group; no test relies on running
    before or after another: worksteal mixes the groups anyway.)

    The cluster test runs under ``make test-cluster`` alone (VIDFLOW_CLUSTER_TEST=1)."""
    items.sort(key=_weight)
    if os.environ.get("VIDFLOW_CLUSTER_TEST") == "1":
        return
    skip = pytest.mark.skip(reason="the cluster test runs with make test-cluster")
    for item in items:
        if item.get_closest_marker("cluster"):
            item.add_marker(skip)


@pytest.fixture(autouse=True)
def _isolated_media(settings: Any, tmp_path: Path) -> None:
    """Each test writes artifacts and scratch files to directories of its own."""
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.VIDFLOW_WORK_DIR = str(tmp_path / "work")


@pytest.fixture(autouse=True)
def _fresh_cache() -> Iterator[None]:
    """Rate-limit counters and idempotency records never leak from one test to the next."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def frozen_clock() -> Iterator[time_machine.Traveller]:
    """Time stands still (``frozen_clock.shift(seconds)`` moves it): rate-limit windows are
    fixed, so a test counting up to a limit must not straddle a window's end."""
    with time_machine.travel(time.time(), tick=False) as traveller:
        yield traveller


@pytest.fixture
def user(db: None) -> User:
    user = UserFactory()
    account_open(user=user)
    return user


@pytest.fixture
def other_user(db: None) -> User:
    other = UserFactory()
    account_open(user=other)
    return other


@pytest.fixture
def anon_client() -> APIClient:
    return APIClient(enforce_csrf_checks=True)


@pytest.fixture
def client_for() -> Any:
    """A session-authenticated API client for a user (CSRF enforced, as in a browser)."""

    def make(user: User) -> APIClient:
        client = APIClient(enforce_csrf_checks=True)
        client.force_login(user)
        # A browser gets the CSRF cookie from a page; fetch one and send it as the header.
        client.get("/accounts/login/")
        token = client.cookies["csrftoken"].value
        client.credentials(HTTP_X_CSRFTOKEN=token)
        return client

    return make


@pytest.fixture
def api(user: User, client_for: Any) -> APIClient:
    return client_for(user)
