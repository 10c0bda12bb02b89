"""Production on the request side: the plan's alignment, shot edits, generation preconditions."""

from __future__ import annotations

import itertools
from typing import Any

import pytest
from rest_framework.test import APIClient

from accounts.models import User
from billing.models import LedgerEntry
from projects.models import Project, Run, Shot, ShotState, Stage, Voiceover
from projects.stages.production.services import MAX_SHOT_SECONDS, segment_narration
from tests.factories import ChapterFactory, ProjectFactory
from tests.vidflow.test_envelope import assert_error


def _words(text: str, *, start: float = 0.0, pace: float = 0.4) -> list[dict[str, object]]:
    out = []
    t = start
    for word in text.split():
        out.append({"word": word, "start": round(t, 3), "end": round(t + pace * 0.8, 3)})
        t += pace
    return out


def test_segments_tile_the_voiceover_and_cut_at_sentence_ends() -> None:
    text = " ".join(f"Sentence number {i} has about eight words in it." for i in range(12))
    words = _words(text)
    duration = float(words[-1]["end"]) + 0.5

    segments = segment_narration(words, duration=duration)

    assert segments[0].start == 0.0
    assert segments[-1].end == duration
    for before, after in itertools.pairwise(segments):
        assert before.end == after.start
        assert before.text.endswith(".")
    assert all(s.end - s.start <= MAX_SHOT_SECONDS + 1 for s in segments)
    assert " ".join(s.text for s in segments) == text


def test_segments_never_cross_a_chapter_boundary() -> None:
    words = _words("One two three four five six seven eight nine ten eleven twelve")
    boundary = float(words[5]["start"])

    segments = segment_narration(words, duration=5.0, chapter_starts=[0.0, boundary])

    assert [s.chapter_index for s in segments] == sorted(s.chapter_index for s in segments)
    assert any(s.start == boundary for s in segments)
    assert {s.chapter_index for s in segments} == {0, 1}


def test_a_long_run_on_sentence_is_cut_at_the_maximum() -> None:
    words = _words(" ".join(["word"] * 100))

    segments = segment_narration(words, duration=40.5)

    assert len(segments) >= 5
    assert all(s.end - s.start <= MAX_SHOT_SECONDS + 0.5 for s in segments[:-1])


def _voiced(user: User) -> Project:
    project = ProjectFactory(owner=user, selected_title="Voyager")
    chapter = ChapterFactory(project=project, position=0)
    Voiceover.objects.create(
        project=project,
        voice_id="joe",
        duration=10.0,
        words=_words("In 1977 two probes left Earth. They are still flying today."),
        chapter_spans=[{"chapterId": str(chapter.pk), "start": 0.0, "end": 10.0}],
    )
    return project


@pytest.mark.django_db
def test_plan_needs_a_timed_voiceover(api: APIClient, user: User) -> None:
    project = ProjectFactory(owner=user, selected_title="Voyager")
    ChapterFactory(project=project, position=0)

    response = api.post(f"/api/projects/{project.pk}/timeline/shots/plan", {}, format="json")

    error = assert_error(response, 409, "INVALID_TRANSITION")
    assert "voiceover with word timings" in error["message"]


@pytest.mark.django_db
def test_plan_is_free_and_enters_production(api: APIClient, user: User) -> None:
    project = _voiced(user)

    response = api.post(f"/api/projects/{project.pk}/timeline/shots/plan", {}, format="json")

    assert response.status_code == 200
    assert response.json()["data"]["run"]["creditsCharged"] == 0
    assert Project.objects.get(pk=project.pk).status == Stage.PRODUCTION
    assert not LedgerEntry.objects.filter(kind="charge").exists()


@pytest.mark.django_db
def test_replanning_over_generated_shots_needs_replace(api: APIClient, user: User) -> None:
    project = _voiced(user)
    api.post(f"/api/projects/{project.pk}/timeline/shots/plan", {}, format="json")
    Shot.objects.create(project=project, position=0, start=0, end=5)
    Shot.objects.filter(project=project).update(state=ShotState.READY)

    refused = api.post(f"/api/projects/{project.pk}/timeline/shots/plan", {}, format="json")

    assert "replace" in assert_error(refused, 409, "INVALID_TRANSITION")["message"]


