"""Words as the whole product counts them, and the pace narration is planned at.

A word is a whitespace token with at least one letter or digit ("—" and "..." are not words); it
keeps its punctuation ("world," not "world"), as captions show it. Chapter budgets, voiceover
prices, the writer's word targets and caption timing all count with :func:`word_count`.

Japanese and Chinese write no spaces, so a paragraph would be one word: text in their scripts
is counted in characters (kana, Han, digits; not punctuation), turned into the words that take
as long to say (:data:`CJK_CHARS_PER_MINUTE`), so the one pace in words a minute holds for them
too. Latin words inside such text still count by whitespace.
"""

from __future__ import annotations

import re

from vendors.voices import primary_language

# The product's narration pace, about 2.5 words a second. A speech provider may say it speaks
# faster or slower (``words_per_minute``); settings.NARRATION_WORDS_PER_MINUTE overrides both.
WORDS_PER_MINUTE = 150

# Languages written without spaces between words (their captions join words without one, and
# their words come from vendors.offline.cjk rather than from whitespace).
UNSPACED_LANGUAGES = ("ja", "zh")

# Kokoro's pace in Japanese and Chinese, in characters a minute (:func:`cjk_characters`) with its
# pauses between sentences, measured on this machine with the default voices, each paragraph of
# five sentences synthesised whole (LocalSpeech, OFFLINE_VOICE=kokoro; the paragraphs are in
# tests/vendors/test_word_count.py): jf_alpha 128 characters in 26.65 s (288 a minute) and 126
# in 26.99 s (280), zf_xiaoxiao 108 in 23.13 s (280) and 102 in 22.29 s (275); the figures are
# the totals' (254 in 53.64 s, 210 in 45.42 s). Single sentences spoken alone range 275-346 and
# 281-318 (the silence around a short one weighs more).
CJK_CHARS_PER_MINUTE = {"ja": 284, "zh": 277}
# The same voice's pace in the spaced languages (vendors.offline.speech.KOKORO_WPM is this): a
# character is worth CJK_REFERENCE_WPM / CJK_CHARS_PER_MINUTE words (0.60 in Japanese, 0.61 in
# Chinese), so at Kokoro's pace an estimate is Kokoro's measured speed, and at another pace (a
# slower narrator's 150) Japanese and Chinese slow down in proportion.
CJK_REFERENCE_WPM = 170

_TOKEN_RE = re.compile(r"\S+")


def script_words(text: str) -> list[str]:
    return [w for w in _TOKEN_RE.findall(text) if any(c.isalnum() for c in w)]


def word_count(text: str) -> int:
    """Words in ``text``; in Japanese or Chinese text (:func:`cjk_script`) its characters as the
    words that take as long to say (:func:`cjk_characters`, :data:`CJK_CHARS_PER_MINUTE`)."""
    script = cjk_script(text)
    if script not in CJK_CHARS_PER_MINUTE:
        return len(script_words(text))
    chars = cjk_characters(text)
    latin = len(script_words(_CJK_UNIT_RE.sub(" ", text)))
    return latin + (
        max(1, round(chars * CJK_REFERENCE_WPM / CJK_CHARS_PER_MINUTE[script])) if chars else 0
    )


def cjk_characters(text: str) -> int:
    """The kana, Han characters and digits in ``text`` (what Japanese and Chinese are counted
    in: "2024年" is five, "、" none)."""
    return len(_CJK_UNIT_RE.findall(text))


def length_target(words: int, language: str) -> str:
    """A narration length to ask a writer for: "about 120 words", or in Japanese and Chinese
    the characters that take as long to say ("about 205 characters")."""
    primary = primary_language(language)
    if primary in CJK_CHARS_PER_MINUTE:
        chars = round(words * CJK_CHARS_PER_MINUTE[primary] / CJK_REFERENCE_WPM)
        return f"about {chars} characters"
    return f"about {words} words"


# --- scripts --------------------------------------------------------------------------------

# Kana (hiragana, katakana with its extensions, half-width katakana, the prolonged sound mark).
_KANA_RE = re.compile("[\u3040-\u309f\u30a0-\u30ff\u31f0-\u31ff\uff66-\uff9f]")
# Han ideographs: the unified block, extension A, the compatibility block and the supplementary
# planes' extensions (B onwards); the iteration mark and the ideographic zero count too.
_HAN_RE = re.compile("[\u4e00-\u9fff\u3400-\u4dbf\uf900-\ufaff\U00020000-\U0003134f\u3005\u3007]")
_HANGUL_RE = re.compile("[\uac00-\ud7af\u1100-\u11ff\u3130-\u318f]")
# What Japanese and Chinese are counted in: kana, Han and digits (full-width ones too).
_CJK_UNIT_RE = re.compile(f"{_KANA_RE.pattern}|{_HAN_RE.pattern}|\\d")


def cjk_script(text: str, language: str = "") -> str:
    """Which East Asian script ``text`` is written in, by its characters: "ja" when it has kana,
    "ko" when it has Hangul, and for Han ideographs alone the ``language`` hint when that is
    Japanese (a title all in kanji), else "zh"; "" when it has none of them."""
    if _KANA_RE.search(text):
        return "ja"
    if _HANGUL_RE.search(text):
        return "ko"
    if _HAN_RE.search(text):
        return "ja" if primary_language(language) == "ja" else "zh"
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
