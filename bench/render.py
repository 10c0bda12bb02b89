"""The renderer on the standard timeline of docs/performance.md (``python -m bench render``).

60 s of Piper narration (about 150 words, padded to the minute), 12 stills with Ken Burns moves,
a music bed ducked under the voice, captions burned in from the words, 1280x720 at 30 fps,
libx264 veryfast, AAC, ``+faststart``; all made here, no network. The 10-minute timeline is the
minute ten times over (120 stills).

Compared side by side with the floor: one bare ffmpeg command encoding the same stills with the
same moves, length, size and x264 settings, concatenated in one graph, with no audio and no
captions. Memory is the peak of the summed RSS of the ffmpeg processes running at once, sampled
from /proc every 50 ms (the renderer runs ffmpeg only; ``RUSAGE_CHILDREN.ru_maxrss`` is useless
here: a child forked from this big process is charged its RSS at fork time). CPU is the children's
user+system time. The machine is shared, so "effective cores" says how many of its cores were
free while measuring.
"""

from __future__ import annotations

import os
import resource
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from vendors.base import (
    ImageRequest,
    MediaFile,
    MusicRequest,
    SpeechRequest,
    VisualRef,
    WordTiming,
)
from vendors.media import read_wav, run_ffmpeg, write_wav, x264_args
from vendors.offline.image import PillowImages
from vendors.offline.kenburns import choose_motion, zoompan_filter
from vendors.offline.music import SynthMusic
from vendors.offline.speech import LocalSpeech
from vendors.render import TimelineShot, render
from vendors.render.probe import loudness, probe

NARRATION = (
    "Every great journey starts with a single step, and today we take that step together. "
    "We will look at how small daily habits quietly shape the people we become. "
    "Scientists call it the habit loop: a cue, a routine, and a reward. "
    "The cue is the trigger, like your phone buzzing or the smell of fresh coffee. "
    "The routine is what you do next, almost without thinking. "
    "And the reward is the small good feeling that tells your brain to remember. "
    "Here is the surprising part. You cannot simply delete a bad habit. "
    "But you can keep the cue and the reward, and swap the routine in the middle. "
    "Try it this week with one habit only. Write down the cue, pick a better routine, "
    "and notice the reward every single time. Small changes, repeated daily, "
    "add up to remarkable results. See you in the next video."
)
MINUTE = 60.0
SHOTS_PER_MINUTE = 12
FPS, WIDTH, HEIGHT = 30, 1280, 720
REPEAT = 2  # 1-minute renders (and bare passes); the figures are their medians


@dataclass(frozen=True)
class Timeline:
    shots: list[TimelineShot]
    voice: Path
    music: Path
    words: list[WordTiming]
    seconds: float


@dataclass(frozen=True)
class Measured:
    wall: float
    cpu: float
    peak_mb: float  # summed over the ffmpeg processes running at once
    peak_one_mb: float  # the largest single ffmpeg process


class FfmpegMemory:
    """Samples the RSS of this process's ffmpeg children from /proc while it is entered. Only
    children that have exec'd ffmpeg count: between fork and exec a child shows our RSS."""

    def __init__(self, interval: float = 0.05) -> None:
        self.interval = interval
        self.peak_kb = 0
        self.peak_one_kb = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def _sample(self) -> None:
        me = str(os.getpid())
        while not self._stop.is_set():
            total = 0
            for pid in filter(str.isdigit, os.listdir("/proc")):
                try:
                    stat = Path(f"/proc/{pid}/stat").read_text()
                    name, rest = (
                        stat[stat.find("(") + 1 : stat.rfind(")")],
                        stat[stat.rfind(")") + 2 :],
                    )
                    if rest.split()[1] != me or "ffmpeg" not in name:
                        continue
                    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                        if line.startswith("VmRSS:"):
                            kb = int(line.split()[1])
                            total += kb
                            self.peak_one_kb = max(self.peak_one_kb, kb)
                            break
                except (OSError, IndexError, ValueError):
                    continue
            self.peak_kb = max(self.peak_kb, total)
            self._stop.wait(self.interval)

    def __enter__(self) -> FfmpegMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def measure(work: Callable[[], object]) -> Measured:
    with FfmpegMemory() as memory:
        cpu, started = _children_cpu(), time.perf_counter()
        work()
        wall = time.perf_counter() - started
    return Measured(wall, _children_cpu() - cpu, memory.peak_kb / 1024, memory.peak_one_kb / 1024)


def effective_cores() -> float:
    """How many cores are free now: one busy loop against two side by side."""
    code = "s = 0\nfor i in range(12_000_000): s += i"
    started = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], check=True)
    one = time.perf_counter() - started
    started = time.perf_counter()
    loops = [subprocess.Popen([sys.executable, "-c", code]) for _ in range(2)]
    for loop in loops:
        loop.wait()
    return 2 * one / (time.perf_counter() - started)


