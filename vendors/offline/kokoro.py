"""Kokoro-82M (int8 ONNX) through ``kokoro-onnx``: natural narration in English (US and UK),
Spanish, French, Italian, Brazilian Portuguese, Hindi, Japanese and Chinese, with word timings
from the voice.

The model and the voices are installed and verified by ``make install``
(:mod:`vendors.offline.assets`); nothing is fetched at run time. Phonemes come from espeak-ng
through the ``espeakng-loader`` wheel (library and data inside it); Japanese and Chinese from
their own frontends (:mod:`vendors.offline.cjk`: OpenJTalk, jieba and misaki, dictionaries inside
their wheels), whose words are pieces of the script (no spaces to cut at).

Word timings: the installed graph also returns the duration predictor's frames per phoneme,
so ``Kokoro.create_timed`` says when every phoneme is spoken. The script is normalised first,
one token at a time (:mod:`vendors.offline.normalize`), the phonemes are cut into words at the
spaces between them and, when espeak joined or split words (it says "in the" as one), matched to
each word's own phonemes; a script word then spans the spoken words it became.

Speed: the text is synthesised sentence by sentence, the sentences spread over the worker's
cores (one onnxruntime thread each: on two cores this beats one sentence on two threads).
"""

from __future__ import annotations

import logging
import os
import re
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import numpy as np

from vendors.base import ProviderError, ProviderUnavailableError, Voice, WordTiming

from .assets import kokoro_paths
from .cjk import CjkSentence, assign_phonemes, cjk_installed, is_cjk, plan_cjk
from .normalize import base_language, spoken_token

logger = logging.getLogger(__name__)

KOKORO_PREFIX = "kokoro:"
MODEL_RATE = 24000
SENTENCE_PAUSE = 0.3  # seconds of silence between sentences
# The predicted durations place a phoneme about 60 ms after its sound begins (measured at the
# start of 8 sentences in 5 languages, where the onset is clear after silence: 25-100 ms, median
# 62 ms), so every phoneme is moved this much earlier.
ONSET_LEAD = 0.06

# Kokoro v1.0 names a voice <language letter><f|m>_<name>. Languages whose phonemes espeak-ng
# gives well enough (measured by transcribing them back), and Japanese and Chinese, whose
# phonemes come from their own frontends (vendors.offline.cjk) when those are installed.
LANGUAGES: dict[str, tuple[str, str]] = {
    # letter: (BCP 47, espeak-ng language; "" for the CJK frontends)
    "a": ("en-US", "en-us"),
    "b": ("en-GB", "en-gb"),
    "e": ("es", "es"),
    "f": ("fr-FR", "fr-fr"),
    "i": ("it", "it"),
    "p": ("pt-BR", "pt-br"),
    "h": ("hi", "hi"),
    "j": ("ja", ""),
    "z": ("zh", ""),
}
# The default voice per language: the best graded one (Kokoro's own grades).
DEFAULT_VOICES = {
    "en-US": "af_heart",
    "en-GB": "bf_emma",
    "es": "ef_dora",
    "fr-FR": "ff_siwis",
    "it": "if_sara",
    "pt-BR": "pf_dora",
    "hi": "hf_alpha",
    "ja": "jf_alpha",
    "zh": "zf_xiaoxiao",
}
# Kokoro's grades for the English voices (as kokoro-js lists them); the others are ungraded.
GRADES = {
    "af_heart": "A", "af_bella": "A-", "af_nicole": "B-", "bf_emma": "B-", "af_aoede": "C+",
    "af_kore": "C+", "af_sarah": "C+", "am_fenrir": "C+", "am_michael": "C+", "am_puck": "C+",
    "af_alloy": "C", "af_nova": "C", "bf_isabella": "C", "bm_george": "C", "bm_fable": "C",
    "af_sky": "C-", "bm_lewis": "D+", "af_jessica": "D", "af_river": "D", "am_echo": "D",
    "am_eric": "D", "am_liam": "D", "am_onyx": "D", "bf_alice": "D", "bf_lily": "D",
    "bm_daniel": "D", "am_santa": "D-", "am_adam": "F+",
}  # fmt: skip
_GRADE_ORDER = ["A", "A-", "B+", "B", "B-", "C+", "C", "C-", "D+", "D", "D-", "F+", "F"]
# The Japanese and Chinese voices, the most intelligible first: measured by transcribing two
# short paragraphs back with whisper base (reading errors: kana for Japanese, pinyin for
# Chinese; char errors to break ties). zf_xiaoni misread about one syllable in six.
MEASURED_ORDER = (
    "jf_alpha", "jm_kumo", "jf_gongitsune", "jf_tebukuro", "jf_nezumi",
    "zf_xiaoxiao", "zm_yunxi", "zm_yunjian", "zm_yunxia", "zf_xiaoyi", "zf_xiaobei",
    "zm_yunyang", "zf_xiaoni",
)  # fmt: skip
LANGUAGE_NAMES = {
    "en-US": "US English",
    "en-GB": "British English",
    "es": "Spanish",
    "fr-FR": "French",
    "it": "Italian",
    "pt-BR": "Brazilian Portuguese",
    "hi": "Hindi",
    "ja": "Japanese",
    "zh": "Mandarin Chinese",
}

