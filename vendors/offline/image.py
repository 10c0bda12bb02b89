"""Offline image provider: deterministic frames drawn with Pillow.

A frame is composed from the request: the style picks a palette, a location reference fixes the
backdrop (sky, horizon, skyline, sun) and its colours, each character reference is drawn as the
same silhouette in its own colour whatever the shot, and the prompt (with the seed) places them,
sets the weather and time of day from a few words ("night", "sunset", "rain", "snow", "fog") and
scatters the clouds. So every shot of one character or place looks related, shots differ, and the
same request always gives the same pixels.

A reference's ``image`` (the selected bible variation) is not read: the name, colour and shape
already reproduce it, because this provider drew it. Nothing is drawn per pixel in Python: a
1280x720 frame takes a few tens of milliseconds.
"""

from __future__ import annotations

import colorsys
import hashlib
import random
import re
import textwrap
import uuid
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from vendors.base import CallbackTarget, ImageRequest, MediaFile, PendingJob, VisualRef

RGB = tuple[int, int, int]

#: Style palettes: sky top, sky bottom, ground, accent, light. A style names one by a keyword.
PALETTES: dict[str, tuple[str, str, str, str, str]] = {
    "cinematic": ("#0f2027", "#2c5364", "#1b2a2f", "#f4a261", "#e9d8a6"),
    "pastel": ("#a8dadc", "#f1faee", "#cdb4db", "#ffafcc", "#fff1c1"),
    "noir": ("#0b0b0b", "#4a4a4a", "#1a1a1a", "#d9d9d9", "#f0f0f0"),
    "vibrant": ("#3a0ca3", "#f72585", "#4361ee", "#ffd60a", "#fff3b0"),
    "warm": ("#ff9a3c", "#ffd29d", "#8d5524", "#c0392b", "#fff4d6"),
    "forest": ("#1d3557", "#a8c686", "#2d6a4f", "#e9c46a", "#f1faee"),
    "cool": ("#03045e", "#90e0ef", "#0077b6", "#caf0f8", "#ffffff"),
}
# Checked in this order, the most distinctive looks first ("film noir" is noir, not cinematic).
STYLE_WORDS: dict[str, tuple[str, ...]] = {
    "noir": ("noir", "black and white", "monochrome", "grayscale", "greyscale", "ink"),
    "vibrant": ("vibrant", "neon", "bold", "pop", "cyberpunk", "synthwave", "comic"),
    "pastel": ("pastel", "soft", "kawaii", "cute", "dreamy", "watercolor", "watercolour"),
    "warm": ("warm", "golden", "retro", "vintage", "sepia", "desert"),
    "forest": ("nature", "forest", "green", "earthy", "organic"),
    "cool": ("cool", "blue", "ocean", "ice", "minimal", "clean", "corporate"),
    "cinematic": ("cinematic", "film", "documentary", "moody", "dramatic"),
}
CHARACTER_BODIES = {
    "round": "round",
    "small": "round",
    "tall": "tall",
    "slender": "tall",
    "lanky": "tall",
    "angular": "triangle",
    "broad": "square",
    "sturdy": "square",
}
LOCATION_SKYLINES = {
    "towering": "city",
    "narrow": "city",
    "vaulted": "city",
    "jagged": "peaks",
    "wide": "hills",
    "sprawling": "hills",
    "flat": "plain",
    "circular": "hills",
}
FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")  # fonts-dejavu-core


class PillowImages:
    """:class:`vendors.base.ImageProvider` drawing on this machine; always finishes in the call."""

    name = "offline"

    def generate(
        self, request: ImageRequest, *, workdir: Path, callback: CallbackTarget | None = None
    ) -> MediaFile | PendingJob:
        image = compose(request)
        path = workdir / f"image-{uuid.uuid4().hex[:12]}.png"
        image.save(path, format="PNG", compress_level=1)  # 3x faster than the default level
        return MediaFile(path=path, content_type="image/png")


