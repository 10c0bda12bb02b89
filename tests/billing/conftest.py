"""Stripe is reached over HTTP through the vendor simulator (vendors/simulator/stripe.py)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from vendors.simulator import Simulator, start_simulator


@pytest.fixture(scope="session")
def _stripe_simulator() -> Iterator[Simulator]:
    # Webhooks are held: each test posts them itself, in the order (and as often) it wants.
    sim = start_simulator(deliver="hold", stripe_webhook_secret="whsec_test_endpoint")
    yield sim
    sim.stop()


@pytest.fixture
def stripe_sim(_stripe_simulator: Simulator, settings: Any) -> Simulator:
    """The simulator, reset, with VidFlow's Stripe settings pointing at it."""
    _stripe_simulator.reset()
    settings.STRIPE_API_BASE = _stripe_simulator.vendor_url("stripe")
    settings.STRIPE_SECRET_KEY = _stripe_simulator.keys["stripe"]
    settings.STRIPE_WEBHOOK_SECRET = _stripe_simulator.stripe_webhook_secret
    settings.STRIPE_WEBHOOK_TOLERANCE = 300
    settings.PUBLIC_BASE_URL = "http://testserver"
    return _stripe_simulator
