"""What a user would check in a media file, read with PyAV and numpy (there is no ffprobe)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import av
import numpy as np


@dataclass(frozen=True)
class Stream:
    kind: str  # "video" | "audio"
    codec: str
    duration: float  # seconds
    width: int = 0
    height: int = 0
    fps: float = 0.0
    frames: int = 0
    pix_fmt: str = ""
    sample_rate: int = 0


def streams(path: Path) -> list[Stream]:
    """Every stream of ``path``; video frames are counted by decoding."""
    found: list[Stream] = []
    with av.open(str(path)) as container:
        for s in container.streams:
            ctx = s.codec_context
            duration = float(s.duration * s.time_base) if s.duration and s.time_base else 0.0
            if s.type == "video":
                found.append(
                    Stream(
                        "video",
                        ctx.name,
                        duration,
                        width=ctx.width,
                        height=ctx.height,
                        fps=float(s.average_rate or 0),
                        pix_fmt=str(ctx.pix_fmt),
                    )
                )
            elif s.type == "audio":
                found.append(Stream("audio", ctx.name, duration, sample_rate=ctx.sample_rate))
    counted = []
    for stream in found:
        if stream.kind == "video":
            stream = Stream(**{**stream.__dict__, "frames": len(frames(path))})
        counted.append(stream)
    return counted


def frames(path: Path, *, every: int = 1) -> list[np.ndarray]:
    """Decoded video frames as greyscale arrays (every ``every``-th one)."""
    out = []
    with av.open(str(path)) as container:
        for i, frame in enumerate(container.decode(video=0)):
            if i % every == 0:
                out.append(frame.to_ndarray(format="gray").astype(np.float32))
    return out


def decoded_audio(path: Path) -> tuple[np.ndarray, int]:
    """The first audio stream decoded to float samples (frames, channels) and its rate."""
    chunks = []
    rate = 0
    with av.open(str(path)) as container:
        for frame in container.decode(audio=0):
            rate = frame.sample_rate
            data = frame.to_ndarray()
            if data.shape[0] != len(frame.layout.channels):  # packed: (1, n * channels)
                data = data.reshape(-1, len(frame.layout.channels)).T
            chunks.append(data.astype(np.float32))
    return np.concatenate(chunks, axis=1).T, rate


def rms_dbfs(samples: np.ndarray) -> float:
    return float(20 * np.log10(np.sqrt(np.mean(np.square(samples))) + 1e-12))
