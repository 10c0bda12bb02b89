"""Reusing encoded work between renders: each segment (and the soundtrack) is kept under a key
made of everything that decides its pixels (or samples) and length, so a render after a small
edit encodes only the segments whose key it does not have yet.

The key of a segment is a SHA-256 over the exact ffmpeg command that encodes it, with every input
file replaced by the SHA-256 of its content, the text of its caption file (already cut to the
segment and shifted to start at 0), the fonts that caption file draws with, and ffmpeg's version.
That command already spells out the clips' timings, moves, crossfades, the output size, frame rate
and encoder settings, all relative to the segment's own start, so a segment that only moved along
the timeline (a longer chapter before it) keeps its key. Anything that does not change the command
or the inputs' bytes cannot change the segment, and anything that does changes the key.

The renderer knows nothing of where entries live: it takes any :class:`RenderCache` (get and put
by key). :class:`DirectoryCache` keeps them in a local folder (the CLI, the benchmarks, tests);
the app keeps them in its storage beside the artifacts, so every worker (and S3) shares them.
A cache that fails (a missing, unreadable or unwritable entry) costs a re-encode, never the render.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import shutil
import subprocess
import uuid
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

from vendors.media import ffmpeg_exe

#: Bumped when the renderer changes what it produces from the same command (never silently reuse
#: a segment made by an older renderer).
SCHEME = "vidflow-render-1"
_CHUNK = 1 << 20


@runtime_checkable
class RenderCache(Protocol):
    """Where encoded segments and soundtracks are kept between renders.

    Keys are file names (``seg-<sha256>.mp4``, ``snd-<sha256>.m4a``, ``snd-<sha256>.json``);
    an entry never changes once written, so a reader needs no lock.
    """

    def get(self, key: str, into: Path) -> bool:
        """Write entry ``key`` to the file ``into``; False (and nothing written) when absent."""
        ...

    def put(self, key: str, source: Path) -> None:
        """Keep the file ``source`` as entry ``key``; a reader must never see it half-written."""
        ...


class DirectoryCache:
    """A :class:`RenderCache` in a local folder (entries hard-linked out when they can be)."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def get(self, key: str, into: Path) -> bool:
        entry = self.root / _checked(key)
        if not entry.is_file():
            return False
        _link_or_copy(entry, into)
        return True

    def put(self, key: str, source: Path) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        place_atomically(source, self.root / _checked(key))

    def keys(self) -> set[str]:
        return {p.name for p in self.root.glob("*") if p.is_file() and not p.name.startswith(".")}


def place_atomically(source: Path, target: Path) -> None:
    """Copy ``source`` to ``target`` so that ``target`` appears whole or not at all."""
    temporary = target.with_name(f".{target.name}.{uuid.uuid4().hex}.tmp")
    try:
        _link_or_copy(source, temporary)
        os.replace(temporary, target)
    finally:
        temporary.unlink(missing_ok=True)


def _link_or_copy(source: Path, target: Path) -> None:
    try:
        os.link(source, target)  # entries never change in place, so sharing the inode is safe
    except OSError:
        shutil.copyfile(source, target)


def _checked(key: str) -> str:
    if not key or "/" in key or "\\" in key or key.startswith("."):
        raise ValueError(f"not a cache key: {key!r}")
    return key


def file_digest(path: Path) -> str:
    """SHA-256 of a file's content (never its name or time: a re-saved identical file matches)."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


@functools.cache
def ffmpeg_version() -> str:
    """The first line of ``ffmpeg -version`` (another build may encode the same command
    differently)."""
    out = subprocess.run(
        [ffmpeg_exe(), "-hide_banner", "-version"],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    ).stdout
    return out.splitlines()[0] if out else ffmpeg_exe()


def _key(kind: str, suffix: str, parts: Mapping[str, Any]) -> str:
    text = json.dumps(
        {"scheme": SCHEME, "ffmpeg": ffmpeg_version(), **parts}, sort_keys=True, default=str
    )
    return f"{kind}-{hashlib.sha256(text.encode()).hexdigest()}.{suffix}"


def segment_key(
    args: Sequence[str],
    *,
    digests: Mapping[str, str],
    captions: str | None,
    fonts: Sequence[str] = (),
) -> str:
    """The key of one segment: its ffmpeg ``args`` (without the output name) with each input path
    (a key of ``digests``) replaced by its content digest, its caption file's text and the
    digests of the fonts that caption file draws with."""
    command = [f"file:{digests[a]}" if a in digests else a for a in args]
    return _key(
        "seg",
        "mp4",
        {
            "command": command,
            "captions": captions,
            "fonts": sorted(fonts) if captions else [],
        },
    )


def soundtrack_keys(
    *, voice: str | None, music: str | None, duration: float, options: Mapping[str, Any]
) -> tuple[str, str]:
    """The keys of a soundtrack (the AAC file, and what its loudness pass measured) from the
    digests of its voice and music files, its length and the audio options."""
    parts = {"voice": voice, "music": music, "duration": f"{duration:.6f}", "audio": options}
    audio = _key("snd", "m4a", parts)
    return audio, audio.removesuffix(".m4a") + ".json"
