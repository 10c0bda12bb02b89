"""The offline music bed: a 48 kHz stereo wav of the asked length, well below full scale, that
loops without a click, and sounds different for each mood."""

from __future__ import annotations

import wave
from itertools import pairwise
from pathlib import Path

import numpy as np
import pytest

from vendors.base import MediaFile, MusicProvider, MusicRequest, ProviderError
from vendors.media import read_wav
from vendors.offline.music import SynthMusic

MOODS = ("calm", "upbeat", "tense", "inspiring", "dark", "playful")


def compose(tmp_path: Path, **fields: object) -> MediaFile:
    request = MusicRequest(**{"mood": "calm", "tempo": 90, "duration": 12.0, **fields})
    media = SynthMusic().compose(request, workdir=tmp_path)
    assert isinstance(media, MediaFile)
    return media


def spectrum(samples: np.ndarray) -> np.ndarray:
    """Energy in 32 log-spaced bands from 40 Hz to 16 kHz, normalised."""
    mono = samples.mean(axis=1)
    power = np.abs(np.fft.rfft(mono)) ** 2
    freqs = np.fft.rfftfreq(len(mono), 1 / 48000)
    edges = np.geomspace(40, 16000, 33)
    bands = np.array([power[(freqs >= a) & (freqs < b)].sum() for a, b in pairwise(edges)])
    return bands / bands.sum()


def test_the_offline_music_provider_fits_its_interface() -> None:
    assert isinstance(SynthMusic(), MusicProvider)


@pytest.mark.parametrize("duration", [1.5, 12.0, 47.3])
def test_a_bed_is_48khz_stereo_of_the_asked_length(tmp_path: Path, duration: float) -> None:
    media = compose(tmp_path, duration=duration)

    with wave.open(str(media.path)) as w:
        assert (w.getnchannels(), w.getsampwidth(), w.getframerate()) == (2, 2, 48000)
        length = w.getnframes() / 48000
    assert media.content_type == "audio/wav"
    assert length == pytest.approx(duration, abs=0.01)
    assert media.duration == pytest.approx(length, abs=1e-6)


@pytest.mark.parametrize("mood", MOODS)
def test_every_mood_is_audible_never_clips_and_loops_without_a_click(
    tmp_path: Path, mood: str
) -> None:
    samples, _ = read_wav(compose(tmp_path, mood=mood, duration=10.0).path)

    peak = np.abs(samples).max()
    assert 20 * np.log10(peak) < -3  # well below 0 dBFS
    assert 20 * np.log10(np.sqrt(np.mean(samples**2))) > -40  # but there is music
    assert not np.any(np.abs(samples) >= 32767 / 32768)
    assert np.ptp(samples[:4800].mean(axis=1)) > 0  # not silence at the seam either
    # Looping the file: from its last sample to its first is no bigger a step than the music
    # itself takes from one sample to the next.
    steps = np.abs(np.diff(samples, axis=0))
    seam = np.abs(samples[0] - samples[-1])
    assert np.all(seam <= np.percentile(steps, 99.9, axis=0))
    assert np.abs(samples.mean(axis=0)).max() < 0.01  # no DC offset to thump at the seam


def test_moods_sound_different(tmp_path: Path) -> None:
    shapes = {m: spectrum(read_wav(compose(tmp_path, mood=m).path)[0]) for m in MOODS}
    for a in MOODS:
        for b in MOODS:
            if a < b:
                assert np.abs(shapes[a] - shapes[b]).sum() > 0.1, (a, b)


def beat_seconds(samples: np.ndarray) -> float:
    """The strongest repetition period of the loudness rises, between 0.3 s and 1.2 s."""
    mono = samples.mean(axis=1)
    hop = 480  # 10 ms
    count = len(mono) // hop
    loudness = np.sqrt((mono[: count * hop].reshape(count, hop) ** 2).mean(axis=1))
    rises = np.maximum(0, np.diff(loudness))
    rises -= rises.mean()
    correlation = np.correlate(rises, rises, "full")[len(rises) - 1 :]
    lags = np.arange(30, 121)
    return float(lags[np.argmax(correlation[lags])] / 100)


@pytest.mark.parametrize("tempo", [80, 120])
def test_the_beat_follows_the_tempo(tmp_path: Path, tempo: int) -> None:
    samples, _ = read_wav(compose(tmp_path, mood="upbeat", tempo=tempo, duration=16.0).path)

    assert beat_seconds(samples) == pytest.approx(60 / tempo, rel=0.05)


def test_the_same_request_makes_the_same_bed_and_another_seed_a_different_one(
    tmp_path: Path,
) -> None:
    one = read_wav(compose(tmp_path, seed=1).path)[0]
    again = read_wav(compose(tmp_path, seed=1).path)[0]
    other = read_wav(compose(tmp_path, seed=2).path)[0]

    assert np.array_equal(one, again)
    assert not np.array_equal(one, other)


def test_a_bed_needs_a_length(tmp_path: Path) -> None:
    with pytest.raises(ProviderError):
        compose(tmp_path, duration=0)
