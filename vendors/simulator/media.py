"""Real media files for the simulator's results: a PNG, an MP4, WAV audio.

Made once per shape and cached in the simulator's own temporary directory, so a test run does not
pay for ffmpeg more than a few times.
"""

from __future__ import annotations

import subprocess
import threading
import wave
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw

_lock = threading.Lock()

# Image sizes per aspect ratio (long side 1024, like Nano Banana's 1K output).
_IMAGE_SIZES = {
    "1:1": (1024, 1024),
    "16:9": (1024, 576),
    "9:16": (576, 1024),
    "4:3": (1024, 768),
    "3:4": (768, 1024),
    "3:2": (1024, 683),
    "2:3": (683, 1024),
    "5:4": (1024, 819),
    "4:5": (819, 1024),
    "21:9": (1024, 439),
}


def image_size(aspect: str) -> tuple[int, int]:
    return _IMAGE_SIZES.get(aspect, _IMAGE_SIZES["16:9"])


def png(folder: Path, aspect: str) -> Path:
    width, height = image_size(aspect)
    path = folder / f"image-{width}x{height}.png"
    with _lock:
        if not path.exists():
            picture = Image.new("RGB", (width, height), (40, 70, 120))
            draw = ImageDraw.Draw(picture)
            draw.ellipse(
                (width * 0.3, height * 0.25, width * 0.7, height * 0.75), fill=(230, 180, 60)
            )
            draw.text((16, 16), "vendor simulator", fill=(255, 255, 255))
            picture.save(path, "PNG")
    return path


def _tone(seconds: float, rate: int, frequency: float) -> bytes:
    t = np.arange(int(max(0.1, seconds) * rate)) / rate
    wave_ = 0.25 * np.sin(2 * np.pi * frequency * t) * (0.6 + 0.4 * np.sin(2 * np.pi * 3 * t))
    return (wave_ * 32767).astype("<i2").tobytes()


def wav(folder: Path, seconds: float, *, rate: int = 24000) -> Path:
    seconds = round(max(0.5, min(seconds, 600.0)), 1)
    path = folder / f"audio-{seconds:.1f}s.wav"
    with _lock:
        if not path.exists():
            with wave.open(str(path), "wb") as out:
                out.setnchannels(1)
                out.setsampwidth(2)
                out.setframerate(rate)
                out.writeframes(_tone(seconds, rate, 220.0))
    return path


def pcm(seconds: float, *, rate: int) -> bytes:
    """Signed 16-bit mono PCM of a soft tone (ElevenLabs' pcm_* output formats)."""
    return _tone(seconds, rate, 180.0)


def mp4(folder: Path, *, width: int = 320, height: int = 180, seconds: float = 2.0) -> Path:
    """A short H.264 + AAC MP4 made with the ffmpeg binary imageio-ffmpeg ships."""
    import imageio_ffmpeg

    path = folder / f"video-{width}x{height}-{seconds:.0f}s.mp4"
    with _lock:
        if not path.exists():
            subprocess.run(
                [
                    imageio_ffmpeg.get_ffmpeg_exe(),
                    "-hide_banner",
                    "-loglevel",
                    "error",
                    "-y",
                    "-f",
                    "lavfi",
                    "-i",
                    f"testsrc=size={width}x{height}:rate=25:duration={seconds}",
                    "-f",
                    "lavfi",
                    "-i",
                    f"sine=frequency=440:duration={seconds}",
                    "-c:v",
                    "libx264",
                    "-preset",
                    "ultrafast",
                    "-pix_fmt",
                    "yuv420p",
                    "-c:a",
                    "aac",
                    "-shortest",
                    str(path),
                ],
                check=True,
                timeout=120,
            )
    return path
