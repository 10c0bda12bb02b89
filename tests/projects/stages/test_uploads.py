"""The creator's own pictures and footage: every accepted type becomes a shot's picture or clip
(free, ready at once) and renders into final.mp4; bad files are 400s that change nothing; DELETE
goes back to generation; a bible entry takes an uploaded reference."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image
from rest_framework.test import APIClient

from accounts.models import User
from billing.models import CreditAccount
from projects.models import BibleEntry, Project, Shot, Stage
from tests.factories import ProjectFactory
from tests.vidflow.test_envelope import assert_error
from vendors.media import run_ffmpeg
from vendors.render.probe import probe

from .bible_helpers import perform, post_run
from .render_helpers import download, voiced_project

COLOURS = {  # one clearly different colour per accepted type
    "png": (230, 40, 40),
    "jpeg": (40, 200, 60),
    "webp": (40, 80, 230),
    "mp4": (240, 200, 20),
    "webm": (200, 40, 200),
    "mov": (20, 200, 210),
}


def picture(fmt: str, colour: tuple[int, int, int], size: tuple[int, int] = (320, 200)) -> bytes:
    """A picture of one colour with a little grain (so a camera move over it shows)."""
    grain = np.random.default_rng(7).integers(-25, 26, (size[1], size[0], 3))
    pixels = np.clip(np.asarray(colour) + grain, 0, 255).astype(np.uint8)
    out = io.BytesIO()
    Image.fromarray(pixels, "RGB").save(out, format=fmt.upper())
    return out.getvalue()


def clip(into: Path, fmt: str, colour: tuple[int, int, int], seconds: float = 1.0) -> bytes:
    """A clip of one colour with moving grain, and a tone on it (its sound must be dropped)."""
    hexa = "0x{:02x}{:02x}{:02x}".format(*colour)
    path = into / f"clip.{fmt}"
    codec = (
        ["-c:v", "libvpx", "-b:v", "200k", "-c:a", "libvorbis"]
        if fmt == "webm"
        else ["-c:v", "libx264", "-pix_fmt", "yuv420p", "-c:a", "aac"]
    )
    run_ffmpeg(
        ["-f", "lavfi", "-i", f"color=c={hexa}:s=320x240:r=25:d={seconds},noise=alls=30:allf=t+u",
         "-f", "lavfi", "-i", f"sine=frequency=440:duration={seconds}",
         *codec, "-shortest", str(path)]
    )  # fmt: skip
    return path.read_bytes()


def media(into: Path, fmt: str) -> bytes:
    if fmt in ("png", "jpeg", "webp"):
        return picture(fmt, COLOURS[fmt])
    return clip(into, fmt, COLOURS[fmt])


def upload(api: APIClient, url: str, data: bytes, name: str) -> Any:
    return api.post(url, {"file": SimpleUploadedFile(name, data)}, format="multipart")


def _project(user: User) -> Project:
    return ProjectFactory(owner=user, selected_title="Mine", status=Stage.PRODUCTION)


def _shot(project: Project, position: int = 0, start: float = 0.0, end: float = 2.0) -> Shot:
    return Shot.objects.create(
        project=project, position=position, start=start, end=end, prompt="a pier"
    )


def _balance(user: User) -> int:
    return CreditAccount.objects.get(user=user).balance


@pytest.mark.django_db
@pytest.mark.parametrize("fmt", list(COLOURS))
def test_every_accepted_type_becomes_the_shots_media_at_no_charge(
    api: APIClient, user: User, tmp_path: Path, fmt: str
) -> None:
    project = _project(user)
    shot = _shot(project, end=2.5)
    before = _balance(user)
    url = f"/api/projects/{project.pk}/timeline/shots/{shot.pk}/media"

    response = upload(api, url, media(tmp_path, fmt), f"mine.{'bin' if fmt == 'mov' else fmt}")

    assert response.status_code == 200, response.content
    data = response.json()["data"]
    assert (data["source"], data["state"], data["stale"]) == ("upload", "ready", False)
    assert _balance(user) == before
    shown = Image.open(io.BytesIO(b"".join(api.get(data["imageUrl"]).streaming_content)))
    centre = np.asarray(shown.convert("RGB"))[shown.height // 2, shown.width // 2]
    assert np.abs(centre.astype(int) - COLOURS[fmt]).max() <= 30
    if fmt in ("png", "jpeg", "webp"):
        assert data["videoUrl"] is None
        assert data["animatedUrl"] is None
    else:  # fitted to the shot: its length, the frame, no sound
        fitted = download(api, data["videoUrl"], tmp_path, "fitted.mp4")
        info = probe(fitted)
        video = info.first("video")
        assert video is not None
        assert (video.width, video.height) == (1280, 720)
        assert info.first("audio") is None
        assert info.duration == pytest.approx(2.5, abs=0.1)  # a 1 s clip looped to 2.5 s


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("case", "settings_change", "message"),
    [
        ("text behind a good name", {}, "not a picture or a clip"),
        ("a truncated png", {}, "cannot be read"),
        ("a truncated mp4", {}, "cannot be read"),
        ("too large", {"UPLOAD_MAX_IMAGE_BYTES": 1000}, "at most"),
        ("too many pixels", {"UPLOAD_MAX_PIXELS": 10_000}, "megapixels"),
        ("no file", {}, "multipart field"),
    ],
)
def test_a_bad_file_is_a_400_that_changes_nothing(
    api: APIClient,
    user: User,
    tmp_path: Path,
    settings: Any,
    case: str,
    settings_change: dict[str, int],
    message: str,
) -> None:
    for key, value in settings_change.items():
        setattr(settings, key, value)
    project = _project(user)
    shot = _shot(project)
    url = f"/api/projects/{project.pk}/timeline/shots/{shot.pk}/media"
    good = picture("png", (10, 10, 10), (400, 300))
    bodies = {
        "text behind a good name": (b"hello, I am not a picture\n" * 20, "photo.png"),
        "a truncated png": (good[: len(good) // 2], "photo.png"),
        "a truncated mp4": (clip(tmp_path, "mp4", (1, 2, 3))[:3000], "clip.mp4"),
        "too large": (picture("png", (1, 2, 3), (900, 900)), "big.png"),
        "too many pixels": (good, "photo.png"),
    }

    if case == "no file":
        response = api.post(url, {}, format="multipart")
    else:
        response = upload(api, url, *bodies[case])

    error = assert_error(response, 400, "VALIDATION_ERROR")
    assert message in error["message"]
    after = Shot.objects.get(pk=shot.pk)
    assert (after.state, after.source, after.image.name, after.video.name) == (
        "planned",
        "generated",
        "",
        "",
    )


@pytest.mark.django_db
def test_delete_goes_back_to_generation_and_an_upload_is_never_generated_over(
    api: APIClient, user: User
) -> None:
    project = _project(user)
    shot = _shot(project)
    base = f"/api/projects/{project.pk}/timeline/shots/{shot.pk}"
    upload(api, f"{base}/media", picture("png", COLOURS["png"]), "mine.png")

    refused = api.post(f"{base}/generate", {}, format="json")
    assert "your upload" in assert_error(refused, 409, "INVALID_TRANSITION")["message"]
    assert (
        "nothing to generate"
        in assert_error(
            api.post(f"/api/projects/{project.pk}/timeline/shots/generate-all", {}, format="json"),
            409,
            "INVALID_TRANSITION",
        )["message"]
    )

    back = api.delete(f"{base}/media").json()["data"]
    assert (back["source"], back["state"], back["imageUrl"]) == ("generated", "planned", None)
    assert_error(api.delete(f"{base}/media"), 409, "INVALID_TRANSITION")
    assert api.post(f"{base}/generate", {}, format="json").status_code == 200


@pytest.mark.django_db
def test_a_bible_entry_takes_an_uploaded_reference(
    api: APIClient, user: User, tmp_path: Path
) -> None:
    project = _project(user)
    entry = BibleEntry.objects.create(project=project, kind="location", name="The pier")
    url = f"/api/projects/{project.pk}/visual-bible/locations/{entry.pk}/variations/upload"

    response = upload(api, url, picture("jpeg", COLOURS["jpeg"]), "pier.jpg")

    assert response.status_code == 200, response.content
    data = response.json()["data"]
    (variation,) = data["variations"]
    assert data["selectedVariationId"] == variation["id"]
    shown = Image.open(io.BytesIO(b"".join(api.get(variation["imageUrl"]).streaming_content)))
    assert shown.format == "JPEG"
    clip_refused = upload(api, url, clip(tmp_path, "mp4", (1, 2, 3)), "pier.mp4")
    assert "picture" in assert_error(clip_refused, 400, "VALIDATION_ERROR")["message"]
    assert len(api.get(url.rsplit("/variations", 1)[0]).json()["data"]["variations"]) == 1


@pytest.mark.slow
@pytest.mark.django_db
def test_uploads_of_every_type_render_into_final_mp4(
    api: APIClient, user: User, tmp_path: Path
) -> None:
    project = voiced_project(api, user, music=False)
    perform(post_run(api, f"/api/projects/{project.pk}/timeline/shots/plan"))
    Shot.objects.filter(project=project).delete()
    length = project.voiceover.duration
    step = length / len(COLOURS)
    shots = [_shot(project, i, i * step, (i + 1) * step) for i in range(len(COLOURS))]
    for shot, fmt in zip(shots, COLOURS, strict=True):
        url = f"/api/projects/{project.pk}/timeline/shots/{shot.pk}/media"
        assert upload(api, url, media(tmp_path, fmt), f"mine.{fmt}").status_code == 200

    run = perform(post_run(api, f"/api/projects/{project.pk}/timeline/render", {"captions": False}))

    assert run.status == "succeeded", run.error
    render = api.get(f"/api/projects/{project.pk}/timeline/render").json()["data"]["render"]
    final = download(api, render["videoUrl"], tmp_path, "final.mp4")
    for i, fmt in enumerate(COLOURS):
        middle = (i + 0.5) * step
        frame = tmp_path / f"frame-{fmt}.png"
        run_ffmpeg(["-ss", f"{middle:.3f}", "-i", str(final), "-frames:v", "1", str(frame)])
        pixels = np.asarray(Image.open(frame).convert("RGB")).astype(int)
        centre = pixels[300:420, 540:740].reshape(-1, 3).mean(axis=0)
        assert np.abs(centre - COLOURS[fmt]).max() <= 30, (fmt, centre)
