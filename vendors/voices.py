"""Voices by language, whatever the engine: which voices speak a language, best first, and how
natural each engine sounds ("high": neural voices such as Kokoro and the vendors'; "medium":
Piper; "low": espeak-ng, robotic, offered only where nothing better speaks the language)."""

from __future__ import annotations

import re
from collections.abc import Sequence

from .base import Voice

QUALITY = {"kokoro": "high", "piper": "medium", "espeak-ng": "low"}
LANGUAGE_TAG = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$")

SAMPLE_TEXTS = {
    "en": "Every great video starts with a single idea. Here is how this voice sounds.",
    "es": "Todo gran vídeo empieza con una sola idea. Así suena esta voz.",
    "fr": "Chaque grande vidéo commence par une seule idée. Voici comment sonne cette voix.",
    "it": "Ogni grande video nasce da una sola idea. Ecco come suona questa voce.",
    "pt": "Todo grande vídeo começa com uma única ideia. É assim que esta voz soa.",
    "hi": "हर शानदार वीडियो एक विचार से शुरू होता है। यह आवाज़ ऐसी सुनाई देती है।",
    "de": "Jedes großartige Video beginnt mit einer einzigen Idee. So klingt diese Stimme.",
    "nl": "Elke goede video begint met één idee. Zo klinkt deze stem.",
    "ja": "すばらしい動画は、ひとつのアイデアから始まります。これがこの声の響きです。",
    "zh": "每一个精彩的视频，都从一个想法开始。这就是这个声音的样子。",  # noqa: RUF001
}


def primary_language(tag: str) -> str:
    return (tag or "en").strip().lower().replace("_", "-").split("-")[0]


def sample_text(language: str) -> str:
    """A short sample in the voice's own language (English where none is written)."""
    return SAMPLE_TEXTS.get(primary_language(language), SAMPLE_TEXTS["en"])


def voice_quality(voice: Voice) -> str:
    """How natural a voice sounds: high (Kokoro, vendors' voices), medium (Piper), low."""
    return QUALITY.get(voice.engine, "high")


def voices_for_language(voices: Sequence[Voice], language: str) -> list[Voice]:
    """The voices that speak ``language``, best first: better engines before worse (Kokoro,
    Piper, espeak-ng), then the exact region before the language's others ("en-GB" puts
    Kokoro's British voices before its American ones), otherwise in the given order."""
    wanted = language.strip().lower().replace("_", "-")
    if not wanted:
        return list(voices)
    primary = wanted.split("-")[0]
    order = {"high": 0, "medium": 1, "low": 2}

    def rank(item: tuple[int, Voice]) -> tuple[int, int, int]:
        position, voice = item
        exact = "-" not in wanted or voice.language.lower() == wanted
        return (order.get(voice_quality(voice), 0), 0 if exact else 1, position)

    same = [(i, v) for i, v in enumerate(voices) if v.language.lower().split("-")[0] == primary]
    return [v for _, v in sorted(same, key=rank)]
