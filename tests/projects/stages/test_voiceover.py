"""Voiceover and music: requests, and runs performed in-process with the offline providers."""

from __future__ import annotations

import wave

import pytest
from django.core.files.storage import default_storage
from rest_framework.test import APIClient

from accounts.models import User
from projects.models import Music, Project, Run, Script, Shot, ShotState, Voiceover
from projects.pipeline.runner import execute_run
from tests.factories import ChapterFactory, ProjectFactory
from tests.media import SampleMedia
from tests.vidflow.test_envelope import assert_error

from .render_helpers import staged_voiceover

pytestmark = pytest.mark.django_db

PIPER = "piper:en_US-joe-medium"


def _scripted(user: User) -> Project:
    project = ProjectFactory(owner=user, selected_title="Voyager")
    Script.objects.create(project=project, hook="What if a machine outlived us all?")
    ChapterFactory(project=project, position=0, narration="In 1977 two probes left Earth.")
    ChapterFactory(project=project, position=1, narration="They are still out there, flying.")
    return project


def _run(api: APIClient, url: str, body: dict[str, object] | None = None) -> Run:
    response = api.post(url, body or {}, format="json")
    assert response.status_code == 200, response.content
    run_id = response.json()["data"]["runId"]
    execute_run(run_id=run_id)
    return Run.objects.get(pk=run_id)


def test_voiceover_needs_narration(api: APIClient, user: User) -> None:
    project = ProjectFactory(owner=user, selected_title="Voyager")
    ChapterFactory(project=project, position=0, narration="")

    response = api.post(f"/api/projects/{project.pk}/voiceover/generate", {}, format="json")

    assert "every chapter" in assert_error(response, 409, "INVALID_TRANSITION")["message"]


def test_an_unknown_voice_is_a_validation_error_before_any_charge(
    api: APIClient, user: User
) -> None:
    project = _scripted(user)

    response = api.post(
        f"/api/projects/{project.pk}/voiceover/generate", {"voiceId": "nobody"}, format="json"
    )

    assert assert_error(response, 400, "VALIDATION_ERROR")["details"]["voiceId"]
    assert not Run.objects.exists()


@pytest.mark.slow
def test_the_voiceover_speaks_hook_and_chapters_with_word_timings(
    api: APIClient, user: User
) -> None:
    project = _scripted(user)

    run = _run(api, f"/api/projects/{project.pk}/voiceover/generate", {"voiceId": PIPER})

    assert run.status == "succeeded", run.error
    assert run.credits_charged == 2  # one started minute
    data = api.get(f"/api/projects/{project.pk}/voiceover").json()["data"]
    assert data["voiceId"] == PIPER
    assert data["timingSource"] == "offline-engine"
    spoken = [w["word"].strip(".,?!").lower() for w in data["words"]]
    assert spoken[:4] == ["what", "if", "a", "machine"]
    assert "probes" in spoken
    starts = [w["start"] for w in data["words"]]
    assert starts == sorted(starts)
    assert next(s["chapterId"] for s in data["chapterSpans"]) == "hook"
    assert len(data["chapterSpans"]) == 3
    voiceover = Voiceover.objects.get(project=project)
    with default_storage.open(voiceover.audio.name, "rb") as handle, wave.open(handle) as audio:
        seconds = audio.getnframes() / audio.getframerate()
    assert abs(seconds - data["duration"]) < 0.05
    assert data["words"][-1]["end"] <= data["duration"]
    payload = api.get(f"/api/projects/{project.pk}").json()["data"]
    assert payload["status"] == "voiceover"
    assert "voiceover" in payload["completedStages"]


@pytest.mark.slow
def test_a_new_voiceover_marks_a_shot_whose_words_it_does_not_speak_stale(
    api: APIClient, user: User, sample_media: SampleMedia
) -> None:
    """(A shot whose line it still speaks keeps its picture: tests/projects/stages/
    test_retiming.py.)"""
    project = _scripted(user)
    staged_voiceover(project, sample_media)  # the voiceover the shots were generated under
    shot = Shot.objects.create(project=project, position=0, start=0, end=2)
    Shot.objects.filter(pk=shot.pk).update(state=ShotState.READY)

    _run(api, f"/api/projects/{project.pk}/voiceover/generate", {"voiceId": PIPER})

    assert Shot.objects.get(pk=shot.pk).stale is True


def test_music_follows_the_narration_length(
    api: APIClient, user: User, sample_media: SampleMedia
) -> None:
    project = _scripted(user)
    staged_voiceover(project, sample_media)

    run = _run(
        api, f"/api/projects/{project.pk}/music/generate", {"mood": "inspiring", "tempo": 96}
    )

    assert run.status == "succeeded", run.error
    music = Music.objects.get(project=project)
    voiceover = Voiceover.objects.get(project=project)
    assert (music.mood, music.tempo) == ("inspiring", 96)
    assert abs(music.duration - (voiceover.duration + 2.0)) < 0.1
    assert api.get(f"/api/projects/{project.pk}/music").json()["data"]["audioUrl"]


def test_music_validation_names_fields(api: APIClient, user: User) -> None:
    project = _scripted(user)

    response = api.post(
        f"/api/projects/{project.pk}/music/generate", {"mood": "sad", "tempo": 400}, format="json"
    )

    assert set(assert_error(response, 400, "VALIDATION_ERROR")["details"]) == {"mood", "tempo"}
