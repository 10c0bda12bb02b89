"""The engine with real Celery workers on Redis, vendors through the simulator over HTTP, and
callbacks arriving at a live server: reliability.md items 15, 18, 20, 21 and 22."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
import redis
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import User
from billing.models import CreditAccount, EntryKind, LedgerEntry
from projects.models import Project, Run, Shot, ShotKind, ShotState, Stage, Voiceover
from projects.pipeline.jobs import poll_vendor_jobs, reap_runs
from projects.pipeline.models import JobStatus, VendorJob
from projects.services import project_advance
from projects.tasks import run_task
from tests.factories import ChapterFactory, ProjectFactory
from tests.workers import QUEUE, Worker, wait_for
from vendors.simulator import Simulator, start_simulator
from vidflow.queue import enqueue_on_commit

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]


@pytest.fixture(scope="session")
def live_simulator() -> Iterator[Simulator]:
    """A simulator that POSTs its callbacks to the URLs VidFlow gave it, like a real vendor."""
    sim = start_simulator(deliver="http")
    yield sim
    sim.stop()


@pytest.fixture
def vendor_worker(
    live_simulator: Simulator, live_server: Any, start_worker: Callable[..., Worker], settings: Any
) -> Worker:
    """A worker whose images and videos come from KIE (the simulator), and this test process's
    settings to match (the live server verifies the callbacks)."""
    live_simulator.reset()
    vendor = {
        "PUBLIC_BASE_URL": live_server.url,
        "KIE_BASE_URL": live_simulator.vendor_url("kie"),
        "KIE_API_KEY": live_simulator.keys["kie"],
        "KIE_WEBHOOK_HMAC_KEY": live_simulator.kie_hmac_key,
    }
    for name, value in vendor.items():
        setattr(settings, name, value)
    return start_worker(
        PROVIDER_IMAGE="kie", PROVIDER_VIDEO="kie", VENDOR_TIMEOUT="3", VENDOR_MAX_RETRIES="2",
        VENDOR_RETRY_BASE_DELAY="0.2", VENDOR_RETRY_MAX_DELAY="1", **vendor,
    )  # fmt: skip


def _production_project(user: User, shots: int = 2, kind: str = ShotKind.VIDEO) -> Project:
    project = ProjectFactory(owner=user, selected_title="Voyager")
    ChapterFactory(project=project, position=0)
    Voiceover.objects.create(
        project=project, voice_id="joe", duration=5.0 * shots,
        words=[{"word": "Voyager", "start": 0.0, "end": 0.5}],
    )  # fmt: skip
    project_advance(project_id=project.pk, to=Stage.PRODUCTION)
    for i in range(shots):
        Shot.objects.create(
            project=project, position=i, kind=kind, start=5.0 * i, end=5.0 * i + 5.0,
            prompt=f"the probe, view {i}",
        )  # fmt: skip
    return project


def _generate_all(api: APIClient, project: Project) -> Run:
    response = api.post(
        f"/api/projects/{project.pk}/timeline/shots/generate-all", {}, format="json"
    )
    assert response.status_code == 200, response.content
    return Run.objects.get(pk=response.json()["data"]["runId"])


def _finished(run: Run) -> Run | None:
    run.refresh_from_db()
    return run if not run.is_active else None


def test_shots_complete_through_vendor_callbacks(
    api: APIClient, user: User, vendor_worker: Worker, live_simulator: Simulator
) -> None:
    project = _production_project(user, shots=2)

    run = _generate_all(api, project)

    wait_for(lambda: _finished(run), timeout=90, message=f"run {run.pk}\n{vendor_worker.log()}")
    assert run.status == "succeeded", run.error
    for shot in Shot.objects.filter(project=project):
        assert shot.state == ShotState.READY
        assert shot.image.name.endswith(".png")
        assert shot.video.name.endswith(".mp4")
    jobs = VendorJob.objects.filter(run=run)
    assert sorted(jobs.values_list("purpose", flat=True)) == ["shot.image"] * 2 + ["shot.video"] * 2
    assert set(jobs.values_list("status", flat=True)) == {JobStatus.SUCCEEDED}
    assert (run.credits_charged, run.credits_refunded) == (4, 0)
    assert run.progress_done == run.progress_total == 2


def test_a_duplicate_callback_is_processed_once(
    api: APIClient, user: User, vendor_worker: Worker, live_simulator: Simulator
) -> None:
    live_simulator.behave("kie", callback="twice")
    project = _production_project(user, shots=1)

    run = _generate_all(api, project)

    wait_for(lambda: _finished(run), timeout=90, message=vendor_worker.log())
    assert run.status == "succeeded"
    jobs = VendorJob.objects.filter(run=run)
    wait_for(lambda: all(j.callbacks_received == 2 for j in jobs.all()), timeout=30)
    shot = Shot.objects.get(project=project)
    from projects.models import Event

    assert Event.objects.filter(subject_id=shot.pk, name="image_done").count() == 1
    assert Event.objects.filter(subject_id=shot.pk, name="video_done").count() == 1
    assert LedgerEntry.objects.filter(reference=run.pk, kind=EntryKind.CHARGE).count() == 2


def test_a_worker_killed_mid_submit_finishes_once_with_one_vendor_job(
    api: APIClient, user: User, vendor_worker: Worker, live_simulator: Simulator
) -> None:
    # The vendor accepts the image job but answers slowly; the worker dies while waiting. (Its
    # callback comes later still, so the kill hits only the task that is submitting.)
    live_simulator.stall_next("kie", 6, method="POST", path="createTask")
    live_simulator.behave("kie", next_only=True, delay=8)
    project = _production_project(user, shots=1)

    run = _generate_all(api, project)
    wait_for(lambda: live_simulator.requests("kie", path="createTask"), timeout=30)
    killed = vendor_worker.kill_pool_children()
    assert killed

    wait_for(lambda: _finished(run), timeout=120, message=vendor_worker.log())
    assert run.status == "succeeded", run.error
    creates = live_simulator.requests("kie", path="createTask")
    assert len(creates) == 2  # one image job, one video job: the image was never resubmitted
    assert VendorJob.objects.filter(run=run, purpose="shot.image").count() == 1
    assert LedgerEntry.objects.filter(reference=run.pk, kind=EntryKind.CHARGE).count() == 2
    assert CreditAccount.objects.get(user=user).balance == 50 - 2


def test_a_vendor_that_never_finishes_is_failed_and_refunded_by_the_reaper(
    api: APIClient, user: User, vendor_worker: Worker, live_simulator: Simulator
) -> None:
    live_simulator.behave("kie", delay=3600)  # accepted, never done, never calls back
    project = _production_project(user, shots=1)
    run = _generate_all(api, project)
    wait_for(
        lambda: VendorJob.objects.filter(run=run, status=JobStatus.PENDING).exists(), timeout=60
    )

    Run.objects.filter(pk=run.pk).update(deadline_at=timezone.now() - timezone.timedelta(seconds=1))
    assert reap_runs() == 1

    run.refresh_from_db()
    assert run.status == "failed"
    assert run.error["code"] == "VENDOR_ERROR"
    assert "never reported back" in run.error["message"]
    assert run.credits_refunded == run.credits_charged == 2
    assert Shot.objects.get(project=project).state == ShotState.FAILED
    assert CreditAccount.objects.get(user=user).balance == 50
    assert reap_runs() == 0  # reaped once


def test_a_lost_callback_is_recovered_by_polling(
    api: APIClient, user: User, vendor_worker: Worker, live_simulator: Simulator
) -> None:
    live_simulator.behave("kie", callback="never")
    project = _production_project(user, shots=1)
    run = _generate_all(api, project)

    def poll() -> Run | None:
        poll_vendor_jobs(older_than=timezone.timedelta(seconds=0))
        return _finished(run)

    wait_for(poll, timeout=120, message=vendor_worker.log())
    assert run.status == "succeeded"
    assert VendorJob.objects.filter(run=run, callbacks_received=0).count() == 2


def test_vendor_errors_are_retried_then_fail_the_run_with_a_refund(
    api: APIClient, user: User, vendor_worker: Worker, live_simulator: Simulator
) -> None:
    live_simulator.fail_next("kie", count=20, status=503)
    project = _production_project(user, shots=1)

    run = _generate_all(api, project)

    wait_for(lambda: _finished(run), timeout=90, message=vendor_worker.log())
    assert run.status == "failed"
    assert run.error["code"] == "VENDOR_ERROR"
    assert len(live_simulator.requests("kie", path="createTask")) == 3  # 1 + 2 retries
    assert run.credits_refunded == 2
    assert not VendorJob.objects.filter(run=run).exists()
    shot = Shot.objects.get(project=project)
    assert shot.state == ShotState.FAILED
    assert "kie" in shot.error.lower() or "503" in shot.error


def test_a_task_enqueued_in_a_rolled_back_transaction_is_never_sent(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from vidflow.celery import app

    queue = f"{QUEUE}-unconsumed"  # no worker listens here, so a sent task stays to be counted
    monkeypatch.setitem(app.conf, "task_default_queue", queue)
    broker = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    before = broker.llen(queue)

    def enqueue_then_fail() -> None:
        with transaction.atomic():
            enqueue_on_commit(run_task, "00000000-0000-0000-0000-000000000000")
            raise RuntimeError("rolled back")

    with pytest.raises(RuntimeError, match="rolled back"):
        enqueue_then_fail()

    assert broker.llen(queue) == before

    with transaction.atomic():  # the same call in a transaction that commits does send
        enqueue_on_commit(run_task, "00000000-0000-0000-0000-000000000000")
    assert broker.llen(queue) == before + 1
    broker.delete(queue)


def test_a_failed_video_step_keeps_the_image_and_refunds_the_video_step_once(
    api: APIClient, user: User, vendor_worker: Worker, live_simulator: Simulator
) -> None:
    # The image job succeeds; the video job fails, and its failure is reported twice.
    live_simulator.behave("kie", next_only=True, outcome="succeed")
    live_simulator.behave("kie", next_only=True, outcome="fail", callback="twice")
    project = _production_project(user, shots=1)

    run = _generate_all(api, project)

    wait_for(lambda: _finished(run), timeout=90, message=vendor_worker.log())
    assert run.status == "failed"
    assert run.error["code"] == "VENDOR_ERROR"
    shot = Shot.objects.get(project=project)
    assert shot.state == ShotState.FAILED
    assert shot.image.name.endswith(".png")  # the image step's artifact is kept
    assert shot.animated.name.endswith(".mp4")  # and an animated still made from it for the render
    assert not shot.video
    refunds = LedgerEntry.objects.filter(reference=run.pk, kind=EntryKind.REFUND)
    assert list(refunds.values_list("part", "amount")) == [("video", 1)]
    assert CreditAccount.objects.get(user=user).balance == 50 - 1
    video_job = VendorJob.objects.get(run=run, purpose="shot.video")
    wait_for(lambda: VendorJob.objects.get(pk=video_job.pk).callbacks_received == 2, timeout=30)
