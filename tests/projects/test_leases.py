"""Worker leases and the reaper's re-queue (docs/reliability.md, item 33; issue 11, break 12).

The work of a worker that stopped beating is sent again under its own task id, once; work that
keeps killing its worker fails and is refunded, once; a live worker's work is never touched. The
sends go to a real Redis queue that no worker consumes, where they are read back.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from datetime import timedelta
from typing import Any
from uuid import uuid4

import pytest
import redis
from django.conf import settings as django_settings
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from billing.models import EntryKind, LedgerEntry
from billing.services import ChargePart, balance_of, ledger_disagreements
from projects.models import Run, RunKind, RunStatus
from projects.pipeline.leases import Heartbeat, lease_take, leased, leases_reclaim
from projects.pipeline.models import RunLease
from projects.services import run_create_charged, run_mark_running, run_succeed
from projects.tasks import make_continue_task, run_task, shot_task, vendor_job_finished_task
from tests.concurrency import free_port
from tests.factories import ProjectFactory
from tests.workers import QUEUE, wait_for
from vidflow.celery import app as celery_app
from vidflow.workloads import all_queues

# Transactional: the reaper sends on commit, as it does on a worker.
pytestmark = pytest.mark.django_db(transaction=True)

LEASE = django_settings.RUN_LEASE_SECONDS
ATTEMPTS = django_settings.RUN_WORKER_ATTEMPTS


class Queue:
    """The tasks sent to queues nobody consumes (a default queue and the workload queues named
    after it, vidflow/workloads.py): (task name, task id, args) each."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.redis = redis.Redis.from_url(django_settings.CELERY_BROKER_URL)

    def sent(self) -> list[tuple[str, str, list[Any]]]:
        found = []
        for name in all_queues(self.name):
            for raw in reversed(self.redis.lrange(name, 0, -1)):  # LPUSHed: oldest last
                message = json.loads(raw)
                args, _kwargs, _embed = json.loads(base64.b64decode(message["body"]))
                found.append((message["headers"]["task"], message["headers"]["id"], args))
        return found


@pytest.fixture
def queue(monkeypatch: pytest.MonkeyPatch) -> Iterator[Queue]:
    name = f"{QUEUE}-leases-{uuid4().hex[:8]}"
    monkeypatch.setitem(celery_app.conf, "task_default_queue", name)
    queue = Queue(name)
    yield queue
    queue.redis.delete(*all_queues(name))


def _running_run(user: User) -> Run:
    project = ProjectFactory(owner=user, selected_title="Voyager")
    with transaction.atomic():
        run = run_create_charged(
            owner=user,
            kind=RunKind.SCRIPT_OUTLINE,
            project=project,
            parts=[ChargePart("outline", 2)],
            reason="an outline",
        )
    run_mark_running(run_id=run.pk)
    return run


def _lease(
    run: Run,
    *,
    heard_ago: float,
    starts: int = 1,
    task: Any = run_task,
    args: list[Any] | None = None,
    worker: str = "celery@gone pid 4242",
) -> RunLease:
    return RunLease.objects.create(
        task_id=str(uuid4()),
        run=run,
        task=task.name,
        args=[str(run.pk)] if args is None else args,
        worker=worker,
        starts=starts,
        heartbeat_at=timezone.now() - timedelta(seconds=heard_ago),
    )


@pytest.mark.parametrize(
    ("task", "extra"),
    [
        (run_task, []),
        (shot_task, ["shot-1"]),
        (make_continue_task, []),
        (vendor_job_finished_task, []),
    ],
)
def test_the_work_of_a_worker_that_stopped_beating_is_sent_again_under_its_own_id(
    user: User, queue: Queue, task: Any, extra: list[Any]
) -> None:
    run = _running_run(user)
    lease = _lease(run, heard_ago=LEASE + 1, task=task, args=[str(run.pk), *extra])

    assert leases_reclaim() == 1

    assert queue.sent() == [(task.name, lease.task_id, [str(run.pk), *extra])]
    lease.refresh_from_db()
    assert (lease.worker, lease.starts) == ("", 1)  # waiting in the queue for a worker
    run.refresh_from_db()
    assert run.status == RunStatus.RUNNING
    assert (run.credits_charged, run.credits_refunded) == (2, 0)


def test_work_sent_again_is_not_sent_twice_while_it_waits_for_a_worker(
    user: User, queue: Queue
) -> None:
    run = _running_run(user)
    _lease(run, heard_ago=LEASE + 1)
    assert leases_reclaim() == 1

    later = timezone.now() + timedelta(seconds=10 * LEASE)
    assert leases_reclaim(now=later) == 0
    assert leases_reclaim(now=later) == 0

    assert len(queue.sent()) == 1


def test_a_worker_still_beating_keeps_its_work(user: User, queue: Queue) -> None:
    run = _running_run(user)
    lease = _lease(run, heard_ago=LEASE - 5, worker="celery@alive pid 1")

    assert leases_reclaim() == 0

    assert queue.sent() == []
    lease.refresh_from_db()
    assert lease.worker == "celery@alive pid 1"


