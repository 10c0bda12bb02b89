"""Fair sharing on the task side, against the real Redis and broker: a task of a user who holds
every slot does not run but is sent again, later, to the same queue, charging nothing again;
another user's task runs meanwhile; and every log line of a task's work names its run."""

from __future__ import annotations

import io
import json
import logging
import os
from collections.abc import Iterator
from contextlib import ExitStack
from typing import Any

import pytest
import redis
from django.conf import settings

from billing.models import LedgerEntry
from billing.services import ChargePart, account_open, ledger_disagreements
from projects.models import Run, RunKind
from projects.services import run_create_charged
from projects.tasks import run_task, shot_task
from tests.factories import ProjectFactory, UserFactory
from tests.workers import QUEUE
from vidflow.celery import app
from vidflow.logs import JsonFormatter, RunIdFilter
from vidflow.slots import held, user_slot
from vidflow.workloads import all_queues

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _one_slot_each(settings: Any) -> None:
    if not settings.REDIS_URL:
        pytest.skip("worker slots are counted in Redis (REDIS_URL)")
    settings.VIDFLOW_USER_SLOTS = 1


@pytest.fixture
def queue(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    name = f"{QUEUE}-fair-{os.urandom(3).hex()}"
    monkeypatch.setitem(app.conf, "task_default_queue", name)
    yield name
    redis.Redis.from_url(settings.CELERY_BROKER_URL).delete(*all_queues(name))


@pytest.fixture
def json_log() -> Iterator[io.StringIO]:
    """What the console handler writes with LOG_FORMAT=json."""
    out = io.StringIO()
    handler = logging.StreamHandler(out)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(RunIdFilter())
    root = logging.getLogger()
    root.addHandler(handler)
    yield out
    root.removeHandler(handler)


def _user() -> Any:
    user = UserFactory()
    account_open(user=user)
    return user


def _charged_run(owner: Any, kind: str) -> Run:
    return run_create_charged(
        owner=owner,
        kind=kind,
        project=ProjectFactory(owner=owner),
        parts=[ChargePart("outline", 1)],
        reason="test",
    )


def _messages(queue: str) -> list[dict[str, Any]]:
    client = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    return [json.loads(raw) for raw in client.lrange(queue, 0, -1)]


def test_a_task_of_a_user_at_the_cap_waits_its_turn_and_is_charged_once(
    queue: str, json_log: io.StringIO
) -> None:
    busy, other = _user(), _user()
    waiting = _charged_run(busy, RunKind.SCRIPT_OUTLINE)
    free = _charged_run(other, "no.such.kind")  # runs at once (and fails: no such kind)
    charges_before = LedgerEntry.objects.count()

    with user_slot(busy.pk) as taken:  # busy's one slot: a task of theirs running elsewhere
        assert taken
        run_task.apply(args=[str(waiting.pk)], kwargs={"kind": waiting.kind})
        run_task.apply(args=[str(free.pk)], kwargs={"kind": free.kind})

        waiting.refresh_from_db()
        free.refresh_from_db()
        assert waiting.status == "queued"  # not started: it waits its turn
        assert free.status == "failed"  # the other user's task ran meanwhile
        (message,) = _messages(f"{queue}.text")  # sent again, to its own queue, for later
        assert message["headers"]["task"] == "projects.tasks.run_task"
        assert message["headers"]["argsrepr"] == repr((str(waiting.pk),))
        assert message["headers"]["eta"] is not None
        assert message["headers"]["vidflow_slot_waits"] == "1"  # its next wait is longer
        assert held(busy.pk) == 1  # the waiting task holds no slot

    assert LedgerEntry.objects.count() == charges_before + 1  # the failed run's refund only
    assert waiting.credits_charged == 1
    assert ledger_disagreements() == []
    lines = [json.loads(line) for line in json_log.getvalue().splitlines()]
    waited = [line for line in lines if "holds every worker slot" in line["message"]]
    assert [line["run_id"] for line in waited] == [str(waiting.pk)]
    unknown = [line for line in lines if "unknown kind" in line["message"]]
    assert [line["run_id"] for line in unknown] == [str(free.pk)]


def test_a_waiting_task_runs_once_the_slot_is_free(queue: str) -> None:
    busy = _user()
    run = _charged_run(busy, "no.such.kind")

    with ExitStack() as stack:
        stack.enter_context(user_slot(busy.pk))
        shot_task.apply(args=[str(run.pk), "00000000-0000-0000-0000-000000000000"])
        assert len(_messages(f"{queue}.media")) == 1
    run_task.apply(args=[str(run.pk)], kwargs={"kind": run.kind})

    run.refresh_from_db()
    assert run.status == "failed"  # it ran: its kind is unknown
    assert held(busy.pk) == 0  # and gave its slot back
