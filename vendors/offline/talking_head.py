"""Offline talking head: the character's still with subtle motion timed to its line.

The line's loudness (10 ms frames) gives its phrases; each phrase gets a gentle nod (the view
rises and settles while the phrase lasts, with a small 2.5 Hz wobble on top) over a slow zoom-in
across the whole clip, so the picture moves when the character speaks and rests when it pauses.
The motion is one zoompan expression built from the phrase times (no frame passes through
Python); the still is upscaled first, as for the Ken Burns clips, so the motion does not jitter.
The clip lasts the request's duration exactly and carries the line as AAC 48 kHz.
"""

from __future__ import annotations

import uuid
from pathlib import Path

from vendors.base import (
    CallbackTarget,
    MediaFile,
    PendingJob,
    ProviderError,
    TalkingHeadRequest,
)
from vendors.media import read_wav_mono, run_ffmpeg, x264_args

from .kenburns import UPSCALE
from .words import voiced_spans

MAX_PHRASES = 40  # keeps the expression short; longer lines merge their closest phrases
NOD = 0.02  # nod height, as a fraction of the frame height
WOBBLE = 0.004
ZOOM_FROM, ZOOM_TO = 1.03, 1.05


def phrases(path: Path) -> list[tuple[float, float]]:
    """(start, end) seconds of the line's spoken phrases."""
    samples, rate = read_wav_mono(path)
    found = voiced_spans(samples, rate)
    while len(found) > MAX_PHRASES:  # merge across the shortest pause
        k = min(range(len(found) - 1), key=lambda i: found[i + 1][0] - found[i][1])
        found[k : k + 2] = [(found[k][0], found[k + 1][1])]
    return found


def motion_filter(
    spoken: list[tuple[float, float]], *, width: int, height: int, frames: int, fps: int
) -> str:
    t = f"(on/{fps})"
    hump = (
        "+".join(
            f"between({t},{s:.3f},{e:.3f})*sin(PI*({t}-{s:.3f})/{max(0.05, e - s):.3f})"
            for s, e in spoken
        )
        or "0"
    )
    dy = f"(-{NOD}*({hump})-{WOBBLE}*({hump})*sin(2*PI*2.5*{t}))"
    z = f"({ZOOM_FROM}+{ZOOM_TO - ZOOM_FROM:.4f}*on/{max(1, frames - 1)})"
    x = "iw/2-iw/zoom/2"
    y = f"max(0,min(ih-ih/zoom,ih/2-ih/zoom/2+({dy})*ih))"
    uw, uh = round(width * UPSCALE / 2) * 2, round(height * UPSCALE / 2) * 2
    return (
        f"[0:v]scale={uw}:{uh}:force_original_aspect_ratio=increase,crop={uw}:{uh},setsar=1,"
        f"format=rgb24,zoompan=z='{z}':x='{x}':y='{y}':d={frames}:s={width}x{height}:fps={fps},"
        f"setsar=1,format=yuv420p[v]"
    )


class StillTalkingHead:
    """:class:`vendors.base.TalkingHeadProvider` on this machine: H.264 + AAC mp4 of exactly
    ``round(duration * fps)`` frames; the line is padded with silence (or cut) to fit."""

    name = "offline"

    def talk(
        self, request: TalkingHeadRequest, *, workdir: Path, callback: CallbackTarget | None = None
    ) -> MediaFile | PendingJob:
        for given in (request.image, request.audio):
            if not given.path.is_file():
                raise ProviderError(f"no file at {given.path.name}")
        width, height = round(request.width / 2) * 2, round(request.height / 2) * 2
        fps = max(1, request.fps)
        frames = max(1, round(request.duration * fps))
        duration = frames / fps
        graph = workdir / f"talk-{uuid.uuid4().hex[:12]}.filter"
        graph.write_text(
            motion_filter(
                phrases(request.audio.path), width=width, height=height, frames=frames, fps=fps
            )
        )
        out = graph.with_suffix(".mp4")
        try:
            # One encoder thread: a clip is one worker task, and the workers are what runs clips in
            # parallel (bench: worker scaling); a second x264 thread would only contend with them.
            run_ffmpeg(
                ["-i", str(request.image.path), "-i", str(request.audio.path),
                 "-/filter_complex", str(graph), "-map", "[v]", "-map", "1:a",
                 "-frames:v", str(frames), *x264_args(fps=fps, threads=1),
                 "-af", f"aresample=48000,apad,atrim=0:{duration:.6f}",
                 "-c:a", "aac", "-b:a", "160k", "-ar", "48000", "-ac", "2",
                 "-movflags", "+faststart", str(out)]
            )  # fmt: skip
        finally:
            graph.unlink(missing_ok=True)
        return MediaFile(path=out, content_type="video/mp4", duration=duration)
