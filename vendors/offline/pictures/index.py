"""The icon index: which icon a prompt's words name, and a search over all icons.

Built from the icon store that ``make install`` generates (``build.py``: Fluent Emoji Flat with
the Unicode CLDR names and keywords), the curated synonyms (``synonyms.txt``) and our own icons
(``icons/*.svg``). Nothing is fetched at run time.

Matching is deliberately narrow, because a wrong picture is worse than a title card: a word or
phrase names an icon only through its CLDR short name ("octopus", "red apple") or a synonym, never
through CLDR's keywords (those are for the search box: they say "beach" for a whale, "order" for a
lion, "pizza" for a mushroom), nor through guessed word senses. Faces, most symbols and flags
(except "flag of X") are left out of matching.
"""

from __future__ import annotations

import gzip
import json
import logging
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

logger = logging.getLogger(__name__)

HERE = Path(__file__).resolve().parent
STORE = "icons.json.gz"
NEVER = "-"  # a synonym's target meaning "this phrase is never drawn"

# CLDR groups whose names match words in prompts; the rest only through synonyms.
MATCHED_GROUPS = {
    "animals-nature",
    "food-drink",
    "travel-places",
    "activities",
    "objects",
    "people-body",
}
# Names of matched groups that are no subject in a sentence (gestures, parts of the body that
# stand for feelings, clocks).
UNMATCHED_SUBGROUPS = {
    "hand-fingers-open",
    "hand-fingers-partial",
    "hand-single-finger",
    "hand-fingers-closed",
    "hands",
    "hand-prop",
    "person-gesture",
    "time",
    "award-medal",
}
# Words of film language and filler that prompts carry and that must not name an icon.
STOPWORDS = {
    "a",
    "an",
    "the",
    "of",
    "in",
    "on",
    "at",
    "to",
    "and",
    "or",
    "with",
    "shot",
    "wide",
    "medium",
    "close",
    "closeup",
    "up",
    "detail",
    "establishing",
    "camera",
    "angle",
    "view",
    "style",
    "scene",
    "frame",
    "illustration",
    "documentary",
    "cinematic",
    "light",
    "natural",
    "clean",
    "world",
}
IRREGULAR = {
    "people": "people",
    "men": "man",
    "women": "woman",
    "children": "child",
    "mice": "mouse",
    "geese": "goose",
    "teeth": "tooth",
    "feet": "foot",
    "octopi": "octopus",
    "cacti": "cactus",
    "fungi": "fungus",
    "bacteria": "bacterium",
    "wolves": "wolf",
    "leaves": "leaf",
    "knives": "knife",
    "lives": "life",
    "wives": "wife",
    "shelves": "shelf",
    "calves": "calf",
    "halves": "half",
    "dice": "die",
    "oxen": "ox",
    "data": "data",
    "news": "news",
    "species": "species",
}
NUMBERS = {"two": 2, "three": 3, "four": 4, "five": 5, "2": 2, "3": 3, "4": 4, "5": 5}
WORD = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


def singular(word: str) -> str:
    """A plural noun's singular, by rule (good enough for matching; "glasses" stays)."""
    if word in IRREGULAR:
        return IRREGULAR[word]
    if len(word) <= 3 or word.endswith(("ss", "us", "is", "ics")):
        return word
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith(("ches", "shes", "xes", "zes", "sses", "oes", "uses")):
        return word[:-2]
    if word.endswith("s") and not word.endswith("'s"):
        return word[:-1]
    return word


def words(text: str) -> list[str]:
    """Lower-case words, possessives and hyphens folded ("keeper's" -> "keeper", "x-ray" ->
    "x ray")."""
    text = text.lower().replace("\u2019", "'")
    text = re.sub(r"'s\b|s'(?=\s|$)", "", text)
    return [w for part in WORD.findall(text) for w in part.split("-") if w]


def phrase_key(text: str) -> tuple[str, ...]:
    return tuple(singular(w) for w in words(text))


@dataclass(frozen=True)
class Icon:
    name: str
    label: str  # the CLDR short name ("octopus"), or our own icon's
    keywords: tuple[str, ...]
    group: str
    subgroup: str
    body: str  # SVG content in a 0 0 32 32 box
    size: tuple[int, int] = (32, 32)

    @property
    def title(self) -> str:
        """The label as a caption: "Red apple"."""
        return self.label[:1].upper() + self.label[1:]


@dataclass(frozen=True)
class Match:
    icon: Icon
    phrase: str  # the words of the text that named it
    start: int  # word position in the text
    count: int = 1  # "three hearts" -> 3


