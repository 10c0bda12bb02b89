"""The timeline in whole frames, and where it may be cut into segments.

A shot occupies ``[start, end)`` on the timeline. A crossfade into a shot overlaps the two
shots by its length, centred on the cut, so each clip reaches half a fade into its neighbours.
A segment boundary falls only at a hard cut or where a crossfade ends, so a fade is never split.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".webp", ".bmp"}


@dataclass(frozen=True)
class TimelineShot:
    """One shot: its picture (a still gets a Ken Burns move chosen from ``seed``; a video is
    scaled to cover the frame, centre-cropped, and its last frame held if it is too short),
    its place in seconds, and the crossfade from the previous shot into it."""

    source: Path
    start: float
    end: float
    crossfade: float = 0.0
    seed: str = ""

    @property
    def is_image(self) -> bool:
        return self.source.suffix.lower() in IMAGE_SUFFIXES


@dataclass(frozen=True)
class Clip:
    shot: TimelineShot
    index: int
    first: int  # first frame on the timeline, half a fade early when one leads in
    stop: int  # frame after the last, half a fade late when one leads out
    fade_in: int  # frames of crossfade at ``first``


def plan_clips(shots: Sequence[TimelineShot], fps: int) -> tuple[list[Clip], int]:
    """The clips in timeline order and the timeline's length in frames."""
    if not shots:
        raise ValueError("an empty timeline")
    shots = sorted(shots, key=lambda s: s.start)
    starts = [round(s.start * fps) for s in shots]
    ends = [round(s.end * fps) for s in shots]
    total = max(ends)
    fades = [0] + [max(0, round(s.crossfade * fps)) for s in shots[1:]]
    for i in range(1, len(shots)):  # a fade cannot outlast either of its shots
        fades[i] = min(fades[i], ends[i] - starts[i], ends[i - 1] - starts[i - 1])
    clips = []
    for i, shot in enumerate(shots):
        last = i + 1 == len(shots)
        lead_out = 0 if last else fades[i + 1] - fades[i + 1] // 2
        first = max(0, starts[i] - fades[i] // 2)
        stop = min(total, (ends[i] if last else starts[i + 1]) + lead_out)
        clips.append(Clip(shot, i, first, max(first + 1, stop), fades[i]))
    return clips, total


def plan_segments(
    clips: Sequence[Clip], total: int, *, target: int, max_clips: int
) -> list[tuple[int, int]]:
    """Segments ``[first, stop)`` in frames of about ``target`` frames, each holding at most
    ``max_clips`` clips, cut only where no crossfade is running."""
    cuts = sorted({c.first + c.fade_in for c in clips[1:]} | {total})
    segments: list[tuple[int, int]] = []
    first = 0
    while first < total:
        candidates = [c for c in cuts if c > first]
        best = min(candidates, key=lambda c: abs((c - first) - target))
        while True:
            held = sum(1 for c in clips if c.first < best and c.stop > first)
            shorter = [c for c in candidates if c < best]
            if held <= max_clips or not shorter:
                break
            best = shorter[-1]
        segments.append((first, best))
        first = best
    return segments
