"""Background scenes: which one a shot is set in, and its SVG in the project's colours.

The templates are ``scenes/*.svg`` (see ``scenes/README.md``). A scene is chosen by the words of
the setting — the location reference first, then the prompt, the narration line and the video's
idea — and, when none names one, by where the subjects live (a whale is underwater, a rocket in
space). Nothing names a place: the neutral studio backdrop.
"""

from __future__ import annotations

import colorsys
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

HERE = Path(__file__).resolve().parent / "scenes"
RGB = tuple[int, int, int]

# Phrases that put a shot in a scene (singular, lower case; matched on word boundaries).
SCENE_WORDS: dict[str, tuple[str, ...]] = {
    "underwater": (
        "underwater",
        "under water",
        "undersea",
        "under the sea",
        "deep sea",
        "sea floor",
        "seafloor",
        "seabed",
        "ocean floor",
        "reef",
        "coral",
        "abyss",
        "deep ocean",
        "ocean depth",
        "deep blue",
        "in the ocean",
        "in the sea",
        "beneath the wave",
        "aquarium",
        "scuba",
    ),
    "space": (
        "space",
        "outer space",
        "orbit",
        "galaxy",
        "cosmos",
        "universe",
        "solar system",
        "interstellar",
        "planet",
        "asteroid",
        "nebula",
        "zero gravity",
        "spacewalk",
    ),
    "night": ("night", "midnight", "starry", "night sky", "moonlight", "moonlit", "star"),
    "city": (
        "city",
        "street",
        "downtown",
        "skyline",
        "urban",
        "metropolis",
        "traffic",
        "skyscraper",
        "avenue",
        "neighborhood",
        "neighbourhood",
        "town square",
        "town",
        "market square",
    ),
    "forest": ("forest", "wood", "woodland", "jungle", "rainforest", "grove", "tree"),
    "desert": ("desert", "dune", "sahara", "oasis", "pyramid", "canyon", "sand"),
    "coast": (
        "coast",
        "beach",
        "shore",
        "seaside",
        "harbour",
        "harbor",
        "pier",
        "cliff",
        "bay",
        "lighthouse",
        "port",
        "ocean",
        "sea",
        "island",
        "wave",
        "tide",
    ),
    "room": (
        "lab",
        "laboratory",
        "room",
        "kitchen",
        "office",
        "classroom",
        "workshop",
        "desk",
        "bedroom",
        "living room",
        "house",
        "home",
        "indoors",
        "inside",
        "library",
        "studio apartment",
        "garage",
        "hospital",
    ),
    "hall": (
        "hall",
        "museum",
        "palace",
        "throne",
        "courtroom",
        "cathedral",
        "church",
        "temple",
        "ballroom",
        "castle",
        "parliament",
        "gallery",
        "theatre",
        "theater",
    ),
    "field": (
        "field",
        "farm",
        "meadow",
        "countryside",
        "village",
        "garden",
        "grassland",
        "prairie",
        "pasture",
        "park",
        "hill",
        "valley",
        "orchard",
    ),
    "mountains": ("mountain", "peak", "summit", "alps", "himalaya", "glacier", "snow"),
    "sky": ("sky", "cloud", "flying", "flight", "above the cloud", "airborne", "bird"),
}
# Where a subject lives, when no word names the place: CLDR subgroup or icon name -> scene.
HABITATS: dict[str, str] = {
    "animal-marine": "underwater",
    "transport-water": "coast",
    "rocket": "space",
    "satellite": "space",
    "flying-saucer": "space",
    "ringed-planet": "space",
    "milky-way": "space",
    "comet": "space",
    "astronaut": "space",
    "man-astronaut": "space",
    "woman-astronaut": "space",
    "full-moon": "night",
    "crescent-moon": "night",
    "glowing-star": "night",
    "camel": "desert",
    "cactus": "desert",
    "scorpion": "desert",
    "evergreen-tree": "forest",
    "deciduous-tree": "forest",
    "deer": "forest",
    "bear": "forest",
    "fox": "forest",
    "owl": "forest",
    "mushroom": "forest",
    "brown-mushroom": "forest",
    "cow": "field",
    "tractor": "field",
    "sheaf-of-rice": "field",
    "ewe": "field",
    "horse": "field",
    "sunflower": "field",
    "honeybee": "field",
    "blossom": "field",
    "cherry-blossom": "field",
    "tulip": "field",
    "butterfly": "field",
    "lady-beetle": "field",
    "airplane": "sky",
    "helicopter": "sky",
    "parachute": "sky",
    "eagle": "sky",
    "microscope": "room",
    "test-tube": "room",
    "petri-dish": "room",
    "alembic": "room",
    "scientist": "room",
    "man-scientist": "room",
    "woman-scientist": "room",
    "laptop": "room",
    "desktop-computer": "room",
    "office-building": "city",
    "automobile": "city",
    "taxi": "city",
    "bus": "city",
    "lighthouse": "coast",
    "sailboat": "coast",
    "castle": "hall",
    "person-with-crown": "hall",
    "crown": "hall",
    "princess": "hall",
    "prince": "hall",
    "snow-capped-mountain": "mountains",
    "mountain": "mountains",
    "penguin": "mountains",
    "polar-bear": "mountains",
}
# Outdoor scenes that "night" darkens and "sunset" warms rather than replaces.
OUTDOOR = {"city", "forest", "desert", "coast", "field", "mountains"}
NIGHT = re.compile(r"\b(night|midnight|moonlit|moonlight|dark sky)\b")
SUNSET = re.compile(r"\b(sunset|dusk|dawn|sunrise|twilight|golden hour|evening)\b")


