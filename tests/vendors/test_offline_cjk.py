"""Japanese and Chinese through Kokoro: words that are pieces of the script (no spaces to cut
at), numbers read in context, captions broken between words, the native voices listed best
first, and word timings from the voice itself where whisper hears the words start."""

from __future__ import annotations

import difflib
import itertools
import re
import statistics
import unicodedata
from pathlib import Path
from typing import Any

import pytest

from vendors.base import SpeechRequest, WordTiming
from vendors.offline.cjk import assign_phonemes, cjk_installed, plan_cjk, split_sentences
from vendors.offline.kokoro import kokoro_installed
from vendors.offline.speech import LocalSpeech
from vendors.offline.timings import multilingual_installed, transcribe
from vendors.offline.words import align_to_script
from vendors.render.captions import caption_style_for, cues, to_vtt
from vendors.voices import voice_quality

needs_ja = pytest.mark.skipif(not cjk_installed("ja"), reason="pyopenjtalk-plus not installed")
needs_zh = pytest.mark.skipif(not cjk_installed("zh"), reason="misaki[zh] not installed")
needs_kokoro = pytest.mark.skipif(
    not kokoro_installed(), reason="the Kokoro assets are not installed (make install)"
)
CAPTION_BAR = 0.150  # seconds
JAPANESE = "今日は2024年12月3日、東京の天気は晴れです。私たちは新しい動画を作りました！"
CHINESE = "今天是2024年12月3日，北京的天气很好。我们做了一个新的视频！"


def _english(word: str) -> str:
    return word.lower()


def _unspaced(text: str) -> str:
    return "".join(text.split())


# --- words: pieces of the script, said in context ---------------------------------------------


@needs_ja
def test_japanese_words_are_accent_phrases_that_rebuild_the_script() -> None:
    text = "今日は2024年12月3日、東京の天気は晴れです。私たちは「新しい動画」を作りました！"

    words, sentences = plan_cjk(text, "ja", english=_english)

    assert "".join(words) == _unspaced(text)  # one to one: every character in one word
    assert words[:4] == ["今日は", "2024年", "12月", "3日、"]  # a number with its counter
    assert "晴れです。" in words  # the particles and auxiliaries with their word
    assert "「新しい" in words  # an opening bracket with the word after it
    assert len(sentences) == 2
    said = sentences[0]
    year = "".join(c for c, o in zip(said.phonemes, said.owners, strict=True) if o == 1)
    assert year.replace(" ", "") == "ɲiseɴɲiʥɨːjoneɴ"  # "2024年": にせんにじゅうよねん
    assert said.phonemes.endswith("desɨ.")


@needs_ja
def test_japanese_letters_decimals_and_prefixes_stay_in_one_word() -> None:
    words, sentences = plan_cjk(
        "Hello world. 「ＡＩ」って何？第3章：2.5倍です。", "ja", english=_english
    )

    assert words == ["Hello world.", "「ＡＩ」って", "何？", "第3章：", "2.5倍です。"]
    assert "“ei ai”" in sentences[0].phonemes  # letters read as OpenJTalk reads them


def test_timed_phonemes_find_their_words_when_one_was_dropped() -> None:
    planned = [("a", 0), ("b", 0), (" ", None), ("c", 1), ("d", 1), (".", 1)]
    heard = [("a", 0.0, 0.1), ("b", 0.1, 0.2), ("c", 0.2, 0.3), ("d", 0.3, 0.4), (".", 0.4, 0.5)]

    spans = assign_phonemes(planned, heard, re.compile("[.]"))

    assert spans == {0: (0.0, 0.2), 1: (0.2, 0.4)}  # the space was dropped; "." is no sound


