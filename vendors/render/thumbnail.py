"""A YouTube thumbnail: a shot's picture with the title set in large type, 1280x720 JPEG under
YouTube's 2 MB limit. Pillow only; a thumbnail takes a few tens of milliseconds.

A title with kana, Han or Hangul is set in Noto Sans CJK (the Japanese, Chinese or Korean face,
by the script: :func:`vendors.text.cjk_script`) and wrapped between characters, not at spaces."""

from __future__ import annotations

import io
import textwrap
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont, ImageOps

from vendors.text import cjk_script

from .captions import FONTS_DIR, cjk_font

WIDTH, HEIGHT = 1280, 720
MAX_BYTES = 2 * 1024 * 1024  # YouTube's thumbnail limit
MARGIN = 64
FONT = FONTS_DIR / "DejaVuSans-Bold.ttf"
# Never at the start of a line in CJK text: closing marks, small kana, the prolonged sound mark.
NO_LINE_START = set(
    "、。\uff0c\uff0e・\uff1a\uff1b\uff1f\uff01\uff09」』】\u3015〉》\u201d\u2019ー〜"
    "ぁぃぅぇぉっゃゅょゎァィゥェォッャュョヮヵヶ!?,.:;)"
)


def compose_thumbnail(
    picture: Path, title: str, out: Path, *, accent: str = "#FFD60A", language: str = ""
) -> Path:
    """Write the thumbnail to ``out`` (JPEG). The picture is scaled to cover 16:9 and
    centre-cropped; the bottom is darkened under the title, which takes at most three lines at
    the largest size that fits; a bar in the channel's ``accent`` colour sits above it.
    ``language`` (the channel's) only decides whether a title in Han characters alone is
    Japanese or Chinese."""
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
    face = cjk_font(cjk_script(text, language), bold=True)
    font, lines = _fit(draw, text, face[1:] if face else (FONT, 0))
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


def _fit(
    draw: ImageDraw.ImageDraw, text: str, face: tuple[Path, int]
) -> tuple[ImageFont.FreeTypeFont, list[str]]:
    """The largest font (120 px down to 40) at which the title wraps into at most 3 lines that
    each fit the width; below that, the text is cut to 3 lines with an ellipsis."""
    usable = WIDTH - 2 * MARGIN
    if face[0] != FONT:
        return _fit_cjk(draw, text, face, usable)
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


def _fit_cjk(
    draw: ImageDraw.ImageDraw, text: str, face: tuple[Path, int], usable: int
) -> tuple[ImageFont.FreeTypeFont, list[str]]:
    """:func:`_fit` for CJK text: lines break between any two characters (a space is kept as a
    space) but never before a closing mark or small kana, which hangs at the end instead."""
    for size in range(120, 39, -8):
        font = ImageFont.truetype(str(face[0]), size, index=face[1])
        lines = _wrap_cjk(draw, text, font, usable)
        if len(lines) <= 3:
            return font, lines
    lines = lines[:3]
    while lines[2] and draw.textlength(lines[2] + "…", font=font) > usable:
        lines[2] = lines[2][:-1]
    return font, [*lines[:2], lines[2].rstrip("、。\uff0c,.") + "…"]


def _wrap_cjk(
    draw: ImageDraw.ImageDraw, text: str, font: ImageFont.FreeTypeFont, usable: int
) -> list[str]:
    lines = [""]
    for char in text:
        line = lines[-1]
        if line and char not in NO_LINE_START and draw.textlength(line + char, font=font) > usable:
            # a Latin word is not cut: it moves to the next line whole when it can
            head, _, word = line.rpartition(" ")
            if head and word and word.isascii() and char.isascii() and char != " ":
                lines[-1:] = [head, word + char]
            else:
                lines.append("" if char == " " else char)
            continue
        lines[-1] = line + char
    return [line.strip() for line in lines if line.strip()]


def _jpeg_under_limit(image: Image.Image) -> bytes:
    for quality in (90, 80, 70, 60, 50):
        buffer = io.BytesIO()
        image.save(buffer, "JPEG", quality=quality, optimize=True, progressive=True)
        if buffer.tell() < MAX_BYTES:
            return buffer.getvalue()
    return buffer.getvalue()
