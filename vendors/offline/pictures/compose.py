"""One picture: plan what to draw (subjects, scene, or a title card), write it as SVG, rasterise.

Subjects, in this order: the icons the creator pinned (``ImageRequest.subjects``), else the
shot's characters (each with its bible icon: the reference's ``icon``, or the first icon its name
or description names) and what the prompt names (the narration line's words when the prompt names
nothing), at most three. A location's icon (a lighthouse) stands in the scene as a landmark. When
nothing is named the picture is a title card with the line's key phrase: never a guess.

Everything is vector until the end: scene template, soft shadows and glows as radial gradients
(no blur filters), icons, labels; ``resvg`` rasterises the whole in one pass.
"""

from __future__ import annotations

import hashlib
import random
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from PIL import ImageFont

from vendors.base import ImageRequest, VisualRef

from . import scenes
from .index import NEVER, STOPWORDS, Icon, IconIndex, icon_index, words

FONT_BOLD = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf")  # fonts-dejavu-core
FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
FAMILY = "DejaVu Sans"
MAX_SUBJECTS = 3
PERSON = "person-standing"
INK = "#1d2433"

CLOSE = re.compile(r"\b(close[- ]?up|closeup|detail|macro|extreme close)\b", re.I)
WIDE = re.compile(r"\b(wide|establishing|aerial|panorama|long shot)\b", re.I)
# Openers a narrator uses that a title card can do without.
OPENERS = re.compile(
    r"^(?:(?:so|now|and|but|then|well|here is|here's|in the end|in short|consider|take|"
    r"think about|think of it as|meet|look at|start with|remember)\b[,:]?\s+)+",
    re.I,
)


@dataclass(frozen=True)
class Subject:
    icon: Icon
    label: str  # the caption: the bible entry's name, or the icon's own
    entry: str = ""  # the name of the bible entry it stands for
    color: str = ""  # that entry's colour
    count: int = 1  # "three hearts" draws three

    def as_dict(self) -> dict[str, object]:
        out: dict[str, object] = {"icon": self.icon.name, "label": self.label}
        if self.entry:
            out["entry"] = self.entry
        if self.count > 1:
            out["count"] = self.count
        return out


@dataclass(frozen=True)
class Plan:
    scene: str
    when: str  # "day" | "night" | "sunset"
    subjects: tuple[Subject, ...]
    landmark: Subject | None = None
    title: str = ""  # a title card's phrase (when there are no subjects)
    references: dict[str, str] = field(default_factory=dict)  # bible name -> its icon

    def details(self) -> dict[str, object]:
        drawn = [*self.subjects, *([self.landmark] if self.landmark else [])]
        return {
            "subjects": [s.as_dict() for s in drawn],
            "scene": self.scene,
            "titleCard": self.title,
            "references": self.references,
        }


# --- planning ---------------------------------------------------------------------------------


def reference_icon(ref: VisualRef, index: IconIndex) -> Icon | None:
    """A bible entry's icon: the one it was given, else the first its name or description names
    (a location's scene words are no icon of it: "The Forest" is a forest, not a tree)."""
    if ref.icon and ref.icon in index.icons:
        return index.icons[ref.icon]
    scene_words = set()
    if ref.kind == "location":
        scene_words = {p for phrases in scenes.SCENE_WORDS.values() for p in phrases}
    for text in (ref.name, ref.description):
        for match in index.find(text):
            if ref.kind == "location" and (
                match.phrase in scene_words or match.icon.group == "people-body"
            ):
                continue  # a place is not the people in it
            return match.icon
    if ref.kind == "location":  # "the lighthouse keeper's cottage" is still a lighthouse
        for word in words(ref.name):
            icon = next(iter(index.find(word)), None)
            if icon is not None and icon.icon.group != "people-body":
                return icon.icon
        return None
    # A character nothing names ("Mara Quinn, a character in the story") is a person: drawn as
    # one in the entry's colour and with its name, until the creator picks another icon.
    return index.icons.get(PERSON)


