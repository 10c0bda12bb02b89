"""Queues per workload: every task lands on its workload's queue in the broker (a run by its
kind), periodic work on the default queue, and the embedded worker of ``make run`` consumes them
all."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import redis
from django.conf import settings
from rest_framework.test import APIClient

from accounts.models import User
from projects.models import RunKind
from projects.tasks import (
    make_continue_task,
    poll_vendor_jobs_task,
    purge_idempotency_task,
    reap_runs_task,
    run_task,
    shot_task,
    vendor_job_finished_task,
)
from tests.factories import ProjectFactory, RunFactory
from tests.workers import QUEUE, wait_for
from vidflow.celery import app
from vidflow.devrun import worker_command
from vidflow.workloads import WORKLOADS, all_queues
from webhooks.tasks import webhook_deliver_task, webhooks_dispatch_due_task

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent.parent


@pytest.fixture
def broker(monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[redis.Redis, str]]:
    """Tasks go to queues no worker consumes, named after a default queue of this test's own."""
    queue = f"{QUEUE}-routing-{os.urandom(3).hex()}"
    monkeypatch.setitem(app.conf, "task_default_queue", queue)
    client = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    yield client, queue
    client.delete(*all_queues(queue))


def _counts(client: redis.Redis, queue: str) -> dict[str, int]:
    return {name: int(client.llen(name)) for name in all_queues(queue)}


def _landed(broker: tuple[redis.Redis, str], send: Any) -> str:
    """The one queue a send put a message on."""
    client, queue = broker
    before = _counts(client, queue)
    send()
    after = _counts(client, queue)
    grown = [name for name in after if after[name] > before[name]]
    assert len(grown) == 1, (before, after)
    return grown[0]


EXPECTED_RUNS = {
    RunKind.SCRIPT_OUTLINE: "text",
    RunKind.SCRIPT_HOOK: "text",
    RunKind.SCRIPT_CHAPTERS: "text",
    RunKind.SCRIPT_ANALYZE: "text",
    RunKind.SHOTS_PLAN: "text",
    RunKind.PROJECT_MAKE: "text",
    RunKind.PUBLISH_YOUTUBE: "text",
    RunKind.VISUAL_BIBLE_GENERATE: "media",
    RunKind.VISUAL_BIBLE_VARIATION: "media",
    RunKind.VOICEOVER_GENERATE: "media",
    RunKind.MUSIC_GENERATE: "media",
    RunKind.SHOTS_GENERATE: "media",
    RunKind.RENDER_FINAL: "render",
    RunKind.THUMBNAIL_GENERATE: "render",
}


def test_every_kind_of_run_has_a_workload() -> None:
    assert set(settings.VIDFLOW_RUN_WORKLOADS) == set(RunKind.values)
    assert set(settings.VIDFLOW_RUN_WORKLOADS.values()) <= set(WORKLOADS)
    assert set(settings.VIDFLOW_TASK_WORKLOADS.values()) <= set(WORKLOADS)


@pytest.mark.parametrize("kind", list(EXPECTED_RUNS), ids=str)
def test_a_run_goes_to_its_workloads_queue(broker: tuple[redis.Redis, str], kind: str) -> None:
    run = RunFactory(kind=kind)
    _, queue = broker

    by_argument = _landed(broker, lambda: run_task.delay(str(run.pk), kind=kind))
    by_lookup = _landed(broker, lambda: run_task.delay(str(run.pk)))  # an old message, a re-send

    assert by_argument == by_lookup == f"{queue}.{EXPECTED_RUNS[kind]}"


def test_a_stage_route_sends_its_run_to_the_right_queue(
    broker: tuple[redis.Redis, str],
    api: APIClient,
    user: User,
    django_capture_on_commit_callbacks: Any,
) -> None:
    project = ProjectFactory(owner=user, selected_title="Voyager", target_seconds=90)
    _, queue = broker

    def outline() -> None:
        with django_capture_on_commit_callbacks(execute=True):
            response = api.post(f"/api/projects/{project.pk}/script/outline", {}, format="json")
        assert response.status_code == 200

    assert _landed(broker, outline) == f"{queue}.text"


@pytest.mark.parametrize(
    ("task", "args", "workload"),
    [
        (shot_task, ("run", "shot"), "media"),
        (vendor_job_finished_task, ("job",), "webhooks"),
        (make_continue_task, ("run",), "text"),
        (webhook_deliver_task, ("delivery",), "webhooks"),
        (webhooks_dispatch_due_task, (), None),
        (reap_runs_task, (), None),
        (poll_vendor_jobs_task, (), None),
        (purge_idempotency_task, (), None),
    ],
    ids=lambda v: getattr(v, "name", None) or str(v),
)
def test_tasks_go_to_their_queue_and_periodic_work_to_the_default_one(
    broker: tuple[redis.Redis, str], task: Any, args: tuple[str, ...], workload: str | None
) -> None:
    _, queue = broker
    landed = _landed(broker, lambda: task.apply_async(args=args))
    assert landed == (f"{queue}.{workload}" if workload else queue)


def test_a_run_of_an_unknown_id_goes_to_the_default_queue(
    broker: tuple[redis.Redis, str],
) -> None:
    _, queue = broker
    assert _landed(broker, lambda: run_task.delay("not-a-uuid")) == queue


def test_the_dev_worker_command_names_every_queue() -> None:
    command = worker_command({"CELERY_QUEUE": "deploy1"})
    queues = command[command.index("-Q") + 1].split(",")

    assert queues == ["deploy1", *(f"deploy1.{w}" for w in WORKLOADS)]
    assert "--beat" in command  # periodic work runs inside it
    default = worker_command({})
    assert default[default.index("-Q") + 1].split(",") == all_queues("celery")


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_the_dev_worker_consumes_every_queue(
    broker: tuple[redis.Redis, str], tmp_path: Path
) -> None:
    """``make run``'s worker, as devrun starts it, takes a task from each queue."""
    client, queue = broker
    for name in all_queues(queue):  # one cheap periodic task on each queue, sent explicitly
        purge_idempotency_task.apply_async(queue=name)
    assert all(n == 1 for n in _counts(client, queue).values())
    command = worker_command(
        {"CELERY_QUEUE": queue, "VIDFLOW_VAR_DIR": str(tmp_path)}, concurrency="1"
    )
    command[0:1] = [sys.executable, "-m", "celery"]
    db = settings.DATABASES["default"]
    env = {
        **os.environ,
        "CELERY_QUEUE": queue,
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:"
        f"{db['PORT'] or 5432}/{db['NAME']}",
    }
    log = (tmp_path / "worker.log").open("wb")
    worker = subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )
    try:
        wait_for(
            lambda: all(n == 0 for n in _counts(client, queue).values()),
            timeout=90,
            message=f"queues not all consumed: {_counts(client, queue)}",
        )
    finally:
        os.killpg(worker.pid, signal.SIGTERM)
        worker.wait(timeout=30)
        log.close()
