"""Long polls of a run (``GET /api/runs/{id}?wait=``) from many threads at once, against a live
threaded server: every answer is a 200 (reliability.md, item 29)."""

from __future__ import annotations

from typing import Any

import pytest

from accounts.models import User
from projects.models import Run
from tests.factories import RunFactory
from tests.concurrency import http_for, in_threads

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
