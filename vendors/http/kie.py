"""KIE (kie.ai): images (Nano Banana) and image-to-video (Kling) through the Market API, music
through its Suno API. All three are asynchronous: create a task with ``callBackUrl``, then KIE
POSTs the outcome there (``recordInfo`` polling is the fallback).

Formats (../shared/docs/vendors.md §1):
- Envelope ``{"code": 200, "msg": "success", "data": {...}}``; errors come as HTTP 200 with another
  ``code`` (401, 402, 422, 429, 455, 500, ...), so the client reads ``code`` as the status.
- Market: ``POST /api/v1/jobs/createTask`` ``{"model", "callBackUrl", "input": {...}}`` →
  ``data.taskId``; ``GET /api/v1/jobs/recordInfo?taskId=`` → ``data.state``
  (waiting/queuing/generating/success/fail), ``data.resultJson`` — a JSON *string*
  ``{"resultUrls": [...]}`` — and ``failCode``/``failMsg``
  (docs.kie.ai/market/common/get-task-detail).
  The callback body is ``{"code": 200|501, "msg": "Playground task completed successfully." |
  "Playground task failed.", "data": <the recordInfo data>}`` (the callback examples on the model
  pages of docs.kie.ai/market, e.g. google/nano-banana-pro; vendors.md marks the market callback
  shape as seen in code only).
- Nano Banana's input is ``{"prompt", "output_format", "image_size": "16:9"}`` and the edit model
  ``google/nano-banana-edit`` adds ``image_urls``; Kling 2.1 takes a single ``image_url`` and
  ``duration`` "5"/"10", Kling 2.6 an ``image_urls`` list (public KIE clients, e.g. the Kling
  plugins indexed from GitHub; vendors.md lists ``image_urls[]|image_url``).
- Suno: ``POST /api/v1/generate`` ``{"prompt", "customMode", "instrumental", "model",
  "callBackUrl"}`` → ``data.taskId``; ``GET /api/v1/generate/record-info?taskId=`` → ``data.status``
  PENDING/TEXT_SUCCESS/FIRST_SUCCESS/SUCCESS or CREATE_TASK_FAILED/GENERATE_AUDIO_FAILED/
  CALLBACK_EXCEPTION/SENSITIVE_WORD_ERROR, tracks in ``data.response.sunoData[].audioUrl``
  (docs.kie.ai/suno-api/get-music-details). Callbacks arrive per stage: ``data.callbackType``
  "text", "first", then "complete" with ``data.data[].audio_url``, or "error" with ``data: null``
  and the reason in ``msg`` (docs.kie.ai/suno-api/generate-music-callbacks). Only "complete" and
  "error" end the job. KIE now refuses Suno tasks without ``callBackUrl`` (422 "Please enter
  callBackUrl", elibarnett/kie-mcp release v4.0.4), so the polling path sends our endpoint's bare
  URL, which answers 404 to an unknown job.
- Webhook signature, when an HMAC key is enabled in KIE's settings: ``X-Webhook-Timestamp`` (unix
  seconds) and ``X-Webhook-Signature`` = base64(HMAC-SHA256(key, ``taskId + "." + timestamp``))
  (docs.kie.ai/common-api/webhook-verification). The body itself is not signed: the task id is,
  and the endpoint checks it against the job's recorded id; the per-job token covers the rest.
"""

from __future__ import annotations

import base64
import hmac
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import httpx
from django.conf import settings

from vendors.base import (
    AnimateRequest,
    CallbackTarget,
    ImageRequest,
    JobOutcome,
    MediaFile,
    MusicRequest,
    PendingJob,
    ProviderError,
    ProviderUnavailableError,
)
from vidflow.inputs import json_loads_checked

from .client import VendorClient
from .common import (
    AsyncVendorAdapter,
    CallbackInvalid,
    CallbackRejected,
    check_timestamp,
    hmac_sha256,
    json_object,
    lower_keys,
    require_url,
)

VENDOR = "kie"

# Nano Banana's image_size choices; the project's size is mapped to the nearest.
ASPECT_RATIOS = ("1:1", "16:9", "9:16", "4:3", "3:4", "3:2", "2:3", "5:4", "4:5", "21:9")