def key_phrase(line: str, prompt: str = "") -> str:
    """The words a title card shows: the line's clause that says most, without openers."""
    text = " ".join((line or "").split())
    if not text:
        text = ", ".join(
            part
            for part in (p.strip() for p in prompt.split(","))
            if part and not set(words(part)) <= STOPWORDS | {"style", "light", "lighting"}
        )
        text = re.sub(
            r"^(?:(?:wide|medium|close[- ]?up|detail|establishing|aerial)\s+)*shot\s+of\s+",
            "",
            text.split(",")[0],
            flags=re.I,
        )
    if ":" in text:
        head, tail = text.split(":", 1)
        text = tail if len(tail.split()) >= 3 else head
    text = OPENERS.sub("", text.strip())
    text = text.strip(" .!?;,-—\"'")
    clauses = [c.strip() for c in re.split(r"[,;\u2014\u2013]| - ", text) if c.strip()]
    if len(text.split()) > 9 and clauses:
        text = max(clauses, key=lambda c: sum(len(w) > 3 for w in c.split()))
    shown = text.split()
    if len(shown) > 9:
        text = " ".join(shown[:9]) + "…"
    return text[:1].upper() + text[1:] if text else ""


def plan(request: ImageRequest, index: IconIndex | None = None) -> Plan:
    index = index or icon_index()
    characters = [r for r in request.references if r.kind != "location"]
    location = next((r for r in request.references if r.kind == "location"), None)
    references: dict[str, str] = {}
    cast: list[Subject] = []
    for ref in characters:
        icon = reference_icon(ref, index)
        if icon is not None:
            references[ref.name] = icon.name
            cast.append(Subject(icon, ref.name, entry=ref.name, color=ref.color))
    landmark = None
    if location is not None:
        icon = reference_icon(location, index)
        if icon is not None:
            references[location.name] = icon.name
            # A place stands in the scene without a character's disc of colour.
            landmark = Subject(icon, location.name, entry=location.name)

    subjects: list[Subject] = []
    if request.subjects:
        by_icon = {s.icon.name: s for s in (*cast, *([landmark] if landmark else []))}
        for name in request.subjects[:MAX_SUBJECTS]:
            if name in by_icon:
                subjects.append(by_icon[name])
            elif name in index.icons and name != NEVER:
                subjects.append(Subject(index.icons[name], index.icons[name].title))
        if landmark is not None and landmark in subjects:
            landmark = None
    else:
        setting = " ".join((location.name, location.description)) if location else ""
        early = scenes.choose(
            setting=setting,
            prompt=request.prompt,
            line=request.line,
            context=request.context,
            habitats=(),
        )
        # "the forest" sets the scene; it is no tree in front of it ("solar system" no sun)
        named = index.find(scenes.without_setting(request.prompt, early)) or index.find(
            scenes.without_setting(request.line, early)
        )
        subjects = list(cast)
        for match in named:
            if all(s.icon.name != match.icon.name for s in subjects):
                label = match.phrase[:1].upper() + match.phrase[1:]
                subjects.append(Subject(match.icon, label, count=match.count))
        subjects = subjects[:MAX_SUBJECTS]
        if landmark is not None and any(s.icon.name == landmark.icon.name for s in subjects):
            landmark = None
        if not subjects and landmark is not None:
            subjects, landmark = [landmark], None

    # Where the subjects live sets the scene when no word does; the video's topic ("Why
    # octopuses have three hearts") counts too, so its shots stay in one world.
    topic = [m.icon for m in index.find(request.context)][:2]
    habitats = [
        scenes.HABITATS.get(icon.name) or scenes.HABITATS.get(icon.subgroup, "")
        for icon in (
            *(s.icon for s in subjects),
            *([landmark.icon] if landmark else []),
            *topic,
        )
    ]
    setting = " ".join((location.name, location.description)) if location else ""
    scene = scenes.choose(
        setting=setting,
        prompt=request.prompt,
        line=request.line,
        context=request.context,
        habitats=[h for h in habitats if h],
    )
    when = "day"
    if scene in scenes.OUTDOOR:
        when = scenes.time_of_day(request.prompt, setting, request.line)
    title = "" if subjects else key_phrase(request.line, request.prompt) or "…"
    return Plan(scene, when, tuple(subjects), landmark, title, references)


# --- drawing ----------------------------------------------------------------------------------


