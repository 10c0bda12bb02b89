"""Rendering a timeline: segments encoded once each, a soundtrack made once, joined without
re-encoding (the package docstring says why it is shaped like this)."""

from __future__ import annotations

import concurrent.futures as cf
import dataclasses
import hashlib
import json
import logging
import math
import os
import shutil
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from subprocess import Popen
from typing import Any

from vendors.base import WordTiming
from vendors.media import media_duration, run_ffmpeg, x264_args
from vendors.offline.kenburns import choose_motion, zoompan_filter

from .audio import AudioOptions, render_audio
from .cache import RenderCache, file_digest, segment_key, soundtrack_keys
from .captions import CaptionEvent, CaptionStyle, ass_document, caption_events
from .probe import Interval
from .timeline import Clip, TimelineShot, plan_clips, plan_segments

logger = logging.getLogger(__name__)

ProgressCallback = Callable[[float, float], None]
"""Called with (seconds rendered, seconds in all), always in the thread that called render()."""

AUDIO_SHARE = 0.02  # of the progress bar: the soundtrack is small next to the picture


@dataclass(frozen=True)
class RenderOptions:
    width: int = 1280
    height: int = 720
    fps: int = 30
    preset: str = "veryfast"
    crf: int = 21
    segment_seconds: float = 5.0  # about a shot per segment: the least memory, the best balance
    max_clips_per_segment: int = 4
    #: segments encoded at once; None: two up to 1280x720, one above (a 1080p segment process
    #: peaks at about 380 MB, two would pass the 500 MB budget)
    jobs: int | None = None
    x264_threads: int | None = 2  # per process: segments already run side by side
    captions: CaptionStyle | None = field(default_factory=CaptionStyle)  # None: no captions
    audio: AudioOptions = field(default_factory=AudioOptions)


@dataclass(frozen=True)
class RenderResult:
    path: Path
    duration: float
    width: int
    height: int
    segments: int
    audio: dict[str, Any]
    #: where the picture holds still on purpose (a clip shorter than its shot): the quality
    #: check does not count these as frozen
    holds: tuple[Interval, ...]
    seconds: dict[str, float]  # wall time of each phase
    #: segments taken from the cache instead of being encoded, and the spans (in seconds of the
    #: timeline) of those that were encoded
    reused: int = 0
    encoded: tuple[Interval, ...] = ()
    sound_reused: bool = False


