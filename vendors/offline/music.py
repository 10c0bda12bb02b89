"""Offline music: a synthesized bed from a mood and a tempo (numpy only), seamless at any length.

The mood picks key, scale, chord progression, instruments and feel; the tempo, the beat. One loop
(8 bars or fewer; the whole bed when it is short) is rendered into a *circular* buffer: note
tails, the low-pass filter and the reverb (FFT, i.e. circular convolution) wrap from its end into
its start, so the last sample flows into the first exactly as inside the loop. The tempo is
nudged (2 % at most once the bed is long enough) so the bed is a whole number of loops: it then
also loops seamlessly as a file. Memory is one loop: loops are streamed to the wav.

Output: WAV, 48 kHz stereo 16-bit, peaking at ``PEAK_DBFS``.
"""

from __future__ import annotations

import hashlib
import uuid
import wave
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from vendors.base import CallbackTarget, MediaFile, MusicRequest, PendingJob, ProviderError

PEAK_DBFS = -6.0
SR = 48_000

_MAJOR = [0, 2, 4, 5, 7, 9, 11]
_MINOR = [0, 2, 3, 5, 7, 8, 10]
_PHRYGIAN = [0, 1, 3, 5, 7, 8, 10]


@dataclass(frozen=True)
class MoodSpec:
    root: int  # MIDI note of the tonic (bass octave)
    scale: tuple[int, ...]
    progression: tuple[int, ...]  # scale degrees (0-based), one chord per bar pair
    default_bpm: int
    pad: float  # levels 0..1
    arp: float
    bass: float
    kick: float
    hat: float
    arp_div: int  # notes per beat in the arpeggio
    brightness: float  # low-pass cutoff in Hz
    reverb: float  # wet level


MOODS: dict[str, MoodSpec] = {
    "calm": MoodSpec(48, tuple(_MAJOR), (0, 5, 3, 4), 72, 0.9, 0.35, 0.35, 0.0, 0.0, 2, 3500, 0.35),
    "upbeat": MoodSpec(
        50, tuple(_MAJOR), (0, 4, 5, 3), 118, 0.45, 0.6, 0.55, 0.8, 0.35, 4, 7000, 0.15
    ),
    "tense": MoodSpec(
        45, tuple(_MINOR), (0, 0, 5, 4), 96, 0.55, 0.5, 0.7, 0.45, 0.25, 4, 3000, 0.2
    ),
    "inspiring": MoodSpec(
        47, tuple(_MAJOR), (5, 3, 0, 4), 100, 0.75, 0.5, 0.45, 0.45, 0.15, 2, 5000, 0.3
    ),
    "dark": MoodSpec(
        40, tuple(_PHRYGIAN), (0, 5, 1, 0), 68, 0.8, 0.25, 0.6, 0.25, 0.0, 1, 1800, 0.4
    ),
    "playful": MoodSpec(
        53, tuple(_MAJOR), (0, 3, 4, 0), 112, 0.3, 0.7, 0.5, 0.5, 0.3, 2, 6500, 0.12
    ),
}


def _midi_hz(n: float) -> float:
    return 440.0 * 2 ** ((n - 69) / 12)


