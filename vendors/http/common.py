"""What the asynchronous adapters (KIE, WaveSpeed, AssemblyAI) share.

Each one submits a job and returns a :class:`~vendors.base.PendingJob` when it is given a
callback target. The pipeline then learns the outcome from the vendor's callback
(``parse_callback`` + ``verify_callback``, used by ``vendors/callbacks.py``) or, as a fallback, from
``poll``. Without a callback target the adapter polls until the job is done and returns the result
itself, so it can also be used synchronously (scripts, the shell).
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from django.conf import settings

from vendors.base import JobOutcome, MediaFile, ProviderError
from vidflow.inputs import InputRefused, json_loads_checked

from .client import Sleep, VendorClient

logger = logging.getLogger(__name__)


class CallbackRejected(Exception):
    """A callback that must not be believed (bad signature, stale, replayed): answer 403."""


class CallbackInvalid(Exception):
    """A callback body we cannot read (not JSON, missing fields): answer 400."""


def lower_keys(headers: Mapping[str, str]) -> dict[str, str]:
    return {str(k).lower(): str(v) for k, v in headers.items()}


def json_object(body: bytes) -> dict[str, Any]:
    """The callback body as a JSON object, or CallbackInvalid."""
    try:
        data = json_loads_checked(body)
    except InputRefused as exc:
        raise CallbackInvalid(str(exc)) from None
    except (ValueError, UnicodeDecodeError) as exc:
        raise CallbackInvalid("The body is not JSON.") from exc
    if not isinstance(data, dict):
        raise CallbackInvalid("The body is not a JSON object.")
    return data


def check_timestamp(raw: str, *, now: float | None = None, max_age: int | None = None) -> int:
    """A signed callback's unix timestamp, refused when missing, malformed or too old/new."""
    try:
        stamp = int(raw.strip())
    except (AttributeError, ValueError):
        raise CallbackRejected("Missing or malformed signature timestamp.") from None
    limit = settings.VENDOR_WEBHOOK_MAX_AGE if max_age is None else max_age
    current = time.time() if now is None else now
    if abs(current - stamp) > limit:
        raise CallbackRejected("The signature timestamp is too old (or in the future).")
    return stamp


def hmac_sha256(key: str, message: str) -> bytes:
    return hmac.new(key.encode(), message.encode(), hashlib.sha256).digest()


def media_duration(path: Path) -> float | None:
    """Duration in seconds of an audio or video file (PyAV), None when it cannot be read."""
    try:
        import av

        with av.open(str(path)) as container:
            if container.duration is not None:
                return float(container.duration) / 1_000_000
            for stream in container.streams:
                if stream.duration is not None and stream.time_base is not None:
                    return float(stream.duration * stream.time_base)
    except Exception:  # a file PyAV cannot parse has no known duration
        logger.debug("no duration for %s", path, exc_info=True)
    return None


class AsyncVendorAdapter:
    """The parts of an asynchronous adapter that do not depend on the vendor's format."""

    vendor: str = ""
    name: str = ""
    # what a result file may be (prefixes end with "/")
    result_types: tuple[str, ...] = ()

    def __init__(self, *, sleep: Sleep | None = None) -> None:
        self._sleep = sleep

    # --- to implement per vendor ---

    def client(self) -> VendorClient:
        raise NotImplementedError

    def poll(self, external_id: str) -> JobOutcome | None:
        """The job's outcome, or None while the vendor is still working on it."""
        raise NotImplementedError

    def parse_callback(
        self, body: bytes, headers: Mapping[str, str]
    ) -> tuple[str, JobOutcome | None]:
        """(the vendor's job id, its outcome) from a callback body. The outcome is None for a
        progress event that is not the end of the job (acknowledge it, change nothing).
        Raises CallbackInvalid for a body that cannot be read."""
        raise NotImplementedError

    def verify_callback(
        self,
        body: bytes,
        headers: Mapping[str, str],
        *,
        external_id: str,
        secret: str,
        now: float | None = None,
    ) -> None:
        """Check the vendor's own signature or auth header, when one is configured. Raises
        CallbackRejected. ``secret`` is the job's own secret (AssemblyAI echoes it in a header);
        the per-job token in the URL is checked by the endpoint."""

    def resolve_callback(self, external_id: str, outcome: JobOutcome) -> JobOutcome:
        """Complete a callback's outcome (AssemblyAI's webhook names the transcript; the words
        are fetched here)."""
        return outcome

    # --- shared ---

    def collect(self, outcome: JobOutcome, *, workdir: Path, stem: str = "result") -> MediaFile:
        """Download a successful outcome's first result file into ``workdir``."""
        if not outcome.succeeded or not outcome.urls:
            raise ProviderError(
                outcome.error or f"{self.vendor} reported no result", vendor=self.vendor
            )
        with self.client() as client:
            path, content_type = client.download(
                outcome.urls[0], workdir / stem, content_types=self.result_types
            )
        duration = None if content_type.startswith("image/") else media_duration(path)
        return MediaFile(path=path, content_type=content_type, duration=duration)

    def wait(self, external_id: str) -> JobOutcome:
        """Poll until the job ends (the synchronous path, when there is no callback target)."""
        deadline = time.monotonic() + settings.VENDOR_SYNC_TIMEOUT
        sleep = self._sleep if self._sleep is not None else time.sleep
        while True:
            outcome = self.poll(external_id)
            if outcome is not None:
                return outcome
            if time.monotonic() >= deadline:
                raise ProviderError(
                    f"{self.vendor} job {external_id} did not finish within "
                    f"{settings.VENDOR_SYNC_TIMEOUT:.0f} s",
                    retryable=True,
                    vendor=self.vendor,
                )
            sleep(settings.VENDOR_POLL_INTERVAL)

    def finish_sync(self, external_id: str, *, workdir: Path) -> MediaFile:
        outcome = self.wait(external_id)
        if not outcome.succeeded:
            raise ProviderError(
                f"{self.vendor} job failed: {outcome.error or 'no reason given'}",
                vendor=self.vendor,
            )
        return self.collect(outcome, workdir=workdir)


def require_url(value: str | None, *, vendor: str, what: str) -> str:
    """Vendors fetch inputs themselves: they need a URL they can reach."""
    if not value:
        raise ProviderError(
            f"{vendor} needs a public URL for the {what} (the pipeline passes a signed link)",
            vendor=vendor,
        )
    return value
