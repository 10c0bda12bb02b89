"""ElevenLabs speech, with the engine's own character timings turned into word timings.

Formats (../shared/docs/vendors.md §5): ``xi-api-key: <key>``;
``POST /v1/text-to-speech/{voice_id}/with-timestamps?output_format=...`` ``{"text", "model_id",
"voice_settings": {"stability", "similarity_boost", "style", "speed"}}`` → ``{"audio_base64",
"alignment": {"characters", "character_start_times_seconds", "character_end_times_seconds"},
"normalized_alignment": {...}}``; ``GET /v1/voices`` → ``{"voices": [{"voice_id", "name",
"category", "labels"}]}``.

We ask for ``pcm_24000`` (raw signed 16-bit mono) and write the WAV header ourselves, so the
pipeline gets the WAV it expects without a conversion. Words come from ``alignment`` (it matches
the text we sent; ``normalized_alignment`` spells numbers out), split on whitespace.
"""

from __future__ import annotations

import base64
import binascii
import uuid
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from django.conf import settings

from vendors.base import (
    MediaFile,
    ProviderError,
    ProviderUnavailableError,
    SpeechRequest,
    SpeechResult,
    Voice,
    WordTiming,
)

from .audio import write_wav
from .client import Sleep, VendorClient

VENDOR = "elevenlabs"
SAMPLE_RATE = 24000


def words_from_alignment(alignment: Mapping[str, Any]) -> list[WordTiming]:
    """Group ElevenLabs' per-character timings into words (split on whitespace)."""
    chars: Sequence[str] = alignment.get("characters") or []
    starts: Sequence[float] = alignment.get("character_start_times_seconds") or []
    ends: Sequence[float] = alignment.get("character_end_times_seconds") or []
    if not (len(chars) == len(starts) == len(ends)):
        raise ProviderError("ElevenLabs alignment lists differ in length", vendor=VENDOR)
    words: list[WordTiming] = []
    text, start, end = "", 0.0, 0.0
    for char, char_start, char_end in zip(chars, starts, ends, strict=True):
        if char.isspace():
            if text:
                words.append(WordTiming(word=text, start=start, end=end))
            text = ""
            continue
        if not text:
            start = float(char_start)
        text += char
        end = float(char_end)
    if text:
        words.append(WordTiming(word=text, start=start, end=end))
    return words


class ElevenLabsSpeech:
    """SpeechProvider: ElevenLabs text-to-speech with timestamps."""

    name = VENDOR

    def __init__(self, *, sleep: Sleep | None = None) -> None:
        self._sleep = sleep

    def client(self) -> VendorClient:
        if not settings.ELEVENLABS_API_KEY:
            raise ProviderUnavailableError("ELEVENLABS_API_KEY is not set", vendor=VENDOR)
        return VendorClient(
            vendor=VENDOR,
            base_url=settings.ELEVENLABS_BASE_URL,
            headers={"xi-api-key": settings.ELEVENLABS_API_KEY},
            sleep=self._sleep,
        )

    def synthesize(self, request: SpeechRequest, *, workdir: Path) -> SpeechResult:
        if not request.text.strip():
            raise ProviderError("nothing to say", vendor=VENDOR)
        voice_id = request.voice_id or settings.ELEVENLABS_VOICE_ID
        body = {
            "text": request.text,
            "model_id": settings.ELEVENLABS_MODEL,
            "voice_settings": {
                "stability": 0.5,
                "similarity_boost": 0.75,
                "style": 0.0,
                # ElevenLabs accepts speeds from 0.7 to 1.2.
                "speed": min(1.2, max(0.7, request.speed)),
            },
        }
        with self.client() as client:
            answer = client.json(
                "POST",
                f"/v1/text-to-speech/{voice_id}/with-timestamps",
                params={"output_format": f"pcm_{SAMPLE_RATE}"},
                json=body,
            )
        if not isinstance(answer, dict) or not answer.get("audio_base64"):
            raise ProviderError("ElevenLabs answered without audio", vendor=VENDOR)
        try:
            pcm = base64.b64decode(answer["audio_base64"], validate=True)
        except (binascii.Error, ValueError) as exc:
            raise ProviderError("ElevenLabs sent audio that is not base64", vendor=VENDOR) from exc
        if len(pcm) < 2:
            raise ProviderError("ElevenLabs sent empty audio", vendor=VENDOR)
        path = workdir / f"speech-{uuid.uuid4().hex[:8]}.wav"
        duration = write_wav(path, pcm[: len(pcm) - len(pcm) % 2], sample_rate=SAMPLE_RATE)
        words = words_from_alignment(answer.get("alignment") or {})
        return SpeechResult(
            audio=MediaFile(path=path, content_type="audio/wav", duration=duration),
            words=tuple(words),
        )

    def voices(self) -> list[Voice]:
        with self.client() as client:
            answer = client.json("GET", "/v1/voices")
        listed = answer.get("voices") if isinstance(answer, dict) else None
        voices = []
        for item in listed if isinstance(listed, list) else []:
            if not isinstance(item, dict) or not item.get("voice_id"):
                continue
            raw_labels = item.get("labels")
            labels: dict[str, Any] = raw_labels if isinstance(raw_labels, dict) else {}
            accent = str(labels.get("accent") or "")
            voices.append(
                Voice(
                    id=str(item["voice_id"]),
                    name=str(item.get("name") or item["voice_id"]),
                    language="en-GB" if "british" in accent.lower() else "en-US",
                    engine=VENDOR,
                    description=", ".join(str(v) for v in labels.values() if v),
                )
            )
        return voices