def test_work_that_keeps_killing_its_worker_fails_and_is_refunded_once(
    user: User, queue: Queue
) -> None:
    run = _running_run(user)
    before = balance_of(user=user)
    _lease(run, heard_ago=LEASE + 1, starts=ATTEMPTS)

    assert leases_reclaim() == 1
    assert leases_reclaim() == 0

    assert queue.sent() == []  # not sent a fourth time
    run.refresh_from_db()
    assert run.status == RunStatus.FAILED
    assert run.error["code"] == "INTERNAL_ERROR"
    assert f"stopped {ATTEMPTS} times" in run.error["message"]
    assert (run.credits_charged, run.credits_refunded) == (2, 2)
    assert LedgerEntry.objects.filter(reference=run.pk, kind=EntryKind.REFUND).count() == 1
    assert balance_of(user=user) == before + 2
    assert not RunLease.objects.filter(run=run).exists()
    assert ledger_disagreements() == []


def test_a_finished_runs_silent_leases_are_forgotten_not_sent(user: User, queue: Queue) -> None:
    run = _running_run(user)
    _lease(run, heard_ago=LEASE + 1)
    run_succeed(run_id=run.pk, result={})

    assert leases_reclaim() == 0

    assert queue.sent() == []
    assert not RunLease.objects.filter(run=run).exists()


def test_with_the_broker_down_lost_work_is_sent_on_a_later_pass(user: User, queue: Queue) -> None:
    run = _running_run(user)
    lease = _lease(run, heard_ago=LEASE + 1)
    real = celery_app.conf.broker_write_url

    def point_at(url: str) -> None:
        celery_app._pool = None  # open new connections to the URL now configured
        celery_app.amqp._producer_pool = None
        celery_app.conf.broker_write_url = url

    point_at(f"redis://127.0.0.1:{free_port()}/0")
    try:
        assert leases_reclaim() == 0
    finally:
        point_at(real)
    lease.refresh_from_db()
    assert lease.worker == "celery@gone pid 4242"  # put back: still lost, still to send

    assert leases_reclaim() == 1

    assert queue.sent() == [(run_task.name, lease.task_id, [str(run.pk)])]


def _delivered(task_id: str, run: Run, hostname: str) -> None:
    """What a worker's delivery of ``run_task`` looks like to the task."""
    run_task.push_request(  # type: ignore[call-arg]  # the stubs type it as the task's own call
        id=task_id, hostname=hostname, args=[str(run.pk)], kwargs={}, called_directly=False
    )


def test_a_delivered_task_holds_a_lease_while_it_works_and_drops_it_after(user: User) -> None:
    run = _running_run(user)
    seen: list[RunLease] = []
    _delivered("task-1", run, "celery@here")
    try:
        leased(run_task, run_id=run.pk, work=lambda: seen.extend(RunLease.objects.all()))
    finally:
        run_task.pop_request()

    (lease,) = seen
    assert (lease.task_id, lease.task, lease.args) == ("task-1", run_task.name, [str(run.pk)])
    assert lease.worker.startswith("celery@here pid ")
    assert lease.starts == 1
    assert not RunLease.objects.exists()


def test_a_delivery_past_the_attempts_fails_the_run_instead_of_working(user: User) -> None:
    run = _running_run(user)
    for attempt in range(1, ATTEMPTS + 1):
        lease = lease_take(
            task_id="task-1", task=run_task.name, args=[str(run.pk)], kwargs={},
            run_id=run.pk, worker=f"celery@host{attempt} pid 1",
        )  # fmt: skip
        assert lease is not None
        assert lease.starts == attempt  # each worker died mid-task
    worked: list[bool] = []
    _delivered("task-1", run, "celery@last")
    try:
        leased(run_task, run_id=run.pk, work=lambda: worked.append(True))
    finally:
        run_task.pop_request()

    assert worked == []
    run.refresh_from_db()
    assert run.status == RunStatus.FAILED
    assert (run.credits_charged, run.credits_refunded) == (2, 2)
    assert not RunLease.objects.exists()
    assert ledger_disagreements() == []


def test_the_heartbeat_keeps_a_lease_fresh_and_stops_when_it_is_taken_over(
    user: User, settings: Any
) -> None:
    settings.RUN_HEARTBEAT_SECONDS = 0.05
    run = _running_run(user)
    lease = _lease(run, heard_ago=10 * LEASE, worker="celery@here pid 1")
    old = lease.heartbeat_at
    heartbeat = Heartbeat(lease_id=lease.pk, worker="celery@here pid 1")
    heartbeat.start()
    try:
        wait_for(
            lambda: RunLease.objects.get(pk=lease.pk).heartbeat_at > old, timeout=10,
            message="the heartbeat never refreshed the lease",
        )  # fmt: skip
        assert leases_reclaim() == 0  # fresh: nothing to re-send

        RunLease.objects.filter(pk=lease.pk).update(worker="celery@other pid 2")

        wait_for(lambda: not heartbeat.beating, timeout=10, message="the heartbeat kept going")
    finally:
        heartbeat.stop()
    assert not heartbeat.beating
