"""A creator's own picture or clip: checked before anything is stored, then fitted to a shot.

The type is sniffed from the bytes (never the name or the Content-Type header), the size is held
to a limit per kind, and the file is decoded once — Pillow for images (all of it: a truncated
file fails), PyAV for video (its first frame) — with limits on pixels and duration. Anything
wrong raises :class:`UploadRejected` saying what, in words for the creator.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PIL import Image

from vendors.base import ProviderError
from vendors.media import run_ffmpeg, x264_args

IMAGE_TYPES = {"png": "image/png", "jpeg": "image/jpeg", "webp": "image/webp"}
VIDEO_TYPES = {"mp4": "video/mp4", "webm": "video/webm", "mov": "video/quicktime"}
SUFFIX = {"png": ".png", "jpeg": ".jpg", "webp": ".webp", "mp4": ".mp4", "webm": ".webm",
          "mov": ".mov"}  # fmt: skip


class UploadRejected(Exception):
    """A file that cannot be used; the message says why."""


@dataclass(frozen=True)
class Limits:
    image_bytes: int
    video_bytes: int
    pixels: int  # of an image, or of one video frame
    video_seconds: float


@dataclass(frozen=True)
class Checked:
    kind: str  # "image" | "video"
    format: str  # "png", "jpeg", "webp", "mp4", "webm", "mov"
    width: int
    height: int
    duration: float = 0.0  # seconds, for video

    @property
    def content_type(self) -> str:
        return {**IMAGE_TYPES, **VIDEO_TYPES}[self.format]

    @property
    def suffix(self) -> str:
        return SUFFIX[self.format]


def sniff(head: bytes) -> str | None:
    """The format the first bytes say, or None."""
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    if head[4:8] == b"ftyp":
        return "mov" if head[8:12] == b"qt  " else "mp4"
    if head.startswith(b"\x1a\x45\xdf\xa3") and b"webm" in head[:64]:
        return "webm"
    return None


def _mb(size: int) -> str:
    return f"{size / 1_000_000:.0f} MB"


def check(path: Path, limits: Limits) -> Checked:
    """What ``path`` is, if VidFlow can use it; else :class:`UploadRejected`."""
    with path.open("rb") as f:
        head = f.read(64)
    fmt = sniff(head)
    if fmt is None:
        raise UploadRejected(
            "This is not a picture or a clip VidFlow can use: send PNG, JPEG or WebP, or MP4, "
            "WebM or MOV."
        )
    size = path.stat().st_size
    kind = "image" if fmt in IMAGE_TYPES else "video"
    cap = limits.image_bytes if kind == "image" else limits.video_bytes
    if size > cap:
        raise UploadRejected(f"The {kind} is {_mb(size)}; at most {_mb(cap)} can be uploaded.")
    return _check_image(path, fmt, limits) if kind == "image" else _check_video(path, fmt, limits)


def _check_image(path: Path, fmt: str, limits: Limits) -> Checked:
    try:
        with Image.open(path) as image:
            width, height = image.size
            if width * height > limits.pixels:
                raise UploadRejected(
                    f"The picture is {width}x{height} pixels; at most "
                    f"{limits.pixels / 1_000_000:.0f} megapixels can be used."
                )
            image.load()  # decodes it all: a truncated or corrupt file fails here
    except UploadRejected:
        raise
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError) as exc:
        raise UploadRejected(f"The {fmt.upper()} picture cannot be read: {exc}") from None
    return Checked("image", fmt, width, height)


def _check_video(path: Path, fmt: str, limits: Limits) -> Checked:
    import av

    try:
        with av.open(str(path)) as container:
            if not container.streams.video:
                raise UploadRejected("The clip has no picture (no video stream).")
            stream = container.streams.video[0]
            width, height = stream.width, stream.height
            if width * height > limits.pixels:
                raise UploadRejected(
                    f"The clip is {width}x{height} pixels; at most "
                    f"{limits.pixels / 1_000_000:.0f} megapixels a frame can be used."
                )
            duration = 0.0
            if container.duration is not None:
                duration = container.duration / 1_000_000
            elif stream.duration is not None and stream.time_base is not None:
                duration = float(stream.duration * stream.time_base)
            if duration > limits.video_seconds:
                raise UploadRejected(
                    f"The clip is {duration:.0f} s long; at most {limits.video_seconds:.0f} s "
                    "can be used."
                )
            frame = next(container.decode(stream), None)
            if frame is None:
                raise UploadRejected("The clip has no frame that can be decoded.")
    except UploadRejected:
        raise
    except (av.error.FFmpegError, OSError, ValueError, StopIteration) as exc:
        raise UploadRejected(f"The {fmt.upper()} clip cannot be read: {exc}") from None
    return Checked("video", fmt, width, height, duration)


def fit_clip(
    source: Path, dest: Path, *, width: int, height: int, duration: float, fps: int = 30
) -> Path:
    """The clip as the shot needs it: cut (or looped) to ``duration``, scaled to cover
    ``width`` x ``height`` and centre-cropped, its sound dropped; H.264 like every clip."""
    try:
        run_ffmpeg(
            ["-stream_loop", "-1", "-i", str(source), "-t", f"{max(0.1, duration):.3f}", "-an",
             "-vf", f"scale={width}:{height}:force_original_aspect_ratio=increase,"
                    f"crop={width}:{height},setsar=1,fps={fps}",
             *x264_args(fps=fps), "-movflags", "+faststart", str(dest)],
            timeout=300,
        )  # fmt: skip
    except ProviderError as exc:
        raise UploadRejected(f"The clip cannot be used: {exc}") from None
    return dest


def poster(source: Path, dest: Path) -> Path:
    """The clip's first frame as a PNG (its preview and thumbnail picture)."""
    import av

    with av.open(str(source)) as container:
        frame = next(container.decode(video=0))
        frame.to_image().save(dest, format="PNG")
    return dest