_SENTENCE_END = re.compile(r"[.!?…]+[\"'”»)\]]*$")
# stress, length and pause marks (no word of their own)
_MARKS = re.compile("[ˈˌːˑ,.;:!?¡¿\u2014\u2013\\-\"'()«»“”…]")
PAUSE_MARKS = "\u2014\u2013-…."  # em and en dashes, hyphens, ellipses


def kokoro_installed() -> bool:
    if kokoro_paths() is None:
        return False
    import importlib.util

    return all(importlib.util.find_spec(m) for m in ("kokoro_onnx", "onnxruntime"))


@dataclass(frozen=True)
class KokoroVoice:
    voice: Voice
    style: str  # the name in voices.npz, e.g. "af_heart"
    espeak: str  # espeak-ng language for the phonemes
    grade: str


def kokoro_voices(names: Sequence[str]) -> list[KokoroVoice]:
    """The voices installed, in a useful order: each language's default first, then by grade."""
    found: list[KokoroVoice] = []
    for name in names:
        if len(name) < 4 or name[2] != "_" or name[0] not in LANGUAGES:
            continue
        language, espeak = LANGUAGES[name[0]]
        if is_cjk(language) and not cjk_installed(language):
            continue
        gender = {"f": "female", "m": "male"}.get(name[1], "")
        grade = GRADES.get(name, "")
        label = name[3:].replace("_", " ").title()
        description = f"Kokoro neural voice, {LANGUAGE_NAMES[language]}, {gender}"
        description += f" (grade {grade})." if grade else "."
        found.append(
            KokoroVoice(
                Voice(
                    id=KOKORO_PREFIX + name,
                    name=label,
                    language=language,
                    engine="kokoro",
                    description=description,
                ),
                name,
                espeak,
                grade,
            )
        )
    order = list(LANGUAGES)

    def rank(v: KokoroVoice) -> tuple[int, int, int, int, str]:
        default = DEFAULT_VOICES.get(v.voice.language) == v.style
        grade = _GRADE_ORDER.index(v.grade) if v.grade in _GRADE_ORDER else len(_GRADE_ORDER)
        measured = MEASURED_ORDER.index(v.style) if v.style in MEASURED_ORDER else 0
        return (order.index(v.style[0]), 0 if default else 1, grade, measured, v.style)

    return sorted(found, key=rank)


@dataclass(frozen=True)
class _Unit:
    """One script word and what is said for it."""

    index: int  # the script word's position
    spoken: list[str]  # the words said, in order


def plan_sentences(text: str, language: str) -> tuple[list[str], list[list[_Unit]]]:
    """The script's words and, per sentence, the units to say (normalised)."""
    words: list[str] = []
    sentences: list[list[_Unit]] = [[]]
    for token in text.split():
        spoken = spoken_token(token, language).split()
        if not any(c.isalnum() for c in token):
            # not a script word: "&" is said with the word before it; a dash or an ellipsis
            # between words is a pause, said as a comma
            current = sentences[-1]
            if not current:
                continue
            if any(c.isalnum() for c in "".join(spoken)):
                current[-1].spoken.extend(spoken)
            elif token.strip(PAUSE_MARKS) == "" and not current[-1].spoken[-1].endswith(
                (",", ".", "!", "?")
            ):
                current[-1].spoken[-1] += ","
            continue
        if not spoken:
            continue
        unit = _Unit(len(words), spoken)
        words.append(token)
        sentences[-1].append(unit)
        if _SENTENCE_END.search(spoken[-1]):
            sentences.append([])
    return words, [s for s in sentences if s]


def _strip_marks(phonemes: str) -> str:
    return _MARKS.sub("", phonemes)


