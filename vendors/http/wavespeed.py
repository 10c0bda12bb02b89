"""WaveSpeed (v3): talking heads with InfiniteTalk (a still + the line's audio → lip-synced video).

Formats (../shared/docs/vendors.md §2):
- Submit ``POST /api/v3/{model}`` with the inputs as the body: ``{"image", "audio", "prompt",
  "resolution": "480p"|"720p", "seed": -1}``; the answer is ``{"code": 200, "message": "success",
  "data": {"id", "status": "created", "outputs": [], "urls": {"get"}}}``
  (wavespeed.ai/docs/submit-task).
- The webhook URL goes in the query, ``?webhook=<url>`` (wavespeed.ai/docs/how-to-use-webhooks);
  another page shows a ``webhook_url`` body field, so the simulator accepts both and we send the
  documented query form.
- The webhook POSTs the bare prediction ``{"id", "model", "outputs": [url], "status":
  "completed"|"failed", "error", ...}``; we also accept it wrapped in ``{"data": ...}``.
- Signed when a secret exists: headers ``webhook-id``, ``webhook-timestamp`` (unix s),
  ``webhook-signature: v3,<hex HMAC-SHA256 of "{webhook-id}.{timestamp}.{raw body}">``; the key is
  the secret from ``GET /api/v3/webhook/secret`` without its ``whsec_`` prefix, used as is (not
  base64-decoded); refuse anything older than 300 s (wavespeed.ai/docs/verify-webhooks). The whole
  raw body is signed, so a body changed after signing fails.
- Poll ``GET /api/v3/predictions/{id}/result`` (the official SDK's path,
  WaveSpeedAI/wavespeed-python ``src/wavespeed/api/client.py``) → ``data.status``
  created/processing/completed/failed;
  ``cancelled`` and ``timeout`` are also treated as the end (MoneyPrinterTurbo
  ``app/services/material_wavespeed.py``).
- Inputs without a public URL are uploaded first: ``POST /api/v3/media/upload/binary`` multipart
  ``file`` → ``data.download_url``.
"""

from __future__ import annotations

import hashlib
import hmac
import mimetypes
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from django.conf import settings

from vendors.base import (
    CallbackTarget,
    InputFile,
    JobOutcome,
    MediaFile,
    PendingJob,
    ProviderError,
    ProviderUnavailableError,
    TalkingHeadRequest,
)

from .client import VendorClient
from .common import (
    AsyncVendorAdapter,
    CallbackInvalid,
    CallbackRejected,
    check_timestamp,
    json_object,
    lower_keys,
)

VENDOR = "wavespeed"
RUNNING = {"created", "processing", "pending", "queued", "starting", ""}
FAILED = {"failed", "cancelled", "canceled", "timeout", "error"}


def signing_key(secret: str) -> str:
    return secret.removeprefix("whsec_")


def sign_webhook(webhook_id: str, timestamp: str, body: bytes, secret: str) -> str:
    """The hex signature WaveSpeed puts after ``v3,``."""
    message = f"{webhook_id}.{timestamp}.".encode() + body
    return hmac.new(signing_key(secret).encode(), message, hashlib.sha256).hexdigest()


def verify_webhook(
    body: bytes, headers: Mapping[str, str], *, secret: str, now: float | None = None
) -> None:
    """Raise CallbackRejected unless the headers carry a fresh, valid signature of this body."""
    lowered = lower_keys(headers)
    webhook_id = lowered.get("webhook-id", "").strip()
    timestamp = lowered.get("webhook-timestamp", "")
    signatures = lowered.get("webhook-signature", "").split()
    if not webhook_id or not signatures:
        raise CallbackRejected("Missing webhook-id or webhook-signature.")
    check_timestamp(timestamp, now=now)
    expected = sign_webhook(webhook_id, timestamp.strip(), body, secret)
    for candidate in signatures:
        version, _, value = candidate.partition(",")
        if version == "v3" and hmac.compare_digest(expected.encode(), value.strip().encode()):
            return
    raise CallbackRejected("The WaveSpeed webhook signature does not match.")


