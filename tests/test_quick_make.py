"""Quick mode: ``POST /api/make`` takes a bare idea to a final.mp4 and a thumbnail in one run on
the server, through the same stage services the stage routes call; the quote is checked before
anything is spent; a cancelled make keeps what it finished and refunds the rest; a worker killed
during a make does not stop it or charge twice."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import pytest

from accounts.models import User
from billing.models import CreditAccount, EntryKind, LedgerEntry
from billing.services import ledger_disagreements
from projects.models import Project, Run, RunKind
from projects.stages.make.services import MAKE_STAGE_LABELS
from tests.live import Api, open_video
from tests.workers import Worker

pytestmark = [pytest.mark.django_db(transaction=True)]


@pytest.fixture
def api(live_api: Api) -> Api:
    return live_api


def _wait(
    api: Api, run_id: str, *, until: Callable[[dict[str, Any]], bool], timeout: float
) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        run = api.get(f"/api/runs/{run_id}")
        if until(run):
            return run
        time.sleep(0.3)
    pytest.fail(f"run {run_id} did not get there in {timeout}s: {run}")


def _ended(run: dict[str, Any]) -> bool:
    return run["status"] not in ("queued", "running")


@pytest.mark.slow
def test_a_bare_idea_becomes_a_video_in_one_call(
    api: Api, start_worker: Callable[..., Worker]
) -> None:
    start_worker()
    balance_before = api.get("/api/billing/balance")["balance"]

    started = api.call(
        "POST",
        "/api/make",
        {"idea": "Why octopuses have three hearts", "targetSeconds": 15, "aspectRatio": "16:9"},
    )
    stages_seen = set()

    def watch(run: dict[str, Any]) -> bool:
        if run["progress"].get("stage"):
            stages_seen.add(run["progress"]["stage"])
        return _ended(run)

    run = _wait(api, started["runId"], until=watch, timeout=900)

    assert run["status"] == "succeeded", run
    assert run["kind"] == "project.make"
    project = api.get(f"/api/projects/{started['projectId']}")
    assert project["status"] == "publish"
    render = api.get(f"/api/projects/{started['projectId']}/timeline/render")["render"]
    film = open_video(api.download(render["videoUrl"]))
    assert film["video"][0] == "h264"
    assert film["duration"] > 10
    thumbnail = api.get(f"/api/projects/{started['projectId']}/thumbnail")["thumbnail"]
    assert thumbnail["imageUrl"]
    # every stage ran through its own run, each the make's child
    children = Run.objects.filter(params__parent=started["runId"])
    kinds = set(children.values_list("kind", flat=True))
    assert {RunKind.SCRIPT_OUTLINE, RunKind.VOICEOVER_GENERATE, RunKind.SHOTS_PLAN} <= kinds
    assert {RunKind.SHOTS_GENERATE, RunKind.RENDER_FINAL, RunKind.THUMBNAIL_GENERATE} <= kinds
    # the run said where it was (the render lasts long enough to be seen by any poll)
    assert "render" in stages_seen
    assert stages_seen <= {name for name, _ in MAKE_STAGE_LABELS}
    # it cost what the quote said at most (the visual bible refunds what it did not draw)
    spent = balance_before - api.get("/api/billing/balance")["balance"]
    assert 0 < spent <= Run.objects.get(pk=started["runId"]).params["quote"]
    assert ledger_disagreements() == []


def test_a_make_the_balance_does_not_cover_is_refused_before_anything(api: Api, user: User) -> None:
    CreditAccount.objects.filter(user=user).update(balance=3)

    response = api.http.post(
        "/api/make", json={"idea": "How lighthouses work", "targetSeconds": 60}
    )

    assert response.status_code == 402
    error = response.json()["error"]
    assert error["code"] == "INSUFFICIENT_CREDITS"
    assert error["details"]["quote"]["total"] > 3
    assert error["details"]["balance"] == 3
    assert "needs about" in error["message"]
    assert not Project.objects.filter(owner=user).exists()
    assert not Run.objects.filter(owner=user).exists()


def test_a_second_make_of_the_same_project_is_refused(api: Api, user: User) -> None:
    project = api.call("POST", "/api/projects", {"title": "Tides", "idea": "Why tides rise"})
    first = api.http.post(f"/api/projects/{project['id']}/make", json={})
    second = api.http.post(f"/api/projects/{project['id']}/make", json={})

    assert first.status_code == 202
    assert second.status_code == 409
    assert Run.objects.filter(owner=user, kind=RunKind.PROJECT_MAKE).count() == 1


def test_unknown_fields_are_refused(api: Api, user: User) -> None:
    response = api.http.post("/api/make", json={"idea": "Tides", "colour": "blue"})

    assert response.status_code == 400
    assert not Project.objects.filter(owner=user).exists()


@pytest.mark.slow
def test_a_cancelled_make_keeps_finished_stages_and_refunds_the_rest(
    api: Api, start_worker: Callable[..., Worker], user: User
) -> None:
    start_worker()
    started = api.call("POST", "/api/make", {"idea": "How bees make honey", "targetSeconds": 30})
    _wait(
        api,
        started["runId"],
        until=lambda r: r["progress"].get("stage") in ("voiceover", "music", "plan", "shots"),
        timeout=600,
    )

    api.call("POST", f"/api/runs/{started['runId']}/cancel", {})

    run = _wait(api, started["runId"], until=_ended, timeout=60)
    assert run["status"] == "cancelled"
    chapters = api.get(f"/api/projects/{started['projectId']}/script/chapters")
    assert chapters  # finished stages stay
    assert all(c["narration"] for c in chapters)
    children = Run.objects.filter(params__parent=started["runId"])
    assert not children.filter(status__in=("queued", "running")).exists()
    time.sleep(1)
    assert not children.filter(status__in=("queued", "running")).exists()
    for child in children.exclude(status="succeeded"):
        refunded = LedgerEntry.objects.filter(reference=child.pk, kind=EntryKind.REFUND)
        charged = LedgerEntry.objects.filter(reference=child.pk, kind=EntryKind.CHARGE)
        assert refunded.count() <= charged.count()
    assert ledger_disagreements() == []


@pytest.mark.slow
def test_a_worker_killed_during_a_make_does_not_stop_it_or_charge_twice(
    api: Api, start_worker: Callable[..., Worker]
) -> None:
    worker = start_worker(CONCURRENCY="2")
    started = api.call("POST", "/api/make", {"idea": "How volcanoes form", "targetSeconds": 30})
    # The shots stage is the make's longest before the render (several tasks, a charge per
    # shot); the text stages now pass in well under a poll's interval.
    _wait(api, started["runId"], until=lambda r: r["progress"].get("stage") == "shots", timeout=240)

    assert worker.kill_pool_children()

    run = _wait(api, started["runId"], until=_ended, timeout=900)
    assert run["status"] == "succeeded", run
    for child in Run.objects.filter(params__parent=started["runId"]):
        charges = LedgerEntry.objects.filter(reference=child.pk, kind=EntryKind.CHARGE)
        parts = list(charges.values_list("part", "shot_id"))
        assert len(parts) == len(set(parts)), child.kind  # no part charged twice
    kinds = list(Run.objects.filter(params__parent=started["runId"]).values_list("kind", flat=True))
    assert kinds.count(RunKind.SCRIPT_CHAPTERS) == 1
    assert ledger_disagreements() == []
