"""The offline video provider turns a still into a Ken Burns clip a player opens: H.264 at the
request's size, exactly the asked duration at 30 fps, and the picture really moves."""

from __future__ import annotations

from itertools import pairwise
from pathlib import Path

import numpy as np
import pytest

from tests.vendors.media_checks import frames, streams
from vendors.base import (
    AnimateRequest,
    ImageRequest,
    InputFile,
    MediaFile,
    ProviderError,
    VideoProvider,
    VisualRef,
)
from vendors.offline.image import PillowImages
from vendors.offline.kenburns import KenBurnsVideo, choose_motion

pytestmark = pytest.mark.slow


@pytest.fixture
def still(tmp_path: Path) -> InputFile:
    ada = VisualRef(name="Ada", kind="character", color="#e63946")
    media = PillowImages().generate(
        ImageRequest(prompt="Ada on the pier", width=1280, height=720, references=(ada,)),
        workdir=tmp_path,
    )
    assert isinstance(media, MediaFile)
    return InputFile(path=media.path)


def animate(tmp_path: Path, still: InputFile, **fields: object) -> MediaFile:
    request = AnimateRequest(
        **{"image": still, "duration": 2.0, "width": 1280, "height": 720, **fields}
    )
    media = KenBurnsVideo().animate(request, workdir=tmp_path)
    assert isinstance(media, MediaFile)
    return media


def test_the_ken_burns_provider_fits_its_interface() -> None:
    assert isinstance(KenBurnsVideo(), VideoProvider)


@pytest.mark.parametrize(("duration", "width", "height"), [(2.5, 1280, 720), (1.3, 720, 1280)])
def test_an_animated_still_is_h264_of_exactly_its_duration(
    tmp_path: Path, still: InputFile, duration: float, width: int, height: int
) -> None:
    media = animate(tmp_path, still, duration=duration, width=width, height=height)

    (video,) = streams(media.path)  # no audio track
    assert media.content_type == "video/mp4"
    assert (video.kind, video.codec, video.pix_fmt) == ("video", "h264", "yuv420p")
    assert (video.width, video.height) == (width, height)
    assert video.fps == 30
    assert video.frames == round(duration * 30)
    assert abs(video.frames / 30 - duration) < 1 / 30
    assert media.duration == pytest.approx(duration, abs=1 / 30)


def test_the_picture_moves_smoothly_from_the_first_frame_to_the_last(
    tmp_path: Path, still: InputFile
) -> None:
    media = animate(tmp_path, still, duration=2.0, seed=7)

    shots = frames(media.path)
    steps = [float(np.abs(b - a).mean()) for a, b in pairwise(shots)]
    assert float(np.abs(shots[-1] - shots[0]).mean()) > 3  # it went somewhere
    assert sum(step > 0.05 for step in steps) > len(steps) * 0.8  # and never froze for long
    assert max(steps) < 4  # no jumps: a slow, steady move


def test_the_move_is_chosen_per_shot(tmp_path: Path) -> None:
    moves = {choose_motion(seed) for seed in range(40)}
    zooms_in = [m for m in moves if m.z1 > m.z0]
    zooms_out = [m for m in moves if m.z1 < m.z0]
    pans = [m for m in moves if m.z1 == m.z0]

    assert zooms_in
    assert zooms_out
    assert pans
    assert choose_motion(5) == choose_motion(5)


def test_a_missing_image_is_a_provider_error(tmp_path: Path) -> None:
    with pytest.raises(ProviderError):
        animate(tmp_path, InputFile(path=tmp_path / "gone.png"))