def assign_words(
    spoken: Sequence[str],
    heard: Sequence[tuple[str, float, float]],
    phonemize: Callable[[str], str],
) -> list[tuple[float, float] | None]:
    """Each spoken word's (start, end) from the timed phonemes (a space between words).

    When the phoneme groups and the words are as many, they pair in order; otherwise (espeak
    joins "in the", splits compounds) the heard phonemes are matched with each word's own."""
    groups: list[list[tuple[str, float, float]]] = [[]]
    for p in heard:
        if p[0] == " ":
            if groups[-1]:
                groups.append([])
        elif not _MARKS.fullmatch(p[0]):
            groups[-1].append(p)
    groups = [g for g in groups if g]
    if len(groups) == len(spoken):
        return [(g[0][1], g[-1][2]) for g in groups]

    import difflib

    flat = [p for g in groups for p in g]
    reference: list[tuple[str, int]] = []
    for index, word in enumerate(spoken):
        reference += [(c, index) for c in _strip_marks(phonemize(word)) if not c.isspace()]
    owner: list[int | None] = [None] * len(flat)
    matcher = difflib.SequenceMatcher(
        a=[r[0] for r in reference], b=[p[0] for p in flat], autojunk=False
    )
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            for k in range(i2 - i1):
                owner[j1 + k] = reference[i1 + k][1]
        elif tag == "replace":
            for k in range(j2 - j1):
                owner[j1 + k] = reference[min(i2 - 1, i1 + k * (i2 - i1) // (j2 - j1))][1]
    last = next((o for o in owner if o is not None), 0)
    spans: dict[int, list[float]] = {}
    for p, o in zip(flat, owner, strict=True):
        o = last if o is None else o
        last = o
        span = spans.setdefault(o, [p[1], p[2]])
        span[0], span[1] = min(span[0], p[1]), max(span[1], p[2])
    return [(s[0], s[1]) if (s := spans.get(i)) else None for i in range(len(spoken))]


def resample(samples: np.ndarray, rate: int, target: int) -> np.ndarray:
    """Band-limited resampling by the FFT (a whole narration at once; exact length)."""
    if rate == target or not len(samples):
        return samples.astype(np.float32)
    count = round(len(samples) * target / rate)
    spectrum = np.fft.rfft(samples.astype(np.float64))
    keep = count // 2 + 1
    if keep <= len(spectrum):
        spectrum = spectrum[:keep]
    else:
        spectrum = np.concatenate([spectrum, np.zeros(keep - len(spectrum), complex)])
    return (np.fft.irfft(spectrum, count) * (count / len(samples))).astype(np.float32)


class KokoroSpeaker:
    """The loaded model (once per process) and its voices."""

    def __init__(self, *, workers: int | None = None) -> None:
        paths = kokoro_paths()
        if paths is None:
            raise ProviderUnavailableError(
                "The Kokoro voices are not installed: run `make install` (it fetches and verifies"
                " them), or choose the Piper or an eSpeak NG voice."
            )
        import onnxruntime as rt
        from kokoro_onnx import Kokoro

        # phonemizer warns "words count mismatch" whenever espeak joins two words ("in the"):
        # expected here, and handled by assign_words
        logging.getLogger("phonemizer").setLevel(logging.ERROR)
        model, voices = paths
        self.workers = max(1, workers or int(os.environ.get("KOKORO_WORKERS", 0)) or _cores())
        options = rt.SessionOptions()
        options.intra_op_num_threads = 1  # parallel across sentences instead
        options.inter_op_num_threads = 1
        session = rt.InferenceSession(str(model), options, providers=["CPUExecutionProvider"])
        self.kokoro: Any = Kokoro.from_session(session, str(voices))
        if not self.kokoro.has_timings:
            raise ProviderUnavailableError(
                f"{model.name} has no duration output: reinstall the voice assets (make install)"
            )
        self.voices = {v.voice.id: v for v in kokoro_voices(list(self.kokoro.voices.keys()))}
        self._pool = ThreadPoolExecutor(self.workers, thread_name_prefix="kokoro")
        self._phonemes: dict[tuple[str, str], str] = {}
        # NpzFile reads lazily from its zip and is not thread-safe: load each style once here
        self._styles: dict[str, np.ndarray] = {
            name: np.asarray(self.kokoro.voices[name]) for name in self.kokoro.voices.files
        }

    def _phonemize(self, word: str, espeak: str) -> str:
        key = (word, espeak)
        if key not in self._phonemes:
            self._phonemes[key] = self.kokoro.tokenizer.phonemize(word, espeak)
        return self._phonemes[key]

    def _sentence(
        self, units: list[_Unit], voice: KokoroVoice, speed: float
    ) -> tuple[np.ndarray, list[tuple[int, float, float]]]:
        spoken = [w for u in units for w in u.spoken]
        owners = [u.index for u in units for _ in u.spoken]
        text = " ".join(spoken)
        audio, _rate, timings = self.kokoro.create_timed(
            text, self._styles[voice.style], speed=speed, lang=voice.espeak, trim=True
        )
        heard = [
            (t.phoneme, max(0.0, t.start - ONSET_LEAD), max(0.0, t.end - ONSET_LEAD))
            for t in timings
        ]
        spans = assign_words(
            spoken, heard, lambda w: self._phonemize(w.strip(".,;:!?"), voice.espeak)
        )
        placed: list[tuple[int, float, float]] = []
        for owner, span in zip(owners, spans, strict=True):
            if span is not None:
                placed.append((owner, span[0], span[1]))
        return np.asarray(audio, np.float32), placed

    def _cjk_sentence(
        self, sentence: CjkSentence, voice: KokoroVoice, speed: float
    ) -> tuple[np.ndarray, list[tuple[int, float, float]]]:
        """A Japanese or Chinese sentence from its phonemes; each script word spans the
        phonemes planned for it."""
        audio, _rate, timings = self.kokoro.create_timed(
            sentence.phonemes, self._styles[voice.style], speed=speed, is_phonemes=True, trim=True
        )
        heard = [
            (t.phoneme, max(0.0, t.start - ONSET_LEAD), max(0.0, t.end - ONSET_LEAD))
            for t in timings
        ]
        vocab = self.kokoro.tokenizer.vocab
        planned = [
            (c, o) for c, o in zip(sentence.phonemes, sentence.owners, strict=True) if c in vocab
        ]
        spans = assign_phonemes(planned, heard, _MARKS)
        placed = [(owner, start, end) for owner, (start, end) in sorted(spans.items())]
        return np.asarray(audio, np.float32), placed

    def speak(
        self, text: str, *, voice_id: str, speed: float, rate: int
    ) -> tuple[np.ndarray, list[WordTiming]]:
        """``text`` spoken by the voice (float samples at ``rate``) and one timing per script
        word (script spelling), sentence by sentence across the cores."""
        voice = self.voices.get(voice_id)
        if voice is None:
            raise ProviderError(f"Unknown voice {voice_id!r}; see GET /api/voices.")
        speed = min(2.0, max(0.5, speed))
        say: Callable[[Any], tuple[np.ndarray, list[tuple[int, float, float]]]]
        if is_cjk(voice.voice.language):
            words, cjk_sentences = plan_cjk(
                text, voice.voice.language, english=lambda w: self._phonemize(w, "en-us")
            )
            sentences: list[Any] = list(cjk_sentences)
            say = lambda s: self._cjk_sentence(s, voice, speed)  # noqa: E731
        else:
            words, sentences = plan_sentences(text, voice.voice.language)
            say = lambda s: self._sentence(s, voice, speed)  # noqa: E731
        if not sentences:
            raise ProviderError("Nothing to say: the text has no words.")
        try:
            results = list(self._pool.map(say, sentences))
        except ValueError as exc:  # kokoro-onnx: nothing it can say
            raise ProviderError(f"Kokoro could not speak this text: {exc}") from exc
        gap = np.zeros(int(SENTENCE_PAUSE * MODEL_RATE), np.float32)
        pieces: list[np.ndarray] = []
        spans: dict[int, list[float]] = {}
        position = 0
        for i, (audio, placed) in enumerate(results):
            if i:
                pieces.append(gap)
                position += len(gap)
            offset = position / MODEL_RATE
            for owner, start, end in placed:
                span = spans.setdefault(owner, [start + offset, end + offset])
                span[0], span[1] = min(span[0], start + offset), max(span[1], end + offset)
            pieces.append(audio)
            position += len(audio)
        full = resample(np.concatenate(pieces), MODEL_RATE, rate)
        timed: list[WordTiming] = []
        previous = 0.0
        for index, word in enumerate(words):
            start, end = spans.get(index, [previous, previous])
            start = max(start, previous)
            end = max(end, start)
            timed.append(WordTiming(word, round(start, 3), round(end, 3)))
            previous = end
        # No trimming to the sound's edges (fit_to_sound): measured against whisper it moved
        # starts later, away from what is heard.
        return full, timed


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # pragma: no cover - not Linux
        return os.cpu_count() or 1


_SPEAKER_LOCK = threading.Lock()
_SPEAKER: dict[str, KokoroSpeaker] = {}


def kokoro() -> KokoroSpeaker:
    """The loaded Kokoro model (loaded once per process, on first use, about 1-2 s)."""
    with _SPEAKER_LOCK:
        if "speaker" not in _SPEAKER:
            _SPEAKER["speaker"] = KokoroSpeaker()
        return _SPEAKER["speaker"]


def installed_voice_names() -> list[str]:
    """The voice names in the installed voices file, without loading the model."""
    paths = kokoro_paths()
    if paths is None:
        return []
    with np.load(paths[1]) as styles:
        return list(styles.files)


def language_name(language: str) -> str:
    """A language's English name for messages ("es" -> "Spanish")."""
    for tag, name in LANGUAGE_NAMES.items():
        if tag.lower() == language.lower() or tag.split("-")[0] == base_language(language):
            return name
    return language
