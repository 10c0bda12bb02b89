"""A YouTube thumbnail: a shot's picture with the title set in large type, 1280x720 JPEG under
YouTube's 2 MB limit. Pillow only; a thumbnail takes a few tens of milliseconds."""

from __future__ import annotations

import io
import textwrap
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont, ImageOps

from .captions import FONTS_DIR

WIDTH, HEIGHT = 1280, 720
MAX_BYTES = 2 * 1024 * 1024  # YouTube's thumbnail limit
MARGIN = 64
FONT = FONTS_DIR / "DejaVuSans-Bold.ttf"


def compose_thumbnail(picture: Path, title: str, out: Path, *, accent: str = "#FFD60A") -> Path:
    """Write the thumbnail to ``out`` (JPEG). The picture is scaled to cover 16:9 and
    centre-cropped; the bottom is darkened under the title, which takes at most three lines at
    the largest size that fits; a bar in the channel's ``accent`` colour sits above it."""
    with Image.open(picture) as source:
        # a little above the middle: faces sit in the upper part of a portrait picture
        frame = ImageOps.fit(
            source.convert("RGB"), (WIDTH, HEIGHT), Image.Resampling.LANCZOS, centering=(0.5, 0.4)
        )
    shade = Image.linear_gradient("L").resize((WIDTH, HEIGHT))  # 0 at the top, 255 at the bottom
    shade = shade.point(lambda v: max(0, v - 90) * 210 // 165)
    frame = Image.composite(Image.new("RGB", frame.size, (0, 0, 0)), frame, shade)
    draw = ImageDraw.Draw(frame)
    text = " ".join(title.split()) or "Untitled"
    font, lines = _fit(draw, text)
    size = font.size
    line_height = round(size * 1.12)
    top = HEIGHT - MARGIN - line_height * len(lines)
    draw.rectangle((MARGIN, top - 34, MARGIN + 180, top - 20), fill=accent)
    for i, line in enumerate(lines):
        draw.text(
            (MARGIN, top + i * line_height),
            line,
            font=font,
            fill="#FFFFFF",
            stroke_width=max(2, size // 14),
            stroke_fill="#000000",
        )
    out.write_bytes(_jpeg_under_limit(frame))
    return out


def _fit(draw: ImageDraw.ImageDraw, text: str) -> tuple[ImageFont.FreeTypeFont, list[str]]:
    """The largest font (120 px down to 40) at which the title wraps into at most 3 lines that
    each fit the width; below that, the text is cut to 3 lines with an ellipsis."""
    usable = WIDTH - 2 * MARGIN
    for size in range(120, 39, -8):
        font = ImageFont.truetype(str(FONT), size)
        per_line = max(4, int(usable / (size * 0.62)))
        lines = textwrap.wrap(text, per_line)
        while per_line > 4 and max(draw.textlength(line, font=font) for line in lines) > usable:
            per_line -= 1
            lines = textwrap.wrap(text, per_line)
        if len(lines) <= 3:
            return font, lines
    lines = textwrap.wrap(text, int(usable / (40 * 0.62)))
    return font, [*lines[:2], lines[2].rstrip(".,;:") + "…"]


def _jpeg_under_limit(image: Image.Image) -> bytes:
    for quality in (90, 80, 70, 60, 50):
        buffer = io.BytesIO()
        image.save(buffer, "JPEG", quality=quality, optimize=True, progressive=True)
        if buffer.tell() < MAX_BYTES:
            return buffer.getvalue()
    return buffer.getvalue()