def render(
    shots: Sequence[TimelineShot],
    output: Path,
    *,
    voice: Path | None = None,
    music: Path | None = None,
    words: Sequence[WordTiming] = (),
    options: RenderOptions | None = None,
    on_progress: ProgressCallback | None = None,
    cache: RenderCache | None = None,
) -> RenderResult:
    """Render ``shots`` with the voice, the music bed ducked under it and (unless
    ``options.captions`` is None) the words burned in, into ``output`` (H.264 High + AAC 48 kHz,
    ``+faststart``).

    With a ``cache``, every segment (and the soundtrack) whose key it holds is taken from it
    instead of being encoded, and every one encoded is put into it (``vendors.render.cache``).

    Runs ffmpeg processes side by side in threads; if anything fails or ``on_progress`` raises
    (a cancelled run), every ffmpeg still running is killed before the exception goes on.
    """
    opts = options or RenderOptions()
    if opts.width % 2 or opts.height % 2:
        raise ValueError("width and height must be even (yuv420p)")
    started = time.perf_counter()
    clips, total = plan_clips(shots, opts.fps)
    duration = total / opts.fps
    segments = plan_segments(
        clips,
        total,
        target=round(opts.segment_seconds * opts.fps),
        max_clips=opts.max_clips_per_segment,
    )
    holds = _holds(clips, opts.fps)
    events = caption_events(words, opts.captions) if (words and opts.captions) else []
    seconds: dict[str, float] = {}
    work = Path(tempfile.mkdtemp(prefix="render-", dir=output.parent))
    processes = _Processes()
    progress = _Progress(duration)
    try:
        t = time.perf_counter()
        captions = [_captions(events, opts, first, stop) for first, stop in segments]
        fonts = opts.captions.font_files if opts.captions else ()
        if any(captions):
            _link_fonts(work, fonts)
        digests = _digests(clips, voice, music) if cache is not None else {}
        font_digests = (
            tuple(file_digest(f) for f in fonts if f.is_file())
            if cache is not None and any(captions)
            else ()
        )
        plans: list[tuple[list[str], str | None]] = []  # each segment's ffmpeg args and key
        for k, (first, stop) in enumerate(segments):
            text, ass = captions[k], None
            if text is not None:
                ass = f"cap-{hashlib.sha256(text.encode()).hexdigest()[:20]}.ass"
                (work / ass).write_text(text, encoding="utf-8")
            args = _segment_args(clips, first, stop, opts, ass=ass, out=f"seg{k:04d}.mp4")
            key = None
            if cache is not None:
                key = segment_key(
                    args[:-1], digests=digests, captions=text, fonts=font_digests if ass else ()
                )
            plans.append((args, key))
        sound_keys = (
            soundtrack_keys(
                voice=digests[str(voice)] if voice is not None else None,
                music=digests[str(music)] if music is not None else None,
                duration=duration,
                options=dataclasses.asdict(opts.audio),
            )
            if cache is not None
            else None
        )
        seconds["plan"] = time.perf_counter() - t

        def segment(k: int) -> tuple[str, bool]:
            """Segment ``k`` in the work folder (its file name), and whether it was reused."""
            first, stop = segments[k]
            args, key = plans[k]
            name, length = args[-1], (stop - first) / opts.fps
            if cache is not None and key is not None and _cache_get(cache, key, work / name):
                progress.set(f"v{k}", length)
                return name, True
            run_ffmpeg(
                args,
                cwd=work,
                on_progress=lambda s: progress.set(f"v{k}", min(s, length)),
                on_start=processes.add,
            )
            if cache is not None and key is not None:
                _cache_put(cache, key, work / name)
            return name, False

        def soundtrack() -> tuple[dict[str, Any], bool]:
            t = time.perf_counter()
            out, measured_file = work / "audio.m4a", work / "audio.json"
            if (
                cache is not None
                and sound_keys is not None
                and _cache_get(cache, sound_keys[1], measured_file)
                and _cache_get(cache, sound_keys[0], out)
            ):
                measured, reused = json.loads(measured_file.read_text(encoding="utf-8")), True
            else:
                measured, reused = (
                    render_audio(
                        out,
                        duration=duration,
                        voice=voice,
                        music=music,
                        opts=opts.audio,
                        on_start=processes.add,
                    ),
                    False,
                )
                if cache is not None and sound_keys is not None:
                    measured_file.write_text(json.dumps(measured), encoding="utf-8")
                    # the sound first: whoever finds the measurements finds the sound too
                    if _cache_put(cache, sound_keys[0], out):
                        _cache_put(cache, sound_keys[1], measured_file)
            seconds["audio"] = time.perf_counter() - t
            progress.set("audio", duration * AUDIO_SHARE)
            return measured, reused

        jobs = opts.jobs or (2 if opts.width * opts.height <= 1280 * 720 else 1)
        t = time.perf_counter()
        with cf.ThreadPoolExecutor(max_workers=jobs) as pool:
            audio = pool.submit(soundtrack)  # first: it takes a slot before the segments
            parts = [pool.submit(segment, k) for k in range(len(segments))]
            try:
                _wait(pool, [audio, *parts], progress, on_progress)
            except BaseException:
                for future in parts:
                    future.cancel()
                processes.kill()
                raise
        seconds["picture+sound"] = time.perf_counter() - t
        # Each segment's exact length, so the join does not take it from the segment's own
        # metadata, which may be kept to the millisecond: the next one would start early.
        (work / "segments.txt").write_text(
            "".join(
                f"file '{p.result()[0]}'\nduration {(b - a) / opts.fps:.6f}\n"
                for p, (a, b) in zip(parts, segments, strict=True)
            )
        )
        t = time.perf_counter()
        part = output.with_name(f"{output.stem}.part.mp4")
        run_ffmpeg(
            ["-f", "concat", "-safe", "0", "-i", "segments.txt", "-i", "audio.m4a",
             "-map", "0:v:0", "-map", "1:a:0", "-c", "copy",
             # rounded up, or the last frame is cut by a fraction of a microsecond: an edit
             # list, in the movie's time scale (1/1000 s by default, so given the video's,
             # here and for each segment), which players read as a frame rate not quite 30
             "-t", f"{math.ceil(duration * 1e6) / 1e6:.6f}",
             "-movie_timescale", str(opts.fps * 512),
             "-movflags", "+faststart", str(part.resolve())],
            cwd=work,
        )  # fmt: skip
        part.replace(output)
        seconds["join"] = time.perf_counter() - t
        seconds["total"] = time.perf_counter() - started
        if on_progress is not None:
            on_progress(duration, duration)
        encoded = tuple(
            Interval(round(a / opts.fps, 3), round(b / opts.fps, 3))
            for p, (a, b) in zip(parts, segments, strict=True)
            if not p.result()[1]
        )
        return RenderResult(
            path=output,
            duration=duration,
            width=opts.width,
            height=opts.height,
            segments=len(segments),
            audio=audio.result()[0],
            holds=holds,
            seconds=seconds,
            reused=len(segments) - len(encoded),
            encoded=encoded,
            sound_reused=audio.result()[1],
        )
    finally:
        processes.kill()
        shutil.rmtree(work, ignore_errors=True)


