"""Renders through the API, performed in-process with the offline providers: the file a user
downloads, its captions against the voiceover's words, what the run reports and costs, and a
render that fails its quality check."""

from __future__ import annotations

import math
import re
from pathlib import Path

import pytest
from rest_framework.test import APIClient

from accounts.models import User
from billing.models import CreditAccount, EntryKind, LedgerEntry
from projects.models import Project, Render, Run, Shot, Stage, Voiceover
from projects.pipeline.artifacts import store
from tests.media import SampleMedia
from vendors.base import MediaFile
from vendors.media import run_ffmpeg
from vendors.render.probe import loudness, probe

from .bible_helpers import perform, post_run
from .render_helpers import download, ready_project, staged_drawn_project

pytestmark = pytest.mark.django_db

FRAME = 1 / 30


def _render(api: APIClient, project: Project, body: dict[str, object] | None = None) -> Run:
    return perform(post_run(api, f"/api/projects/{project.pk}/timeline/render", body))


def _balance(user: User) -> int:
    return CreditAccount.objects.get(user=user).balance


def _srt_starts(text: str) -> list[float]:
    return [
        int(h) * 3600 + int(m) * 60 + int(s) + int(ms) / 1000
        for h, m, s, ms in re.findall(r"(\d\d):(\d\d):(\d\d),(\d\d\d) -->", text)
    ]


@pytest.mark.slow
def test_a_render_lands_final_mp4_with_captions_and_moves_the_project_to_publish(
    api: APIClient, user: User, tmp_path: Path
) -> None:
    project = ready_project(api, user)
    shots = list(Shot.objects.filter(project=project).order_by("position"))
    assert len(shots) >= 2
    api.patch(
        f"/api/projects/{project.pk}/timeline/shots/{shots[1].pk}",
        {"transitionIn": "crossfade"},
        format="json",
    )
    before = _balance(user)

    run = _render(api, project)

    assert run.status == "succeeded", run.error
    assert (run.credits_charged, run.credits_refunded) == (3, 0)
    assert run.progress_done == run.progress_total > 0
    assert _balance(user) == before - 3
    shown = api.get(f"/api/projects/{project.pk}/timeline/render").json()["data"]
    assert shown["run"]["id"] == str(run.pk)
    current = shown["render"]
    assert (current["width"], current["height"], current["captions"]) == (1280, 720, True)
    assert current["stale"] is False
    assert current["quality"]["passed"] is True
    voiceover = Voiceover.objects.get(project=project)
    assert abs(current["duration"] - voiceover.duration) <= 0.5
    assert run.progress_total == math.ceil(voiceover.duration)  # progress counts seconds
    # the file a user downloads
    video_file = download(api, current["videoUrl"], tmp_path, "final.mp4")
    info = probe(video_file)
    video, audio = info.first("video"), info.first("audio")
    assert video is not None
    assert audio is not None
    assert (video.codec, video.profile, video.width, video.height) == ("h264", "High", 1280, 720)
    assert (video.fps, video.pix_fmt) == (30.0, "yuv420p")
    assert (audio.codec, audio.sample_rate) == ("aac", 48000)
    assert info.faststart is True
    assert abs(info.duration - voiceover.duration) <= 0.5
    assert abs(loudness(video_file).integrated - -14.0) <= 1.0
    # captions exported next to it, on the voiceover's words
    srt = download(api, current["srtUrl"], tmp_path, "final.srt").read_text()
    vtt = download(api, current["vttUrl"], tmp_path, "final.vtt").read_text()
    assert vtt.startswith("WEBVTT")
    starts = _srt_starts(srt)
    word_starts = [w["start"] for w in voiceover.words]
    assert starts[0] == pytest.approx(word_starts[0], abs=0.001)
    assert all(any(abs(s - w) <= 0.001 for w in word_starts) for s in starts)
    spoken = " ".join(w["word"] for w in voiceover.words)
    assert " ".join(line for line in srt.splitlines() if re.search("[a-z]", line)) == spoken
    # the project moves on, and the payload shows the render
    payload = api.get(f"/api/projects/{project.pk}").json()["data"]
    assert payload["status"] == Stage.PUBLISH
    assert payload["selected"]["render"]["duration"] == current["duration"]
    # editing the plan makes the render stale
    api.patch(
        f"/api/projects/{project.pk}/timeline/shots/{shots[1].pk}",
        {"transitionIn": "cut"},
        format="json",
    )
    assert api.get(f"/api/projects/{project.pk}/timeline/render").json()["data"]["render"]["stale"]


@pytest.mark.slow
def test_a_portrait_1080p_render_without_captions_replaces_a_stale_render(
    api: APIClient, user: User, tmp_path: Path
) -> None:
    project = ready_project(api, user, aspect_ratio="9:16", music=False)
    Render.objects.create(project=project, duration=1.0, stale=True)

    run = _render(api, project, {"resolution": "1080p", "captions": False})

    assert run.status == "succeeded", run.error
    current = Render.objects.get(project=project)
    assert (current.width, current.height, current.captions, current.stale) == (
        1080,
        1920,
        False,
        False,
    )
    assert current.srt  # the caption files are made all the same
    video = probe(Path(current.video.path)).first("video")
    assert video is not None
    assert (video.width, video.height, video.profile) == (1080, 1920, "High")
    assert Project.objects.get(pk=project.pk).resolution == "720p"  # an override, not an edit


def _black_clip(into: Path, seconds: float) -> MediaFile:
    path = into / "black.mp4"
    run_ffmpeg(
        ["-f", "lavfi", "-i", f"color=black:s=1280x720:r=30:d={seconds}", "-c:v", "libx264",
         str(path)]
    )  # fmt: skip
    return MediaFile(path=path, content_type="video/mp4", duration=seconds)


@pytest.mark.slow
def test_a_render_that_fails_its_quality_check_fails_the_run_and_is_refunded(
    api: APIClient, user: User, tmp_path: Path, sample_media: SampleMedia
) -> None:
    project, shots = staged_drawn_project(api, sample_media, user, music=False)
    # a vendor delivered a black video for the longest shot (the others show their images)
    longest = max(shots, key=lambda s: s.duration)
    assert longest.duration > 3
    store(longest.video, _black_clip(tmp_path, longest.duration + 1))
    longest.save(update_fields=["video"])
    before = _balance(user)

    run = _render(api, project)

    assert run.status == "failed"
    assert run.error["code"] == "VENDOR_ERROR"
    assert "black picture" in run.error["message"]
    assert f"shot {longest.position + 1}" in run.error["message"]
    assert run.result["quality"]["passed"] is False
    assert run.result["quality"]["stills"][0]["kind"] == "black"
    assert (run.credits_charged, run.credits_refunded) == (3, 3)
    assert _balance(user) == before
    refund = LedgerEntry.objects.get(reference=run.pk, kind=EntryKind.REFUND)
    assert refund.part == "render"
    assert not Render.objects.filter(project=project).exists()
    assert Project.objects.get(pk=project.pk).status == Stage.PRODUCTION


def test_a_render_cancelled_before_it_starts_lands_nothing(
    api: APIClient, user: User, sample_media: SampleMedia
) -> None:
    project, _ = staged_drawn_project(api, sample_media, user, music=False)
    run = post_run(api, f"/api/projects/{project.pk}/timeline/render")
    api.post(f"/api/runs/{run.pk}/cancel")

    run = perform(run)

    assert (run.status, run.credits_refunded) == ("cancelled", 3)
    assert not Render.objects.filter(project=project).exists()
