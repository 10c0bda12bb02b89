"""Small audio helpers shared by the speech adapters (no vendor format here)."""

from __future__ import annotations

import wave
from pathlib import Path

from .common import media_duration


def write_wav(path: Path, pcm: bytes, *, sample_rate: int, channels: int = 1) -> float:
    """Write signed 16-bit little-endian PCM as a WAV file; returns its duration in seconds."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with wave.open(str(path), "wb") as out:
        out.setnchannels(channels)
        out.setsampwidth(2)
        out.setframerate(sample_rate)
        out.writeframes(pcm)
    return len(pcm) / (2 * channels * sample_rate)


def wav_duration(path: Path) -> float | None:
    """Duration of a WAV file; streamed WAVs carry a placeholder length, so fall back to PyAV."""
    try:
        with wave.open(str(path), "rb") as audio:
            frames, rate = audio.getnframes(), audio.getframerate()
        size = path.stat().st_size
        # A streamed header says 0 or 0xFFFFFFFF frames; trust it only when it fits the file.
        if rate and frames > 0 and frames * 2 <= size:
            return frames / rate
    except (wave.Error, EOFError, OSError):
        pass
    return media_duration(path)