@dataclass(frozen=True)
class Template:
    name: str
    svg: str  # the inner content, in a 0 0 1920 1080 box
    floor: float  # where subjects stand, as a share of the height
    floats: bool  # subjects float (no ground shadow)


@cache
def templates() -> dict[str, Template]:
    found = {}
    for path in sorted(HERE.glob("*.svg")):
        text = path.read_text(encoding="utf-8")
        header = re.search(r"<!--\s*scene:\s*(\w+);\s*floor:\s*([\d.]+);\s*float:\s*(\w+)", text)
        if header is None:
            raise ValueError(f"{path.name}: no '<!-- scene: NAME; floor: F; float: yes|no -->'")
        body = re.sub(r"^.*?<svg[^>]*>|</svg>\s*$", "", text, flags=re.S)
        body = re.sub(r"<!--.*?-->", "", body, flags=re.S)
        found[header.group(1)] = Template(
            name=header.group(1),
            svg=re.sub(r">\s+<", "><", body.strip()),
            floor=float(header.group(2)),
            floats=header.group(3) == "yes",
        )
    return found


def _hits(text: str, phrases: Iterable[str]) -> int:
    return sum(1 for p in phrases if re.search(rf"\b{re.escape(p)}s?\b", text))


def choose(*, setting: str, prompt: str, line: str, context: str, habitats: Iterable[str]) -> str:
    """The scene for a shot. Each source's words are weighed (the location's and the prompt's
    most); a subject's habitat decides only when no words do."""
    scores: dict[str, float] = {}
    for text, weight in ((setting, 3.0), (prompt, 3.0), (line, 1.0), (context, 0.6)):
        text = " " + text.lower() + " "
        for scene, phrases in SCENE_WORDS.items():
            hits = _hits(text, phrases)
            if hits:
                scores[scene] = scores.get(scene, 0.0) + weight * min(hits, 2)
    for habitat in habitats:
        scores[habitat] = scores.get(habitat, 0.0) + 0.5
    if not scores:
        return "studio"
    # "night" with an outdoor place is that place at night (see time_of_day).
    order = list(SCENE_WORDS)
    best = max(scores, key=lambda s: (scores[s], -order.index(s) if s in order else 0))
    if best == "night":
        places = {s: v for s, v in scores.items() if s in OUTDOOR}
        if places:
            best = max(places, key=lambda s: places[s])
    return best


# Scene words that are things in their own right: a lighthouse sets the coast and is drawn too.
SUBJECTS_TOO = {
    "lighthouse",
    "coral",
    "pyramid",
    "castle",
    "church",
    "cathedral",
    "temple",
    "house",
    "home",
    "tree",
    "bird",
    "island",
    "star",
    "planet",
    "asteroid",
    "cloud",
    "museum",
    "palace",
    "hospital",
    "desk",
    "snow",
    "mountain",
    "peak",
    "glacier",
    "skyscraper",
    "wave",
    "throne",
    "parliament",
    "library",
    "oasis",
    "aquarium",
}