MARKET_RUNNING = {"waiting", "queuing", "generating"}
SUNO_FAILED = {
    "CREATE_TASK_FAILED",
    "GENERATE_AUDIO_FAILED",
    "CALLBACK_EXCEPTION",
    "SENSITIVE_WORD_ERROR",
}


def kie_status(response: httpx.Response) -> int:
    """KIE answers HTTP 200 with the real status in the body's ``code``."""
    if response.status_code != 200:
        return response.status_code
    try:
        code = response.json().get("code")
    except (ValueError, AttributeError):
        return response.status_code
    return code if isinstance(code, int) else response.status_code


def nearest_aspect(width: int, height: int) -> str:
    ratio = width / max(1, height)
    return min(
        ASPECT_RATIOS, key=lambda r: abs(int(r.split(":")[0]) / int(r.split(":")[1]) - ratio)
    )


def sign_webhook(task_id: str, timestamp: str, key: str) -> str:
    """KIE's webhook signature: base64(HMAC-SHA256(key, taskId + "." + timestamp))."""
    return base64.b64encode(hmac_sha256(key, f"{task_id}.{timestamp}")).decode()


def verify_webhook(
    headers: Mapping[str, str], *, task_id: str, key: str, now: float | None = None
) -> None:
    """Raise CallbackRejected unless the headers carry a fresh, valid KIE signature."""
    lowered = lower_keys(headers)
    timestamp = lowered.get("x-webhook-timestamp", "")
    signature = lowered.get("x-webhook-signature", "")
    check_timestamp(timestamp, now=now)
    if not signature:
        raise CallbackRejected("Missing X-Webhook-Signature.")
    expected = sign_webhook(task_id, timestamp.strip(), key)
    if not hmac.compare_digest(expected.encode(), signature.strip().encode()):
        raise CallbackRejected("The KIE webhook signature does not match.")


def _data(envelope: Any) -> dict[str, Any]:
    data = envelope.get("data") if isinstance(envelope, dict) else None
    if not isinstance(data, dict):
        raise ProviderError("KIE answered without data", retryable=True, vendor=VENDOR)
    return data


def market_outcome(data: Mapping[str, Any]) -> JobOutcome | None:
    """A Market task's outcome from its recordInfo/callback ``data`` (None while running)."""
    state = str(data.get("state") or "").lower()
    if state in MARKET_RUNNING or not state:
        return None
    if state == "success":
        try:
            result = json_loads_checked(data.get("resultJson") or "{}")
            urls = tuple(str(u) for u in result.get("resultUrls") or ())
        except (TypeError, ValueError, AttributeError):
            return JobOutcome(succeeded=False, error="KIE returned an unreadable resultJson")
        if not urls:
            return JobOutcome(succeeded=False, error="KIE reported success without a result URL")
        return JobOutcome(succeeded=True, urls=urls, data={"model": data.get("model", "")})
    reason = data.get("failMsg") or data.get("failCode") or f"task state {state}"
    return JobOutcome(succeeded=False, error=str(reason), data={"failCode": data.get("failCode")})


class _KieAdapter(AsyncVendorAdapter):
    vendor = VENDOR
    name = VENDOR

    def client(self) -> VendorClient:
        if not settings.KIE_API_KEY:
            raise ProviderUnavailableError("KIE_API_KEY is not set", vendor=VENDOR)
        return VendorClient(
            vendor=VENDOR,
            base_url=settings.KIE_BASE_URL,
            headers={"Authorization": f"Bearer {settings.KIE_API_KEY}"},
            status_of=kie_status,
            sleep=self._sleep,
        )

    def verify_callback(
        self,
        body: bytes,
        headers: Mapping[str, str],
        *,
        external_id: str,
        secret: str,
        now: float | None = None,
    ) -> None:
        key = settings.KIE_WEBHOOK_HMAC_KEY
        if key:
            verify_webhook(headers, task_id=external_id, key=key, now=now)