def _env(n: int, attack: float, release: float, sustain_level: float = 1.0) -> np.ndarray:
    """Attack/decay-to-sustain/release envelope over n samples (times in s, >= 5 ms: no clicks)."""
    a = max(int(attack * SR), int(0.005 * SR))
    r = max(int(release * SR), int(0.005 * SR))
    a, r = min(a, n // 2), min(r, n - min(a, n // 2))
    e = np.full(n, sustain_level, np.float32)
    e[:a] = np.linspace(0, 1, a, dtype=np.float32) ** 2 * sustain_level
    if r:
        e[n - r :] *= np.linspace(1, 0, r, dtype=np.float32) ** 2
    return e


def _add(buf: np.ndarray, start: int, sig: np.ndarray, pan: float = 0.0) -> None:
    """Add mono ``sig`` at ``start`` into the circular stereo ``buf`` (wrapping past the end)."""
    n = buf.shape[0]
    if start >= n:
        return  # past the end of a loop cut short
    if len(sig) > n:  # longer than the loop: fold it onto itself first
        sig = np.pad(sig, (0, (-len(sig)) % n)).reshape(-1, n).sum(axis=0)
    gl, gr = np.sqrt(0.5 * (1 - pan)), np.sqrt(0.5 * (1 + pan))
    s0 = start % n
    first = min(len(sig), n - s0)
    buf[s0 : s0 + first, 0] += sig[:first] * gl
    buf[s0 : s0 + first, 1] += sig[:first] * gr
    if first < len(sig):
        rest = len(sig) - first
        buf[:rest, 0] += sig[first:] * gl
        buf[:rest, 1] += sig[first:] * gr


def _tone(freq: float, n: int, kind: str, rng: np.random.Generator) -> np.ndarray:
    t = np.arange(n, dtype=np.float32) / SR
    ph = rng.random() * 2 * np.pi
    if kind == "pad":  # detuned saw-ish via a few harmonics
        s = np.zeros(n, np.float32)
        for det in (-0.004, 0.0, 0.004):
            f = freq * (1 + det)
            for h in (1, 2, 3, 4):
                s += np.sin(2 * np.pi * f * h * t + ph * h) / (h * 1.6)
        return s / 4.0
    if kind == "pluck":
        pluck = (
            np.sin(2 * np.pi * freq * t + ph)
            + 0.35 * np.sin(4 * np.pi * freq * t)
            + 0.1 * np.sin(6 * np.pi * freq * t)
        )
        return (pluck * np.exp(-t * 6.0)).astype(np.float32)
    if kind == "bass":
        bass = np.sin(2 * np.pi * freq * t) + 0.25 * np.sin(4 * np.pi * freq * t)
        return bass.astype(np.float32)
    raise ValueError(kind)


def _kick(n: int) -> np.ndarray:
    t = np.arange(n, dtype=np.float32) / SR
    f = 48 + 90 * np.exp(-t * 30)
    ph = 2 * np.pi * np.cumsum(f) / SR
    return (np.sin(ph) * np.exp(-t * 9)).astype(np.float32)


def _hat(n: int, rng: np.random.Generator) -> np.ndarray:
    noise = rng.standard_normal(n).astype(np.float32)
    hp = np.diff(noise, prepend=0.0).astype(np.float32)
    t = np.arange(n, dtype=np.float32) / SR
    return hp * np.exp(-t * 60) * 0.3


def _circular_fx(
    buf: np.ndarray, cutoff: float, reverb: float, rng: np.random.Generator
) -> np.ndarray:
    """Low-pass + reverb as circular convolutions in the frequency domain (loop-safe)."""
    n = buf.shape[0]
    spec = np.fft.rfft(buf, axis=0)
    freqs = np.fft.rfftfreq(n, 1 / SR)
    lp = 1.0 / np.sqrt(1.0 + (freqs / cutoff) ** 4)  # 2nd-order-like magnitude response
    spec *= lp[:, None]
    if reverb > 0:
        m = min(n, int(2.2 * SR))
        t = np.arange(m) / SR
        out = np.empty_like(spec)
        for ch in range(2):
            ir = np.zeros(n, np.float32)
            ir[:m] = rng.standard_normal(m) * np.exp(-t * 3.2)
            ir[:m] *= np.minimum(1.0, t / 0.01)  # no energy at t=0: avoids doubling the dry signal
            irs = np.fft.rfft(ir)
            irs /= np.sqrt(np.mean(np.abs(irs) ** 2)) + 1e-9
            out[:, ch] = spec[:, ch] * (1.0 + reverb * 0.35 * irs)
        spec = out
    return np.fft.irfft(spec, n=n, axis=0).astype(np.float32)


def render_loop(mood: str, bpm: float, beats: int = 32, seed: str = "") -> np.ndarray:
    """One seamless loop, float32 (n, 2), peak 1.0: ``beats`` beats of 4/4 at ``bpm`` (a last,
    partial bar is cut short; what rings past the end wraps into the start)."""
    mood = mood.lower() if mood.lower() in MOODS else "calm"
    spec = MOODS[mood]
    rng = np.random.default_rng(int(hashlib.sha256(f"{mood}|{seed}".encode()).hexdigest()[:12], 16))
    beat = 60.0 / bpm
    n = round(beats * beat * SR)
    buf = np.zeros((n, 2), np.float32)
    scale = spec.scale
    bars = -(-beats // 4)
    bars_per_chord = max(1, bars // len(spec.progression))

    def note(degree: int, octave: int) -> int:
        return spec.root + 12 * octave + scale[degree % 7] + 12 * (degree // 7)

    for bar in range(bars):
        deg = spec.progression[(bar // bars_per_chord) % len(spec.progression)]
        chord = [note(deg, 1), note(deg + 2, 1), note(deg + 4, 1)]
        bar_start = bar * 4 * beat
        if spec.pad and bar % bars_per_chord == 0:
            ln = int(bars_per_chord * 4 * beat * SR)
            for i, m in enumerate([*chord, note(deg, 2)]):
                sig = _tone(_midi_hz(m), ln + int(0.6 * SR), "pad", rng)
                sig *= _env(len(sig), 0.4, 0.8, 1.0) * spec.pad * 0.16
                _add(buf, int(bar_start * SR), sig, pan=(-0.5, 0.5, -0.2, 0.2)[i])
        if spec.bass:
            for b in range(4 if spec.kick else 2):
                step = 4 // (4 if spec.kick else 2)
                ln = int(step * beat * SR * 0.9)
                sig = (
                    _tone(_midi_hz(note(deg, 0)), ln, "bass", rng)
                    * _env(ln, 0.01, 0.08)
                    * spec.bass
                    * 0.35
                )
                _add(buf, int((bar_start + b * step * beat) * SR), sig)
        if spec.arp:
            steps = 4 * spec.arp_div
            pattern = [0, 1, 2, 3, 2, 1] if rng.random() < 0.5 else [0, 2, 1, 3, 0, 2, 1, 3]
            for s in range(steps):
                if rng.random() < 0.12:
                    continue  # a few rests keep it alive
                m = [chord[0] + 12, chord[1] + 12, chord[2] + 12, chord[0] + 24][
                    pattern[s % len(pattern)]
                ]
                ln = int(min(0.9, 2.5 * beat / spec.arp_div) * SR)
                sig = _tone(_midi_hz(m), ln, "pluck", rng) * _env(ln, 0.005, 0.05) * spec.arp * 0.22
                _add(
                    buf,
                    int((bar_start + s * beat / spec.arp_div) * SR),
                    sig,
                    pan=0.35 if s % 2 else -0.35,
                )
        if spec.kick:
            for b in (0, 2) if mood != "upbeat" else (0, 1, 2, 3):
                k = _kick(int(0.35 * SR)) * spec.kick * 0.8
                _add(buf, int((bar_start + b * beat) * SR), k)
        if spec.hat:
            for h in range(8):
                hh = _hat(int(0.08 * SR), rng) * spec.hat * (1.0 if h % 2 else 0.5)
                _add(buf, int((bar_start + h * beat / 2) * SR), hh, pan=0.25)
    if mood == "tense":  # a high drone swelling once per loop
        # A whole number of cycles per loop, so the drone too runs on across the seam.
        cycles = max(1, round(_midi_hz(spec.root + 31) * n / SR))
        phase = np.arange(n, dtype=np.float64) / n
        drone = 0.04 * np.sin(2 * np.pi * cycles * phase) * (0.6 + 0.4 * np.sin(2 * np.pi * phase))
        buf += drone[:, None].astype(np.float32)
    out = _circular_fx(buf, spec.brightness, spec.reverb, rng)
    out -= out.mean(axis=0, keepdims=True)  # remove DC
    return out / (np.abs(out).max() + 1e-9)


class SynthMusic:
    """:class:`vendors.base.MusicProvider` on this machine; an unknown mood plays as "calm", a
    tempo of 0 as the mood's own."""

    name = "offline"

    def compose(
        self, request: MusicRequest, *, workdir: Path, callback: CallbackTarget | None = None
    ) -> MediaFile | PendingJob:
        if not request.duration > 0:
            raise ProviderError("a music bed needs a duration above zero")
        out = workdir / f"music-{uuid.uuid4().hex[:12]}.wav"
        frames = write_bed(
            out, duration=request.duration, mood=request.mood, bpm=request.tempo, seed=request.seed
        )
        return MediaFile(path=out, content_type="audio/wav", duration=frames / SR)


def write_bed(path: Path, *, duration: float, mood: str, bpm: float, seed: int = 0) -> int:
    """Write a seamless bed of ``duration`` seconds (to within a few samples); returns its length
    in samples. The tempo moves at most 2 % when whole loops of 8, 4, 2 or 1 bars fit the length,
    else the bed is one loop of whole beats (at most half a beat over the length)."""
    spec = MOODS.get(mood.lower(), MOODS["calm"])
    bpm = float(min(240, max(40, bpm or spec.default_bpm)))
    total = max(1, round(duration * SR))
    wanted = duration * bpm / 60  # beats at the asked tempo
    beats, loops = max(1, round(wanted)), 1
    for size in (32, 16, 8, 4):
        count = max(1, round(wanted / size))
        if abs(count * size - wanted) <= 0.02 * wanted:
            beats, loops = size, count
            break
    length = total // loops
    loop = render_loop(mood, beats * 60.0 * SR / length, beats, str(seed))[:length]
    if loop.shape[0] < length:
        loop = np.pad(loop, ((0, length - loop.shape[0]), (0, 0)))
    pcm = np.clip(np.round(loop * 10 ** (PEAK_DBFS / 20) * 32767), -32767, 32767).astype("<i2")
    data = pcm.tobytes()
    with wave.open(str(path), "wb") as w:
        w.setnchannels(2)
        w.setsampwidth(2)
        w.setframerate(SR)
        for _ in range(loops):
            w.writeframes(data)
    return length * loops