def prediction_outcome(prediction: Mapping[str, Any]) -> JobOutcome | None:
    status = str(prediction.get("status") or "").lower()
    if status in RUNNING:
        return None
    if status == "completed":
        outputs = prediction.get("outputs") or []
        urls = tuple(str(u) for u in outputs if isinstance(u, str) and u)
        if not urls:
            return JobOutcome(succeeded=False, error="WaveSpeed completed without an output")
        return JobOutcome(
            succeeded=True,
            urls=urls,
            data={"nsfw": bool(prediction.get("has_nsfw_contents"))},
        )
    if status in FAILED:
        return JobOutcome(succeeded=False, error=str(prediction.get("error") or status))
    return JobOutcome(succeeded=False, error=f"unknown WaveSpeed status {status!r}")


class WaveSpeedTalkingHead(AsyncVendorAdapter):
    """TalkingHeadProvider: ``wavespeed-ai/infinitetalk`` (WAVESPEED_MODEL)."""

    vendor = VENDOR
    name = VENDOR
    result_types = ("video/",)

    def client(self) -> VendorClient:
        if not settings.WAVESPEED_API_KEY:
            raise ProviderUnavailableError("WAVESPEED_API_KEY is not set", vendor=VENDOR)
        return VendorClient(
            vendor=VENDOR,
            base_url=settings.WAVESPEED_BASE_URL,
            headers={"Authorization": f"Bearer {settings.WAVESPEED_API_KEY}"},
            sleep=self._sleep,
        )

    def input_url(self, client: VendorClient, item: InputFile, what: str) -> str:
        """A URL WaveSpeed can fetch: the given one, else the file uploaded to WaveSpeed."""
        if item.url:
            return item.url
        if not item.path.is_file():
            raise ProviderError(f"the {what} file is missing", vendor=VENDOR)
        content_type = mimetypes.guess_type(item.path.name)[0] or "application/octet-stream"
        with item.path.open("rb") as handle:
            answer = client.json(
                "POST",
                "/api/v3/media/upload/binary",
                files={"file": (item.path.name, handle, content_type)},
            )
        url = (answer.get("data") or {}).get("download_url") if isinstance(answer, dict) else None
        if not url:
            raise ProviderError("WaveSpeed upload answered without a URL", vendor=VENDOR)
        return str(url)

    def talk(
        self, request: TalkingHeadRequest, *, workdir: Path, callback: CallbackTarget | None = None
    ) -> MediaFile | PendingJob:
        with self.client() as client:
            body: dict[str, Any] = {
                "image": self.input_url(client, request.image, "image"),
                "audio": self.input_url(client, request.audio, "audio"),
                "resolution": "720p" if min(request.width, request.height) >= 720 else "480p",
                "seed": request.seed or -1,
            }
            if request.prompt:
                body["prompt"] = request.prompt
            params = {"webhook": callback.url} if callback is not None else None
            answer = client.json(
                "POST", f"/api/v3/{settings.WAVESPEED_MODEL}", json=body, params=params, submit=True
            )
        data = answer.get("data") if isinstance(answer, dict) else None
        prediction_id = data.get("id") if isinstance(data, dict) else None
        if not prediction_id:
            raise ProviderError("WaveSpeed accepted the task without an id", vendor=VENDOR)
        if callback is not None:
            return PendingJob(vendor=VENDOR, external_id=str(prediction_id))
        return self.finish_sync(str(prediction_id), workdir=workdir)

    def poll(self, external_id: str) -> JobOutcome | None:
        with self.client() as client:
            answer = client.json("GET", f"/api/v3/predictions/{external_id}/result")
        data = answer.get("data") if isinstance(answer, dict) else None
        if not isinstance(data, dict):
            raise ProviderError("WaveSpeed answered without data", retryable=True, vendor=VENDOR)
        return prediction_outcome(data)

    def parse_callback(
        self, body: bytes, headers: Mapping[str, str]
    ) -> tuple[str, JobOutcome | None]:
        prediction = json_object(body)
        if "id" not in prediction and isinstance(prediction.get("data"), dict):
            prediction = prediction["data"]
        prediction_id = prediction.get("id")
        if not prediction_id or not isinstance(prediction_id, str):
            raise CallbackInvalid("The webhook has no prediction id.")
        return prediction_id, prediction_outcome(prediction)

    def verify_callback(
        self,
        body: bytes,
        headers: Mapping[str, str],
        *,
        external_id: str,
        secret: str,
        now: float | None = None,
    ) -> None:
        secret = settings.WAVESPEED_WEBHOOK_SECRET
        if secret:
            verify_webhook(body, headers, secret=secret, now=now)