class _KieMarket(_KieAdapter):
    def _create(
        self, model: str, task_input: dict[str, Any], callback: CallbackTarget | None
    ) -> str:
        body: dict[str, Any] = {"model": model, "input": task_input}
        if callback is not None:
            body["callBackUrl"] = callback.url
        with self.client() as client:
            answer = client.json("POST", "/api/v1/jobs/createTask", json=body, submit=True)
        task_id = _data(answer).get("taskId")
        if not task_id:
            raise ProviderError("KIE accepted the task without a taskId", vendor=VENDOR)
        return str(task_id)

    def poll(self, external_id: str) -> JobOutcome | None:
        with self.client() as client:
            answer = client.json("GET", "/api/v1/jobs/recordInfo", params={"taskId": external_id})
        return market_outcome(_data(answer))

    def parse_callback(
        self, body: bytes, headers: Mapping[str, str]
    ) -> tuple[str, JobOutcome | None]:
        envelope = json_object(body)
        data = envelope.get("data")
        if not isinstance(data, dict) or not data.get("taskId"):
            raise CallbackInvalid("The callback has no data.taskId.")
        outcome = market_outcome(data)
        if outcome is None and envelope.get("code") not in (None, 200):
            outcome = JobOutcome(succeeded=False, error=str(envelope.get("msg") or "KIE failed"))
        return str(data["taskId"]), outcome


class KieImages(_KieMarket):
    """ImageProvider: Nano Banana (or another Market image model, KIE_IMAGE_MODEL)."""

    result_types = ("image/",)

    def task_input(self, request: ImageRequest) -> tuple[str, dict[str, Any]]:
        model = settings.KIE_IMAGE_MODEL
        prompt = _image_prompt(request)
        reference_urls = [
            ref.image.url for ref in request.references if ref.image and ref.image.url
        ]
        if model.startswith("google/nano-banana"):
            task_input: dict[str, Any] = {
                "prompt": prompt,
                "output_format": "png",
                "image_size": nearest_aspect(request.width, request.height),
            }
            if reference_urls:
                # The edit model keeps the characters' look from their reference images.
                model = "google/nano-banana-edit"
                task_input["image_urls"] = reference_urls[:10]
            return model, task_input
        task_input = {
            "prompt": prompt,
            "aspect_ratio": nearest_aspect(request.width, request.height),
        }
        if reference_urls:
            task_input["image_urls"] = reference_urls[:10]
        return model, task_input

    def generate(
        self, request: ImageRequest, *, workdir: Path, callback: CallbackTarget | None = None
    ) -> MediaFile | PendingJob:
        model, task_input = self.task_input(request)
        task_id = self._create(model, task_input, callback)
        if callback is not None:
            return PendingJob(vendor=VENDOR, external_id=task_id)
        return self.finish_sync(task_id, workdir=workdir)


class KieVideo(_KieMarket):
    """VideoProvider: image-to-video with Kling (KIE_VIDEO_MODEL)."""

    result_types = ("video/",)

    def task_input(self, request: AnimateRequest) -> tuple[str, dict[str, Any]]:
        model = settings.KIE_VIDEO_MODEL
        image_url = require_url(request.image.url, vendor=VENDOR, what="still to animate")
        # Kling renders 5 s or 10 s clips; the renderer trims to the shot.
        duration = "5" if request.duration <= 5 else "10"
        prompt = request.prompt or "subtle natural motion, gentle camera move"
        if model.startswith("kling-2.6") or model.startswith("kling-3"):
            return model, {
                "prompt": prompt,
                "image_urls": [image_url],
                "duration": duration,
                "sound": False,
            }
        return model, {
            "prompt": prompt,
            "image_url": image_url,
            "duration": duration,
            "negative_prompt": "blur, distortion, low quality",
        }

    def animate(
        self, request: AnimateRequest, *, workdir: Path, callback: CallbackTarget | None = None
    ) -> MediaFile | PendingJob:
        model, task_input = self.task_input(request)
        task_id = self._create(model, task_input, callback)
        if callback is not None:
            return PendingJob(vendor=VENDOR, external_id=task_id)
        return self.finish_sync(task_id, workdir=workdir)


