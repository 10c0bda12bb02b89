"""Offline video from an image: a Ken Burns "animated still" (a slow zoom or pan) with ffmpeg.

zoompan crops its input at whole-pixel positions and then scales the crop to the output, so at
the still's own resolution a slow move wobbles by up to a pixel (and by two on yuv420p input,
where x/y snap to the chroma grid). The still is therefore scaled once to twice the output size
and converted to rgb24 before zoompan: rounding then happens on a grid four times finer
(measured centre wobble on a 5 s 720p zoom: 0.83 px at 1x yuv420p, 0.05-0.16 px at 2x rgb24).
The input is a single frame (no ``-loop 1``): zoompan emits every output frame from it, so the
upscale runs once per clip, not once per frame.
"""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass
from pathlib import Path

from vendors.base import AnimateRequest, CallbackTarget, MediaFile, PendingJob, ProviderError
from vendors.media import run_ffmpeg, x264_args

UPSCALE = 2.0  # the still is scaled to this many times the output size before zoompan


@dataclass(frozen=True)
class Motion:
    """Zoom from ``z0`` to ``z1`` while the view's centre moves from (x0, y0) to (x1, y1);
    centres are fractions of the frame, kept so the view never leaves the image."""

    z0: float = 1.0
    z1: float = 1.15
    x0: float = 0.5
    y0: float = 0.5
    x1: float = 0.5
    y1: float = 0.5
    ease: bool = True  # smoothstep rather than linear progress


def choose_motion(seed: int | str) -> Motion:
    """One of zoom in, zoom out or a pan (left, right, up, down), sized by the seed."""
    rnd = random.Random(f"kenburns:{seed}")
    kind = rnd.choice(("in", "in", "out", "pan_lr", "pan_rl", "pan_ud", "pan_du"))
    amount = 0.10 + 0.12 * rnd.random()
    if kind == "in":
        return Motion(
            1.0,
            1 + amount,
            0.5,
            0.5,
            0.5 + rnd.uniform(-0.08, 0.08),
            0.5 + rnd.uniform(-0.06, 0.06),
        )
    if kind == "out":
        return Motion(
            1 + amount,
            1.0,
            0.5 + rnd.uniform(-0.08, 0.08),
            0.5 + rnd.uniform(-0.06, 0.06),
            0.5,
            0.5,
        )
    zoom = 1.15 + 0.05 * rnd.random()
    span = (0.5 - 0.5 / zoom) * 0.9  # as far as the centre may go without leaving the image
    return {
        "pan_lr": Motion(zoom, zoom, 0.5 - span, 0.5, 0.5 + span, 0.5),
        "pan_rl": Motion(zoom, zoom, 0.5 + span, 0.5, 0.5 - span, 0.5),
        "pan_ud": Motion(zoom, zoom, 0.5, 0.5 - span, 0.5, 0.5 + span),
    }.get(kind, Motion(zoom, zoom, 0.5, 0.5 + span, 0.5, 0.5 - span))


def zoompan_filter(
    motion: Motion,
    *,
    width: int,
    height: int,
    frames: int,
    fps: int,
    offset: int = 0,
    total: int | None = None,
) -> str:
    """A filter chain (no labels) turning one still into ``frames`` frames of ``motion``.

    ``total`` is the whole move's length in frames and ``offset`` where this piece starts in it,
    so a renderer can cut one move across segments and keep it smooth.
    """
    total = total or offset + frames
    uw, uh = _even(width * UPSCALE), _even(height * UPSCALE)
    progress = f"min(1,(on+{offset})/{max(1, total - 1)})"
    if motion.ease:
        progress = f"({progress}*{progress}*(3-2*{progress}))"
    z = f"({motion.z0:.5f}+({motion.z1 - motion.z0:.5f})*{progress})"
    cx = f"({motion.x0:.5f}+({motion.x1 - motion.x0:.5f})*{progress})"
    cy = f"({motion.y0:.5f}+({motion.y1 - motion.y0:.5f})*{progress})"
    x = f"max(0,min(iw-iw/zoom,{cx}*iw-iw/zoom/2))"
    y = f"max(0,min(ih-ih/zoom,{cy}*ih-ih/zoom/2))"
    return (
        f"scale={uw}:{uh}:force_original_aspect_ratio=increase:flags=bicubic,"
        f"crop={uw}:{uh},setsar=1,format=rgb24,"
        f"zoompan=z='{z}':x='{x}':y='{y}':d={frames}:s={width}x{height}:fps={fps},setsar=1"
    )


def _even(value: float) -> int:
    return max(2, round(value / 2) * 2)


class KenBurnsVideo:
    """:class:`vendors.base.VideoProvider` on this machine: H.264 (yuv420p), no audio track,
    exactly ``round(duration * fps)`` frames at the request's size."""

    name = "offline"

    def animate(
        self, request: AnimateRequest, *, workdir: Path, callback: CallbackTarget | None = None
    ) -> MediaFile | PendingJob:
        if not request.image.path.is_file():
            raise ProviderError(f"no image to animate at {request.image.path.name}")
        width, height, fps = _even(request.width), _even(request.height), max(1, request.fps)
        frames = max(1, round(request.duration * fps))
        chain = zoompan_filter(
            choose_motion(request.seed), width=width, height=height, frames=frames, fps=fps
        )
        out = workdir / f"kenburns-{uuid.uuid4().hex[:12]}.mp4"
        # One encoder thread: a clip is one worker task, and the workers are what runs clips in
        # parallel (bench: worker scaling); a second x264 thread would only contend with them.
        run_ffmpeg(
            ["-i", str(request.image.path), "-vf", f"{chain},format=yuv420p",
             "-frames:v", str(frames), *x264_args(fps=fps, threads=1), "-an",
             "-movflags", "+faststart", str(out)]
        )  # fmt: skip
        return MediaFile(path=out, content_type="video/mp4", duration=frames / fps)
