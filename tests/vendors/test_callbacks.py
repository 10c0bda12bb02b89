"""Vendor callbacks (reliability.md items 17-19): believed only with every proof the vendor allows,
processed once, and nothing changes for a callback that is not believed.

Jobs are submitted through the real adapters to the simulator, which builds each callback in its
vendor's format and signs it; the test delivers it to our endpoint as the vendor would.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from projects.pipeline.models import JobStatus, VendorJob
from projects.pipeline.vendor_jobs import callback_target, job_submitted
from tests.vendors.conftest import Waits
from vendors.base import AlignRequest, ImageRequest, InputFile, MusicRequest, TalkingHeadRequest
from vendors.http.assemblyai import AssemblyAITimings
from vendors.http.kie import KieImages, KieMusic
from vendors.http.wavespeed import WaveSpeedTalkingHead
from vendors.simulator import Delivery, Simulator

pytestmark = pytest.mark.django_db

OpenJob = Callable[..., VendorJob]
Deliver = Callable[..., Any]


def submit_image(job: VendorJob, waits: Waits, tmp_path: Path, *, record: bool = True) -> str:
    pending = KieImages(sleep=waits).generate(
        ImageRequest(prompt="a probe", width=1280, height=720),
        workdir=tmp_path,
        callback=callback_target(job),
    )
    if record:
        job_submitted(job_id=job.pk, external_id=pending.external_id)
    return pending.external_id


def snapshot(job: VendorJob) -> tuple[Any, ...]:
    job.refresh_from_db()
    return (job.status, job.outcome, job.callbacks_received, job.finished_at)


def assert_error(response: Any, status: int, code: str) -> None:
    assert response.status_code == status, response.content
    body = response.json()
    assert body["success"] is False
    assert body["error"]["code"] == code


# --- the good path ------------------------------------------------------------------------------


def test_a_good_callback_finishes_the_job_and_enqueues_the_pipeline_once(
    sim: Simulator,
    waits: Waits,
    tmp_path: Path,
    open_job: OpenJob,
    deliver: Deliver,
    django_capture_on_commit_callbacks: Any,
) -> None:
    job = open_job("kie", "image")
    submit_image(job, waits, tmp_path)
    (delivery,) = sim.wait_for_callbacks(1)

    with django_capture_on_commit_callbacks() as enqueued:
        response = deliver(delivery)

    assert response.status_code == 200
    assert response.json() == {
        "success": True,
        "data": {"received": True, "final": True, "duplicate": False},
    }
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED
    assert job.outcome is not None
    assert job.outcome["urls"][0].startswith(sim.url + "/files/")
    assert job.callbacks_received == 1
    assert len(enqueued) == 1  # vendor_job_finished_task, sent on commit


def test_the_same_callback_twice_is_processed_once_and_both_get_200(
    sim: Simulator,
    waits: Waits,
    tmp_path: Path,
    open_job: OpenJob,
    deliver: Deliver,
    django_capture_on_commit_callbacks: Any,
) -> None:
    sim.behave("kie", callback="twice")
    job = open_job("kie", "image")
    submit_image(job, waits, tmp_path)
    first, second = sim.wait_for_callbacks(2)
    with django_capture_on_commit_callbacks() as enqueued_first:
        assert deliver(first).status_code == 200
    status, outcome, _, finished_at = snapshot(job)

    with django_capture_on_commit_callbacks() as enqueued_again:
        response = deliver(second)

    assert response.status_code == 200
    assert response.json()["data"]["duplicate"] is True
    assert (len(enqueued_first), len(enqueued_again)) == (1, 0)
    assert snapshot(job) == (status, outcome, 2, finished_at)


def test_a_failed_task_fails_the_job_with_the_vendors_reason(
    sim: Simulator,
    waits: Waits,
    tmp_path: Path,
    open_job: OpenJob,
    deliver: Deliver,
    django_capture_on_commit_callbacks: Any,
) -> None:
    sim.behave("kie", outcome="fail", error="Content policy violation")
    job = open_job("kie", "image")
    submit_image(job, waits, tmp_path)
    (delivery,) = sim.wait_for_callbacks(1)

    with django_capture_on_commit_callbacks() as enqueued:
        assert deliver(delivery).status_code == 200

    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert job.outcome is not None
    assert job.outcome["error"] == "Content policy violation"
    assert len(enqueued) == 1  # the pipeline refunds


def test_a_job_whose_task_id_was_never_recorded_is_still_matched_by_its_url(
    sim: Simulator, waits: Waits, tmp_path: Path, open_job: OpenJob, deliver: Deliver
) -> None:
    # The worker died between KIE accepting the task and recording its id.
    job = open_job("kie", "image")
    submit_image(job, waits, tmp_path, record=False)
    (delivery,) = sim.wait_for_callbacks(1)

    assert deliver(delivery).status_code == 200

    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED


def test_music_progress_callbacks_are_acknowledged_and_change_nothing(
    sim: Simulator, waits: Waits, tmp_path: Path, open_job: OpenJob, deliver: Deliver
) -> None:
    job = open_job("kie", "music", purpose="project.music")
    pending = KieMusic(sleep=waits).compose(
        MusicRequest(mood="calm", tempo=80, duration=60),
        workdir=tmp_path,
        callback=callback_target(job),
    )
    job_submitted(job_id=job.pk, external_id=pending.external_id)
    first, complete = sim.wait_for_callbacks(2)

    progress = deliver(first)
    after_progress = snapshot(job)
    final = deliver(complete)

    assert progress.status_code == 200
    assert progress.json()["data"] == {"received": True, "final": False, "duplicate": False}
    assert after_progress[:3] == (JobStatus.PENDING, None, 0)
    assert final.status_code == 200
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED


# --- rejected: nothing changes ------------------------------------------------------------------


@pytest.mark.parametrize("signature", ["wrong", "stale", "none"])
def test_a_kie_callback_without_a_valid_fresh_signature_is_rejected(
    sim: Simulator,
    waits: Waits,
    tmp_path: Path,
    open_job: OpenJob,
    deliver: Deliver,
    django_capture_on_commit_callbacks: Any,
    signature: str,
) -> None:
    sim.behave("kie", signature=signature)
    job = open_job("kie", "image")
    submit_image(job, waits, tmp_path)
    before = snapshot(job)
    (delivery,) = sim.wait_for_callbacks(1)

    with django_capture_on_commit_callbacks() as enqueued:
        response = deliver(delivery)

    assert_error(response, 403, "FORBIDDEN")
    assert snapshot(job) == before
    assert enqueued == []


@pytest.mark.parametrize("token", ["", "wrong-token", None])
def test_a_callback_without_the_jobs_token_is_rejected(
    sim: Simulator,
    waits: Waits,
    tmp_path: Path,
    open_job: OpenJob,
    deliver: Deliver,
    token: str | None,
) -> None:
    job = open_job("kie", "image")
    submit_image(job, waits, tmp_path)
    before = snapshot(job)
    (delivery,) = sim.wait_for_callbacks(1)
    url = f"http://testserver/api/kie/callback?job={job.pk}"
    if token is not None:
        url += f"&token={token}"

    response = deliver(delivery, url=url)

    assert_error(response, 403, "FORBIDDEN")
    assert snapshot(job) == before


def test_a_kie_body_naming_another_task_is_rejected(
    sim: Simulator, waits: Waits, tmp_path: Path, open_job: OpenJob, deliver: Deliver
) -> None:
    job = open_job("kie", "image")
    submit_image(job, waits, tmp_path)
    before = snapshot(job)
    (delivery,) = sim.wait_for_callbacks(1)
    body = json.loads(delivery.body)
    body["data"]["taskId"] = "task_someone_elses"

    response = deliver(delivery, body=json.dumps(body).encode())

    assert_error(response, 403, "FORBIDDEN")  # the signature covers the task id
    assert snapshot(job) == before


def test_a_secret_of_one_job_opens_no_other(
    sim: Simulator, waits: Waits, tmp_path: Path, open_job: OpenJob, deliver: Deliver
) -> None:
    mine, theirs = open_job("kie", "image"), open_job("kie", "image")
    my_task = submit_image(mine, waits, tmp_path)
    submit_image(theirs, waits, tmp_path)
    deliveries = sim.wait_for_callbacks(2)
    mine_delivery = next(d for d in deliveries if d.job_id == my_task)
    before = (snapshot(mine), snapshot(theirs))

    # their job id with my secret; and my task's result posted to their job with their secret
    wrong_secret = deliver(
        mine_delivery, url=f"http://testserver/api/kie/callback?job={theirs.pk}&token={mine.secret}"
    )
    wrong_task = deliver(mine_delivery, url=callback_target(theirs).url)

    assert_error(wrong_secret, 403, "FORBIDDEN")
    assert_error(wrong_task, 403, "FORBIDDEN")
    assert (snapshot(mine), snapshot(theirs)) == before


def test_an_unknown_or_foreign_job_is_not_found(
    sim: Simulator, waits: Waits, tmp_path: Path, open_job: OpenJob, deliver: Deliver
) -> None:
    job = open_job("kie", "image")
    submit_image(job, waits, tmp_path)
    before = snapshot(job)
    (delivery,) = sim.wait_for_callbacks(1)

    unknown = deliver(
        delivery, url=f"http://testserver/api/kie/callback?job={uuid.uuid4()}&token={job.secret}"
    )
    malformed = deliver(delivery, url="http://testserver/api/kie/callback?job=42&token=x")
    other_vendor = deliver(
        delivery,
        url=f"http://testserver/api/wavespeed/callback?job={job.pk}&token={job.secret}",
    )

    for response in (unknown, malformed, other_vendor):
        assert_error(response, 404, "NOT_FOUND")
    assert snapshot(job) == before


@pytest.mark.parametrize(
    "body", [b"", b"not json", b"[1, 2]", b'{"data": {}}', b'{"data": "x"}', b"\xff\xfe"]
)
def test_garbage_from_a_sender_with_the_token_is_a_400_never_a_500(
    sim: Simulator,
    waits: Waits,
    tmp_path: Path,
    open_job: OpenJob,
    deliver: Deliver,
    settings: Any,
    body: bytes,
) -> None:
    settings.KIE_WEBHOOK_HMAC_KEY = ""  # only the token stands between the sender and us
    job = open_job("kie", "image")
    submit_image(job, waits, tmp_path)
    before = snapshot(job)
    delivery = Delivery(job_id="", url=callback_target(job).url, headers={}, body=body)

    response = deliver(delivery)

    assert_error(response, 400, "VALIDATION_ERROR")
    assert snapshot(job) == before


# --- WaveSpeed ----------------------------------------------------------------------------------


def submit_talk(job: VendorJob, waits: Waits, tmp_path: Path) -> str:
    pending = WaveSpeedTalkingHead(sleep=waits).talk(
        TalkingHeadRequest(
            image=InputFile(path=tmp_path / "f.png", url="https://files.example/f.png"),
            audio=InputFile(path=tmp_path / "l.wav", url="https://files.example/l.wav"),
            duration=3,
            width=1280,
            height=720,
        ),
        workdir=tmp_path,
        callback=callback_target(job),
    )
    job_submitted(job_id=job.pk, external_id=pending.external_id)
    return pending.external_id


def test_a_signed_wavespeed_webhook_finishes_the_job(
    sim: Simulator,
    waits: Waits,
    tmp_path: Path,
    open_job: OpenJob,
    deliver: Deliver,
    django_capture_on_commit_callbacks: Any,
) -> None:
    job = open_job("wavespeed", "talking_head", purpose="shot.talking_head")
    submit_talk(job, waits, tmp_path)
    (delivery,) = sim.wait_for_callbacks(1)

    with django_capture_on_commit_callbacks() as enqueued:
        assert deliver(delivery).status_code == 200

    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED
    assert job.outcome is not None
    assert job.outcome["urls"][0].endswith(".mp4")
    assert len(enqueued) == 1


@pytest.mark.parametrize("signature", ["wrong", "stale", "none"])
def test_a_wavespeed_webhook_without_a_valid_fresh_signature_is_rejected(
    sim: Simulator,
    waits: Waits,
    tmp_path: Path,
    open_job: OpenJob,
    deliver: Deliver,
    signature: str,
) -> None:
    sim.behave("wavespeed", signature=signature)
    job = open_job("wavespeed", "talking_head", purpose="shot.talking_head")
    submit_talk(job, waits, tmp_path)
    before = snapshot(job)
    (delivery,) = sim.wait_for_callbacks(1)

    assert_error(deliver(delivery), 403, "FORBIDDEN")
    assert snapshot(job) == before


def test_a_wavespeed_body_changed_after_signing_is_rejected(
    sim: Simulator, waits: Waits, tmp_path: Path, open_job: OpenJob, deliver: Deliver
) -> None:
    job = open_job("wavespeed", "talking_head", purpose="shot.talking_head")
    submit_talk(job, waits, tmp_path)
    before = snapshot(job)
    (delivery,) = sim.wait_for_callbacks(1)
    body = json.loads(delivery.body)
    body["outputs"] = ["https://attacker.example/video.mp4"]

    response = deliver(delivery, body=json.dumps(body).encode())

    assert_error(response, 403, "FORBIDDEN")
    assert snapshot(job) == before


# --- AssemblyAI ---------------------------------------------------------------------------------


def submit_align(job: VendorJob, waits: Waits, tmp_path: Path) -> str:
    import wave

    audio = tmp_path / "narration.wav"
    with wave.open(str(audio), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(16000)
        out.writeframes(b"\x00\x00" * 16000 * 3)
    pending = AssemblyAITimings(sleep=waits).align(
        AlignRequest(audio=InputFile(path=audio)), workdir=tmp_path, callback=callback_target(job)
    )
    job_submitted(job_id=job.pk, external_id=pending.external_id)
    return pending.external_id


def test_an_assemblyai_webhook_is_resolved_by_fetching_the_transcript(
    sim: Simulator,
    waits: Waits,
    tmp_path: Path,
    open_job: OpenJob,
    deliver: Deliver,
    django_capture_on_commit_callbacks: Any,
) -> None:
    job = open_job("assemblyai", "timings", purpose="voiceover.timings")
    transcript_id = submit_align(job, waits, tmp_path)
    (delivery,) = sim.wait_for_callbacks(1)

    with django_capture_on_commit_callbacks() as enqueued:
        assert deliver(delivery).status_code == 200

    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED
    assert job.outcome is not None
    words = job.outcome["data"]["words"]
    assert words[0] == {"word": "In", "start": 0.0, "end": pytest.approx(0.184, abs=0.001)}
    assert words[-1]["end"] <= 3.0  # seconds, not AssemblyAI's milliseconds
    assert len(sim.requests("assemblyai", f"/v2/transcript/{transcript_id}")) == 1
    assert len(enqueued) == 1


def test_an_assemblyai_error_fails_the_job_with_its_reason(
    sim: Simulator, waits: Waits, tmp_path: Path, open_job: OpenJob, deliver: Deliver
) -> None:
    sim.behave("assemblyai", outcome="fail", error="File does not appear to contain audio.")
    job = open_job("assemblyai", "timings", purpose="voiceover.timings")
    submit_align(job, waits, tmp_path)
    (delivery,) = sim.wait_for_callbacks(1)

    assert deliver(delivery).status_code == 200

    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert job.outcome is not None
    assert job.outcome["error"] == "File does not appear to contain audio."


@pytest.mark.parametrize("signature", ["wrong", "none"])
def test_an_assemblyai_webhook_without_the_jobs_auth_header_is_rejected(
    sim: Simulator,
    waits: Waits,
    tmp_path: Path,
    open_job: OpenJob,
    deliver: Deliver,
    signature: str,
) -> None:
    sim.behave("assemblyai", signature=signature)
    job = open_job("assemblyai", "timings", purpose="voiceover.timings")
    submit_align(job, waits, tmp_path)
    before = snapshot(job)
    (delivery,) = sim.wait_for_callbacks(1)

    assert_error(deliver(delivery), 403, "FORBIDDEN")
    assert snapshot(job) == before
    assert sim.requests("assemblyai", "/v2/transcript/") == []  # nothing fetched for a stranger


def test_a_deeply_nested_callback_body_is_a_400_and_changes_nothing(
    sim: Simulator, waits: Waits, tmp_path: Path, open_job: OpenJob, deliver: Deliver
) -> None:
    job = open_job("kie", "image")
    submit_image(job, waits, tmp_path)
    (delivery,) = sim.wait_for_callbacks(1)
    before = snapshot(job)

    response = deliver(delivery, body=b"[" * 3000 + b"]" * 3000)

    assert_error(response, 400, "VALIDATION_ERROR")
    assert "nested" in response.json()["error"]["message"]
    assert snapshot(job) == before