def _rng(*parts: object) -> random.Random:
    digest = hashlib.sha256("\x1f".join(str(p) for p in parts).encode()).digest()
    return random.Random(int.from_bytes(digest[:8], "big"))


@cache
def _font(size: int, bold: bool = True) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(FONT_BOLD if bold else FONT), size)


def _text_width(text: str, size: int, bold: bool = True) -> float:
    return float(_font(size, bold).getlength(text))


def _wrap(text: str, size: int, width: float) -> list[str]:
    lines: list[str] = []
    for word in text.split():
        if lines and _text_width(f"{lines[-1]} {word}", size) <= width:
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines.append(word)
    return lines


def _contrast(color: str) -> str:
    m = scenes.HEX.fullmatch(color or "")
    if not m:
        return INK
    r, g, b = (int(m.group(1)[i : i + 2], 16) for i in (0, 2, 4))
    return INK if 0.299 * r + 0.587 * g + 0.114 * b > 150 else "#ffffff"


class _Svg:
    def __init__(self, width: int, height: int) -> None:
        self.width, self.height = width, height
        self.defs: list[str] = []
        self.parts: list[str] = []
        self._ids = 0

    def gradient(self, color: str, opacity: float, *, inner: float = 0.0) -> str:
        """A radial gradient from ``color`` at ``opacity`` to nothing: soft shadows and glows."""
        self._ids += 1
        gid = f"g{self._ids}"
        self.defs.append(
            f'<radialGradient id="{gid}"><stop offset="{inner}" stop-color="{color}" '
            f'stop-opacity="{opacity}"/><stop offset="1" stop-color="{color}" '
            f'stop-opacity="0"/></radialGradient>'
        )
        return f"url(#{gid})"

    def icon(self, icon: Icon, x: float, y: float, size: float) -> None:
        w, h = icon.size
        self.parts.append(
            f'<svg x="{x:.1f}" y="{y:.1f}" width="{size:.1f}" height="{size:.1f}" '
            f'viewBox="0 0 {w} {h}">{icon.body}</svg>'
        )

    def pill(self, text: str, cx: float, top: float, size: int, fill: str) -> None:
        width = _text_width(text, size) + size * 1.2
        height = size * 1.6
        x = min(max(cx - width / 2, size * 0.4), self.width - width - size * 0.4)
        self.parts.append(
            f'<rect x="{x:.1f}" y="{top:.1f}" width="{width:.1f}" height="{height:.1f}" '
            f'rx="{height / 2:.1f}" fill="{fill}" fill-opacity="0.92"/>'
            f'<text x="{x + width / 2:.1f}" y="{top + height * 0.68:.1f}" font-family="{FAMILY}" '
            f'font-weight="bold" font-size="{size}" text-anchor="middle" '
            f'fill="{_contrast(fill)}">{escape(text)}</text>'
        )

    def document(self) -> str:
        return (
            f'<svg xmlns="http://www.w3.org/2000/svg" width="{self.width}" '
            f'height="{self.height}" viewBox="0 0 {self.width} {self.height}">'
            f"<defs>{''.join(self.defs)}</defs>{''.join(self.parts)}</svg>"
        )


def _background(svg: _Svg, template: scenes.Template, look: scenes.Look, when: str) -> None:
    body = scenes.recolor_svg(template.svg, look, when)
    svg.parts.append(
        f'<svg x="0" y="0" width="{svg.width}" height="{svg.height}" viewBox="0 0 1920 1080" '
        f'preserveAspectRatio="xMidYMax slice">{body}</svg>'
    )
    if when == "night":  # stars over a darkened outdoor scene
        rnd = _rng("stars", template.name)
        for _ in range(40):
            x, y = rnd.random() * svg.width, rnd.random() * svg.height * 0.45
            r = max(1.0, svg.height / 400) * (0.6 + rnd.random())
            svg.parts.append(f'<circle cx="{x:.0f}" cy="{y:.0f}" r="{r:.1f}" fill="#fffbe6"/>')


