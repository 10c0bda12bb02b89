"""Re-rendering with the segment cache (``python -m bench rerender``): the standard timeline
rendered once into an empty cache, then again unchanged, then after a one-chapter revision, each
÷ the first render's wall time (performance.md: goal <= 0.3).

The minute is four chapters of three shots. The revision rewrites the last chapter: new words
(the narration's opening 13 s spoken there instead of 15 s of the old text, so the video gets 2 s
shorter), three new pictures, and a new voice file, so the whole soundtrack is made again. The
cache is a local folder (``vendors.render.DirectoryCache``), as storage is in ``make run``.

``REPEAT`` rounds, each with a cache of its own; the figures are the medians.
"""

from __future__ import annotations

import statistics
import tempfile
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import numpy as np

from bench.render import MINUTE, Timeline, build, effective_cores, measure
from vendors.base import ImageRequest, MediaFile, WordTiming
from vendors.media import read_wav, write_wav
from vendors.offline.image import PillowImages
from vendors.render import DirectoryCache, RenderResult, TimelineShot, render

REPEAT = 2
CHAPTER = MINUTE / 4  # the last chapter starts at 45 s
NEW_CHAPTER = 13.0  # seconds the rewritten chapter lasts


def revise(timeline: Timeline, root: Path) -> Timeline:
    """The timeline with its last chapter rewritten."""
    start = MINUTE - CHAPTER
    samples, rate = read_wav(timeline.voice)
    voice = np.concatenate([samples[: int(start * rate)], samples[: int(NEW_CHAPTER * rate)]])
    words = [w for w in timeline.words if w.end <= start] + [
        WordTiming(w.word, w.start + start, w.end + start)
        for w in timeline.words
        if w.end <= NEW_CHAPTER
    ]
    kept = [s for s in timeline.shots if s.end <= start]
    new = []
    for i in range(3):
        picture = PillowImages().generate(
            ImageRequest(prompt=f"Revised scene {i}: a new ending", width=1280, height=720),
            workdir=root,
        )
        assert isinstance(picture, MediaFile)
        length = NEW_CHAPTER / 3
        new.append(
            TimelineShot(picture.path, start + i * length, start + (i + 1) * length, seed=f"new{i}")
        )
    return replace(
        timeline,
        shots=[*kept, *new],
        voice=write_wav(root / "voice-revised.wav", voice, rate),
        words=words,
        seconds=start + NEW_CHAPTER,
    )


def _timed(timeline: Timeline, out: Path, cache: DirectoryCache) -> tuple[float, RenderResult]:
    done: list[RenderResult] = []
    wall = measure(
        lambda: done.append(
            render(
                timeline.shots,
                out,
                voice=timeline.voice,
                music=timeline.music,
                words=timeline.words,
                cache=cache,
            )
        )
    ).wall
    return wall, done[0]


def run() -> Iterator[str]:
    with tempfile.TemporaryDirectory(prefix="bench-rerender-") as tmp:
        root = Path(tmp)
        first = build(root / "one", 1)
        revised = revise(first, root / "one")
        cores = effective_cores()
        rounds = (("first", first), ("unchanged", first), ("revised", revised))
        walls: dict[str, list[float]] = {name: [] for name, _ in rounds}
        results: dict[str, RenderResult] = {}
        for k in range(REPEAT):
            cache = DirectoryCache(root / f"cache{k}")  # empty: the first render fills it
            for name, timeline in rounds:
                wall, results[name] = _timed(timeline, root / f"{name}{k}.mp4", cache)
                walls[name].append(wall)
        base = statistics.median(walls["first"])
        yield (
            f"re-render: first render {base:.1f} s, {results['first'].segments} segments encoded "
            f"(effective cores {cores:.1f})"
        )
        for name, label in (
            ("unchanged", "unchanged"),
            ("revised", "after a one-chapter revision"),
        ):
            took, result = statistics.median(walls[name]), results[name]
            yield (
                f"re-render {label}: {took:.1f} s / {base:.1f} s = {took / base:.2f} "
                "(goal <= 0.3); "
                f"segments reused {result.reused} of {result.segments}, soundtrack "
                f"{'reused' if result.sound_reused else 'made again'}, keys "
                f"{result.seconds.get('plan', 0):.2f} s"
            )
