"""Small media files made once per test session, for tests about requests rather than media.

style.md: a test pays only for what it tests. A test of what a render request refuses needs a
project with a voiceover and drawn shots, not a real narration spoken by Piper and a Ken Burns
clip per shot; those are tested where they are made (tests/vendors/, the slow end-to-end tests).
``sample_media`` gives real, valid files — a WAV, a PNG, an MP4 — cheap enough to use anywhere:

    sample_media.wav()                  # 1 s of a quiet 440 Hz tone, 48 kHz mono 16-bit
    sample_media.wav(seconds=11.2)      # any length (made once per length)
    sample_media.png()                  # 64x36 RGB
    sample_media.mp4()                  # 1 s, 64x36 H.264 at 30 fps, no sound

Each call returns a path inside the session's directory: copy it or ``store()`` it (which
copies), never write to it.
"""

from __future__ import annotations

import functools
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from vendors.media import run_ffmpeg, write_wav

RATE = 48_000


class SampleMedia:
    def __init__(self, directory: Path) -> None:
        self.directory = directory

    @functools.cache  # noqa: B019 (one instance per session: the cache is the point)
    def wav(self, seconds: float = 1.0) -> Path:
        t = np.arange(round(seconds * RATE)) / RATE
        return write_wav(
            self.directory / f"tone-{seconds:g}s.wav", 0.1 * np.sin(2 * np.pi * 440 * t), RATE
        )

    @functools.cache  # noqa: B019
    def png(self, width: int = 64, height: int = 36) -> Path:
        path = self.directory / f"still-{width}x{height}.png"
        image = Image.new("RGB", (width, height), (40, 70, 110))
        image.paste((220, 160, 60), (width // 4, height // 4, width // 2, height // 2))
        image.save(path)
        return path

    @functools.cache  # noqa: B019
    def mp4(self, seconds: float = 1.0, width: int = 64, height: int = 36) -> Path:
        path = self.directory / f"clip-{seconds:g}s-{width}x{height}.mp4"
        run_ffmpeg(
            ["-f", "lavfi", "-i", f"testsrc2=s={width}x{height}:r=30:d={seconds}",
             "-c:v", "libx264", "-pix_fmt", "yuv420p", "-preset", "ultrafast", str(path)]
        )  # fmt: skip
        return path


@pytest.fixture(scope="session")
def sample_media(tmp_path_factory: pytest.TempPathFactory) -> SampleMedia:
    return SampleMedia(tmp_path_factory.mktemp("sample-media"))