# --- composition ----------------------------------------------------------------------------


def _rng(*parts: object) -> random.Random:
    digest = hashlib.sha256("\x1f".join(str(p) for p in parts).encode()).digest()
    return random.Random(int.from_bytes(digest[:8], "big"))


def _hex(value: str) -> RGB | None:
    match = re.fullmatch(r"#?([0-9a-fA-F]{6})", value.strip())
    if not match:
        return None
    h = match.group(1)
    return (int(h[0:2], 16), int(h[2:4], 16), int(h[4:6], 16))


def _mix(a: RGB, b: RGB, t: float) -> RGB:
    return (
        round(a[0] + (b[0] - a[0]) * t),
        round(a[1] + (b[1] - a[1]) * t),
        round(a[2] + (b[2] - a[2]) * t),
    )


def _name_color(name: str) -> RGB:
    rnd = _rng("color", name.lower())
    r, g, b = colorsys.hsv_to_rgb(
        rnd.random(), 0.55 + 0.35 * rnd.random(), 0.75 + 0.2 * rnd.random()
    )
    return (round(r * 255), round(g * 255), round(b * 255))


def _words(*texts: str) -> str:
    return " " + " ".join(t.lower() for t in texts) + " "


def palette_for(style: str) -> list[RGB]:
    """The palette a style names by keyword; an unknown style still gets a palette of its own."""
    text = _words(style)
    for name, keywords in STYLE_WORDS.items():
        if any(re.search(rf"\b{re.escape(k)}\b", text) for k in keywords):
            return [_hex(c) or (0, 0, 0) for c in PALETTES[name]]
    names = sorted(PALETTES)
    chosen = names[_rng("style", style.lower()).randrange(len(names))] if style else "cinematic"
    return [_hex(c) or (0, 0, 0) for c in PALETTES[chosen]]


@dataclass(frozen=True)
class Scene:
    night: bool
    sunset: bool
    rain: bool
    snow: bool
    fog: bool

    @classmethod
    def read(cls, *texts: str) -> Scene:
        text = _words(*texts)

        def has(*words: str) -> bool:
            return any(re.search(rf"\b{w}", text) for w in words)

        return cls(
            night=has("night", "midnight", "moon", "star", "dark"),
            sunset=has("sunset", "dusk", "dawn", "sunrise", "evening", "twilight"),
            rain=has("rain", "storm", "downpour", "drizzle"),
            snow=has("snow", "blizzard", "winter", "frost"),
            fog=has("fog", "mist", "haze", "smoke"),
        )


def compose(request: ImageRequest) -> Image.Image:
    """The frame for ``request`` (deterministic: the same request gives the same pixels)."""
    width, height = max(16, request.width), max(16, request.height)
    palette = palette_for(request.style)
    characters = [r for r in request.references if r.kind != "location"]
    location = next((r for r in request.references if r.kind == "location"), None)
    scene = Scene.read(request.prompt, location.description if location else "")
    shot = _rng("shot", request.prompt, request.seed)
    image = Image.new("RGB", (width, height))
    horizon = _backdrop(image, palette, location, scene, shot)
    draw = ImageDraw.Draw(image)
    short = min(width, height)
    count = len(characters)
    for i, ref in enumerate(characters):
        slot = (i + 0.5) / count
        cx = round(width * (0.12 + 0.76 * slot + (shot.random() - 0.5) * 0.14 / count))
        size = round(short * (0.42 + 0.22 * shot.random()) / (1 + 0.22 * (count - 1)))
        base = min(
            height - short // 24,
            horizon + round((height - horizon) * (0.35 + 0.45 * shot.random())),
        )
        _character(draw, ref, cx, base, size, palette)
    _weather(image, scene, shot)
    if request.caption:
        _caption(image, request.caption)
    return image


