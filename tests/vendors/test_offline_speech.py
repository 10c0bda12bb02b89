"""Offline speech: Piper (and espeak-ng when the system package is there) speak real, audible
wavs with word timings from the engine, and GET /api/voices lists what is installed."""

from __future__ import annotations

import shutil
import wave
from itertools import pairwise
from pathlib import Path

import pytest
from rest_framework.test import APIClient

from tests.vendors.media_checks import rms_dbfs
from vendors.base import ProviderError, SpeechProvider, SpeechRequest, SpeechResult
from vendors.media import read_wav_mono
from vendors.offline import speech
from vendors.offline.kokoro import kokoro_installed
from vendors.offline.speech import PIPER_VOICE_ID, LocalSpeech
from vendors.offline.words import script_words

pytestmark = pytest.mark.slow

needs_espeak = pytest.mark.skipif(
    shutil.which("espeak-ng") is None, reason="the espeak-ng system package is not installed"
)
TEXT = "The lighthouse keeper counted every ship, and in 1999 the last one came home."


def speak(tmp_path: Path, text: str = TEXT, **fields: object) -> SpeechResult:
    fields.setdefault("voice_id", PIPER_VOICE_ID)  # Kokoro has tests of its own
    return LocalSpeech().synthesize(SpeechRequest(text=text, **fields), workdir=tmp_path)


def assert_audible_and_timed(result: SpeechResult, text: str) -> None:
    samples, rate = read_wav_mono(result.audio.path)
    duration = len(samples) / rate
    assert result.audio.content_type == "audio/wav"
    assert result.audio.duration == pytest.approx(duration, abs=0.01)
    assert 0.1 < duration / len(script_words(text)) < 1.0  # seconds per word: speech, not noise
    assert rms_dbfs(samples) > -30
    assert max(abs(samples)) < 1.0  # no clipping
    words = result.words
    assert [w.word for w in words] == script_words(text)  # the script's spelling
    assert all(0 <= w.start <= w.end <= duration + 0.01 for w in words)
    assert all(a.start <= b.start and a.end <= b.start + 0.01 for a, b in pairwise(words))
    # each word's span really holds sound
    for w in words:
        piece = samples[int(w.start * rate) : int(w.end * rate)]
        assert len(piece), w
        assert rms_dbfs(piece) > -40, w


def test_the_offline_speech_provider_fits_its_interface() -> None:
    assert isinstance(LocalSpeech(), SpeechProvider)


def test_piper_is_listed_as_us_english_after_the_kokoro_voices() -> None:
    voices = LocalSpeech().voices()
    engines = [v.engine for v in voices]

    joe = next(v for v in voices if v.id == PIPER_VOICE_ID)
    assert (joe.language, joe.engine) == ("en-US", "piper")
    assert engines == sorted(engines, key=["kokoro", "piper", "espeak-ng"].index)
    assert len({v.id for v in voices}) == len(voices)


def test_piper_speaks_an_audible_wav_with_its_own_word_timings(tmp_path: Path) -> None:
    result = speak(tmp_path)

    assert_audible_and_timed(result, TEXT)
    with wave.open(str(result.audio.path)) as w:
        assert (w.getnchannels(), w.getsampwidth(), w.getframerate()) == (1, 2, 22050)


def test_a_faster_speed_speaks_faster(tmp_path: Path) -> None:
    normal = speak(tmp_path, "Slow and steady wins the race.")
    fast = speak(tmp_path, "Slow and steady wins the race.", speed=1.5)

    assert fast.audio.duration < normal.audio.duration * 0.85  # type: ignore[operator]


@needs_espeak
def test_espeak_voices_are_listed_with_bcp47_languages() -> None:
    voices = {v.id: v for v in LocalSpeech().voices() if v.engine == "espeak-ng"}

    assert voices["espeak-ng:de"].language == "de"
    assert voices["espeak-ng:en-GB-x-rp"].language == "en-GB-x-rp"
    assert voices["espeak-ng:pt-BR"].language == "pt-BR"


@needs_espeak
def test_a_german_script_gets_a_german_voice_with_engine_timings(tmp_path: Path) -> None:
    text = "Der Leuchtturmwärter zählte jedes Schiff, und das letzte kam nach Hause."

    result = speak(tmp_path, text, language="de", voice_id="")

    assert_audible_and_timed(result, text)


@needs_espeak
@pytest.mark.skipif(not kokoro_installed(), reason="Kokoro is not installed")
def test_espeak_keeps_its_timings_after_kokoro_spoke_in_the_same_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Kokoro's phonemiser loads a copy of libespeak-ng of its own; eSpeak NG's voices must not
    pick that copy up (it fails to start, and the words came back untimed)."""
    monkeypatch.setattr(speech, "_ESPEAK", {})  # as in a fresh worker
    kokoro_voice = next(v.id for v in LocalSpeech().voices() if v.engine == "kokoro")
    speak(tmp_path, "A first line.", voice_id=kokoro_voice)
    text = "Der Leuchtturmwärter zählte jedes Schiff."

    result = speak(tmp_path, text, voice_id="espeak-ng:de")

    assert_audible_and_timed(result, text)


@needs_espeak
def test_every_part_of_one_voice_shares_one_pcm_format(tmp_path: Path) -> None:
    formats = set()
    for text in ("First part.", "And a much longer second part, with a pause in it."):
        result = speak(tmp_path, text, voice_id="espeak-ng:en-US")
        with wave.open(str(result.audio.path)) as w:
            formats.add((w.getnchannels(), w.getsampwidth(), w.getframerate()))

    assert len(formats) == 1


def test_an_unknown_voice_or_an_empty_text_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ProviderError, match="Unknown voice"):
        speak(tmp_path, voice_id="piper:nobody")
    with pytest.raises(ProviderError, match="no words"):
        speak(tmp_path, " — ... ")


def test_the_voices_route_lists_installed_voices_with_a_playable_sample(api: APIClient) -> None:
    response = api.get("/api/voices")

    assert response.status_code == 200
    voices = response.json()["data"]["results"]
    joe = next(v for v in voices if v["id"] == PIPER_VOICE_ID)
    assert (joe["language"], joe["engine"]) == ("en-US", "piper")
    assert joe["sampleUrl"].endswith(f"/api/voices/{PIPER_VOICE_ID}/sample")

    sample = api.get(f"/api/voices/{PIPER_VOICE_ID}/sample")
    assert sample.status_code == 200
    assert sample["Content-Type"] == "audio/wav"
    body = b"".join(sample.streaming_content)
    assert body[:4] == b"RIFF"
    assert len(body) > 22050  # more than half a second of 16-bit audio