def _slots(count: int, width: int, unit: float, rnd: random.Random) -> list[tuple[float, float]]:
    """(centre x, size) of each subject: the first the largest."""
    jitter = (rnd.random() - 0.5) * width * 0.08
    if count == 1:
        return [(width / 2 + jitter, unit * 0.62)]
    if count == 2:
        gap = min(width * 0.23, unit * 0.36)
        size = min(unit * 0.5, width * 0.42)
        return [(width / 2 - gap + jitter, size), (width / 2 + gap + jitter, size * 0.9)]
    gap = min(width * 0.3, unit * 0.5)
    size = min(unit * 0.5, width * 0.36)
    return [
        (width / 2 + jitter * 0.5, size),
        (width / 2 - gap + jitter * 0.5, size * 0.72),
        (width / 2 + gap + jitter * 0.5, size * 0.72),
    ]


def _draw_subject(
    svg: _Svg,
    subject: Subject,
    cx: float,
    size: float,
    *,
    base: float,
    floats: bool,
    label: bool,
    label_size: int,
) -> None:
    copies = max(1, min(subject.count, 3))
    each = size if copies == 1 else size * 0.62
    spread = each * 0.78
    xs = [cx + (i - (copies - 1) / 2) * spread for i in range(copies)]
    top = base - each * 0.97  # Fluent icons leave a little room under their feet
    if floats:
        glow = svg.gradient("#ffffff", 0.35)
        r = each * 0.62 + spread * (copies - 1) / 2
        svg.parts.append(
            f'<ellipse cx="{cx:.1f}" cy="{top + each / 2:.1f}" rx="{r:.1f}" '
            f'ry="{each * 0.6:.1f}" fill="{glow}"/>'
        )
    else:
        shadow = svg.gradient("#000000", 0.38, inner=0.15)
        for x in xs:
            svg.parts.append(
                f'<ellipse cx="{x:.1f}" cy="{base - each * 0.02:.1f}" rx="{each * 0.38:.1f}" '
                f'ry="{each * 0.075:.1f}" fill="{shadow}"/>'
            )
    if subject.color:  # a bible entry stands in front of a disc of its own colour
        r = each * 0.4
        cy = top + each * 0.46
        ring = svg.gradient("#ffffff", 0.7, inner=0.8)
        svg.parts.append(
            f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="{r * 1.12:.1f}" fill="{ring}"/>'
            f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="{r:.1f}" fill="{subject.color}"/>'
        )
    for x in xs:
        svg.icon(subject.icon, x - each / 2, top, each)
    if label:
        fill = subject.color or "#ffffff"
        svg.pill(subject.label, cx, base + label_size * 0.5, label_size, fill)


def _title_card(svg: _Svg, title: str, unit: float, accent: str) -> None:
    w, h = svg.width, svg.height
    svg.parts.append(f'<rect width="{w}" height="{h}" fill="#ffffff" fill-opacity="0.28"/>')
    card_w = w * (0.8 if w >= h else 0.86)
    size = round(unit * 0.085)
    lines = _wrap(title, size, card_w * 0.84)
    while len(lines) > 3 and size > unit * 0.04:
        size = round(size * 0.88)
        lines = _wrap(title, size, card_w * 0.84)
    line_h = size * 1.28
    card_h = line_h * len(lines) + size * 1.9
    x, y = (w - card_w) / 2, (h - card_h) / 2
    radius = size * 0.5
    for i in range(6, 0, -1):  # a soft shadow: growing, fading rounded rectangles
        grow = i * size * 0.09
        svg.parts.append(
            f'<rect x="{x - grow:.1f}" y="{y - grow + size * 0.35:.1f}" '
            f'width="{card_w + 2 * grow:.1f}" height="{card_h + 2 * grow:.1f}" '
            f'rx="{radius + grow:.1f}" fill="#000000" fill-opacity="0.035"/>'
        )
    svg.parts.append(
        f'<rect x="{x:.1f}" y="{y:.1f}" width="{card_w:.1f}" height="{card_h:.1f}" '
        f'rx="{radius:.1f}" fill="#ffffff" fill-opacity="0.95"/>'
        f'<rect x="{x + size * 0.6:.1f}" y="{y + size * 0.9:.1f}" width="{size * 0.16:.1f}" '
        f'height="{card_h - size * 1.8:.1f}" rx="{size * 0.08:.1f}" fill="{accent}"/>'
    )
    for i, line in enumerate(lines):
        baseline = y + size * 0.95 + line_h * i + size * 0.95
        svg.parts.append(
            f'<text x="{w / 2 + size * 0.2:.1f}" y="{baseline:.1f}" font-family="{FAMILY}" '
            f'font-weight="bold" font-size="{size}" text-anchor="middle" fill="{INK}">'
            f"{escape(line)}</text>"
        )


