"""KIE: Market tasks for images and image-to-video, Suno music; real formats both ways."""

from __future__ import annotations

import json
from pathlib import Path

import av
import pytest
from PIL import Image

from tests.vendors.conftest import Waits
from vendors.base import (
    AnimateRequest,
    CallbackTarget,
    ImageRequest,
    InputFile,
    MediaFile,
    MusicRequest,
    PendingJob,
    ProviderError,
    VisualRef,
)
from vendors.http.kie import KieImages, KieMusic, KieVideo, sign_webhook
from vendors.simulator import Simulator

TARGET = CallbackTarget(
    url="http://testserver/api/kie/callback?job=j1&token=s3cret", secret="s3cret"
)


def test_an_image_task_is_created_in_kies_market_format(
    sim: Simulator, waits: Waits, tmp_path: Path
) -> None:
    pending = KieImages(sleep=waits).generate(
        ImageRequest(prompt="a probe passing Jupiter", width=1920, height=1080, style="ink"),
        workdir=tmp_path,
        callback=TARGET,
    )

    assert isinstance(pending, PendingJob)
    assert pending.vendor == "kie"
    (sent,) = sim.requests("kie", "/api/v1/jobs/createTask")
    assert sent.headers["authorization"] == "Bearer sim-kie-key"
    body = sent.json()
    assert body["model"] == "google/nano-banana"
    assert body["callBackUrl"] == TARGET.url
    assert body["input"]["image_size"] == "16:9"
    assert body["input"]["output_format"] == "png"
    assert body["input"]["prompt"].startswith("a probe passing Jupiter")
    assert "ink" in body["input"]["prompt"]


def test_reference_images_switch_to_the_edit_model(
    sim: Simulator, waits: Waits, tmp_path: Path
) -> None:
    ada = VisualRef(
        name="Ada",
        kind="character",
        color="#cc3300",
        image=InputFile(path=tmp_path / "ada.png", url="https://files.example/ada.png"),
    )

    KieImages(sleep=waits).generate(
        ImageRequest(prompt="Ada waves", width=1080, height=1920, references=(ada,)),
        workdir=tmp_path,
        callback=TARGET,
    )

    body = sim.requests("kie", "/api/v1/jobs/createTask")[0].json()
    assert body["model"] == "google/nano-banana-edit"
    assert body["input"]["image_urls"] == ["https://files.example/ada.png"]
    assert body["input"]["image_size"] == "9:16"


def test_the_callback_and_the_poll_give_the_same_outcome_and_a_real_png(
    sim: Simulator, waits: Waits, tmp_path: Path
) -> None:
    adapter = KieImages(sleep=waits)
    pending = adapter.generate(
        ImageRequest(prompt="a probe", width=1280, height=720), workdir=tmp_path, callback=TARGET
    )
    assert isinstance(pending, PendingJob)

    (delivery,) = sim.wait_for_callbacks(1)
    task_id, outcome = adapter.parse_callback(delivery.body, delivery.headers)
    polled = adapter.poll(pending.external_id)

    assert task_id == pending.external_id
    assert outcome is not None
    assert outcome.succeeded
    assert polled == outcome
    media = adapter.collect(outcome, workdir=tmp_path)
    assert media.content_type == "image/png"
    assert Image.open(media.path).size == (1024, 576)  # KIE's 16:9


def test_without_a_callback_the_adapter_polls_and_returns_the_image(
    sim: Simulator, waits: Waits, tmp_path: Path
) -> None:
    sim.behave("kie", delay=1.0)  # long enough that even a loaded machine polls more than once

    media = KieImages(sleep=waits).generate(
        ImageRequest(prompt="a probe", width=1080, height=1080), workdir=tmp_path
    )

    assert isinstance(media, MediaFile)
    assert Image.open(media.path).size == (1024, 1024)
    body = sim.requests("kie", "/api/v1/jobs/createTask")[0].json()
    assert "callBackUrl" not in body
    assert len(sim.requests("kie", "/api/v1/jobs/recordInfo")) >= 2


def test_a_failed_task_reports_kies_reason(sim: Simulator, waits: Waits, tmp_path: Path) -> None:
    sim.behave("kie", outcome="fail", error="Content policy violation")
    adapter = KieImages(sleep=waits)
    pending = adapter.generate(
        ImageRequest(prompt="a probe", width=1280, height=720), workdir=tmp_path, callback=TARGET
    )
    assert isinstance(pending, PendingJob)

    (delivery,) = sim.wait_for_callbacks(1)
    _, outcome = adapter.parse_callback(delivery.body, delivery.headers)

    assert json.loads(delivery.body)["code"] == 501
    assert outcome is not None
    assert not outcome.succeeded
    assert outcome.error == "Content policy violation"
    with pytest.raises(ProviderError) as error:
        adapter.generate(ImageRequest(prompt="again", width=64, height=64), workdir=tmp_path)
    assert error.value.retryable is False
    assert "Content policy violation" in str(error.value)


