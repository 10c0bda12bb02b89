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
