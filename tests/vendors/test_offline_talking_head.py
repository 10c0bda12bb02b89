"""The offline talking head: the character's still, moving while it speaks, with its line as
AAC audio, lasting exactly the shot."""

from __future__ import annotations

from itertools import pairwise
from pathlib import Path

import numpy as np
import pytest

from tests.vendors.media_checks import decoded_audio, frames, rms_dbfs, streams
from vendors.base import (
    ImageRequest,
    InputFile,
    MediaFile,
    TalkingHeadProvider,
    TalkingHeadRequest,
    VisualRef,
)
from vendors.media import write_wav
from vendors.offline.image import PillowImages
from vendors.offline.talking_head import StillTalkingHead, phrases

pytestmark = pytest.mark.slow

RATE = 22050


def line(path: Path, spoken: list[tuple[float, float]], length: float) -> InputFile:
    """A stand-in for a voice line: a buzzy vowel sound during ``spoken``, silence elsewhere."""
    t = np.arange(int(length * RATE)) / RATE
    voice = 0.3 * np.sign(np.sin(2 * np.pi * 140 * t)) * (0.6 + 0.4 * np.sin(2 * np.pi * 4 * t))
    gate = np.zeros_like(t)
    for start, end in spoken:
        gate[(t >= start) & (t < end)] = 1.0
    write_wav(path, voice * gate, RATE)
    return InputFile(path=path)


@pytest.fixture
def face(tmp_path: Path) -> InputFile:
    ada = VisualRef(name="Ada", kind="character", color="#e63946")
    media = PillowImages().generate(
        ImageRequest(prompt="Ada speaks", width=1280, height=720, references=(ada,)),
        workdir=tmp_path,
    )
    assert isinstance(media, MediaFile)
    return InputFile(path=media.path)


def test_the_talking_head_provider_fits_its_interface() -> None:
    assert isinstance(StillTalkingHead(), TalkingHeadProvider)


def test_a_talking_head_is_h264_with_the_line_as_aac_lasting_the_shot(
    tmp_path: Path, face: InputFile
) -> None:
    audio = line(tmp_path / "line.wav", [(0.2, 1.1), (1.6, 2.4)], 2.6)

    media = StillTalkingHead().talk(
        TalkingHeadRequest(image=face, audio=audio, duration=3.0, width=1280, height=720),
        workdir=tmp_path,
    )

    assert isinstance(media, MediaFile)
    found = {s.kind: s for s in streams(media.path)}
    assert (found["video"].codec, found["audio"].codec) == ("h264", "aac")
    assert (found["video"].width, found["video"].height, found["video"].fps) == (1280, 720, 30)
    assert found["video"].frames == 90
    assert abs(found["audio"].duration - 3.0) < 1 / 30 + 0.03  # one frame, plus AAC's last packet
    samples, rate = decoded_audio(media.path)
    assert rate == 48000
    assert rms_dbfs(samples[int(0.3 * rate) : int(1.0 * rate)]) > -20  # the line is there
    assert rms_dbfs(samples[int(2.7 * rate) :]) < -50  # padded with silence to the end


def test_the_head_moves_while_it_speaks_and_rests_in_the_pause(
    tmp_path: Path, face: InputFile
) -> None:
    audio = line(tmp_path / "line.wav", [(0.1, 1.1), (2.4, 3.0)], 3.0)

    media = StillTalkingHead().talk(
        TalkingHeadRequest(image=face, audio=audio, duration=3.0, width=640, height=360),
        workdir=tmp_path,
    )

    assert isinstance(media, MediaFile)
    shots = frames(media.path)
    motion = [float(np.abs(b - a).mean()) for a, b in pairwise(shots)]
    speaking = np.mean(motion[6:30])  # 0.2 s - 1.0 s
    pausing = np.mean(motion[42:66])  # 1.4 s - 2.2 s: only the slow zoom
    assert speaking > 2 * pausing > 0


def test_phrases_follow_the_speech(tmp_path: Path) -> None:
    audio = line(tmp_path / "line.wav", [(0.5, 1.5), (2.0, 2.5)], 3.0)

    found = phrases(audio.path)

    assert len(found) == 2
    for (start, end), (want_start, want_end) in zip(found, [(0.5, 1.5), (2.0, 2.5)], strict=True):
        assert start == pytest.approx(want_start, abs=0.03)
        assert end == pytest.approx(want_end, abs=0.03)
