"""Each pytest-xdist worker gets its own state, so the suite runs in parallel without collisions.

- PostgreSQL: pytest-django names each worker's test database ``test_<name>_gw<N>`` itself.
- Redis: the suite clears the cache around every test (``cache.clear()`` flushes the whole Redis
  database), so each worker takes its own pair of Redis databases, counting down from the ones
  ``REDIS_URL`` and ``CELERY_BROKER_URL`` name: worker N uses ``cache - 2N`` and ``broker - 2N``
  (``/15`` and ``/14`` give gw0 15/14, gw1 13/12, ...). The environment is rewritten too, so every
  subprocess a test starts (Celery workers, gunicorn) follows the worker it belongs to.
- Celery queues are private to the test process already (tests/workers.py names them by pid), and
  media and scratch directories are per test (tests/conftest.py) or per worker (``tmp_path_factory``
  gives each worker a base directory of its own).

Without xdist (or on gw0) nothing changes. New tests inherit all of it: nothing to opt into.
"""

from __future__ import annotations

import os
from urllib.parse import urlsplit, urlunsplit

import pytest


def worker_index() -> int:
    """0 without xdist, N on worker ``gwN``."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    return int(worker.removeprefix("gw")) if worker.startswith("gw") else 0


def _redis_db(url: str, offset: int, name: str) -> str:
    """``url`` with its database number moved down by ``offset``."""
    parts = urlsplit(url)
    if parts.scheme not in ("redis", "rediss") or offset == 0:
        return url
    current = int(parts.path.strip("/") or 0)
    number = current - offset
    if number < 0:
        raise pytest.UsageError(
            f"{name}: xdist worker {worker_index()} would need Redis database {number}; run fewer "
            f"workers (-n) or start from a higher database number (e.g. /15)"
        )
    return urlunsplit(parts._replace(path=f"/{number}"))


def pytest_configure(config: pytest.Config) -> None:
    offset = 2 * worker_index()
    if offset == 0:
        return
    from asgiref.local import Local
    from django.conf import settings
    from django.core.cache import caches, close_caches

    from vidflow.celery import app as celery_app

    for name in ("REDIS_URL", "CELERY_BROKER_URL"):
        current = os.environ.get(name) or str(getattr(settings, name, "") or "")
        if current:
            os.environ[name] = _redis_db(current, offset, name)
    if settings.REDIS_URL:
        settings.REDIS_URL = os.environ["REDIS_URL"]
        settings.CACHES = {
            **settings.CACHES,
            "default": {**settings.CACHES["default"], "LOCATION": settings.REDIS_URL},
        }
        # What override_settings(CACHES=...) does (django/test/signals.py): forget any cache
        # connection already made, so the next one reads the new location.
        close_caches()
        caches._settings = caches.settings = caches.configure_settings(None)
        caches._connections = Local()
    if os.environ.get("CELERY_BROKER_URL"):
        settings.CELERY_BROKER_URL = os.environ["CELERY_BROKER_URL"]
        celery_app.conf.broker_url = settings.CELERY_BROKER_URL