@dataclass
class IconIndex:
    icons: dict[str, Icon] = field(default_factory=dict)
    phrases: dict[tuple[str, ...], str] = field(default_factory=dict)  # -> icon name or NEVER
    longest: int = 1

    @property
    def ready(self) -> bool:
        """False when the icon store was never built (then only title cards are drawn)."""
        return len(self.icons) > 100

    # --- matching ----------------------------------------------------------------------------

    def find(self, text: str) -> list[Match]:
        """Icons the text names, in the order it names them, longest phrases first and none
        overlapping; each icon once."""
        raw = words(text)
        keys = [singular(w) for w in raw]
        found: list[Match] = []
        seen: set[str] = set()
        i = 0
        while i < len(keys):
            for n in range(min(self.longest, len(keys) - i), 0, -1):
                key = tuple(keys[i : i + n])
                if n == 1 and key[0] in STOPWORDS:
                    break
                target = self.phrases.get(key)
                if target is None:
                    continue
                if target != NEVER and target not in seen and target in self.icons:
                    seen.add(target)
                    count = NUMBERS.get(keys[i - 1], 1) if i else 1
                    found.append(Match(self.icons[target], " ".join(raw[i : i + n]), i, count))
                i += n - 1
                break
            i += 1
        return found

    # --- search ------------------------------------------------------------------------------

    def search(self, query: str, *, limit: int = 24) -> list[Icon]:
        """Icons for the search box: name and label first, then CLDR keywords and synonyms."""
        q = " ".join(words(query))
        if not q:
            return []
        qs = " ".join(phrase_key(query))
        scored: list[tuple[int, str]] = []
        synonyms = {
            name for key, name in self.phrases.items() if name != NEVER and " ".join(key) == qs
        }
        for name, icon in self.icons.items():
            label = icon.label
            if label in (q, qs) or name in synonyms:
                score = 0
            elif label.startswith(q) or name.startswith(q.replace(" ", "-")):
                score = 1
            elif re.search(rf"\b{re.escape(q)}", label):
                score = 2
            elif q in icon.keywords or qs in icon.keywords:
                score = 3
            elif any(k.startswith(q) for k in icon.keywords):
                score = 4
            else:
                continue
            scored.append((score * 1000 + len(label), name))
        return [self.icons[name] for _, name in sorted(scored)[:limit]]


def data_dir() -> Path:
    """Where ``make install`` put the icon store: the ``OFFLINE_PICTURES_DIR`` setting (or
    environment variable), else ``var/pictures`` in the repository."""
    try:
        from django.conf import settings

        if settings.configured and getattr(settings, "OFFLINE_PICTURES_DIR", None):
            return Path(settings.OFFLINE_PICTURES_DIR)
    except ImportError:  # pragma: no cover - Django is always installed with vendors
        pass
    return Path(os.environ.get("OFFLINE_PICTURES_DIR") or HERE.parents[2] / "var" / "pictures")


def _own_icons() -> Iterable[Icon]:
    for path in sorted((HERE / "icons").glob("*.svg")):
        svg = path.read_text(encoding="utf-8")
        body = re.sub(r"^.*?<svg[^>]*>|</svg>\s*$", "", svg, flags=re.S)
        body = re.sub(r"<!--.*?-->", "", body, flags=re.S).strip()
        label = path.stem.replace("-", " ")
        yield Icon(path.stem, label, (label,), "vidflow", "vidflow", body)


def read_synonyms(path: Path = HERE / "synonyms.txt") -> list[tuple[str, str]]:
    pairs = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        phrase, sep, target = (part.strip() for part in line.partition("="))
        if not sep or not phrase or not target:
            raise ValueError(f"{path.name}:{number}: expected 'phrase = icon', got {line!r}")
        pairs.append((phrase, target))
    return pairs


def load(directory: Path | None = None) -> IconIndex:
    directory = directory or data_dir()
    index = IconIndex()
    store = directory / STORE
    if store.exists():
        with gzip.open(store, "rt", encoding="utf-8") as f:
            raw = json.load(f)["icons"]
        for name, entry in raw.items():
            index.icons[name] = Icon(
                name=name,
                label=entry["label"],
                keywords=tuple(entry["keywords"]),
                group=entry["group"],
                subgroup=entry["subgroup"],
                body=entry["body"],
                size=tuple(entry.get("size", (32, 32))),
            )
    else:
        logger.warning("offline pictures: no icon store at %s (run make install)", store)
    for icon in _own_icons():
        index.icons[icon.name] = icon
    for name, icon in index.icons.items():
        if icon.group in MATCHED_GROUPS and icon.subgroup not in UNMATCHED_SUBGROUPS:
            label = icon.label.split(":")[0] if ": facing" in icon.label else icon.label
            index.phrases.setdefault(phrase_key(label), name)
        elif icon.group == "flags" and icon.label.startswith("flag: "):
            index.phrases.setdefault(phrase_key("flag of " + icon.label[6:]), name)
        elif icon.group == "vidflow":
            index.phrases[phrase_key(icon.label)] = name
    for phrase, target in read_synonyms():
        index.phrases[phrase_key(phrase)] = target  # synonyms win over CLDR names
    index.longest = max(len(key) for key in index.phrases)
    return index


@cache
def icon_index() -> IconIndex:
    """The process's index (loaded once, about 60 ms)."""
    return load()