# --- one segment ----------------------------------------------------------------------------


def _captions(
    events: Sequence[CaptionEvent], opts: RenderOptions, first: int, stop: int
) -> str | None:
    """The caption file of frames ``[first, stop)``, or None when no caption shows in them."""
    if not events or opts.captions is None:
        return None
    start, end = first / opts.fps, stop / opts.fps
    if not any(e.end > start and e.start < end for e in events):
        return None
    return ass_document(
        events, width=opts.width, height=opts.height, style=opts.captions, window=(start, end)
    )


def _digests(clips: Sequence[Clip], voice: Path | None, music: Path | None) -> dict[str, str]:
    """The content digest of every input file, by the path the ffmpeg arguments name it by."""
    paths = {str(c.shot.source): c.shot.source for c in clips}
    for extra in (voice, music):
        if extra is not None:
            paths[str(extra)] = extra
    return {name: file_digest(path) for name, path in paths.items()}


def _cache_get(cache: RenderCache, key: str, into: Path) -> bool:
    """Entry ``key`` into ``into``; a cache that fails counts as a miss (the work is redone)."""
    try:
        if cache.get(key, into):
            return True
    except Exception:
        logger.warning("render cache: could not read %s; encoding it again", key, exc_info=True)
    into.unlink(missing_ok=True)
    return False


def _cache_put(cache: RenderCache, key: str, source: Path) -> bool:
    """Keep ``source`` as ``key``; a cache that fails only costs the next render the work."""
    try:
        cache.put(key, source)
        return True
    except Exception:
        logger.warning("render cache: could not keep %s", key, exc_info=True)
        return False