@pytest.mark.django_db
def test_generate_charges_image_and_video_steps(api: APIClient, user: User) -> None:
    project = _voiced(user)
    api.post(f"/api/projects/{project.pk}/timeline/shots/plan", {}, format="json")
    shot = Shot.objects.create(project=project, position=0, start=0, end=5)

    response = api.post(
        f"/api/projects/{project.pk}/timeline/shots/{shot.pk}/generate", {}, format="json"
    )

    assert response.status_code == 200
    data = response.json()["data"]
    assert data["run"]["creditsCharged"] == 2
    assert data["shot"]["state"] == "generating_image"
    assert data["videoTaskId"] is None  # known once a vendor accepts the video step
    parts = sorted(
        LedgerEntry.objects.filter(reference=data["runId"]).values_list("part", flat=True)
    )
    assert parts == ["image", "video"]


@pytest.mark.django_db
def test_generate_twice_while_generating_is_refused(api: APIClient, user: User) -> None:
    project = _voiced(user)
    api.post(f"/api/projects/{project.pk}/timeline/shots/plan", {}, format="json")
    shot = Shot.objects.create(project=project, position=0, start=0, end=5)
    url = f"/api/projects/{project.pk}/timeline/shots/{shot.pk}/generate"
    api.post(url, {}, format="json")

    again = api.post(url, {}, format="json")

    assert "still generating" in assert_error(again, 409, "INVALID_TRANSITION")["message"]
    assert Run.objects.filter(kind="shots.generate").count() == 1


@pytest.mark.django_db
def test_editing_a_ready_shot_prompt_marks_it_stale(api: APIClient, user: User) -> None:
    project = _voiced(user)
    shot = Shot.objects.create(project=project, position=0, start=0, end=5, prompt="a probe")
    Shot.objects.filter(pk=shot.pk).update(state=ShotState.READY)

    response = api.patch(
        f"/api/projects/{project.pk}/timeline/shots/{shot.pk}",
        {"prompt": "a probe at dawn", "kind": "video"},
        format="json",
    )

    assert response.status_code == 200
    assert response.json()["data"]["stale"] is True
    assert response.json()["data"]["kind"] == "video"


@pytest.mark.django_db
def test_shot_edit_validation_names_fields(api: APIClient, user: User) -> None:
    project = _voiced(user)
    shot = Shot.objects.create(project=project, position=0, start=0, end=5)

    response = api.patch(
        f"/api/projects/{project.pk}/timeline/shots/{shot.pk}",
        {"kind": "hologram", "transitionIn": "wipe", "state": "ready"},
        format="json",
    )

    error = assert_error(response, 400, "VALIDATION_ERROR")
    assert set(error["details"]) == {"kind", "transitionIn", "state"}


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_a_keyed_shot_request_that_waits_sees_its_shot_done_and_replays_it(
    api: APIClient, user: User, start_worker: Any
) -> None:
    """``asyncVideo: false`` with an Idempotency-Key: the run is committed and sent before the
    request waits on it (a keyed request otherwise commits only with its answer)."""
    start_worker()
    project = _voiced(user)
    Project.objects.filter(pk=project.pk).update(status=Stage.PRODUCTION)  # as if planned
    shot = Shot.objects.create(project=project, position=0, start=0, end=5)
    url = f"/api/projects/{project.pk}/timeline/shots/{shot.pk}/generate"

    first = api.post(url, {"asyncVideo": False}, format="json", HTTP_IDEMPOTENCY_KEY="sync-1")
    retry = api.post(url, {"asyncVideo": False}, format="json", HTTP_IDEMPOTENCY_KEY="sync-1")

    assert first.status_code == 200, first.content
    assert first.json()["data"]["finished"] is True
    assert first.json()["data"]["shot"]["state"] == "ready"
    assert retry.json() == first.json()
    charges = LedgerEntry.objects.filter(reference=first.json()["data"]["runId"], amount__lt=0)
    assert charges.count() == 2
