"""The Redis cache the rate tiers count in: ``incr`` keeps Django's meaning (a missing key is an
error and is not created) and stays exact with many threads counting at once."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
from django.conf import settings
from django.core.cache import cache

pytestmark = pytest.mark.skipif(
    "redis" not in settings.CACHES["default"]["BACKEND"].lower(), reason="needs REDIS_URL"
)


def test_incr_counts_an_existing_key_and_refuses_a_missing_one() -> None:
    assert cache.add("hits", 1, 60)
    assert cache.incr("hits") == 2
    assert cache.incr("hits", 5) == 7

    with pytest.raises(ValueError, match="not found"):
        cache.incr("never-added")
    assert cache.get("never-added") is None


def test_many_threads_counting_at_once_lose_no_count() -> None:
    cache.add("busy", 0, 60)

    with ThreadPoolExecutor(max_workers=16) as pool:
        list(pool.map(lambda _: cache.incr("busy"), range(400)))

    assert cache.get("busy") == 400