def _segment_args(
    clips: Sequence[Clip], first: int, stop: int, opts: RenderOptions, *, ass: str | None, out: str
) -> list[str]:
    """ffmpeg arguments for frames ``[first, stop)`` of the timeline: every clip that shows in
    them, joined by concat or xfade, the captions, one encode."""
    fps, width, height = opts.fps, opts.width, opts.height
    inputs: list[str] = []
    chains: list[str] = []
    parts: list[tuple[str, int, int]] = []  # (label, first, stop) in frames of this segment
    for clip in clips:
        a, b = max(clip.first, first), min(clip.stop, stop)
        if b <= a:
            continue
        k, frames = len(parts), b - a
        if clip.shot.is_image:
            inputs += ["-i", str(clip.shot.source)]
            motion = choose_motion(clip.shot.seed or f"{clip.shot.source.name}|{clip.index}")
            picture = zoompan_filter(
                motion,
                width=width,
                height=height,
                frames=frames,
                fps=fps,
                offset=a - clip.first,
                total=clip.stop - clip.first,
            )
        else:
            skip = (a - clip.first) / fps
            inputs += ["-ss", f"{skip:.4f}", "-t", f"{frames / fps + 1:.4f}"]
            inputs += ["-i", str(clip.shot.source)]
            picture = (
                f"scale={width}:{height}:force_original_aspect_ratio=increase,"
                f"crop={width}:{height},setsar=1,fps={fps},tpad=stop_mode=clone:stop=-1"
            )
        chains.append(
            f"[{k}:v]{picture},format=yuv420p,trim=end_frame={frames},setpts=N/({fps}*TB)[c{k}]"
        )
        parts.append((f"c{k}", a - first, b - first))
    joined, joined_stop = parts[0][0], parts[0][2]
    for j, (label, a, b) in enumerate(parts[1:], start=1):
        if a < joined_stop:  # the clips overlap: a crossfade
            chains.append(
                f"[{joined}][{label}]xfade=transition=fade:duration="
                f"{(joined_stop - a) / fps:.6f}:offset={a / fps:.6f}[j{j}]"
            )
        else:
            # concat answers in microseconds; xfade wants both inputs in frames
            chains.append(f"[{joined}][{label}]concat=n=2:v=1:a=0,settb=1/{fps}[j{j}]")
        joined, joined_stop = f"j{j}", b
    # A frame or two short (rounding in a source's timestamps) must not shorten the segment.
    tail = f"[{joined}]tpad=stop_mode=clone:stop=2"
    if ass:
        tail += f",ass=filename={ass}:fontsdir=fonts"
    chains.append(tail + "[out]")
    # One filter thread: segments already run side by side, and it saves memory per process.
    return [
        "-filter_complex_threads", "1", *inputs, "-filter_complex", ";".join(chains),
        "-map", "[out]", "-frames:v", str(stop - first), "-an",
        *x264_args(fps=fps, preset=opts.preset, crf=opts.crf, threads=opts.x264_threads),
        "-movie_timescale", str(fps * 512), out,
    ]  # fmt: skip


def _holds(clips: Sequence[Clip], fps: int) -> tuple[Interval, ...]:
    """Where a video clip runs out before its shot ends and its last frame is held."""
    holds = []
    for clip in clips:
        if clip.shot.is_image:
            continue
        length = media_duration(clip.shot.source)
        runs_out = clip.first / fps + length
        if runs_out < clip.stop / fps:
            holds.append(Interval(round(runs_out, 3), round(clip.stop / fps, 3)))
    return tuple(holds)


def _link_fonts(work: Path, fonts: Sequence[Path]) -> None:
    """libass loads every font in ``fontsdir``: link only the ones the captions use (all of
    DejaVu costs about 18 MB per process)."""
    folder = work / "fonts"
    folder.mkdir(exist_ok=True)
    for font in fonts:
        if font.is_file():
            os.symlink(font.resolve(), folder / font.name)


# --- running them side by side ------------------------------------------------------------


class _Processes:
    """The ffmpeg processes of one render, so an abort can stop them all (and any a job starts
    after the abort)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._running: list[Popen[str]] = []
        self._stopped = False

    def add(self, process: Popen[str]) -> None:
        with self._lock:
            if self._stopped:
                process.kill()
                return
            self._running = [p for p in self._running if p.poll() is None] + [process]

    def kill(self) -> None:
        with self._lock:
            self._stopped = True
            for process in self._running:
                if process.poll() is None:
                    process.kill()
            self._running = []


class _Progress:
    """Seconds done per job, written by the jobs' threads, read by the caller's thread."""

    def __init__(self, duration: float) -> None:
        self.duration = duration
        self._lock = threading.Lock()
        self._done: dict[str, float] = {}

    def set(self, key: str, seconds: float) -> None:
        with self._lock:
            self._done[key] = seconds

    def seconds(self) -> float:
        with self._lock:
            done = sum(self._done.values())
        return min(self.duration, done / (1 + AUDIO_SHARE))


def _wait(
    pool: cf.ThreadPoolExecutor,
    futures: list[cf.Future[Any]],
    progress: _Progress,
    on_progress: ProgressCallback | None,
) -> None:
    """Wait for every job, reporting progress from this thread; the first failure is raised."""
    pending = set(futures)
    reported = -1.0
    while pending:
        done, pending = cf.wait(pending, timeout=0.5, return_when=cf.FIRST_EXCEPTION)
        for future in done:
            future.result()  # raises the job's exception
        if on_progress is not None:
            now = progress.seconds()
            if now > reported:
                on_progress(now, progress.duration)
                reported = now
