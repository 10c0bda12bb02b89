"""WaveSpeed v3, simulated: model submit (webhook as ``?webhook=`` or body ``webhook_url``),
prediction results, binary media upload, and signed webhooks (``webhook-id``,
``webhook-timestamp``, ``webhook-signature: v3,<hex HMAC-SHA256 of id.timestamp.body>``)."""

from __future__ import annotations

import email.parser
import email.policy
import hashlib
import hmac
import json
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import media
from .core import Delivery, Reply, SimJob, SimRequest, json_reply, new_id

if TYPE_CHECKING:
    from .server import Simulator


def wavespeed_signature(webhook_id: str, timestamp: str, body: bytes, secret: str) -> str:
    key = secret.removeprefix("whsec_").encode()
    return hmac.new(key, f"{webhook_id}.{timestamp}.".encode() + body, hashlib.sha256).hexdigest()


def _multipart_file(request: SimRequest) -> tuple[str, bytes] | None:
    content_type = request.header("content-type")
    if not content_type.startswith("multipart/form-data"):
        return None
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
        f"Content-Type: {content_type}\r\n\r\n".encode() + request.body
    )
    for part in message.iter_parts():
        if part.get_param("name", header="content-disposition") == "file":
            payload = part.get_payload(decode=True)
            return part.get_filename() or "upload.bin", payload if isinstance(
                payload, bytes
            ) else b""
    return None


class WaveSpeed:
    name = "wavespeed"

    def error(self, status: int, message: str) -> Reply:
        return json_reply({"code": status, "message": message, "data": None}, status)

    def handle(self, sim: Simulator, request: SimRequest) -> Reply:
        token = request.header("authorization").removeprefix("Bearer ").strip()
        if not sim.authorized(self.name, token):
            return self.error(401, "Invalid API key")
        path = request.path
        if request.method == "POST" and path == "/api/v3/media/upload/binary":
            return self._upload(sim, request)
        if request.method == "GET" and path == "/api/v3/webhook/secret":
            return json_reply(
                {"code": 200, "message": "success", "data": {"secret": sim.wavespeed_secret}}
            )
        if request.method == "GET" and path.startswith("/api/v3/predictions/"):
            # Both documented forms: /predictions/{id}/result and /predictions/{id}.
            prediction_id = path.removeprefix("/api/v3/predictions/").removesuffix("/result")
            job = sim.job(self.name, prediction_id)
            if job is None:
                return self.error(404, "prediction not found")
            return json_reply(
                {"code": 200, "message": "success", "data": self._prediction(sim, job)}
            )
        if request.method == "POST" and path.startswith("/api/v3/"):
            return self._submit(sim, request, model=path.removeprefix("/api/v3/"))
        return self.error(404, "not found")

    def _upload(self, sim: Simulator, request: SimRequest) -> Reply:
        found = _multipart_file(request)
        if found is None or not found[1]:
            return self.error(400, "a multipart 'file' is required")
        filename, data = found
        stored = sim.media_dir / f"upload-{uuid.uuid4().hex}{Path(filename).suffix[:8]}"
        stored.write_bytes(data)
        return json_reply(
            {
                "code": 200,
                "message": "success",
                "data": {
                    "type": "file",
                    "download_url": sim.file_url(stored),
                    "filename": filename,
                    "size": len(data),
                },
            }
        )

    def _submit(self, sim: Simulator, request: SimRequest, *, model: str) -> Reply:
        body = request.json()
        if not isinstance(body, dict):
            return self.error(400, "the body must be a JSON object")
        if "infinitetalk" in model and not (body.get("image") and body.get("audio")):
            return self.error(400, "image and audio are required")
        if body.get("resolution", "480p") not in ("480p", "720p"):
            return self.error(400, "resolution must be 480p or 720p")
        webhook = request.query.get("webhook") or str(body.get("webhook_url") or "")
        # Small real videos keep the simulator quick; the aspect is what matters.
        width, height = (640, 360) if body.get("resolution") == "720p" else (424, 240)
        job = sim.add_job(
            SimJob(
                vendor=self.name,
                kind="prediction",
                id=new_id(),
                behaviour=sim.behaviour_for(self.name),
                callback_url=webhook,
                request={"model": model, "input": body},
                results=[sim.file_url(media.mp4(sim.media_dir, width=width, height=height))],
            )
        )
        return json_reply({"code": 200, "message": "success", "data": self._prediction(sim, job)})

    def _prediction(self, sim: Simulator, job: SimJob) -> dict[str, Any]:
        status = "processing"
        if job.done():
            status = "completed" if job.succeeded else "failed"
        return {
            "id": job.id,
            "model": job.request["model"],
            "input": job.request["input"],
            "outputs": job.results if status == "completed" else [],
            "urls": {"get": f"{sim.url}/{self.name}/api/v3/predictions/{job.id}/result"},
            "has_nsfw_contents": [False] if status == "completed" else [],
            "status": status,
            "created_at": datetime.fromtimestamp(job.created, UTC).isoformat(),
            "error": job.behaviour.error if status == "failed" else "",
            "executionTime": int(job.behaviour.delay * 1000) if job.done() else 0,
        }

    def callbacks(self, sim: Simulator, job: SimJob) -> list[Delivery]:
        body = json.dumps(self._prediction(sim, job)).encode()
        headers: dict[str, str] = {}
        signature = job.behaviour.signature
        if signature != "none" and sim.wavespeed_secret:
            webhook_id = uuid.uuid4().hex
            stamp = str(int(time.time()) - (3600 if signature == "stale" else 0))
            secret = sim.wavespeed_secret + ("-wrong" if signature == "wrong" else "")
            headers = {
                "webhook-id": webhook_id,
                "webhook-timestamp": stamp,
                "webhook-signature": f"v3,{wavespeed_signature(webhook_id, stamp, body, secret)}",
            }
        return [Delivery(job_id=job.id, url=job.callback_url, headers=headers, body=body)]
