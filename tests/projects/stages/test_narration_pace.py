"""Narration is written at the pace the voice speaks, so a video is about as long as asked for,
and a voiceover is priced by the same pace."""

from __future__ import annotations

from typing import Any

import pytest
from rest_framework.test import APIClient

from accounts.models import User
from projects.models import Run, Voiceover
from projects.stages.base import WORDS_PER_MINUTE, narration_pace
from tests.factories import ChapterFactory, ProjectFactory
from tests.vendors.test_word_count import JAPANESE
from vendors.offline.speech import LocalSpeech, piper_installed

from .bible_helpers import narrated_project, perform, post_run

pytestmark = pytest.mark.django_db


@pytest.fixture
def voice_pace(settings: Any) -> int:
    """The default: the speech provider's own pace (the stage tests pin 150)."""
    settings.NARRATION_WORDS_PER_MINUTE = 0
    return LocalSpeech().words_per_minute


def test_the_pace_is_the_offline_voices_own_unless_set(voice_pace: int, settings: Any) -> None:
    assert narration_pace() == voice_pace
    if piper_installed():
        assert voice_pace > WORDS_PER_MINUTE  # Piper's Joe speaks quicker than a narrator

    settings.NARRATION_WORDS_PER_MINUTE = 170

    assert narration_pace() == 170


@pytest.mark.slow
@pytest.mark.skipif(not piper_installed(), reason="the Piper voice is not installed")
def test_a_minute_asked_for_is_about_a_minute_spoken(
    api: APIClient, user: User, voice_pace: int
) -> None:
    project = narrated_project(api, user)  # 60 s asked for, written by the offline writer
    hook = perform(post_run(api, f"/api/projects/{project.pk}/script/hook"))
    assert hook.status == "succeeded"  # the hook is part of the minute

    voiced = perform(post_run(api, f"/api/projects/{project.pk}/voiceover/generate"))

    assert voiced.status == "succeeded"
    spoken = Voiceover.objects.get(project=project).duration
    assert 0.8 * 60 <= spoken <= 1.2 * 60


def _voiceover_started(api: APIClient, user: User, chapters: list[str]) -> Run:
    """A project of these chapters' narrations, and the voiceover run its request started."""
    project = ProjectFactory(owner=user, selected_title="Pace")
    for position, narration in enumerate(chapters):
        ChapterFactory(project=project, position=position, narration=narration)
    response = api.post(f"/api/projects/{project.pk}/voiceover/generate", {}, format="json")
    assert response.status_code == 200, response.content
    return Run.objects.get(pk=response.json()["data"]["runId"])


def test_a_voiceover_is_priced_by_the_minutes_at_the_voices_pace(
    api: APIClient, user: User, settings: Any
) -> None:
    words = " ".join(["word"] * 80)  # 160 words: 2 minutes at 150 a minute, 1 at 200
    costs = {}
    for pace in (150, 200):
        settings.NARRATION_WORDS_PER_MINUTE = pace

        run = _voiceover_started(api, user, [words, words])

        costs[pace] = (run.params["minutes"], run.credits_charged)
    assert costs[150][0] == 2
    assert costs[200][0] == 1
    assert costs[150][1] == 2 * costs[200][1]


def test_a_japanese_voiceover_is_priced_by_its_characters(
    api: APIClient, user: User, settings: Any
) -> None:
    """Three chapters of a 128-character paragraph Kokoro speaks in 26.65 s: 80 s, two started
    minutes (counted by whitespace, they were three words: one minute)."""
    settings.NARRATION_WORDS_PER_MINUTE = 170  # Kokoro's

    run = _voiceover_started(api, user, [JAPANESE] * 3)

    assert run.params["minutes"] == 2