def test_kling_gets_the_still_as_image_url_and_returns_a_real_mp4(
    sim: Simulator, waits: Waits, tmp_path: Path
) -> None:
    still = InputFile(path=tmp_path / "still.png", url="https://files.example/still.png")

    media = KieVideo(sleep=waits).animate(
        AnimateRequest(image=still, duration=4.0, width=1280, height=720, prompt="slow push in"),
        workdir=tmp_path,
    )

    body = sim.requests("kie", "/api/v1/jobs/createTask")[0].json()
    assert body["model"] == "kling/v2-1-standard"
    assert body["input"]["image_url"] == "https://files.example/still.png"
    assert body["input"]["duration"] == "5"
    assert isinstance(media, MediaFile)
    assert media.content_type == "video/mp4"
    assert media.duration == pytest.approx(2.0, abs=0.2)
    with av.open(str(media.path)) as container:
        assert {s.type for s in container.streams} == {"video", "audio"}


def test_kling_needs_a_url_it_can_fetch(sim: Simulator, waits: Waits, tmp_path: Path) -> None:
    with pytest.raises(ProviderError) as error:
        KieVideo(sleep=waits).animate(
            AnimateRequest(image=InputFile(path=tmp_path / "x.png"), duration=5, width=8, height=8),
            workdir=tmp_path,
            callback=TARGET,
        )

    assert error.value.retryable is False
    assert sim.requests("kie") == []


def test_music_is_an_instrumental_suno_task_whose_progress_callbacks_change_nothing(
    sim: Simulator, waits: Waits, tmp_path: Path
) -> None:
    adapter = KieMusic(sleep=waits)
    pending = adapter.compose(
        MusicRequest(mood="hopeful", tempo=90, duration=60), workdir=tmp_path, callback=TARGET
    )
    assert isinstance(pending, PendingJob)

    first, complete = sim.wait_for_callbacks(2)

    body = sim.requests("kie", "/api/v1/generate")[0].json()
    assert body["instrumental"] is True
    assert body["customMode"] is False
    assert body["model"] == "V4_5"
    assert body["callBackUrl"] == TARGET.url
    assert "hopeful" in body["prompt"]
    assert "90 BPM" in body["prompt"]
    assert adapter.parse_callback(first.body, first.headers) == (pending.external_id, None)
    task_id, outcome = adapter.parse_callback(complete.body, complete.headers)
    assert task_id == pending.external_id
    assert outcome is not None
    assert outcome.succeeded
    assert adapter.poll(pending.external_id) == outcome
    media = adapter.collect(outcome, workdir=tmp_path)
    assert media.content_type == "audio/wav"
    assert media.duration == pytest.approx(30.0, abs=0.1)


def test_a_failed_music_task_says_why(sim: Simulator, waits: Waits, tmp_path: Path) -> None:
    sim.behave("kie", outcome="fail", error="Audio generation failed")
    adapter = KieMusic(sleep=waits)
    adapter.compose(
        MusicRequest(mood="calm", tempo=70, duration=30), workdir=tmp_path, callback=TARGET
    )

    (delivery,) = sim.wait_for_callbacks(1)
    _, outcome = adapter.parse_callback(delivery.body, delivery.headers)

    assert outcome is not None
    assert not outcome.succeeded
    assert outcome.error == "Audio generation failed"


def test_kie_callbacks_are_signed_over_task_id_and_timestamp(
    sim: Simulator, waits: Waits, tmp_path: Path
) -> None:
    adapter = KieImages(sleep=waits)
    pending = adapter.generate(
        ImageRequest(prompt="a probe", width=64, height=64), workdir=tmp_path, callback=TARGET
    )
    assert isinstance(pending, PendingJob)

    (delivery,) = sim.wait_for_callbacks(1)

    stamp = delivery.headers["X-Webhook-Timestamp"]
    expected = sign_webhook(pending.external_id, stamp, sim.kie_hmac_key)
    assert delivery.headers["X-Webhook-Signature"] == expected
    adapter.verify_callback(
        delivery.body, delivery.headers, external_id=pending.external_id, secret="s3cret"
    )
