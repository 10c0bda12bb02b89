"""AssemblyAI: upload, transcript with webhook auth header, words in seconds."""

from __future__ import annotations

import wave
from pathlib import Path

import pytest

from tests.vendors.conftest import Waits
from vendors.base import AlignRequest, CallbackTarget, InputFile, PendingJob, WordTiming
from vendors.http.assemblyai import AssemblyAITimings, words_from_outcome
from vendors.http.common import CallbackRejected
from vendors.simulator import Simulator

TARGET = CallbackTarget(
    url="http://testserver/api/assemblyai/callback?job=j1&token=s3cret", secret="s3cret"
)


def narration(tmp_path: Path, seconds: float = 4.0) -> InputFile:
    path = tmp_path / "narration.wav"
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(16000)
        out.writeframes(b"\x00\x00" * int(16000 * seconds))
    return InputFile(path=path)


def test_the_audio_is_uploaded_and_the_webhook_carries_the_jobs_secret(
    sim: Simulator, waits: Waits, tmp_path: Path
) -> None:
    pending = AssemblyAITimings(sleep=waits).align(
        AlignRequest(audio=narration(tmp_path)), workdir=tmp_path, callback=TARGET
    )

    assert isinstance(pending, PendingJob)
    (upload,) = sim.requests("assemblyai", "/v2/upload")
    assert upload.headers["authorization"] == "sim-aai-key"  # no "Bearer"
    assert upload.body == (tmp_path / "narration.wav").read_bytes()
    body = sim.requests("assemblyai", "/v2/transcript")[0].json()
    assert body["audio_url"].startswith("https://cdn.assemblyai.com/upload/")
    assert body["webhook_url"] == TARGET.url
    assert body["webhook_auth_header_name"] == "X-VidFlow-Webhook-Secret"
    assert body["webhook_auth_header_value"] == "s3cret"


def test_the_webhook_is_verified_by_its_header_and_resolved_by_fetching_the_words(
    sim: Simulator, waits: Waits, tmp_path: Path
) -> None:
    adapter = AssemblyAITimings(sleep=waits)
    pending = adapter.align(
        AlignRequest(audio=narration(tmp_path, 6.5)), workdir=tmp_path, callback=TARGET
    )
    assert isinstance(pending, PendingJob)

    (delivery,) = sim.wait_for_callbacks(1)
    adapter.verify_callback(
        delivery.body, delivery.headers, external_id=pending.external_id, secret="s3cret"
    )
    transcript_id, claim = adapter.parse_callback(delivery.body, delivery.headers)
    assert claim is not None
    outcome = adapter.resolve_callback(transcript_id, claim)

    assert transcript_id == pending.external_id
    words = words_from_outcome(outcome)
    assert [w.word for w in words[:3]] == ["In", "nineteen", "seventy"]
    # AssemblyAI reports milliseconds; we keep seconds, spread over the 6.5 s of audio.
    assert words[1].start == pytest.approx(6.5 / 13, abs=0.002)
    assert words[-1].end < 6.5
    with pytest.raises(CallbackRejected):
        adapter.verify_callback(delivery.body, delivery.headers, external_id="", secret="other")


def test_without_a_webhook_the_adapter_polls_and_returns_word_timings(
    sim: Simulator, waits: Waits, tmp_path: Path
) -> None:
    sim.behave("assemblyai", delay=0.2)

    words = AssemblyAITimings(sleep=waits).align(
        AlignRequest(audio=narration(tmp_path)), workdir=tmp_path
    )

    assert isinstance(words, list)
    assert all(isinstance(w, WordTiming) for w in words)
    assert words[0] == WordTiming(word="In", start=0.0, end=pytest.approx(0.246, abs=0.001))
    body = sim.requests("assemblyai", "/v2/transcript")[0].json()
    assert "webhook_url" not in body
