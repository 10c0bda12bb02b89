"""WaveSpeed: InfiniteTalk submit with a webhook, signed webhooks, polling, uploads."""

from __future__ import annotations

import json
import time
from pathlib import Path

import av
import pytest
from PIL import Image

from tests.vendors.conftest import Waits
from vendors.base import (
    CallbackTarget,
    InputFile,
    MediaFile,
    PendingJob,
    ProviderError,
    TalkingHeadRequest,
)
from vendors.http.common import CallbackRejected
from vendors.http.wavespeed import WaveSpeedTalkingHead, sign_webhook, verify_webhook
from vendors.simulator import Simulator

TARGET = CallbackTarget(
    url="http://testserver/api/wavespeed/callback?job=j1&token=s3cret", secret="s3cret"
)


def request_with_urls(tmp_path: Path, height: int = 720) -> TalkingHeadRequest:
    return TalkingHeadRequest(
        image=InputFile(path=tmp_path / "face.png", url="https://files.example/face.png"),
        audio=InputFile(path=tmp_path / "line.wav", url="https://files.example/line.wav"),
        duration=4.0,
        width=height * 16 // 9,
        height=height,
        prompt="a calm narrator",
    )


def test_a_talking_head_is_submitted_with_the_webhook_in_the_query(
    sim: Simulator, waits: Waits, tmp_path: Path
) -> None:
    pending = WaveSpeedTalkingHead(sleep=waits).talk(
        request_with_urls(tmp_path), workdir=tmp_path, callback=TARGET
    )

    assert isinstance(pending, PendingJob)
    (sent,) = sim.requests("wavespeed", "/api/v3/wavespeed-ai/infinitetalk")
    assert sent.headers["authorization"] == "Bearer sim-ws-key"
    assert sent.query["webhook"] == TARGET.url
    assert sent.json() == {
        "image": "https://files.example/face.png",
        "audio": "https://files.example/line.wav",
        "resolution": "720p",
        "seed": -1,
        "prompt": "a calm narrator",
    }


def test_the_signed_webhook_verifies_and_matches_the_poll(
    sim: Simulator, waits: Waits, tmp_path: Path
) -> None:
    adapter = WaveSpeedTalkingHead(sleep=waits)
    pending = adapter.talk(request_with_urls(tmp_path), workdir=tmp_path, callback=TARGET)
    assert isinstance(pending, PendingJob)

    (delivery,) = sim.wait_for_callbacks(1)
    adapter.verify_callback(
        delivery.body, delivery.headers, external_id=pending.external_id, secret="s3cret"
    )
    prediction_id, outcome = adapter.parse_callback(delivery.body, delivery.headers)

    assert prediction_id == pending.external_id
    assert outcome is not None
    assert outcome.succeeded
    assert adapter.poll(pending.external_id) == outcome
    media = adapter.collect(outcome, workdir=tmp_path)
    assert media.content_type == "video/mp4"
    with av.open(str(media.path)) as container:
        assert {s.type for s in container.streams} == {"video", "audio"}


def test_a_webhook_body_changed_after_signing_is_rejected(sim: Simulator) -> None:
    body = json.dumps({"id": "p1", "status": "completed", "outputs": ["https://a/x.mp4"]}).encode()
    stamp = str(int(time.time()))
    headers = {
        "webhook-id": "w1",
        "webhook-timestamp": stamp,
        "webhook-signature": "v3," + sign_webhook("w1", stamp, body, sim.wavespeed_secret),
    }
    verify_webhook(body, headers, secret=sim.wavespeed_secret)

    with pytest.raises(CallbackRejected):
        verify_webhook(body.replace(b"x.mp4", b"y.mp4"), headers, secret=sim.wavespeed_secret)
    stale = {**headers, "webhook-timestamp": str(int(stamp) - 301)}
    with pytest.raises(CallbackRejected):
        verify_webhook(body, stale, secret=sim.wavespeed_secret)


def test_inputs_without_a_url_are_uploaded_to_wavespeed_first(
    sim: Simulator, waits: Waits, tmp_path: Path
) -> None:
    face = tmp_path / "face.png"
    Image.new("RGB", (64, 64), "peru").save(face)
    line = tmp_path / "line.wav"
    line.write_bytes(b"RIFF\x24\x00\x00\x00WAVEfmt ")

    media = WaveSpeedTalkingHead(sleep=waits).talk(
        TalkingHeadRequest(
            image=InputFile(path=face),
            audio=InputFile(path=line),
            duration=3,
            width=854,
            height=480,
        ),
        workdir=tmp_path,
    )

    assert len(sim.requests("wavespeed", "/api/v3/media/upload/binary")) == 2
    body = sim.requests("wavespeed", "/api/v3/wavespeed-ai/infinitetalk")[0].json()
    assert body["image"].startswith(sim.url + "/files/")
    assert body["resolution"] == "480p"
    assert isinstance(media, MediaFile)
    assert media.duration == pytest.approx(2.0, abs=0.2)


def test_a_failed_prediction_raises_without_retry(
    sim: Simulator, waits: Waits, tmp_path: Path
) -> None:
    sim.behave("wavespeed", outcome="fail", error="face not detected")

    with pytest.raises(ProviderError) as error:
        WaveSpeedTalkingHead(sleep=waits).talk(request_with_urls(tmp_path), workdir=tmp_path)

    assert error.value.retryable is False
    assert "face not detected" in str(error.value)