class KieMusic(_KieAdapter):
    """MusicProvider: an instrumental Suno track from mood and tempo (KIE_MUSIC_MODEL)."""

    result_types = ("audio/",)

    def task_body(self, request: MusicRequest, callback: CallbackTarget | None) -> dict[str, Any]:
        # Non-custom mode takes a prompt of at most 500 characters.
        prompt = (
            f"Instrumental background music for a narrated video. Mood: {request.mood}. "
            f"Tempo: about {request.tempo} BPM. No vocals, steady, loopable."
        )[:500]
        return {
            "prompt": prompt,
            "customMode": False,
            "instrumental": True,
            "model": settings.KIE_MUSIC_MODEL,
            "callBackUrl": callback.url
            if callback is not None
            else f"{settings.PUBLIC_BASE_URL}/api/kie/callback",
        }

    def compose(
        self, request: MusicRequest, *, workdir: Path, callback: CallbackTarget | None = None
    ) -> MediaFile | PendingJob:
        with self.client() as client:
            answer = client.json(
                "POST", "/api/v1/generate", json=self.task_body(request, callback), submit=True
            )
        task_id = _data(answer).get("taskId")
        if not task_id:
            raise ProviderError("KIE accepted the music task without a taskId", vendor=VENDOR)
        if callback is not None:
            return PendingJob(vendor=VENDOR, external_id=str(task_id))
        return self.finish_sync(str(task_id), workdir=workdir)

    def poll(self, external_id: str) -> JobOutcome | None:
        with self.client() as client:
            answer = client.json(
                "GET", "/api/v1/generate/record-info", params={"taskId": external_id}
            )
        data = _data(answer)
        status = str(data.get("status") or "")
        if status in SUNO_FAILED:
            return JobOutcome(
                succeeded=False, error=str(data.get("errorMessage") or status.lower())
            )
        if status != "SUCCESS":
            return None
        response = data.get("response")
        tracks = response.get("sunoData") if isinstance(response, dict) else None
        tracks = tracks if isinstance(tracks, list) else []
        urls = tuple(
            str(t["audioUrl"]) for t in tracks if isinstance(t, dict) and t.get("audioUrl")
        )
        if not urls:
            return JobOutcome(succeeded=False, error="KIE reported success without audio")
        return JobOutcome(
            succeeded=True,
            urls=urls,
            data={"durations": [t.get("duration") for t in tracks if isinstance(t, dict)]},
        )

    def parse_callback(
        self, body: bytes, headers: Mapping[str, str]
    ) -> tuple[str, JobOutcome | None]:
        envelope = json_object(body)
        data = envelope.get("data")
        if not isinstance(data, dict):
            raise CallbackInvalid("The callback has no data.")
        task_id = data.get("task_id") or data.get("taskId")
        if not task_id:
            raise CallbackInvalid("The callback has no data.task_id.")
        kind = str(data.get("callbackType") or "")
        code = envelope.get("code")
        if kind == "error" or (code is not None and code != 200):
            reason = data.get("error") or envelope.get("msg") or "KIE music generation failed"
            return str(task_id), JobOutcome(succeeded=False, error=str(reason))
        if kind != "complete":
            return str(task_id), None  # "text" / "first": progress, not the end
        tracks = data.get("data") or []
        if not isinstance(tracks, list):
            raise CallbackInvalid("The callback's data.data is not a list.")
        urls = tuple(
            str(t["audio_url"]) for t in tracks if isinstance(t, dict) and t.get("audio_url")
        )
        if not urls:
            return str(task_id), JobOutcome(succeeded=False, error="KIE sent no audio")
        durations = [t.get("duration") for t in tracks if isinstance(t, dict)]
        return str(task_id), JobOutcome(succeeded=True, urls=urls, data={"durations": durations})


def _image_prompt(request: ImageRequest) -> str:
    parts = [request.prompt.strip()]
    if request.style:
        parts.append(f"Visual style: {request.style}.")
    for ref in request.references:
        look = ", ".join(x for x in (ref.description, ref.shape, ref.color) if x)
        parts.append(f"{ref.name} ({ref.kind}){': ' + look if look else ''}.")
    return " ".join(p for p in parts if p)[:4000]
