"""Language through the pipeline: the channel's language picks the voices offered
(GET /api/voices?language=), the voice that speaks the voiceover, the timings and the captions'
line breaking; a language without a natural voice says so and offers eSpeak NG."""

from __future__ import annotations

import statistics
from pathlib import Path
from typing import Any

import pytest
from django.core.files.storage import default_storage
from rest_framework.test import APIClient

from accounts.models import User
from projects.models import Project, Run, Script, Voiceover
from projects.pipeline.runner import execute_run
from tests.factories import ChannelFactory, ChapterFactory, ProjectFactory
from tests.vidflow.test_envelope import assert_error
from vendors.base import AlignRequest, InputFile, WordTiming
from vendors.offline.cjk import cjk_installed
from vendors.offline.kokoro import kokoro_installed
from vendors.offline.timings import WhisperTimings, multilingual_installed, transcribe
from vendors.offline.words import script_words
from vendors.render.captions import caption_style_for, cues
from vendors.voices import sample_text

pytestmark = pytest.mark.django_db

needs_kokoro = pytest.mark.skipif(
    not kokoro_installed(), reason="the Kokoro assets are not installed (make install)"
)
CAPTION_BAR = 0.150  # seconds

NARRATION = {
    "en": (
        "What if the ocean could sing?",
        "In 1979 a navy engineer heard whales through a microphone meant for submarines.",
        "The songs changed every year, and every whale in the sea learned the new one.",
    ),
    "es": (
        "¿Y si el océano pudiera cantar?",
        "En 1979 un ingeniero de la marina oyó ballenas con un micrófono hecho para submarinos.",
        "Las canciones cambiaban cada año, y todas las ballenas aprendían la nueva.",
    ),
}


def _project(user: User, language: str) -> Project:
    channel = ChannelFactory(owner=user, language=language)
    project = ProjectFactory(owner=user, channel=channel, selected_title="Songs")
    hook, *chapters = NARRATION[language]
    Script.objects.create(project=project, hook=hook)
    for position, text in enumerate(chapters):
        ChapterFactory(project=project, position=position, narration=text)
    return project


def _voiced(api: APIClient, project: Project) -> Run:
    response = api.post(f"/api/projects/{project.pk}/voiceover/generate", {}, format="json")
    assert response.status_code == 200, response.content
    run_id = response.json()["data"]["runId"]
    execute_run(run_id=run_id)
    return Run.objects.get(pk=run_id)


@pytest.mark.slow
@needs_kokoro
@pytest.mark.skipif(not multilingual_installed(), reason="whisper base is not installed")
@pytest.mark.parametrize(
    ("language", "voice"), [("en", "kokoro:af_heart"), ("es", "kokoro:ef_dora")]
)
def test_a_project_gets_a_kokoro_voiceover_whose_timings_drive_its_captions(
    api: APIClient, user: User, settings: Any, tmp_path: Path, language: str, voice: str
) -> None:
    settings.OFFLINE_VOICE = "kokoro"  # the product's default (make test runs Piper)
    project = _project(user, language)

    run = _voiced(api, project)

    assert run.status == "succeeded", run.error
    data = api.get(f"/api/projects/{project.pk}/voiceover").json()["data"]
    assert data["voiceId"] == voice  # the language's natural voice, recorded
    assert data["timingSource"] == "offline-engine"  # timed by the voice itself
    words = [WordTiming(w["word"], w["start"], w["end"]) for w in data["words"]]
    assert [w.word for w in words] == script_words(" ".join(NARRATION[language]))

    # The captions the render burns in start where the voice's word timings say.
    shown = cues(words, caption_style_for("", language))
    assert [w for cue in shown for w in cue.words] == words
    if language == "es":
        assert any(cue.words[0].word.startswith("¿") for cue in shown)  # a question opens one

    # ... and whisper, listening to the voiceover, hears each word start there.
    voiceover = Voiceover.objects.get(project=project)
    audio = tmp_path / "voiceover.wav"
    with default_storage.open(voiceover.audio.name, "rb") as handle:
        audio.write_bytes(handle.read())
    heard = WhisperTimings().align(
        AlignRequest(
            audio=InputFile(path=audio),
            transcript=" ".join(NARRATION[language]),
            language=language,
        ),
        workdir=tmp_path,
    )
    assert isinstance(heard, list)
    errors = [abs(h.start - w.start) for h, w in zip(heard, words, strict=True)]
    assert statistics.median(errors) <= CAPTION_BAR, errors
    assert sum(e <= 2 * CAPTION_BAR for e in errors) >= 0.85 * len(errors), errors