def without_setting(text: str, scene: str) -> str:
    """``text`` without the phrases that only set ``scene`` ("deep in the forest")."""
    phrases = [p for p in SCENE_WORDS.get(scene, ()) if p not in SUBJECTS_TOO]
    for phrase in sorted(phrases, key=len, reverse=True):
        text = re.sub(rf"\b{re.escape(phrase)}s?\b", " ", text, flags=re.I)
    return text


def time_of_day(*texts: str) -> str:
    text = " ".join(t.lower() for t in texts)
    if NIGHT.search(text):
        return "night"
    if SUNSET.search(text):
        return "sunset"
    return "day"


# --- colours ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Look:
    """How a visual style changes every colour: a tint mixed in, saturation and lightness."""

    name: str
    tint: RGB | None = None
    amount: float = 0.0
    saturation: float = 1.0
    lighten: float = 0.0


LOOKS: dict[str, Look] = {
    "noir": Look("noir", saturation=0.0),
    "vibrant": Look("vibrant", saturation=1.35),
    "pastel": Look("pastel", saturation=0.75, lighten=0.3),
    "warm": Look("warm", tint=(255, 150, 60), amount=0.18),
    "forest": Look("forest", tint=(45, 106, 79), amount=0.12),
    "cool": Look("cool", tint=(0, 119, 182), amount=0.14),
    "cinematic": Look("cinematic", tint=(27, 42, 47), amount=0.16, saturation=0.9),
}
# Checked in this order, the most distinctive looks first ("film noir" is noir, not cinematic).
STYLE_WORDS: dict[str, tuple[str, ...]] = {
    "noir": ("noir", "black and white", "monochrome", "grayscale", "greyscale", "ink"),
    "vibrant": ("vibrant", "neon", "bold", "pop", "cyberpunk", "synthwave", "comic"),
    "pastel": ("pastel", "soft", "kawaii", "cute", "dreamy", "watercolor", "watercolour"),
    "warm": ("warm", "golden", "retro", "vintage", "sepia"),
    "forest": ("earthy", "organic"),
    "cool": ("cool", "icy", "corporate"),
    "cinematic": ("cinematic", "moody", "dramatic", "dark"),
}


def look_for(style: str) -> Look:
    text = " " + style.lower() + " "
    for name, keywords in STYLE_WORDS.items():
        if any(re.search(rf"\b{re.escape(k)}\b", text) for k in keywords):
            return LOOKS[name]
    return Look("plain")


def _mix(a: RGB, b: RGB, t: float) -> RGB:
    return (
        round(a[0] + (b[0] - a[0]) * t),
        round(a[1] + (b[1] - a[1]) * t),
        round(a[2] + (b[2] - a[2]) * t),
    )


def recolor(rgb: RGB, look: Look, when: str = "day") -> RGB:
    if when == "night":
        rgb = _mix(rgb, (12, 18, 48), 0.62)
    elif when == "sunset":
        rgb = _mix(rgb, (250, 120, 70), 0.25)
    if look.tint is not None:
        rgb = _mix(rgb, look.tint, look.amount)
    if look.saturation != 1.0 or look.lighten:
        h, lum, s = colorsys.rgb_to_hls(*(c / 255 for c in rgb))
        s = min(1.0, s * look.saturation)
        lum = lum + (1 - lum) * look.lighten
        rgb = tuple(round(c * 255) for c in colorsys.hls_to_rgb(h, lum, s))  # type: ignore[assignment]
    return rgb


HEX = re.compile(r"#([0-9a-fA-F]{6})\b")


def recolor_svg(svg: str, look: Look, when: str = "day") -> str:
    """Every ``#rrggbb`` of ``svg`` in the look (and time of day)."""
    if look.name == "plain" and when == "day":
        return svg

    def swap(m: re.Match[str]) -> str:
        h = m.group(1)
        r, g, b = recolor((int(h[0:2], 16), int(h[2:4], 16), int(h[4:6], 16)), look, when)
        return f"#{r:02x}{g:02x}{b:02x}"

    return HEX.sub(swap, svg)