def _caption(svg: _Svg, caption: str, unit: float) -> None:
    size = max(12, round(unit * 0.032))
    width = _text_width(caption, size, bold=False) + size
    y = svg.height - size * 2.2
    svg.parts.append(
        f'<rect x="{size * 0.6:.1f}" y="{y:.1f}" width="{width:.1f}" height="{size * 1.6:.1f}" '
        f'rx="{size * 0.3:.1f}" fill="#000000" fill-opacity="0.55"/>'
        f'<text x="{size * 1.1:.1f}" y="{y + size * 1.15:.1f}" font-family="{FAMILY}" '
        f'font-size="{size}" fill="#ffffff">{escape(caption)}</text>'
    )


ACCENTS = ("#e76f51", "#2a9d8f", "#e9c46a", "#457b9d", "#9b5de5", "#f15bb5")


def to_svg(request: ImageRequest, drawing: Plan) -> str:
    width, height = max(16, request.width), max(16, request.height)
    unit = float(min(height, width))
    look = scenes.look_for(request.style)
    template = scenes.templates()[drawing.scene]
    rnd = _rng("shot", request.prompt, request.seed, *(s.icon.name for s in drawing.subjects))
    svg = _Svg(width, height)
    _background(svg, template, look, drawing.when)
    if not drawing.subjects:
        accent = ACCENTS[_rng("accent", drawing.title).randrange(len(ACCENTS))]
        _title_card(svg, drawing.title, unit, accent)
    else:
        scale = 1.18 if CLOSE.search(request.prompt) else 0.82 if WIDE.search(request.prompt) else 1
        floor = height * min(0.95, template.floor + (rnd.random() - 0.5) * 0.04)
        label_size = max(12, round(unit * 0.042))
        if drawing.landmark is not None:
            side = 0.82 if rnd.random() < 0.5 else 0.18
            size = unit * 0.55 * scale
            base = floor - (height * 0.12 if template.floats else 0)
            _draw_subject(
                svg,
                drawing.landmark,
                width * side,
                size,
                base=base,
                floats=template.floats,
                label=False,
                label_size=label_size,
            )
        labels = len(drawing.subjects) > 1 or any(s.entry for s in drawing.subjects)
        slots = _slots(len(drawing.subjects), width, unit, rnd)
        order = list(zip(drawing.subjects, slots, strict=True))
        for subject, (cx, size) in [*order[1:], *order[:1]]:  # the main subject in front
            size = min(size * scale, height * 0.78)
            if template.floats:
                base = height * (0.5 + (rnd.random() - 0.5) * 0.06) + size / 2
                base = min(base, floor)
            else:
                base = floor + (height * 0.04 if scale > 1 else 0)
                base = min(base, height - (label_size * 2.4 if labels else 0))
            _draw_subject(
                svg,
                subject,
                cx,
                size,
                base=base,
                floats=template.floats,
                label=labels,
                label_size=label_size,
            )
    if request.caption:
        _caption(svg, request.caption, unit)
    document = svg.document()
    if look.name == "noir":  # the subjects too: a black-and-white picture has no colour
        document = scenes.recolor_svg(document, look)
    return document


def _cairo() -> Any:
    try:
        import cairosvg  # needs the libcairo2 system library

        return cairosvg
    except (ImportError, OSError):
        return None


CAIRO = _cairo()


def rasterise(svg: str) -> bytes:
    """PNG bytes: cairosvg where libcairo is installed (3-5x faster on these pictures), else
    resvg-py (a self-contained wheel)."""
    if CAIRO is not None:
        return bytes(CAIRO.svg2png(bytestring=svg.encode("utf-8")))
    import resvg_py

    return bytes(
        resvg_py.svg_to_bytes(
            svg_string=svg,
            skip_system_fonts=True,
            font_files=[str(FONT_BOLD), str(FONT)],
            font_family=FAMILY,
            sans_serif_family=FAMILY,
        )
    )
