"""Small text tools: seeding, sentences, words, title case, colours."""

from __future__ import annotations

import colorsys
import hashlib
import random
import re


def wordset(text: str) -> frozenset[str]:
    """A word list written as one string, as a set."""
    return frozenset(text.split())


def wordlist(text: str) -> tuple[str, ...]:
    return tuple(text.split())


_ABBREVIATIONS = ("Dr.", "Mr.", "Mrs.", "Ms.", "Prof.", "Capt.", "St.", "vs.", "e.g.", "i.e.")
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"'\u201d\u2019)]*\s+(?=[\"'\u201c\u2018(]?[A-Z0-9])")
_SMALL_WORDS = wordset(
    "a an the of in on at to for and but or nor by with from up as vs via into onto"
)


def rng_for(*parts: object) -> random.Random:
    """A private random generator seeded from the parts: the same inputs always draw the same."""
    digest = hashlib.sha256("\x1f".join(str(p) for p in parts).encode()).digest()
    return random.Random(int.from_bytes(digest[:8], "big"))


def sentences(text: str) -> list[str]:
    """Split prose into sentences, keeping "Dr. Quinn" in one piece."""
    protected = text.strip()
    for abbr in _ABBREVIATIONS:
        protected = protected.replace(abbr + " ", abbr.replace(".", "\x00") + " ")
    parts = _SENTENCE_END.split(protected)
    return [p.replace("\x00", ".").strip() for p in parts if p.strip()]


def capitalize_first(text: str) -> str:
    for i, ch in enumerate(text):
        if ch.isalpha():
            return text[:i] + ch.upper() + text[i + 1 :]
        if ch.isdigit():
            return text
    return text


def title_case(text: str) -> str:
    """YouTube-style title case: small words stay lower except first; existing capitals stay."""
    out: list[str] = []
    tokens = text.split()
    for i, token in enumerate(tokens):
        bare = token.strip("\"'\u201c\u201d\u2018\u2019(").lower()
        after_colon = i > 0 and tokens[i - 1].endswith((":", "?", "."))
        if i > 0 and not after_colon and bare in _SMALL_WORDS:
            out.append(token if token[:1].isupper() and token.lower() != token else token.lower())
        else:
            out.append(capitalize_first(token))
    return " ".join(out)


def clip(text: str, limit: int) -> str:
    """Cut at a word boundary to at most ``limit`` characters (no ellipsis)."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit + 1].rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:-—")


def finish_sentence(text: str) -> str:
    text = " ".join(text.split()).strip()
    if not text:
        return text
    text = capitalize_first(text)
    return text if text[-1] in ".!?" else text + "."


def color_for(kind: str, name: str) -> str:
    """A stable, pleasant #rrggbb for a bible entry: characters saturated, locations muted."""
    digest = hashlib.sha256(f"{kind}:{name.lower()}".encode()).digest()
    hue = digest[0] / 255
    if kind == "character":
        sat, light = 0.55 + digest[1] / 255 * 0.25, 0.45 + digest[2] / 255 * 0.12
    else:
        sat, light = 0.22 + digest[1] / 255 * 0.2, 0.34 + digest[2] / 255 * 0.2
    r, g, b = colorsys.hls_to_rgb(hue, light, sat)
    return f"#{round(r * 255):02x}{round(g * 255):02x}{round(b * 255):02x}"


def pick_by_hash(options: tuple[str, ...] | list[str], *parts: object) -> str:
    digest = hashlib.sha256("\x1f".join(str(p) for p in parts).encode()).digest()
    return options[int.from_bytes(digest[:4], "big") % len(options)]
