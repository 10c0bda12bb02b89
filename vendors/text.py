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
