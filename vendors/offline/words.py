"""Tying timed words back to the script, so captions show the script's own spelling.

A script word is a whitespace token with at least one letter or digit ("—" and "..." are not
words); it keeps its punctuation ("world," not "world"), which captions show as written.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Sequence

import numpy as np

from vendors.base import WordTiming
from vendors.text import script_words

_NORM_RE = re.compile(r"[^\w']+")

__all__ = ["align_to_script", "normalize_word", "script_words"]


def normalize_word(word: str) -> str:
    return _NORM_RE.sub("", word.lower().replace("\u2019", "'")).strip("'")


def align_to_script(
    timed: Sequence[WordTiming], script: str, language: str = ""
) -> list[WordTiming]:
    """Recognised words mapped onto the script's words: exactly one timing per script word.

    Matching is on normalised words (difflib). A run of script words heard differently ("1999"
    heard as "nineteen ninety nine") shares the heard span by letter count; script words never
    heard are spread over the gap between their matched neighbours. Japanese and Chinese, which
    have no spaces, are matched character by character: :func:`_align_unspaced`.
    """
    from .cjk import cjk_installed, is_cjk

    if is_cjk(language) and cjk_installed(language):
        return _align_unspaced(timed, script, language)
    words = script_words(script)
    if not words or not timed:
        return []
    starts, ends = _spans([normalize_word(w) for w in words], timed)
    return _monotonic(words, starts, ends)


def _characters(word: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKC", word).lower() if c.isalnum())


def _align_unspaced(timed: Sequence[WordTiming], script: str, language: str) -> list[WordTiming]:
    """Japanese or Chinese: the script's words are those the voice uses (accent phrases, jieba
    words: :func:`vendors.offline.cjk.plan_cjk`); whisper's words (a character or a few) are
    cut into characters, each a share of its word's span, matched to the script's characters,
    and each script word spans its characters."""
    from .cjk import plan_cjk

    words, _ = plan_cjk(script, language, english=lambda w: w)
    if not words or not timed:
        return []
    owner: list[int] = []
    wanted: list[str] = []
    for index, word in enumerate(words):
        for char in _characters(word):
            wanted.append(char)
            owner.append(index)
    heard: list[WordTiming] = []
    for item in timed:
        chars = _characters(item.word)
        step = (item.end - item.start) / max(1, len(chars))
        heard += [
            WordTiming(c, item.start + step * k, item.start + step * (k + 1))
            for k, c in enumerate(chars)
        ]
    if not wanted or not heard:
        return []
    starts, ends = _spans(wanted, heard)
    first: dict[int, float] = {}
    last: dict[int, float] = {}
    for index, start, end in zip(owner, starts, ends, strict=True):
        first.setdefault(index, float(start or 0.0))
        last[index] = float(end or 0.0)
    return _monotonic(
        words,
        [first.get(i) for i in range(len(words))],
        [last.get(i) for i in range(len(words))],
    )


def _spans(
    a: Sequence[str], timed: Sequence[WordTiming]
) -> tuple[list[float | None], list[float | None]]:
    """(starts, ends) of the units ``a`` (normalised) as heard in ``timed``."""
    b = [normalize_word(t.word) for t in timed]
    starts: list[float | None] = [None] * len(a)
    ends: list[float | None] = [None] * len(a)
    matcher = difflib.SequenceMatcher(a=a, b=b, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            for k in range(i2 - i1):
                starts[i1 + k] = timed[j1 + k].start
                ends[i1 + k] = timed[j1 + k].end
        elif tag == "replace":
            s0, s1 = timed[j1].start, timed[j2 - 1].end
            weights = [max(1, len(a[i])) for i in range(i1, i2)]
            total = float(sum(weights))
            done = 0.0
            for i, weight in zip(range(i1, i2), weights, strict=True):
                starts[i] = s0 + (s1 - s0) * done / total
                done += weight
                ends[i] = s0 + (s1 - s0) * done / total
    last_end = timed[-1].end
    i = 0
    while i < len(a):
        if starts[i] is not None:
            i += 1
            continue
        j = i
        while j < len(a) and starts[j] is None:
            j += 1
        left = ends[i - 1] if i > 0 else None
        right = starts[j] if j < len(a) else None
        lo = left if left is not None else 0.0
        hi = right if right is not None else last_end
        step = max(0.0, hi - lo) / (j - i)
        for k in range(i, j):
            starts[k] = lo + step * (k - i)
            ends[k] = lo + step * (k - i + 1)
        i = j
    return starts, ends


def _monotonic(
    words: Sequence[str], starts: Sequence[float | None], ends: Sequence[float | None]
) -> list[WordTiming]:
    out: list[WordTiming] = []
    previous = 0.0
    for word, start, end in zip(words, starts, ends, strict=True):
        s = max(float(start or 0.0), previous)
        e = max(float(end or 0.0), s)
        out.append(WordTiming(word, round(s, 3), round(e, 3)))
        previous = s
    return out


def loudness_frames(samples: np.ndarray, rate: int, *, hop: float = 0.01) -> np.ndarray:
    """RMS per ``hop`` seconds of mono samples."""
    size = max(1, int(rate * hop))
    count = len(samples) // size
    if count == 0:
        return np.zeros(0, np.float32)
    frames = samples[: count * size].reshape(count, size)
    return np.sqrt(np.mean(frames**2, axis=1) + 1e-12)


def voiced_spans(
    samples: np.ndarray,
    rate: int,
    *,
    threshold_db: float = -35.0,
    min_gap: float = 0.25,
    min_length: float = 0.15,
) -> list[tuple[float, float]]:
    """(start, end) seconds of sound louder than ``threshold_db`` below the loudest 10 ms,
    with gaps shorter than ``min_gap`` bridged and blips shorter than ``min_length`` dropped."""
    rms = loudness_frames(samples, rate)
    if not len(rms):
        return []
    on = rms > rms.max() * 10 ** (threshold_db / 20)
    edges = np.flatnonzero(np.diff(np.concatenate(([0], on.astype(np.int8), [0]))))
    spans: list[list[float]] = []
    for a, b in zip(edges[::2], edges[1::2], strict=True):
        start, end = a / 100.0, b / 100.0
        if spans and start - spans[-1][1] < min_gap:
            spans[-1][1] = end
        else:
            spans.append([start, end])
    return [(s, e) for s, e in spans if e - s >= min_length]


def fit_to_sound(
    words: Sequence[WordTiming], samples: np.ndarray, rate: int, *, quiet_db: float = -40.0
) -> list[WordTiming]:
    """Each word's span without the silence at its edges (10 ms frames ``quiet_db`` below the
    loudest): an engine counts the pause before a word (or a stop's closure after a comma) as
    part of it, but a caption should light up when the word is heard."""
    rms = loudness_frames(samples, rate)
    if not len(rms):
        return list(words)
    quiet = rms.max() * 10 ** (quiet_db / 20)
    out = []
    for w in words:
        first, stop = round(w.start * 100), min(len(rms), int(np.ceil(w.end * 100)))
        while first < stop - 1 and rms[first] < quiet:
            first += 1
        while stop - 1 > first and rms[stop - 1] < quiet:
            stop -= 1
        start = max(w.start, min(first / 100.0, w.end - 0.05))
        end = max(start + 0.05, min(w.end, stop / 100.0))
        out.append(WordTiming(w.word, round(start, 3), round(end, 3)))
    return out
