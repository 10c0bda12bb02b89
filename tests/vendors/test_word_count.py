"""Words as the product counts them (vendors.text): whitespace words in spaced languages, and
in Japanese and Chinese the characters turned into the words that take as long to say, so that
prices, budgets and targets at a pace in words a minute hold for them too. No audio here: the
spoken durations below were measured once with Kokoro (see CJK_CHARS_PER_MINUTE)."""

from __future__ import annotations

import pytest

from projects.stages.writing import checked_narration
from vendors.offline.speech import KOKORO_WPM
from vendors.text import (
    CJK_REFERENCE_WPM,
    cjk_characters,
    cjk_script,
    length_target,
    script_words,
    word_count,
)

# The paragraphs CJK_CHARS_PER_MINUTE was measured on, and how long Kokoro's default voice
# (jf_alpha, zf_xiaoxiao) spoke each, whole, with its pauses.
JAPANESE = (
    "今日は、みんなで新しい旅に出かけます。古い港町には、百年前から続く小さな市場があります。"
    "朝早くから漁師たちが魚を運び、店の人たちは元気な声で客を呼びます。"
    "この町の歴史を知ると、毎日の景色が少し違って見えるかもしれません。"
    "次の章では、市場で働く人々の一日を追いかけてみましょう。"
)
JAPANESE_SECONDS = 26.65
CHINESE = (
    "今天，我们一起开始一段新的旅程。这座古老的港口城市有一个延续了一百多年的小市场。"
    "每天清晨，渔民们把鱼运到岸上，摊主们大声招呼着客人。"
    "了解这座城市的历史以后，你会发现每天的风景都有些不同。"
    "在下一章里，我们将跟随市场里的人们度过普通的一天。"
)
CHINESE_SECONDS = 23.13
LIGHTHOUSE_JA = (
    "灯台は岬の先に立っています。百五十年前に建てられ、今も夜ごとに光を放っています。"
    "嵐の夜には、漁船が灯りを頼りに港へ帰ってきました。"
    "灯台守の家族は、冬の間もずっとここで暮らしていたそうです。"
    "現在は無人になりましたが、町の人々は毎年春に灯台を掃除し、白い壁を塗り直しています。"
)
LIGHTHOUSE_ZH = (
    "灯塔矗立在海角的尽头。它建于一百五十年前，至今每天夜里仍然发出光芒。"
    "暴风雨的夜晚，渔船依靠这道光回到港口。据说灯塔看守人的一家整个冬天都住在这里。"
    "如今灯塔已经无人值守，但镇上的居民每年春天都会来打扫，并重新粉刷白色的墙壁。"
)
TOLERANCE = 0.05  # the estimate within 5% of what the voice took (measured: 0.2-2%)


def test_the_reference_pace_is_kokoros() -> None:
    assert CJK_REFERENCE_WPM == KOKORO_WPM


@pytest.mark.parametrize(
    ("text", "characters", "words", "spoken"),
    [
        (JAPANESE, 128, 77, JAPANESE_SECONDS),
        (LIGHTHOUSE_JA, 126, 75, 26.99),
        (CHINESE, 108, 66, CHINESE_SECONDS),
        (LIGHTHOUSE_ZH, 102, 63, 22.29),
    ],
)
def test_japanese_and_chinese_are_counted_in_characters_at_kokoros_speed(
    text: str, characters: int, words: int, spoken: float
) -> None:
    assert len(script_words(text)) == 1  # no spaces: one whitespace word before
    assert cjk_characters(text) == characters  # punctuation not counted

    assert word_count(text) == words
    estimate = word_count(text) / KOKORO_WPM * 60
    assert abs(estimate - spoken) <= TOLERANCE * spoken


def test_latin_words_and_digits_inside_cjk_text() -> None:
    # "AI" is a word; 2024 four characters, like 二〇二四
    assert cjk_characters("私はAIが好きです。2024年") == 12
    assert word_count("私はAIが好きです。2024年") == 1 + round(12 * KOKORO_WPM / 284)
    assert word_count("東京") == 1  # never nothing


@pytest.mark.parametrize(
    "text",
    [
        "Every great journey starts with a single step — today, together...",
        "¿Dónde está la biblioteca? ¡Allí!",
        "भारत एक विशाल देश है। यहाँ कई भाषाएँ हैं॥",
        "서울은 한국의 수도입니다. 漢字 섞인 문장",  # Korean writes spaces
        "",
        "— ... !",
    ],
)
def test_spaced_languages_count_as_before(text: str) -> None:
    assert word_count(text) == len(script_words(text))


@pytest.mark.parametrize(
    ("text", "hint", "script"),
    [
        ("今日は晴れ", "", "ja"),
        ("今天天气很好", "", "zh"),
        ("東京大学", "ja-JP", "ja"),  # Han alone: the language says which
        ("東京大学", "en", "zh"),
        ("서울", "", "ko"),
        ("Tokyo", "ja", ""),
    ],
)
def test_the_script_is_told_by_the_characters(text: str, hint: str, script: str) -> None:
    assert cjk_script(text, hint) == script


def test_the_writer_is_asked_for_characters_in_japanese_and_chinese() -> None:
    assert length_target(120, "en") == "about 120 words"
    assert length_target(120, "ja") == "about 200 characters"  # 120 words at 170: 42 s
    assert length_target(120, "zh-CN") == "about 196 characters"


def test_japanese_narration_past_its_budget_is_cut_at_a_sentence_end() -> None:
    clipped = checked_narration(JAPANESE * 3, 40)  # 40 words: up to 52 with the slack

    assert clipped.endswith("。")
    assert JAPANESE.startswith(clipped)
    assert 40 <= word_count(clipped) <= 52
    assert checked_narration(JAPANESE, 80) == JAPANESE
    unbroken = checked_narration("あ" * 200, 10)  # no sentence end at all
    assert unbroken.endswith("。")
    assert word_count(unbroken) <= 13
