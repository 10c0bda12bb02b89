"""KIE, simulated: Market createTask/recordInfo (images, image-to-video) and Suno generate.

Errors are answered the way KIE's envelope carries them: HTTP 200 with
``{"code": 429, "msg": ...}``.
Callbacks are signed like KIE's webhook verification: ``X-Webhook-Timestamp`` and
``X-Webhook-Signature`` = base64(HMAC-SHA256(key, taskId + "." + timestamp)).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from typing import TYPE_CHECKING, Any

from . import media
from .core import Delivery, Reply, SimJob, SimRequest, json_reply, new_id

if TYPE_CHECKING:
    from .server import Simulator


def kie_signature(task_id: str, timestamp: str, key: str) -> str:
    digest = hmac.new(key.encode(), f"{task_id}.{timestamp}".encode(), hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


class Kie:
    name = "kie"

    def error(self, status: int, message: str) -> Reply:
        return json_reply({"code": status, "msg": message, "data": None})

    def handle(self, sim: Simulator, request: SimRequest) -> Reply:
        token = request.header("authorization").removeprefix("Bearer ").strip()
        if not sim.authorized(self.name, token):
            return json_reply({"code": 401, "msg": "You do not have access permissions"}, 401)
        route = (request.method, request.path)
        if route == ("POST", "/api/v1/jobs/createTask"):
            return self._create_market(sim, request)
        if route == ("GET", "/api/v1/jobs/recordInfo"):
            return self._record_info(sim, request)
        if route == ("POST", "/api/v1/generate"):
            return self._create_suno(sim, request)
        if route == ("GET", "/api/v1/generate/record-info"):
            return self._suno_record_info(sim, request)
        return json_reply({"code": 404, "msg": "Not found"}, 404)

    # --- market ---

    def _create_market(self, sim: Simulator, request: SimRequest) -> Reply:
        body = request.json()
        if not isinstance(body, dict) or not body.get("model"):
            return self.error(422, "model is required")
        task_input = body.get("input")
        if not isinstance(task_input, dict) or not str(task_input.get("prompt") or "").strip():
            return self.error(422, "input.prompt is required")
        model = str(body["model"])
        video = "kling" in model or "video" in model
        if video and not (task_input.get("image_url") or task_input.get("image_urls")):
            return self.error(422, "input.image_url is required")
        if video:
            result = media.mp4(sim.media_dir)
        else:
            aspect = str(task_input.get("image_size") or task_input.get("aspect_ratio") or "1:1")
            result = media.png(sim.media_dir, aspect)
        job = sim.add_job(
            SimJob(
                vendor=self.name,
                kind="market",
                id=new_id("task_"),
                behaviour=sim.behaviour_for(self.name, "video" if video else "image"),
                callback_url=str(body.get("callBackUrl") or ""),
                request=body,
                results=[sim.file_url(result)],
            )
        )
        return json_reply({"code": 200, "msg": "success", "data": {"taskId": job.id}})

    def _market_data(self, job: SimJob) -> dict[str, Any]:
        done = job.done()
        data: dict[str, Any] = {
            "taskId": job.id,
            "model": job.request.get("model"),
            "state": "generating",
            "param": json.dumps(job.request),
            "resultJson": "",
            "failCode": "",
            "failMsg": "",
            "costTime": 0,
            "completeTime": None,
            "createTime": int(job.created * 1000),
            "updateTime": int(time.time() * 1000),
        }
        if not done:
            return data
        data["completeTime"] = int(job.done_at * 1000)
        data["costTime"] = int(job.behaviour.delay * 1000)
        if job.succeeded:
            data["state"] = "success"
            data["resultJson"] = json.dumps({"resultUrls": job.results})
        else:
            data.update(state="fail", failCode="500", failMsg=job.behaviour.error, resultJson=None)
        return data

    def _record_info(self, sim: Simulator, request: SimRequest) -> Reply:
        job = sim.job(self.name, request.query.get("taskId", ""))
        if job is None or job.kind != "market":
            return json_reply({"code": 404, "message": "Task not found", "data": None})
        # Market recordInfo says "message", not "msg" (vendors.md).
        return json_reply({"code": 200, "message": "success", "data": self._market_data(job)})

    # --- suno ---

    def _create_suno(self, sim: Simulator, request: SimRequest) -> Reply:
        body = request.json()
        if not isinstance(body, dict) or not str(body.get("prompt") or "").strip():
            return self.error(422, "prompt is required")
        if not body.get("callBackUrl"):
            return self.error(422, "Please enter callBackUrl")
        if "customMode" not in body or "instrumental" not in body:
            return self.error(422, "customMode and instrumental are required")
        job = sim.add_job(
            SimJob(
                vendor=self.name,
                kind="suno",
                id=new_id(),
                behaviour=sim.behaviour_for(self.name, "music"),
                callback_url=str(body["callBackUrl"]),
                request=body,
                results=[sim.file_url(media.wav(sim.media_dir, 30.0))],
            )
        )
        return json_reply({"code": 200, "msg": "success", "data": {"taskId": job.id}})

    def _tracks(self, job: SimJob, *, camel: bool) -> list[dict[str, Any]]:
        audio, stream, image = (
            ("audioUrl", "streamAudioUrl", "imageUrl")
            if camel
            else (
                "audio_url",
                "stream_audio_url",
                "image_url",
            )
        )
        return [
            {
                "id": f"{job.id}-{n}",
                audio: url,
                stream: url,
                image: "",
                "prompt": job.request.get("prompt", ""),
                ("modelName" if camel else "model_name"): "chirp-v4-5",
                "title": "Simulated bed",
                "tags": "instrumental",
                "createTime": time.strftime("%Y-%m-%d %H:%M:%S"),
                "duration": 30.0,
            }
            for n, url in enumerate(job.results)
        ]

    def _suno_record_info(self, sim: Simulator, request: SimRequest) -> Reply:
        job = sim.job(self.name, request.query.get("taskId", ""))
        if job is None or job.kind != "suno":
            return json_reply({"code": 404, "msg": "Task not found", "data": None})
        status = "PENDING"
        if job.done():
            status = "SUCCESS" if job.succeeded else "GENERATE_AUDIO_FAILED"
        data = {
            "taskId": job.id,
            "parentMusicId": "",
            "param": json.dumps(job.request),
            "response": {
                "taskId": job.id,
                "sunoData": self._tracks(job, camel=True) if status == "SUCCESS" else [],
            },
            "status": status,
            "type": "GENERATE",
            "errorCode": 501 if status == "GENERATE_AUDIO_FAILED" else None,
            "errorMessage": job.behaviour.error if status == "GENERATE_AUDIO_FAILED" else None,
        }
        return json_reply({"code": 200, "msg": "success", "data": data})

    # --- callbacks ---

    def _headers(self, sim: Simulator, job: SimJob) -> dict[str, str]:
        signature = job.behaviour.signature
        if signature == "none" or not sim.kie_hmac_key:
            return {}
        stamp = int(time.time()) - (3600 if signature == "stale" else 0)
        key = sim.kie_hmac_key if signature != "wrong" else sim.kie_hmac_key + "-wrong"
        return {
            "X-Webhook-Timestamp": str(stamp),
            "X-Webhook-Signature": kie_signature(job.id, str(stamp), key),
        }

    def callbacks(self, sim: Simulator, job: SimJob) -> list[Delivery]:
        def delivery(payload: dict[str, Any]) -> Delivery:
            return Delivery(
                job_id=job.id,
                url=job.callback_url,
                headers=self._headers(sim, job),
                body=json.dumps(payload).encode(),
            )

        if job.kind == "market":
            ok = job.succeeded
            return [
                delivery(
                    {
                        "code": 200 if ok else 501,
                        "msg": "Playground task completed successfully."
                        if ok
                        else "Playground task failed.",
                        "data": self._market_data(job),
                    }
                )
            ]
        if not job.succeeded:
            return [
                delivery(
                    {
                        "code": 501,
                        "msg": job.behaviour.error,
                        "data": {"callbackType": "error", "task_id": job.id, "data": None},
                    }
                )
            ]
        tracks = self._tracks(job, camel=False)
        return [
            delivery(
                {
                    "code": 200,
                    "msg": "First audio generated successfully.",
                    "data": {"callbackType": "first", "task_id": job.id, "data": tracks[:1]},
                }
            ),
            delivery(
                {
                    "code": 200,
                    "msg": "All generated successfully.",
                    "data": {"callbackType": "complete", "task_id": job.id, "data": tracks},
                }
            ),
        ]
