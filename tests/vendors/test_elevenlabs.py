"""ElevenLabs: speech with timestamps → a WAV and word timings from the characters."""

from __future__ import annotations

import wave
from pathlib import Path

import pytest

from tests.vendors.conftest import Waits
from vendors.base import SpeechRequest
from vendors.http.elevenlabs import ElevenLabsSpeech, words_from_alignment
from vendors.simulator import Simulator


def test_speech_comes_back_as_a_wav_with_word_timings(
    sim: Simulator, waits: Waits, tmp_path: Path
) -> None:
    result = ElevenLabsSpeech(sleep=waits).synthesize(
        SpeechRequest(text="Two probes  left Earth.", speed=1.5), workdir=tmp_path
    )

    (sent,) = sim.requests("elevenlabs")
    assert sent.path == "/v1/text-to-speech/21m00Tcm4TlvDq8ikWAM/with-timestamps"
    assert sent.query == {"output_format": "pcm_24000"}
    assert sent.headers["xi-api-key"] == "sim-el-key"
    assert sent.json()["model_id"] == "eleven_multilingual_v2"
    assert sent.json()["voice_settings"]["speed"] == 1.2  # clamped to ElevenLabs' range
    with wave.open(str(result.audio.path), "rb") as audio:
        assert audio.getframerate() == 24000
        assert audio.getnframes() / 24000 == pytest.approx(result.audio.duration)
    assert [w.word for w in result.words] == ["Two", "probes", "left", "Earth."]
    assert result.words[0].start == 0.0
    assert result.words[-1].end == pytest.approx(result.audio.duration, abs=0.01)


def test_characters_are_grouped_into_words_on_whitespace() -> None:
    words = words_from_alignment(
        {
            "characters": list(" Hi  you"),
            "character_start_times_seconds": [0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7],
            "character_end_times_seconds": [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8],
        }
    )

    assert [(w.word, w.start, w.end) for w in words] == [("Hi", 0.1, 0.3), ("you", 0.5, 0.8)]


def test_voices_are_listed_from_the_account(sim: Simulator, waits: Waits) -> None:
    voices = ElevenLabsSpeech(sleep=waits).voices()

    assert [(v.name, v.language, v.engine) for v in voices] == [
        ("Rachel", "en-US", "elevenlabs"),
        ("George", "en-GB", "elevenlabs"),
    ]