def build(root: Path, minutes: int) -> Timeline:
    """The standard timeline, ``minutes`` long, from generated inputs."""
    root.mkdir(parents=True, exist_ok=True)
    spoken = LocalSpeech().synthesize(SpeechRequest(text=NARRATION, speed=1 / 1.2), workdir=root)
    samples, rate = read_wav(spoken.audio.path)
    minute = np.zeros((int(MINUTE * rate), samples.shape[1]), np.float32)
    minute[: min(len(samples), len(minute))] = samples[: len(minute)]
    voice = write_wav(root / f"voice-{minutes}.wav", np.tile(minute, (minutes, 1)), rate)
    words = [
        WordTiming(w.word, w.start + m * MINUTE, w.end + m * MINUTE)
        for m in range(minutes)
        for w in spoken.words
        if w.end <= MINUTE
    ]
    bed = SynthMusic().compose(
        MusicRequest(mood="inspiring", tempo=100, duration=MINUTE * minutes), workdir=root
    )
    people = (VisualRef("Mira", "character", "#e63946"), VisualRef("Bolt", "character"))
    places = [VisualRef(p, "location") for p in ("Harbor town", "Forest", "City")]
    count = SHOTS_PER_MINUTE * minutes
    seconds = MINUTE * minutes
    shots = []
    for i in range(count):
        request = ImageRequest(
            prompt=f"Scene {i}: the habit loop, part {i % SHOTS_PER_MINUTE}",
            width=WIDTH,
            height=HEIGHT,
            style="cinematic",
            references=(*people[: 1 + i % 2], places[i % 3]),
        )
        still = PillowImages().generate(request, workdir=root)
        assert isinstance(still, MediaFile)
        start, end = seconds * i / count, seconds * (i + 1) / count
        shots.append(TimelineShot(still.path, start, end, seed=f"shot{i}"))
    assert isinstance(bed, MediaFile)
    return Timeline(shots, voice, bed.path, words, seconds)


def bare_pass(timeline: Timeline, out: Path) -> None:
    """The floor: the same stills, moves and x264 settings in one graph, one encode, no sound
    and no captions."""
    inputs: list[str] = []
    chains = []
    for k, shot in enumerate(timeline.shots):
        frames = round((shot.end - shot.start) * FPS)
        inputs += ["-i", str(shot.source)]
        move = zoompan_filter(
            choose_motion(shot.seed), width=WIDTH, height=HEIGHT, frames=frames, fps=FPS
        )
        chains.append(f"[{k}:v]{move},format=yuv420p[c{k}]")
    chains.append(
        "".join(f"[c{k}]" for k in range(len(timeline.shots)))
        + f"concat=n={len(timeline.shots)}:v=1:a=0[v]"
    )
    graph = out.with_suffix(".graph")
    graph.write_text(";\n".join(chains))
    run_ffmpeg(
        [
            *inputs,
            "-/filter_complex",
            str(graph),
            "-map",
            "[v]",
            "-an",
            *x264_args(fps=FPS),
            str(out),
        ],
        timeout=3600,
    )


def run() -> Iterator[str]:
    with tempfile.TemporaryDirectory(prefix="bench-render-") as tmp:
        root = Path(tmp)
        one = build(root / "one", 1)
        ours: list[Measured] = []
        bare: list[Measured] = []
        cores: list[float] = []
        for _ in range(REPEAT):
            cores.append(effective_cores())
            ours.append(measure(lambda: render(one.shots, root / "final-1.mp4", voice=one.voice,
                                               music=one.music, words=one.words)))  # fmt: skip
            bare.append(measure(lambda: bare_pass(one, root / "bare-1.mp4")))
        info, heard = probe(root / "final-1.mp4"), loudness(root / "final-1.mp4")
        video, audio = info.first("video"), info.first("audio")
        assert video is not None
        assert audio is not None
        yield (
            f"standard timeline: {info.duration:.3f} s, {video.codec} {video.profile} "
            f"{video.width}x{video.height} {video.fps:g} fps, "
            f"{audio.codec} {audio.sample_rate} Hz, "
            f"faststart {info.faststart}, {heard.integrated:.1f} LUFS, {heard.true_peak:.1f} dBTP, "
            f"{info.size_bytes / 1e6:.1f} MB"
        )
        wall = statistics.median(m.wall for m in ours)
        floor = statistics.median(m.wall for m in bare)
        cpu = statistics.median(m.cpu for m in ours) / statistics.median(m.cpu for m in bare)
        yield (
            f"render floor ratio: {wall / floor:.2f} (goal <= 1.3; ours {wall:.1f} s, bare pass "
            f"{floor:.1f} s; by CPU time {cpu:.2f}; effective cores {statistics.median(cores):.1f})"
        )
        yield (
            f"render speed: {one.seconds / wall:.2f}x real time "
            f"(goal >= 2; bare pass {one.seconds / floor:.2f}x)"
        )
        ten = build(root / "ten", 10)
        cores_ten = effective_cores()
        long = measure(lambda: render(ten.shots, root / "final-10.mp4", voice=ten.voice,
                                      music=ten.music, words=ten.words))  # fmt: skip
        short = min(ours, key=lambda m: m.wall)
        yield (
            f"render scaling: 10 min / 1 min time {long.wall / wall:.2f}x (goal <= 10.5; "
            f"{long.wall:.0f} s, {ten.seconds / long.wall:.2f}x real time, CPU "
            f"{long.cpu / statistics.median(m.cpu for m in ours):.2f}x; effective cores "
            f"{cores_ten:.1f})"
        )
        peak_short = max(m.peak_mb for m in ours)
        yield (
            f"render scaling: peak RSS {peak_short:.0f} MB -> {long.peak_mb:.0f} MB = "
            f"{long.peak_mb / peak_short:.2f}x (goal <= 1.2 and < 500 MB; largest single ffmpeg "
            f"{short.peak_one_mb:.0f} -> {long.peak_one_mb:.0f} MB; bare pass 1 min "
            f"{max(m.peak_mb for m in bare):.0f} MB)"
        )


if __name__ == "__main__":
    for line in run():
        print(line, flush=True)
