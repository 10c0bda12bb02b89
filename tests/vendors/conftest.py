"""Vendors are reached over HTTP through the in-repo simulator on 127.0.0.1 (no mocks)."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.test import Client

from accounts.models import User
from projects.pipeline.models import VendorJob
from projects.pipeline.vendor_jobs import job_open
from projects.services import run_create
from tests.factories import ProjectFactory
from vendors.simulator import Delivery, Simulator, start_simulator


@pytest.fixture(scope="session")
def _simulator() -> Iterator[Simulator]:
    # Callbacks are held, not POSTed: each test delivers them through Django's test client,
    # inside its own transaction, so on-commit work can be captured instead of sent.
    sim = start_simulator(deliver="hold")
    yield sim
    sim.stop()


@pytest.fixture
def sim(_simulator: Simulator, settings: Any) -> Simulator:
    """The simulator, reset, with every vendor setting pointing at it."""
    _simulator.reset()
    s = _simulator
    settings.PUBLIC_BASE_URL = "http://testserver"
    settings.KIE_BASE_URL = s.vendor_url("kie")
    settings.KIE_API_KEY = s.keys["kie"]
    settings.KIE_WEBHOOK_HMAC_KEY = s.kie_hmac_key
    settings.WAVESPEED_BASE_URL = s.vendor_url("wavespeed")
    settings.WAVESPEED_API_KEY = s.keys["wavespeed"]
    settings.WAVESPEED_WEBHOOK_SECRET = s.wavespeed_secret
    settings.ASSEMBLYAI_BASE_URL = s.vendor_url("assemblyai")
    settings.ASSEMBLYAI_API_KEY = s.keys["assemblyai"]
    settings.OPENAI_BASE_URL = f"{s.url}/openai/v1"
    settings.OPENAI_API_KEY = s.keys["openai"]
    settings.ELEVENLABS_BASE_URL = s.vendor_url("elevenlabs")
    settings.ELEVENLABS_API_KEY = s.keys["elevenlabs"]
    settings.YOUTUBE_API_BASE_URL = s.vendor_url("youtube")
    settings.YOUTUBE_API_KEY = s.keys["youtube"]
    settings.PEXELS_BASE_URL = s.vendor_url("pexels")
    settings.PEXELS_API_KEY = s.keys["pexels"]
    settings.PIXABAY_BASE_URL = s.vendor_url("pixabay")
    settings.PIXABAY_API_KEY = s.keys["pixabay"]
    settings.VENDOR_TIMEOUT = 10.0
    settings.VENDOR_MAX_RETRIES = 3
    settings.VENDOR_RETRY_BASE_DELAY = 0.5
    settings.VENDOR_RETRY_MAX_DELAY = 5.0
    settings.VENDOR_POLL_INTERVAL = 0.05
    settings.VENDOR_SYNC_TIMEOUT = 20.0
    return s


class Waits(list[float]):
    """Records the waits a client chose instead of sleeping through them."""

    def __call__(self, seconds: float) -> None:
        self.append(seconds)


@pytest.fixture
def waits() -> Waits:
    return Waits()


@pytest.fixture
def deliver(client: Client) -> Callable[..., Any]:
    """POST a callback the simulator built to our endpoint, as the vendor would."""

    def post(delivery: Delivery, *, body: bytes | None = None, url: str | None = None) -> Any:
        target = urlsplit(url or delivery.url)
        return client.post(
            f"{target.path}?{target.query}",
            data=delivery.body if body is None else body,
            content_type="application/json",
            headers=delivery.headers,
        )

    return post


@pytest.fixture
def open_job(user: User) -> Callable[..., VendorJob]:
    """A vendor job row for a fresh run of ``user``'s, as a task would open it."""

    def make(vendor: str, capability: str, purpose: str = "shot.media") -> VendorJob:
        run = run_create(owner=user, kind="test.vendor", project=ProjectFactory(owner=user))
        job, created = job_open(
            run=run, vendor=vendor, capability=capability, purpose=purpose, target_id=uuid.uuid4()
        )
        assert created
        return job

    return make