@needs_zh
def test_chinese_words_are_jieba_words_with_numbers_read_in_context() -> None:
    text = "今天是2024年12月3日，北京的天气很好。价格是99.5元，增长了50%。"

    words, sentences = plan_cjk(text, "zh", english=_english)

    assert "".join(words) == _unspaced(text)
    assert words[:5] == ["今天", "是", "2024年", "12月", "3日，"]
    assert "99.5元，" in words
    assert "50%。" in words
    by_word = {
        words[o]: "".join(c for c, x in zip(s.phonemes, s.owners, strict=True) if x == o)
        for s in sentences
        for o in {x for x in s.owners if x is not None}
    }
    assert by_word["2024年"] == "ɚ↘li↗ŋɚ↘sɨ↘njɛ↗n"  # 二零二四年: digit by digit, as years are
    assert by_word["50%。"].startswith("pai↓fə→n")  # 百分之五十
    assert "→" in by_word["今天"]  # tones as Kokoro v1.0 reads them
    latin, _ = plan_cjk("我们用Hello world测试。", "zh", english=_english)
    assert latin == ["我们", "用", "Hello world", "测试。"]  # a Latin phrase is one word


def test_sentences_end_at_the_ideographic_marks_with_their_closing_brackets() -> None:
    assert split_sentences("「行こう！」と彼は言った。本当？\nはい") == [
        "「行こう！」",
        "と彼は言った。",
        "本当？",
        "はい",
    ]


# --- whisper's timings for audio without the voice's (a vendor voice, an upload) -------------


@needs_ja
def test_whispers_characters_time_the_scripts_japanese_words() -> None:
    heard = [
        WordTiming(w, s, e)
        for w, s, e in [
            ("今日", 0.0, 0.4), ("は", 0.4, 0.5), ("東", 0.5, 0.7), ("京の", 0.7, 1.1),
            ("天気", 1.1, 1.5), ("は", 1.5, 1.6), ("晴れ", 1.6, 2.0), ("です。", 2.0, 2.4),
        ]
    ]  # fmt: skip

    timed = align_to_script(heard, "今日は東京の天気は晴れです。", "ja")

    assert [(w.word, w.start) for w in timed] == [
        ("今日は", 0.0), ("東京の", 0.5), ("天気は", 1.1), ("晴れです。", 1.6),
    ]  # fmt: skip
    assert timed[-1].end == 2.4
    assert len(align_to_script(heard, "今日は東京の天気は晴れです。", "en")) == 1  # by spaces


# --- captions: no spaces, broken between words --------------------------------------------------


def test_cjk_captions_join_words_without_spaces_and_close_at_the_full_stop() -> None:
    words = [
        WordTiming(w, i * 0.4, i * 0.4 + 0.35)
        for i, w in enumerate(["今日は", "東京の", "天気は", "晴れです。", "私たちは", "新しい"])
    ]
    style = caption_style_for("", "ja")

    shown = cues(words, style)

    assert [c.text for c in shown] == ["今日は東京の天気は晴れです。", "私たちは新しい"]
    assert all(len(c.text) <= style.max_chars for c in shown)
    assert "<00:00:00.400>東京の" in to_vtt(words, style)  # no space before the word's stamp
    long_line = [WordTiming("天気" * 3, i, i + 0.5) for i in range(4)]
    assert [len(c.words) for c in cues(long_line, caption_style_for("", "zh"))] == [2, 2]


# --- voices -----------------------------------------------------------------------------------


@needs_kokoro
@needs_ja
@needs_zh
def test_japanese_and_chinese_get_their_native_voices_best_first() -> None:
    speech = LocalSpeech()
    japanese = speech.voices("ja")
    chinese = speech.voices("zh")

    assert [v.id for v in japanese][:2] == ["kokoro:jf_alpha", "kokoro:jm_kumo"]
    assert len([v for v in japanese if v.engine == "kokoro"]) == 5
    natural_chinese = [v.id for v in chinese if v.engine == "kokoro"]
    assert natural_chinese[:2] == ["kokoro:zf_xiaoxiao", "kokoro:zm_yunxi"]
    assert (len(natural_chinese), natural_chinese[-1]) == (8, "kokoro:zf_xiaoni")  # least clear
    assert {voice_quality(v) for v in japanese + chinese if v.engine == "kokoro"} == {"high"}
    assert speech.default_voice("ja") == "kokoro:jf_alpha"
    assert speech.default_voice("zh-CN") == "kokoro:zf_xiaoxiao"


