"""ElevenLabs, simulated: text-to-speech with timestamps (PCM output formats) and the voice list.

Each character gets 60 ms (spaces 40 ms), so the alignment is exact for the audio returned.
"""

from __future__ import annotations

import base64
from typing import TYPE_CHECKING

from . import media
from .core import Reply, SimRequest, json_reply

if TYPE_CHECKING:
    from .core import Delivery, SimJob
    from .server import Simulator

VOICES = [
    {
        "voice_id": "21m00Tcm4TlvDq8ikWAM",
        "name": "Rachel",
        "category": "premade",
        "labels": {"accent": "american", "gender": "female", "use_case": "narration"},
    },
    {
        "voice_id": "JBFqnCBsd6RMkjVDRZzb",
        "name": "George",
        "category": "premade",
        "labels": {"accent": "british", "gender": "male", "use_case": "narration"},
    },
]
PCM_RATES = {"pcm_16000": 16000, "pcm_22050": 22050, "pcm_24000": 24000, "pcm_44100": 44100}


class ElevenLabs:
    name = "elevenlabs"

    def error(self, status: int, message: str) -> Reply:
        return json_reply({"detail": {"status": "error", "message": message}}, status)

    def handle(self, sim: Simulator, request: SimRequest) -> Reply:
        if not sim.authorized(self.name, request.header("xi-api-key")):
            return json_reply(
                {"detail": {"status": "invalid_api_key", "message": "Invalid API key"}}, 401
            )
        if request.method == "GET" and request.path == "/v1/voices":
            return json_reply({"voices": VOICES})
        if request.method == "POST" and request.path.startswith("/v1/text-to-speech/"):
            return self._speak(request)
        return self.error(404, "Not found")

    def _speak(self, request: SimRequest) -> Reply:
        voice_id, _, rest = request.path.removeprefix("/v1/text-to-speech/").partition("/")
        if voice_id not in {v["voice_id"] for v in VOICES}:
            return self.error(400, f"A voice with the voice_id {voice_id} was not found.")
        body = request.json()
        text = str(body.get("text") or "") if isinstance(body, dict) else ""
        if not text.strip():
            return self.error(422, "text is required")
        rate = PCM_RATES.get(request.query.get("output_format", "mp3_44100_128"))
        if rate is None:
            return self.error(422, "the simulator produces pcm_* output formats only")
        starts, ends, clock = [], [], 0.0
        for char in text:
            length = 0.04 if char.isspace() else 0.06
            starts.append(round(clock, 3))
            clock += length
            ends.append(round(clock, 3))
        audio = media.pcm(clock, rate=rate)
        if rest != "with-timestamps":
            return Reply(body=audio, content_type="audio/pcm")
        alignment = {
            "characters": list(text),
            "character_start_times_seconds": starts,
            "character_end_times_seconds": ends,
        }
        return json_reply(
            {
                "audio_base64": base64.b64encode(audio).decode(),
                "alignment": alignment,
                "normalized_alignment": alignment,
            }
        )

    def callbacks(self, sim: Simulator, job: SimJob) -> list[Delivery]:
        return []
