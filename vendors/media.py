"""Small media helpers shared by providers, the pipeline and the renderer: the ffmpeg binary
(the one the imageio-ffmpeg wheel ships) and probing with PyAV (there is no ffprobe)."""

from __future__ import annotations

import subprocess
from functools import cache
from pathlib import Path

from .base import ProviderError


@cache
def ffmpeg_exe() -> str:
    import imageio_ffmpeg

    return str(imageio_ffmpeg.get_ffmpeg_exe())


def run_ffmpeg(args: list[str], *, timeout: float = 600) -> None:
    """Run ffmpeg quietly; a failure raises ProviderError with ffmpeg's own last lines."""
    command = [ffmpeg_exe(), "-hide_banner", "-nostdin", "-loglevel", "error", "-y", *args]
    try:
        result = subprocess.run(command, capture_output=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired as exc:
        raise ProviderError(f"ffmpeg took longer than {timeout:.0f}s") from exc
    if result.returncode != 0:
        tail = result.stderr.decode(errors="replace").strip().splitlines()[-3:]
        raise ProviderError("ffmpeg failed: " + " | ".join(tail))


def cut_audio(source: Path, dest: Path, *, start: float, end: float) -> Path:
    """A wav of ``source`` from ``start`` to ``end`` seconds (mono 24 kHz PCM)."""
    duration = max(0.05, end - start)
    run_ffmpeg(
        ["-ss", f"{start:.3f}", "-t", f"{duration:.3f}", "-i", str(source),
         "-ac", "1", "-ar", "24000", "-c:a", "pcm_s16le", str(dest)]
    )  # fmt: skip
    return dest


def media_duration(path: Path) -> float:
    """Duration in seconds of an audio or video file."""
    import av

    with av.open(str(path)) as container:
        if container.duration is not None:
            return float(container.duration) / 1_000_000
        stream = container.streams[0]
        if stream.duration is not None and stream.time_base is not None:
            return float(stream.duration * stream.time_base)
    raise ProviderError(f"cannot tell the duration of {path.name}")