# --- the voice: timed where whisper hears the words start --------------------------------------


def _heard_starts(words: tuple[WordTiming, ...], heard: list[WordTiming]) -> list[float]:
    """|our start - whisper's| for each of our words whose first character starts one of
    whisper's words too. Whisper's Japanese and Chinese words are single characters or short
    runs and do not line up with ours, so the two are matched character by character
    (NFKC, letters and digits only) and a word is compared only where both begin on the same
    character; numbers whisper writes otherwise are left out."""

    def chars(items: list[WordTiming] | tuple[WordTiming, ...]) -> tuple[str, dict[int, int]]:
        text, starts = "", {}
        for index, item in enumerate(items):
            folded = "".join(c for c in unicodedata.normalize("NFKC", item.word) if c.isalnum())
            if folded:
                starts[len(text)] = index
            text += folded
        return text, starts

    ours, our_starts = chars(words)
    theirs, their_starts = chars(heard)
    errors = []
    matcher = difflib.SequenceMatcher(a=ours, b=theirs, autojunk=False)
    for block in matcher.get_matching_blocks():
        for k in range(block.size):
            if block.a + k in our_starts and block.b + k in their_starts:
                ours_at = words[our_starts[block.a + k]].start
                errors.append(abs(ours_at - heard[their_starts[block.b + k]].start))
    return errors


@pytest.mark.slow
@needs_kokoro
@pytest.mark.skipif(not multilingual_installed(), reason="whisper base is not installed")
@pytest.mark.parametrize(
    ("language", "text"),
    [
        pytest.param("ja", JAPANESE, marks=needs_ja, id="ja"),
        pytest.param("zh", CHINESE, marks=needs_zh, id="zh"),
    ],
)
def test_kokoro_speaks_japanese_and_chinese_timed_where_whisper_hears_the_words(
    tmp_path: Path, settings: Any, language: str, text: str
) -> None:
    settings.OFFLINE_VOICE = "kokoro"

    result = LocalSpeech().synthesize(SpeechRequest(text=text, language=language), workdir=tmp_path)

    words = result.words
    assert "".join(w.word for w in words) == text  # the script, word by word
    assert all(a.start <= b.start for a, b in itertools.pairwise(words))
    assert words[-1].end <= result.audio.duration + 0.01  # type: ignore[operator]
    heard = transcribe(result.audio.path, language=language)
    said = "".join(c for c in text if c.isalnum() and not c.isdigit())
    understood = "".join(w.word for w in heard)
    if language == "zh":  # whisper base writes traditional characters
        from misaki.zh_normalization.char_convert import tranditional_to_simplified

        understood = tranditional_to_simplified(understood)
    # intelligible: most of the characters come back (numbers aside: whisper writes digits)
    match = difflib.SequenceMatcher(a=said, b=understood, autojunk=False)
    assert sum(b.size for b in match.get_matching_blocks()) >= 0.7 * len(said), understood
    errors = _heard_starts(words, heard)
    assert len(errors) >= len(words) // 2, (errors, heard)  # enough words to judge by
    assert statistics.median(errors) <= CAPTION_BAR, errors
    # whisper's timings for the same script (the fallback for audio without the voice's) give
    # the same words, starting near the voice's own
    fallback = align_to_script(heard, text, language)
    assert [w.word for w in fallback] == [w.word for w in words]
    gaps = [abs(a.start - b.start) for a, b in zip(fallback, words, strict=True)]
    assert statistics.median(gaps) <= CAPTION_BAR, gaps
