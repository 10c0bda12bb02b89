"""What a finished video really contains, and whether it passes the render's quality check.

There is no ffprobe: container and stream facts come from PyAV; loudness (``ebur128``) and black
or frozen stretches (``blackdetect``, ``freezedetect``) from the bundled ffmpeg.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from vendors.media import run_ffmpeg

TARGET_LUFS = -14.0  # YouTube's reference loudness
LOUDNESS_TOLERANCE = 1.0  # LU
MAX_TRUE_PEAK = -1.0  # dBTP
DURATION_TOLERANCE = 0.5  # seconds, against the narration
MAX_STILL = 2.0  # seconds of black or frozen picture the plan did not ask for


@dataclass(frozen=True)
class StreamInfo:
    kind: str  # "video" | "audio"
    codec: str
    profile: str
    duration: float
    width: int = 0
    height: int = 0
    fps: float = 0.0
    pix_fmt: str = ""
    frames: int = 0
    sample_rate: int = 0
    channels: int = 0


@dataclass(frozen=True)
class MediaInfo:
    duration: float
    size_bytes: int
    streams: tuple[StreamInfo, ...]
    faststart: bool  # mp4: the index ("moov") comes before the media ("mdat")

    def first(self, kind: str) -> StreamInfo | None:
        return next((s for s in self.streams if s.kind == kind), None)


def probe(path: Path) -> MediaInfo:
    import av

    streams = []
    with av.open(str(path)) as container:
        for s in container.streams:
            ctx: Any = s.codec_context
            duration = float(s.duration * s.time_base) if s.duration and s.time_base else 0.0
            codec, profile = str(ctx.name), str(getattr(ctx, "profile", "") or "")
            if s.type == "video":
                streams.append(
                    StreamInfo(
                        "video",
                        codec,
                        profile,
                        duration,
                        width=ctx.width,
                        height=ctx.height,
                        fps=float(s.average_rate or 0),
                        pix_fmt=str(ctx.pix_fmt),
                        frames=int(s.frames or 0),
                    )
                )
            elif s.type == "audio":
                streams.append(
                    StreamInfo(
                        "audio",
                        codec,
                        profile,
                        duration,
                        sample_rate=ctx.sample_rate,
                        channels=ctx.channels,
                    )
                )
        total = float(container.duration) / 1_000_000 if container.duration else 0.0
    return MediaInfo(total, path.stat().st_size, tuple(streams), _moov_first(path))


def _moov_first(path: Path) -> bool:
    """Walk the top-level mp4 boxes: True when ``moov`` comes before ``mdat``."""
    size_total = path.stat().st_size
    with path.open("rb") as f:
        position = 0
        while position + 8 <= size_total:
            f.seek(position)
            header = f.read(16)
            size, kind = int.from_bytes(header[:4], "big"), header[4:8]
            if size == 1:
                size = int.from_bytes(header[8:16], "big")
            elif size == 0:
                size = size_total - position
            if kind in (b"moov", b"mdat"):
                return kind == b"moov"
            position += max(size, 8)
    return False


@dataclass(frozen=True)
class Loudness:
    integrated: float  # LUFS
    true_peak: float  # dBTP
    lra: float  # LU


_NUMBER = r"(-?[\d.]+|-inf)"


def parse_ebur128(stderr: str) -> Loudness:
    """The summary ``ebur128=peak=true`` prints at the end of a run (-inf for silence)."""
    summary = stderr[stderr.rfind("Summary:") :]

    def read(pattern: str) -> float:
        found = re.search(pattern, summary)
        return float(found.group(1)) if found and found.group(1) != "-inf" else float("-inf")

    integrated = read(rf"I:\s+{_NUMBER} LUFS")
    return Loudness(
        # -70 LUFS is the absolute gate: nothing above it was heard
        integrated=integrated if integrated > -70 else float("-inf"),
        true_peak=read(rf"Peak:\s+{_NUMBER} dBFS"),
        lra=read(rf"LRA:\s+{_NUMBER} LU"),
    )


def loudness(path: Path) -> Loudness:
    """EBU R128 integrated loudness, true peak and loudness range of the first audio stream."""
    stderr = run_ffmpeg(
        ["-i", str(path), "-map", "0:a:0", "-af", "ebur128=peak=true:framelog=quiet",
         "-f", "null", "-"],
        loglevel="info",
    )  # fmt: skip
    return parse_ebur128(stderr)


@dataclass(frozen=True)
class Interval:
    start: float
    end: float

    @property
    def length(self) -> float:
        return self.end - self.start


def black_and_frozen(
    path: Path, *, duration: float, shortest: float = 0.5
) -> tuple[list[Interval], list[Interval]]:
    """Black stretches and frozen stretches at least ``shortest`` seconds long, in one decode.

    Black means 98 % of a frame's pixels within 3 % of black (a dark night scene is not black);
    frozen means no change above -60 dB between frames (a Ken Burns move always changes).
    """
    stderr = run_ffmpeg(
        ["-i", str(path), "-map", "0:v:0", "-an", "-vf",
         f"blackdetect=d={shortest}:pix_th=0.03,freezedetect=n=-60dB:d={shortest}",
         "-f", "null", "-"],
        loglevel="info",
    )  # fmt: skip
    black = [
        Interval(float(a), float(b))
        for a, b in re.findall(r"black_start:(-?[\d.]+) black_end:(-?[\d.]+)", stderr)
    ]
    starts = [float(x) for x in re.findall(r"freeze_start: (-?[\d.]+)", stderr)]
    ends = [float(x) for x in re.findall(r"freeze_end: (-?[\d.]+)", stderr)]
    frozen = [Interval(s, ends[i] if i < len(ends) else duration) for i, s in enumerate(starts)]
    return black, frozen


@dataclass
class QualityReport:
    """The quality check of a render: what was measured and what failed (empty: passed)."""

    duration: float
    narration: float
    video: dict[str, Any]
    audio: dict[str, Any]
    faststart: bool
    loudness: dict[str, float | None]
    black: list[dict[str, float]]
    frozen: list[dict[str, float]]
    #: the black or frozen stretches that fail the check: ``{"kind", "start", "end"}``
    stills: list[dict[str, Any]] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return not self.failures

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "passed": self.passed}


def quality_check(
    path: Path,
    *,
    narration: float,
    expected_still: Sequence[Interval] = (),
    target_lufs: float = TARGET_LUFS,
) -> QualityReport:
    """Check a rendered file against what the render promised.

    Duration equals the narration within 0.5 s; an H.264 video and an AAC audio stream are both
    present; integrated loudness within 1 LU of the target and true peak at most -1 dBTP; no black
    or frozen stretch longer than 2 s outside ``expected_still`` (where the plan holds a picture
    on purpose, e.g. a clip shorter than its shot).
    """
    info = probe(path)
    video, audio = info.first("video"), info.first("audio")
    measured = loudness(path) if audio else Loudness(float("-inf"), float("-inf"), 0.0)
    black, frozen = black_and_frozen(path, duration=info.duration) if video else ([], [])

    def unexpected(stretches: list[Interval]) -> list[Interval]:
        return [s for s in stretches if s.length - _covered(s, expected_still) > MAX_STILL]

    failures = []
    if abs(info.duration - narration) > DURATION_TOLERANCE:
        failures.append(
            f"duration {info.duration:.2f} s is not the narration's {narration:.2f} s (±0.5 s)"
        )
    if video is None or video.codec != "h264":
        failures.append("no H.264 video stream")
    if audio is None or audio.codec != "aac":
        failures.append("no AAC audio stream")
    elif abs(measured.integrated - target_lufs) > LOUDNESS_TOLERANCE:
        failures.append(
            f"loudness {measured.integrated:.1f} LUFS is not within 1 LU of {target_lufs:.0f}"
        )
    elif measured.true_peak > MAX_TRUE_PEAK:
        failures.append(f"true peak {measured.true_peak:.1f} dBTP is above {MAX_TRUE_PEAK:.0f}")
    stills = [
        {"kind": kind, "start": s.start, "end": s.end}
        for kind, stretches in (("black", black), ("frozen", frozen))
        for s in unexpected(stretches)
    ]
    failures += [f"{s['kind']} picture from {s['start']:.1f} s to {s['end']:.1f} s" for s in stills]
    return QualityReport(
        duration=round(info.duration, 3),
        narration=round(narration, 3),
        video={
            "codec": video.codec,
            "profile": video.profile,
            "width": video.width,
            "height": video.height,
            "fps": round(video.fps, 3),
        }
        if video
        else {},
        audio={
            "codec": audio.codec,
            "profile": audio.profile,
            "sampleRate": audio.sample_rate,
            "channels": audio.channels,
        }
        if audio
        else {},
        faststart=info.faststart,
        loudness={
            "integrated": finite(measured.integrated),
            "truePeak": finite(measured.true_peak),
            "target": target_lufs,
        },
        black=[{"start": s.start, "end": s.end} for s in black],
        frozen=[{"start": s.start, "end": s.end} for s in frozen],
        stills=stills,
        failures=failures,
    )


def finite(value: float) -> float | None:
    """A measurement for JSON: rounded, and None for the -inf of silence."""
    return round(value, 2) if value != float("-inf") else None


def _covered(stretch: Interval, by: Sequence[Interval]) -> float:
    """Seconds of ``stretch`` inside any of ``by`` (assumed not to overlap each other)."""
    return sum(max(0.0, min(stretch.end, b.end) - max(stretch.start, b.start)) for b in by)