def _gradient(width: int, height: int, top: RGB, bottom: RGB) -> np.ndarray:
    t = np.linspace(0.0, 1.0, max(1, height), dtype=np.float32)[:, None, None]
    a = np.asarray(top, np.float32)[None, None, :]
    b = np.asarray(bottom, np.float32)[None, None, :]
    return np.broadcast_to(a + (b - a) * t, (max(1, height), width, 3)).astype(np.uint8)


def _backdrop(
    image: Image.Image,
    palette: list[RGB],
    location: VisualRef | None,
    scene: Scene,
    shot: random.Random,
) -> int:
    """Sky, sun or moon, skyline and ground; the location fixes all but the clouds. Returns the
    horizon's y."""
    width, height = image.size
    place = _rng("location", location.name.lower() if location else "")
    sky_top, sky_bottom, ground, accent, light = palette
    own = _hex(location.color) if location and location.color else None
    if own is not None:  # the location's colour tints the whole backdrop
        sky_top, sky_bottom = _mix(own, (0, 0, 0), 0.45), _mix(own, (255, 255, 255), 0.45)
        ground = _mix(own, palette[2], 0.6)
    if scene.sunset:
        sky_top, sky_bottom = (
            _mix(sky_top, (90, 40, 90), 0.5),
            _mix(sky_bottom, (255, 140, 60), 0.6),
        )
    if scene.night:
        sky_top, sky_bottom = _mix(sky_top, (5, 8, 25), 0.75), _mix(sky_bottom, (20, 25, 60), 0.7)
        ground = _mix(ground, (0, 0, 0), 0.5)
    horizon = round(height * (0.55 + 0.15 * place.random()))
    pixels = _gradient(width, height, sky_top, sky_bottom)
    pixels[horizon:] = _gradient(
        width, height - horizon, _mix(ground, sky_bottom, 0.25), _mix(ground, (0, 0, 0), 0.35)
    )
    image.paste(Image.fromarray(np.ascontiguousarray(pixels), "RGB"))
    draw = ImageDraw.Draw(image)
    if scene.night:
        for _ in range(60):
            x, y = shot.randrange(width), shot.randrange(max(1, horizon))
            r = max(1, width // 900)
            draw.ellipse((x - r, y - r, x + r, y + r), fill=_mix(light, (255, 255, 255), 0.5))
    # The sun (or moon): its size and place belong to the location; the shot nudges it.
    r = round(height * (0.05 + 0.05 * place.random()))
    sx = round(width * (0.15 + 0.7 * place.random()) + (shot.random() - 0.5) * width * 0.08)
    sy = round(horizon * (0.2 + 0.3 * place.random()))
    orb = (235, 235, 220) if scene.night else _mix(light, accent, 0.3)
    draw.ellipse((sx - r, sy - r, sx + r, sy + r), fill=orb)
    # Clouds belong to the shot, so frames of one location still differ.
    cloud = _mix(sky_bottom, (255, 255, 255), 0.35 if not scene.rain else 0.1)
    for _ in range(shot.randint(2, 5) + (4 if scene.rain else 0)):
        cx, cy = shot.randrange(width), round(horizon * (0.08 + 0.45 * shot.random()))
        cw = max(4, round(width * (0.06 + 0.1 * shot.random())))
        for k in range(3):
            ox = (k - 1) * cw // 2
            lift = cw // 6 if k == 1 else 0
            draw.ellipse(
                (cx + ox - cw // 2, cy - cw // 5 - lift, cx + ox + cw // 2, cy + cw // 5),
                fill=cloud,
            )
    far, near = _mix(ground, sky_bottom, 0.55), _mix(ground, sky_bottom, 0.25)
    shape = (location.shape.lower() if location else "").strip()
    skyline = (
        LOCATION_SKYLINES.get(shape) or ("city", "hills", "peaks", "plain")[place.randrange(4)]
    )
    _skyline(draw, skyline, width, height, horizon, far, near, place)
    for _ in range(24):  # ground texture (also shows motion in an animated still)
        gx, gy = place.randrange(width), place.randint(horizon + 2, max(horizon + 2, height - 2))
        gw = place.randint(max(2, width // 80), max(3, width // 25))
        draw.ellipse((gx, gy, gx + gw, gy + max(2, gw // 5)), fill=_mix(ground, (0, 0, 0), 0.2))
    return horizon


def _skyline(
    draw: ImageDraw.ImageDraw,
    kind: str,
    width: int,
    height: int,
    horizon: int,
    far: RGB,
    near: RGB,
    place: random.Random,
) -> None:
    if kind == "city":
        for color, scale in ((far, 0.3), (near, 0.18)):
            x = -place.randint(0, max(1, width // 20))
            while x < width:
                bw = max(2, round(width * (0.03 + 0.06 * place.random())))
                bh = round(height * scale * (0.3 + 0.7 * place.random()))
                draw.rectangle((x, horizon - bh, x + bw, horizon), fill=color)
                x += bw + place.randint(0, max(1, width // 60))
    elif kind == "peaks":
        for color, scale, count in ((far, 0.32, 4), (near, 0.2, 6)):
            step = width / count
            for i in range(count + 1):
                px = round(step * (i + place.random() - 0.5))
                ph = round(height * scale * (0.5 + 0.5 * place.random()))
                draw.polygon(
                    [(px - step, horizon), (px, horizon - ph), (px + step, horizon)], fill=color
                )
    elif kind == "hills":
        for color, amplitude, waves in ((far, 0.2, 3), (near, 0.11, 5)):
            phase = place.random() * 6.28
            points = [(0.0, float(horizon))]
            for i in range(waves * 8 + 1):
                y = horizon - height * amplitude * (0.5 + 0.5 * np.sin(i / 8 * np.pi + phase))
                points.append((width * i / (waves * 8), float(y)))
            points.append((float(width), float(horizon)))
            draw.polygon(points, fill=color)
    else:  # plain: a low line of distant trees
        x = 0
        while x < width:
            tw = max(2, round(width * (0.01 + 0.02 * place.random())))
            th = round(height * 0.05 * (0.5 + place.random()))
            draw.ellipse((x, horizon - th, x + tw * 2, horizon + th // 3), fill=far)
            x += tw + place.randint(0, max(1, width // 30))


def _character(
    draw: ImageDraw.ImageDraw, ref: VisualRef, cx: int, base: int, size: int, palette: list[RGB]
) -> None:
    """The character's silhouette: its body shape, head, eyes and accessory follow from its name
    (and shape word), its body is filled with exactly its colour."""
    look = _rng("character", ref.name.lower())
    body = _hex(ref.color) or _name_color(ref.name)
    dark, light = _mix(body, (0, 0, 0), 0.45), _mix(body, (255, 255, 255), 0.5)
    kinds = ("round", "tall", "square", "triangle")
    shape = CHARACTER_BODIES.get(ref.shape.lower().strip()) or kinds[look.randrange(4)]
    head = ("circle", "square", "oval")[look.randrange(3)]
    accessory = ("none", "hat", "antenna", "bow", "scarf")[look.randrange(5)]
    if ref.shape.lower().strip() == "small":
        size = round(size * 0.75)
    line = max(2, size // 60)
    bw = round(size * (0.45 + 0.2 * look.random()))
    bh = round(size * (0.55 + 0.25 * look.random()) * (1.35 if shape == "tall" else 1.0))
    top, left, right = base - bh, cx - bw // 2, cx + bw // 2
    shadow = (left - bw // 6, base - size // 20, right + bw // 6, base + size // 20)
    draw.ellipse(shadow, fill=_mix(dark, (0, 0, 0), 0.5))
    if shape == "round":
        draw.ellipse((left, top, right, base + bh // 6), fill=body, outline=dark, width=line)
    elif shape == "triangle":
        draw.polygon([(cx, top), (right, base), (left, base)], fill=body, outline=dark)
    else:
        box = (left, top, right, base)
        draw.rounded_rectangle(box, radius=bw // 5, fill=body, outline=dark, width=line)
    hr = round(size * (0.16 + 0.05 * look.random()))
    hy = top - hr + size // 30
    if head == "circle":
        draw.ellipse((cx - hr, hy - hr, cx + hr, hy + hr), fill=light, outline=dark, width=line)
    elif head == "square":
        box = (cx - hr, hy - hr, cx + hr, hy + hr)
        draw.rounded_rectangle(box, radius=hr // 3, fill=light, outline=dark, width=line)
    else:
        box = (cx - round(hr * 0.8), hy - hr, cx + round(hr * 0.8), hy + hr)
        draw.ellipse(box, fill=light, outline=dark, width=line)
    er = max(2, hr // 6)
    for ex in (cx - hr // 3, cx + hr // 3):
        draw.ellipse((ex - er, hy - er, ex + er, hy + er), fill=dark)
    accent = palette[3]
    if accessory == "hat":
        draw.rectangle((cx - hr, hy - hr - hr // 4, cx + hr, hy - hr + hr // 8), fill=dark)
        draw.rectangle((cx - hr // 2, hy - hr * 2, cx + hr // 2, hy - hr), fill=dark)
    elif accessory == "antenna":
        draw.line((cx, hy - hr, cx, hy - hr * 2), fill=dark, width=max(2, size // 50))
        draw.ellipse(
            (cx - er * 2, hy - hr * 2 - er * 2, cx + er * 2, hy - hr * 2 + er * 2), fill=accent
        )
    elif accessory == "bow":
        draw.polygon(
            [(cx, hy - hr), (cx - hr, hy - hr * 1.5), (cx - hr, hy - hr * 0.5)], fill=accent
        )
        draw.polygon(
            [(cx, hy - hr), (cx + hr, hy - hr * 1.5), (cx + hr, hy - hr * 0.5)], fill=accent
        )
    elif accessory == "scarf":
        draw.rectangle((cx - hr, hy + hr - hr // 5, cx + hr, hy + hr + hr // 4), fill=accent)


def _weather(image: Image.Image, scene: Scene, shot: random.Random) -> None:
    width, height = image.size
    draw = ImageDraw.Draw(image)
    if scene.rain:
        color = (170, 180, 200)
        for _ in range(140):
            x, y = shot.randrange(width), shot.randrange(height)
            length = max(4, height // 30)
            draw.line((x, y, x - length // 4, y + length), fill=color, width=1)
    if scene.snow:
        for _ in range(160):
            x, y = shot.randrange(width), shot.randrange(height)
            r = max(1, min(width, height) // 250 + shot.randrange(2))
            draw.ellipse((x - r, y - r, x + r, y + r), fill=(245, 245, 250))
    if scene.fog:
        haze = Image.new("RGB", image.size, (200, 205, 210))
        image.paste(Image.blend(image, haze, 0.35))


def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    try:
        return ImageFont.truetype(str(FONT), size)
    except OSError:
        return ImageFont.load_default(size=size)


def _caption(image: Image.Image, text: str) -> None:
    """``text`` small in the bottom-left corner, on a translucent band."""
    width, height = image.size
    size = max(10, min(width, height) // 40)
    font = _font(size)
    lines = "\n".join(textwrap.wrap(text, width=max(16, int(width / size * 0.8)))[:2])
    draw = ImageDraw.Draw(image)
    x0, y0, x1, y1 = draw.multiline_textbbox((0, 0), lines, font=font, spacing=2)
    pad = size // 2
    box = (round(x1 - x0) + 2 * pad, round(y1 - y0) + 2 * pad)
    band = Image.new("RGBA", box, (0, 0, 0, 140))
    bx, by = pad, height - band.height - pad
    image.paste(band, (bx, by), band)
    draw.multiline_text(
        (bx + pad - x0, by + pad - y0), lines, font=font, fill=(240, 240, 240), spacing=2
    )
