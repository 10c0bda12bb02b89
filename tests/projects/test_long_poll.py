"""Long polls of a run (``GET /api/runs/{id}?wait=``) from many threads at once, against a live
threaded server: every answer is a 200 (reliability.md, item 29)."""

from __future__ import annotations

import threading
import time
from typing import Any

import httpx
import pytest

from accounts.models import User
from projects.models import Run
from tests.concurrency import Gunicorn, free_port, http_for, in_threads, server_env
from tests.factories import RunFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_concurrent_long_polls_of_one_run_all_answer_200(live_server: Any, user: User) -> None:
    run = RunFactory(owner=user)
    assert run.is_active

    def poll(_i: int) -> list[int]:
        with http_for(live_server, user) as http:
            return [
                http.get(f"/api/runs/{run.pk}", params={"wait": 2}).status_code for _ in range(2)
            ]

    answers = in_threads(8, poll)

    assert answers == [[200, 200]] * 8
    assert Run.objects.get(pk=run.pk).status == run.status


def test_refreshing_runs_in_many_threads_at_once_never_fails(user: User) -> None:
    """Any code path that refreshes a run (cancel's refund, a sync shot request) may meet
    another thread doing the same: the model's refresh touches nothing the threads share."""
    run = RunFactory(owner=user)

    def refresh(_i: int) -> None:
        mine = Run.objects.get(pk=run.pk)
        for _ in range(100):
            mine.refresh_from_db()
            mine.refresh_from_db(fields=["status", "progress_done"])

    assert in_threads(8, refresh) == [None] * 8
    assert Run.objects.get(pk=run.pk).status == run.status


def test_a_users_long_polls_beyond_the_cap_answer_at_once(
    live_server: Any, user: User, settings: Any
) -> None:
    settings.LONG_POLL_MAX_PER_USER = 4
    settings.LONG_POLL_MAX_PER_PROCESS = 100
    run = RunFactory(owner=user)

    def poll(_i: int) -> tuple[int, float]:
        with http_for(live_server, user) as http:
            started = time.monotonic()
            status = http.get(f"/api/runs/{run.pk}", params={"wait": 3}).status_code
            return status, time.monotonic() - started

    answers = in_threads(7, poll)

    assert {status for status, _ in answers} == {200}
    held = [took for _, took in answers if took >= 2.5]
    assert len(held) == 4, answers
    assert all(took < 2 for _, took in answers if took < 2.5)


@pytest.mark.slow
def test_long_polls_leave_threads_for_health_checks_and_other_users(
    user: User, other_user: User
) -> None:
    """gunicorn with 4 threads, polls allowed 2 of them: 4 held polls (2 users) leave /healthz
    and another user's plain read answering at once."""
    server = Gunicorn(free_port(), server_env(LONG_POLL_MAX_PER_PROCESS="2"), threads=4)
    try:
        runs = [RunFactory(owner=u) for u in (user, user, other_user, other_user)]
        barrier = threading.Barrier(5)
        timings: dict[str, float] = {}

        def poll(i: int) -> int:
            with http_for(server, runs[i].owner) as http:
                barrier.wait()
                return http.get(f"/api/runs/{runs[i].pk}", params={"wait": 6}).status_code

        def probe() -> None:
            barrier.wait()
            time.sleep(1)  # the polls hold their threads by now
            for name, call in (
                ("healthz", lambda: httpx.get(f"{server.url}/healthz", timeout=30)),
                ("read", lambda: http_for(server, other_user).get("/api/projects")),
            ):
                started = time.monotonic()
                assert call().status_code == 200
                timings[name] = time.monotonic() - started

        prober = threading.Thread(target=probe)
        prober.start()
        statuses = in_threads(4, poll)
        prober.join()
    finally:
        server.stop()

    assert statuses == [200] * 4
    assert timings["healthz"] < 1.0, timings
    assert timings["read"] < 2.0, timings
