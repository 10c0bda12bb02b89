"""AssemblyAI: word timings for narration, from a transcript with word timestamps.

Formats (../shared/docs/vendors.md §3;
assemblyai.com/docs/deployment/webhooks-for-pre-recorded-audio):
- Auth header ``authorization: <key>`` (no "Bearer").
- ``POST /v2/upload`` with the raw bytes → ``{"upload_url"}`` (usable by the same project only).
- ``POST /v2/transcript`` ``{"audio_url", "language_code", "webhook_url",
  "webhook_auth_header_name", "webhook_auth_header_value"}`` → ``{"id", "status": "queued"}``. The
  header value we ask AssemblyAI to send back is the job's own secret, so a webhook proves itself
  twice: the token in its URL and this header. (``speech_model`` is left to AssemblyAI's default:
  its name is unconfirmed.)
- The webhook POSTs only ``{"transcript_id", "status": "completed"|"error"}`` and is not signed;
  AssemblyAI retries non-2xx up to 10 times and stops on 4xx. Its body is not trusted for the
  result: the transcript is fetched from the API with our key.
- ``GET /v2/transcript/{id}`` → ``status`` queued/processing/completed/error, ``error``,
  ``words[]{text, start, end, confidence}`` with start/end in **milliseconds**.
"""

from __future__ import annotations

import hmac
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from django.conf import settings

from vendors.base import (
    AlignRequest,
    CallbackTarget,
    JobOutcome,
    PendingJob,
    ProviderError,
    ProviderUnavailableError,
    WordTiming,
)

from .client import VendorClient
from .common import AsyncVendorAdapter, CallbackInvalid, CallbackRejected, json_object, lower_keys

VENDOR = "assemblyai"


def words_from_outcome(outcome: JobOutcome) -> list[WordTiming]:
    """The word timings a successful AssemblyAI outcome carries (seconds)."""
    words = outcome.data.get("words") or []
    return [WordTiming(word=w["word"], start=w["start"], end=w["end"]) for w in words]


def transcript_outcome(transcript: Mapping[str, Any]) -> JobOutcome | None:
    status = str(transcript.get("status") or "")
    if status in ("queued", "processing", ""):
        return None
    if status == "error":
        return JobOutcome(succeeded=False, error=str(transcript.get("error") or "error"))
    if status != "completed":
        return JobOutcome(succeeded=False, error=f"unknown AssemblyAI status {status!r}")
    words = []
    for item in transcript.get("words") or []:
        try:
            words.append(
                WordTiming(
                    word=str(item["text"]),
                    start=float(item["start"]) / 1000.0,
                    end=float(item["end"]) / 1000.0,
                ).as_dict()
            )
        except (KeyError, TypeError, ValueError):
            return JobOutcome(succeeded=False, error="AssemblyAI returned a malformed word")
    return JobOutcome(
        succeeded=True, data={"words": words, "text": str(transcript.get("text") or "")}
    )


class AssemblyAITimings(AsyncVendorAdapter):
    """TimingsProvider: AssemblyAI transcription with word timestamps."""

    vendor = VENDOR
    name = VENDOR

    def client(self, **overrides: Any) -> VendorClient:
        if not settings.ASSEMBLYAI_API_KEY:
            raise ProviderUnavailableError("ASSEMBLYAI_API_KEY is not set", vendor=VENDOR)
        return VendorClient(
            vendor=VENDOR,
            base_url=settings.ASSEMBLYAI_BASE_URL,
            headers={"authorization": settings.ASSEMBLYAI_API_KEY},
            sleep=self._sleep,
            **overrides,
        )

    def align(
        self, request: AlignRequest, *, workdir: Path, callback: CallbackTarget | None = None
    ) -> list[WordTiming] | PendingJob:
        path = request.audio.path
        if not path.is_file():
            raise ProviderError("the narration audio file is missing", vendor=VENDOR)
        with self.client() as client:
            uploaded = client.json(
                "POST",
                "/v2/upload",
                content=path.read_bytes(),
                headers={"Content-Type": "application/octet-stream"},
            )
            audio_url = uploaded.get("upload_url") if isinstance(uploaded, dict) else None
            if not audio_url:
                raise ProviderError("AssemblyAI upload answered without a URL", vendor=VENDOR)
            body: dict[str, Any] = {"audio_url": audio_url, "language_code": request.language}
            if callback is not None:
                body.update(
                    webhook_url=callback.url,
                    webhook_auth_header_name=settings.ASSEMBLYAI_WEBHOOK_HEADER,
                    webhook_auth_header_value=callback.secret,
                )
            created = client.json("POST", "/v2/transcript", json=body, submit=True)
        transcript_id = created.get("id") if isinstance(created, dict) else None
        if not transcript_id:
            raise ProviderError("AssemblyAI accepted the transcript without an id", vendor=VENDOR)
        if callback is not None:
            return PendingJob(vendor=VENDOR, external_id=str(transcript_id))
        outcome = self.wait(str(transcript_id))
        if not outcome.succeeded:
            raise ProviderError(f"AssemblyAI failed: {outcome.error}", vendor=VENDOR)
        return words_from_outcome(outcome)

    def poll(self, external_id: str, *, quick: bool = False) -> JobOutcome | None:
        """The transcript's outcome. ``quick``: one short attempt (inside a webhook request,
        which AssemblyAI wants answered within 10 s; on failure it delivers the webhook again)."""
        overrides: dict[str, Any] = {"timeout": 8.0, "max_retries": 0} if quick else {}
        with self.client(**overrides) as client:
            transcript = client.json("GET", f"/v2/transcript/{external_id}")
        if not isinstance(transcript, dict):
            raise ProviderError("AssemblyAI answered without a transcript", vendor=VENDOR)
        return transcript_outcome(transcript)

    def parse_callback(
        self, body: bytes, headers: Mapping[str, str]
    ) -> tuple[str, JobOutcome | None]:
        data = json_object(body)
        transcript_id = data.get("transcript_id")
        status = data.get("status")
        if not isinstance(transcript_id, str) or not transcript_id:
            raise CallbackInvalid("The webhook has no transcript_id.")
        if status not in ("completed", "error"):
            raise CallbackInvalid("The webhook status is neither completed nor error.")
        # Only a claim until resolve_callback reads the transcript itself.
        return transcript_id, JobOutcome(succeeded=status == "completed")

    def verify_callback(
        self,
        body: bytes,
        headers: Mapping[str, str],
        *,
        external_id: str,
        secret: str,
        now: float | None = None,
    ) -> None:
        sent = lower_keys(headers).get(settings.ASSEMBLYAI_WEBHOOK_HEADER.lower(), "")
        if not hmac.compare_digest(sent.encode(), secret.encode()):
            raise CallbackRejected("The AssemblyAI webhook auth header is missing or wrong.")

    def resolve_callback(self, external_id: str, outcome: JobOutcome) -> JobOutcome:
        fetched = self.poll(external_id, quick=True)
        if fetched is None:
            raise ProviderError(
                "AssemblyAI called back before the transcript was ready",
                retryable=True,
                vendor=VENDOR,
            )
        return fetched