@needs_kokoro
def test_the_voices_are_listed_by_language(api: APIClient) -> None:
    spanish = api.get("/api/voices", {"language": "es"}).json()["data"]["results"]
    brazilian = api.get("/api/voices", {"language": "pt-BR"}).json()["data"]["results"]
    everything = api.get("/api/voices").json()["data"]["results"]

    assert spanish[0]["id"] == "kokoro:ef_dora"
    assert {v["language"].split("-")[0] for v in spanish} == {"es"}
    assert (spanish[0]["quality"], spanish[0]["note"]) == ("high", "")
    assert brazilian[0]["language"] == "pt-BR"
    assert brazilian[0]["engine"] == "kokoro"
    assert len(everything) > len(spanish)
    assert spanish[0]["sampleUrl"].endswith("/api/voices/kokoro:ef_dora/sample")


def test_a_language_without_a_natural_voice_offers_espeak_and_says_so(api: APIClient) -> None:
    german = api.get("/api/voices", {"language": "de"}).json()["data"]["results"]
    klingon = api.get("/api/voices", {"language": "tlh"}).json()["data"]["results"]

    if german:  # espeak-ng is installed (make install does it as root)
        assert {v["engine"] for v in german} == {"espeak-ng"}
        assert {v["quality"] for v in german} == {"low"}
        assert all("robotic" in v["note"] for v in german)
    assert klingon == []  # nothing speaks it: an empty list, not a wrong voice


def test_a_malformed_language_is_a_validation_error(api: APIClient) -> None:
    response = api.get("/api/voices", {"language": "es; drop table"})

    assert "language" in assert_error(response, 400, "VALIDATION_ERROR")["details"]


@pytest.mark.slow
@needs_kokoro
@pytest.mark.skipif(not multilingual_installed(), reason="whisper base is not installed")
def test_a_voice_sample_is_spoken_in_the_voices_own_language(
    api: APIClient, tmp_path: Path
) -> None:
    sample = api.get("/api/voices/kokoro:ef_dora/sample")

    assert sample.status_code == 200
    body = b"".join(sample.streaming_content)
    assert body[:4] == b"RIFF"
    (tmp_path / "sample.wav").write_bytes(body)
    heard = [w.word.strip(".,").lower() for w in transcribe(tmp_path / "sample.wav", language="es")]
    assert {"idea", "voz"} <= set(heard), heard  # "... una sola idea. Así suena esta voz."


@needs_kokoro
@pytest.mark.skipif(
    not (cjk_installed("ja") and cjk_installed("zh")), reason="the CJK frontends are not installed"
)
def test_japanese_and_chinese_list_their_natural_voices_first(api: APIClient) -> None:
    japanese = api.get("/api/voices", {"language": "ja"}).json()["data"]["results"]
    chinese = api.get("/api/voices", {"language": "zh"}).json()["data"]["results"]

    assert japanese[0]["id"] == "kokoro:jf_alpha"
    assert chinese[0]["id"] == "kokoro:zf_xiaoxiao"
    natural = [v for v in japanese + chinese if v["engine"] == "kokoro"]
    assert len(natural) == 13  # 5 Japanese, 8 Chinese
    assert {(v["quality"], v["note"]) for v in natural} == {("high", "")}
    assert {v["language"] for v in natural} == {"ja", "zh"}
    assert sample_text("ja") != sample_text("en") != sample_text("zh")  # each in its own language
