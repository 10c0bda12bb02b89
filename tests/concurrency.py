"""Helpers for tests that hit a live server from real threads (concurrency, faults)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import httpx
from django.conf import settings
from django.db import connection
from django.test import Client

from accounts.models import User


def session_cookies(user: User) -> dict[str, str]:
    """The cookies a browser signed in as ``user`` sends (session and CSRF)."""
    browser = Client()
    browser.force_login(user)
    browser.get("/accounts/login/")
    return {
        settings.SESSION_COOKIE_NAME: browser.cookies[settings.SESSION_COOKIE_NAME].value,
        "csrftoken": browser.cookies["csrftoken"].value,
    }


def http_for(live_server: Any, user: User, **kwargs: Any) -> httpx.Client:
    """An HTTP client signed in as ``user`` by its session, sending the CSRF header on writes."""
    cookies = session_cookies(user)
    return httpx.Client(
        base_url=live_server.url,
        cookies=cookies,
        headers={"X-CSRFToken": cookies["csrftoken"], "Referer": live_server.url + "/"},
        timeout=kwargs.pop("timeout", 60),
        **kwargs,
    )


def in_threads(count: int, work: Callable[[int], Any]) -> list[Any]:
    """Run ``work(i)`` in ``count`` threads started together; their results (or exceptions)."""
    barrier = threading.Barrier(count)
    results: list[Any] = [None] * count

    def run(i: int) -> None:
        barrier.wait()
        try:
            results[i] = work(i)
        except Exception as exc:  # reported to the test, which asserts on it
            results[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results
