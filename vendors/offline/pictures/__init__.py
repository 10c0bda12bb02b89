"""Offline pictures that show the prompt: flat explainer illustrations made on this machine.

The shot's subjects (1-3) are icons from Microsoft's Fluent Emoji Flat, found by the words of the
prompt, the characters and the location (``index.py``); they stand on a background scene chosen
from the setting (``scenes.py``, ``scenes/*.svg``), in the project's visual style. When nothing is
named, the picture is a title card with the line's key phrase (``compose.py``). The result says
what it drew (``MediaFile.details``), so the pipeline can record it and draw a bible entry with the
same icon in every shot.

The icon store is built by ``make install`` (``build.py``, ``scripts/pictures.sh``); a 1280x720
picture takes about 100-250 ms (``python -m bench media``).
"""

from __future__ import annotations

import uuid
from pathlib import Path

from vendors.base import CallbackTarget, ImageRequest, MediaFile, PendingJob

from .compose import Plan, plan, rasterise, to_svg
from .index import Icon, icon_index

__all__ = ["Icon", "IconPictures", "Plan", "draw", "icon_index", "plan"]


def draw(request: ImageRequest) -> tuple[bytes, Plan]:
    """The PNG for ``request`` and what it shows (deterministic: same request, same bytes)."""
    drawing = plan(request)
    return rasterise(to_svg(request, drawing)), drawing


class IconPictures:
    """:class:`vendors.base.ImageProvider` composing icons on scenes; finishes in the call."""

    name = "offline"

    def generate(
        self, request: ImageRequest, *, workdir: Path, callback: CallbackTarget | None = None
    ) -> MediaFile | PendingJob:
        png, drawing = draw(request)
        path = workdir / f"image-{uuid.uuid4().hex[:12]}.png"
        path.write_bytes(png)
        return MediaFile(path=path, content_type="image/png", details=drawing.details())
