"""Words as the whole product counts them, and the pace narration is planned at.

A word is a whitespace token with at least one letter or digit ("—" and "..." are not words); it
keeps its punctuation ("world," not "world"), as captions show it. Chapter budgets, voiceover
prices, the writer's word targets and caption timing all count with :func:`word_count`.
"""

from __future__ import annotations

import re

# The product's narration pace, about 2.5 words a second. A speech provider may say it speaks
# faster or slower (``words_per_minute``); settings.NARRATION_WORDS_PER_MINUTE overrides both.
WORDS_PER_MINUTE = 150

_TOKEN_RE = re.compile(r"\S+")


def script_words(text: str) -> list[str]:
    return [w for w in _TOKEN_RE.findall(text) if any(c.isalnum() for c in w)]


def word_count(text: str) -> int:
    return len(script_words(text))


# --- scripts --------------------------------------------------------------------------------

# Kana (hiragana, katakana with its extensions, half-width katakana, the prolonged sound mark).
_KANA_RE = re.compile("[\u3040-\u309f\u30a0-\u30ff\u31f0-\u31ff\uff66-\uff9f]")
# Han ideographs: the unified block, extension A, the compatibility block and the supplementary
# planes' extensions (B onwards); the iteration mark and the ideographic zero count too.
_HAN_RE = re.compile("[\u4e00-\u9fff\u3400-\u4dbf\uf900-\ufaff\U00020000-\U0003134f\u3005\u3007]")
_HANGUL_RE = re.compile("[\uac00-\ud7af\u1100-\u11ff\u3130-\u318f]")


def cjk_script(text: str, language: str = "") -> str:
    """Which East Asian script ``text`` is written in, by its characters: "ja" when it has kana,
    "ko" when it has Hangul, and for Han ideographs alone the ``language`` hint when that is
    Japanese (a title all in kanji), else "zh"; "" when it has none of them."""
    if _KANA_RE.search(text):
        return "ja"
    if _HANGUL_RE.search(text):
        return "ko"
    if _HAN_RE.search(text):
        primary = (language or "").lower().replace("_", "-").split("-")[0]
        return "ja" if primary == "ja" else "zh"
    return ""


def word_key(word: str) -> str:
    """A word as lines are compared (a shot's line against new narration): case and the
    punctuation around it do not count ("World," is "world")."""
    folded = word.strip().casefold()
    return "".join(c for c in folded if c.isalnum() or c in "'-").strip("'-") or folded


def word_keys(text: str) -> list[str]:
    return [word_key(w) for w in script_words(text)]


def speaks_line(narration: str, line: str) -> bool:
    """Whether ``narration`` still says ``line`` word for word and in one piece (punctuation and
    case aside). An empty line is never said."""
    wanted = word_keys(line)
    if not wanted:
        return False
    have = word_keys(narration)
    n = len(wanted)
    return any(have[i : i + n] == wanted for i in range(len(have) - n + 1))
