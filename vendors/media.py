"""Small media helpers shared by providers, the pipeline and the renderer: the ffmpeg binary
(the one the imageio-ffmpeg wheel ships), probing with PyAV (there is no ffprobe), the one set of
H.264 settings, and 16-bit PCM wav in and out (numpy, stdlib ``wave``)."""

from __future__ import annotations

import subprocess
import threading
import wave
from collections.abc import Callable
from functools import cache
from pathlib import Path

import numpy as np

from .base import ProviderError


@cache
def ffmpeg_exe() -> str:
    import imageio_ffmpeg

    return str(imageio_ffmpeg.get_ffmpeg_exe())


ProgressCallback = Callable[[float], None]
"""Called with the seconds of output ffmpeg has written so far."""


def run_ffmpeg(
    args: list[str],
    *,
    timeout: float = 600,
    cwd: Path | None = None,
    loglevel: str = "error",
    on_progress: ProgressCallback | None = None,
    on_start: Callable[[subprocess.Popen[str]], None] | None = None,
) -> str:
    """Run ffmpeg; a failure raises ProviderError with ffmpeg's own last lines. Returns stderr
    (``loglevel="info"`` for what filters such as ebur128 print there).

    ``on_progress`` adds ``-progress pipe:1`` and gets the seconds of output written, read from
    ``out_time_us`` (``out_time_ms`` is microseconds too, despite its name). ``on_start`` receives
    the process, so a caller running several at once can stop them all. stderr is drained by a
    thread, so a chatty ffmpeg never blocks on a full pipe.
    """
    command = [ffmpeg_exe(), "-hide_banner", "-nostdin", "-loglevel", loglevel, "-y"]
    if on_progress is not None:
        command += ["-progress", "pipe:1", "-nostats"]
    command += args
    proc = subprocess.Popen(
        command,
        cwd=cwd,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE if on_progress is not None else subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        errors="replace",
    )
    if on_start is not None:
        on_start(proc)
    errors: list[str] = []
    drain = threading.Thread(target=lambda: errors.append(proc.stderr.read()), daemon=True)  # type: ignore[union-attr]
    drain.start()
    timed_out = threading.Event()

    def expire() -> None:
        timed_out.set()
        proc.kill()

    timer = threading.Timer(timeout, expire)
    timer.start()
    try:
        if proc.stdout is not None and on_progress is not None:
            for line in proc.stdout:
                key, _, value = line.strip().partition("=")
                if key == "out_time_us" and value.isdigit():
                    on_progress(int(value) / 1_000_000)
        proc.wait()
    except BaseException:
        proc.kill()
        proc.wait()
        raise
    finally:
        timer.cancel()
        drain.join()
    stderr = "".join(errors)
    if proc.returncode != 0:
        if timed_out.is_set():
            raise ProviderError(f"ffmpeg took longer than {timeout:.0f}s")
        tail = stderr.strip().splitlines()[-3:]
        raise ProviderError("ffmpeg failed: " + " | ".join(tail))
    return stderr


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


def x264_args(
    *, fps: int = 30, preset: str = "veryfast", crf: int = 21, threads: int | None = None
) -> list[str]:
    """The H.264 settings every clip uses: yuv420p High profile, a keyframe every 2 s, constant
    frame rate, BT.709 tags. Identical settings keep clips joinable with ``-c copy``. ``threads``
    caps x264's own threads (a renderer encoding two segments at once on two cores wants 2)."""
    args = [
        "-c:v", "libx264", "-preset", preset, "-crf", str(crf),
        "-profile:v", "high", "-pix_fmt", "yuv420p",
        "-g", str(fps * 2), "-keyint_min", str(fps), "-sc_threshold", "0",
        "-r", str(fps), "-video_track_timescale", str(fps * 512),
        "-color_primaries", "bt709", "-color_trc", "bt709", "-colorspace", "bt709",
    ]  # fmt: skip
    return args if threads is None else [*args, "-threads", str(threads)]


def read_wav(path: Path) -> tuple[np.ndarray, int]:
    """A 16-bit PCM wav as float32 samples in [-1, 1], shape (frames, channels), and its rate."""
    try:
        with wave.open(str(path), "rb") as w:
            rate, channels, width = w.getframerate(), w.getnchannels(), w.getsampwidth()
            raw = w.readframes(w.getnframes())
    except (wave.Error, EOFError) as exc:
        raise ProviderError(f"{path.name} is not a readable wav: {exc}") from exc
    if width != 2:
        raise ProviderError(f"{path.name}: expected 16-bit PCM, got {8 * width}-bit")
    samples = np.frombuffer(raw, "<i2").astype(np.float32) / 32768.0
    return samples.reshape(-1, channels), rate


def read_wav_mono(path: Path) -> tuple[np.ndarray, int]:
    """A 16-bit PCM wav as mono float32 samples (channels averaged) and its rate."""
    samples, rate = read_wav(path)
    return samples.mean(axis=1), rate


def write_wav(path: Path, samples: np.ndarray, rate: int) -> Path:
    """Write float samples in [-1, 1] (shape (n,) or (n, channels)) as 16-bit PCM."""
    frames = samples.reshape(len(samples), -1)
    pcm = np.clip(np.round(frames * 32767.0), -32767, 32767).astype("<i2")
    with wave.open(str(path), "wb") as w:
        w.setnchannels(frames.shape[1])
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(pcm.tobytes())
    return path
