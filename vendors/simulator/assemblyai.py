"""AssemblyAI, simulated: upload, transcript with webhook + auth header, transcript lookup.

The "transcript" is a fixed sentence spread evenly over the uploaded WAV's duration, with word
times in milliseconds as AssemblyAI reports them. The webhook body is only
``{"transcript_id", "status"}``; the auth header named by the client carries its value back
("wrong" sends another value, "none" leaves it out).
"""

from __future__ import annotations

import io
import json
import uuid
import wave
from typing import TYPE_CHECKING, Any

from .core import Delivery, Reply, SimJob, SimRequest, json_reply, new_id

if TYPE_CHECKING:
    from .server import Simulator

SENTENCE = "In nineteen seventy seven two small probes left Earth for the outer planets"


def _wav_seconds(data: bytes) -> float:
    try:
        with wave.open(io.BytesIO(data), "rb") as audio:
            return audio.getnframes() / float(audio.getframerate())
    except (wave.Error, EOFError, ZeroDivisionError):
        return 4.0


def words_for(seconds: float) -> list[dict[str, Any]]:
    words = SENTENCE.split()
    step = max(seconds, 0.5) / len(words)
    return [
        {
            "text": word,
            "start": int(i * step * 1000),
            "end": int((i + 0.8) * step * 1000),
            "confidence": 0.95,
            "speaker": None,
        }
        for i, word in enumerate(words)
    ]


class AssemblyAI:
    name = "assemblyai"

    def error(self, status: int, message: str) -> Reply:
        return json_reply({"error": message}, status)

    def handle(self, sim: Simulator, request: SimRequest) -> Reply:
        if not sim.authorized(self.name, request.header("authorization").strip()):
            return self.error(401, "Authentication error, API token missing/invalid")
        if request.method == "POST" and request.path == "/v2/upload":
            if not request.body:
                return self.error(400, "Empty upload")
            upload_id = uuid.uuid4().hex
            sim.state.setdefault("aai_uploads", {})[upload_id] = _wav_seconds(request.body)
            return json_reply({"upload_url": f"https://cdn.assemblyai.com/upload/{upload_id}"})
        if request.method == "POST" and request.path == "/v2/transcript":
            return self._create(sim, request)
        if request.method == "GET" and request.path.startswith("/v2/transcript/"):
            job = sim.job(self.name, request.path.removeprefix("/v2/transcript/"))
            if job is None:
                return self.error(404, "Transcript not found")
            return json_reply(self._transcript(job))
        return self.error(404, "Not found")

    def _create(self, sim: Simulator, request: SimRequest) -> Reply:
        body = request.json()
        if not isinstance(body, dict) or not body.get("audio_url"):
            return self.error(400, "audio_url is required")
        upload_id = str(body["audio_url"]).rsplit("/", 1)[-1]
        seconds = sim.state.get("aai_uploads", {}).get(upload_id)
        if seconds is None:
            return self.error(400, "Transcoding failed: the audio_url could not be fetched")
        if bool(body.get("webhook_auth_header_name")) != bool(
            body.get("webhook_auth_header_value")
        ):
            return self.error(400, "webhook_auth_header_name and _value go together")
        job = sim.add_job(
            SimJob(
                vendor=self.name,
                kind="transcript",
                id=new_id(),
                behaviour=sim.behaviour_for(self.name),
                callback_url=str(body.get("webhook_url") or ""),
                request=body,
                extra={"seconds": seconds},
            )
        )
        return json_reply(self._transcript(job, fresh=True))

    def _transcript(self, job: SimJob, *, fresh: bool = False) -> dict[str, Any]:
        status = "queued" if fresh else "processing"
        if job.done() and not fresh:
            status = "completed" if job.succeeded else "error"
        completed = status == "completed"
        return {
            "id": job.id,
            "status": status,
            "audio_url": job.request.get("audio_url"),
            "language_code": job.request.get("language_code", "en_us"),
            "webhook_url": job.request.get("webhook_url"),
            "webhook_auth": bool(job.request.get("webhook_auth_header_name")),
            "text": SENTENCE if completed else None,
            "words": words_for(job.extra["seconds"]) if completed else None,
            "audio_duration": job.extra["seconds"] if completed else None,
            "error": job.behaviour.error if status == "error" else None,
        }

    def callbacks(self, sim: Simulator, job: SimJob) -> list[Delivery]:
        body = {"transcript_id": job.id, "status": "completed" if job.succeeded else "error"}
        headers: dict[str, str] = {}
        name = job.request.get("webhook_auth_header_name")
        if name and job.behaviour.signature != "none":
            value = str(job.request.get("webhook_auth_header_value"))
            headers[str(name)] = value + ("-wrong" if job.behaviour.signature == "wrong" else "")
        return [
            Delivery(
                job_id=job.id, url=job.callback_url, headers=headers, body=json.dumps(body).encode()
            )
        ]
