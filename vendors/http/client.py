"""The one HTTP layer every vendor adapter uses: auth headers, timeouts, bounded retries, downloads.

Retries (docs/reliability.md, item 22): 429, 5xx and network errors are retried up to
``VENDOR_MAX_RETRIES`` times, waiting an exponentially growing, fully jittered delay (AWS
"Exponential Backoff And Jitter": ``uniform(0, min(cap, base * 2**attempt))``), or the vendor's
``Retry-After`` when it sends one. When the attempts run out the call raises
``ProviderError(retryable=True)`` so the task may try again later; any other 4xx raises
``ProviderError(retryable=False)`` carrying the vendor's own message.

A request that *creates* a vendor job (``submit=True``) is never repeated once it may have reached
the vendor: after a read timeout or a dropped connection the vendor may have accepted the job, and
a second submission would be a second job (and a second bill). It is only repeated when the vendor
answered 429/5xx, which says it did not take the job, or when the connection was never made.
"""

from __future__ import annotations

import email.utils
import logging
import random
import time
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
from django.conf import settings

from vendors.base import ProviderError

logger = logging.getLogger(__name__)

# Statuses that mean "not now": the vendor did not do the work and a later attempt may succeed.
# 455 is KIE's "service unavailable (maintenance)".
RETRYABLE_STATUSES = frozenset({408, 425, 429, 455, 500, 502, 503, 504})

Sleep = Callable[[float], None]


class VendorHTTPError(ProviderError):
    """A vendor answered with an error status (after any retries)."""

    def __init__(
        self,
        message: str,
        *,
        vendor: str,
        status: int,
        retryable: bool,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(message, retryable=retryable, vendor=vendor)
        self.status = status
        self.retry_after = retry_after


class SubmitUncertainError(ProviderError):
    """A job-creating request may or may not have reached the vendor (read timeout, dropped
    connection). It is not repeated and not retryable: the vendor job row keeps its callback URL
    (job id + secret), so a job the vendor did accept still reports back; one it did not is failed
    and refunded by the reaper after its deadline."""

    def __init__(self, message: str, *, vendor: str) -> None:
        super().__init__(message, retryable=False, vendor=vendor)


def parse_retry_after(value: str | None, *, now: float | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (delta-seconds or an HTTP date)."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when is None:
        return None
    return max(0.0, when.timestamp() - (time.time() if now is None else now))


def vendor_message(response: httpx.Response) -> str:
    """The vendor's own explanation of an error answer, short enough for a run's error."""
    try:
        body = response.json()
    except ValueError:
        text = response.text.strip()
        return text[:300] or response.reason_phrase
    if isinstance(body, dict):
        for key in ("msg", "message", "error", "detail", "errorMessage"):
            value = body.get(key)
            if isinstance(value, dict):
                value = value.get("message") or value.get("msg")
            if isinstance(value, str) and value:
                return value[:300]
        detail = body.get("detail")
        if isinstance(detail, dict):
            return str(detail.get("message") or detail)[:300]
    return str(body)[:300]


# --- sniffing result files ----------------------------------------------------------------------

_EXTENSIONS = {
    "image/png": ".png",
    "image/jpeg": ".jpg",
    "image/webp": ".webp",
    "video/mp4": ".mp4",
    "audio/wav": ".wav",
    "audio/mpeg": ".mp3",
    "audio/mp4": ".m4a",
}
_ALIASES = {"audio/x-wav": "audio/wav", "audio/wave": "audio/wav", "audio/mp3": "audio/mpeg"}


def sniff_content_type(head: bytes) -> str | None:
    """The media type a file's first bytes announce, for the types we accept."""
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    if head[:4] == b"RIFF" and head[8:12] == b"WAVE":
        return "audio/wav"
    if head[4:8] == b"ftyp":
        return "audio/mp4" if head[8:12] in (b"M4A ", b"M4B ") else "video/mp4"
    if head.startswith(b"ID3") or (len(head) > 1 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0):
        return "audio/mpeg"
    return None


def extension_for(content_type: str) -> str:
    return _EXTENSIONS.get(content_type, ".bin")


def _declared_type(response: httpx.Response) -> str:
    raw = response.headers.get("content-type", "").split(";")[0].strip().lower()
    return _ALIASES.get(raw, raw)


# --- the client ---------------------------------------------------------------------------------


class VendorClient:
    """An httpx client bound to one vendor: its base URL, auth headers and retry policy.

    ``status_of`` lets an adapter read the real status of vendors that answer HTTP 200 with an
    error code in the body (KIE's ``{"code": 429, ...}``), so those are retried or refused the
    same way. ``sleep`` is injectable so tests can see the chosen waits without waiting.
    """

    def __init__(
        self,
        *,
        vendor: str,
        base_url: str,
        headers: Mapping[str, str] | None = None,
        params: Mapping[str, str] | None = None,
        timeout: float | None = None,
        max_retries: int | None = None,
        base_delay: float | None = None,
        max_delay: float | None = None,
        status_of: Callable[[httpx.Response], int] | None = None,
        sleep: Sleep | None = None,
    ) -> None:
        self.vendor = vendor
        self.base_url = base_url.rstrip("/")
        self.timeout = settings.VENDOR_TIMEOUT if timeout is None else timeout
        self.max_retries = settings.VENDOR_MAX_RETRIES if max_retries is None else max_retries
        self.base_delay = settings.VENDOR_RETRY_BASE_DELAY if base_delay is None else base_delay
        self.max_delay = settings.VENDOR_RETRY_MAX_DELAY if max_delay is None else max_delay
        self.status_of = status_of or (lambda response: response.status_code)
        self.sleep: Sleep = sleep if sleep is not None else time.sleep
        self._params = dict(params or {})
        self._http = httpx.Client(
            headers={"User-Agent": "VidFlow/1.0", **dict(headers or {})},
            timeout=httpx.Timeout(self.timeout, connect=min(self.timeout, 10.0)),
            follow_redirects=False,
        )
        # Result files live on vendor CDNs: never send our API key there.
        self._bare = httpx.Client(
            headers={"User-Agent": "VidFlow/1.0"},
            timeout=httpx.Timeout(self.timeout, connect=min(self.timeout, 10.0)),
            follow_redirects=True,
        )

    def __enter__(self) -> VendorClient:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def close(self) -> None:
        self._http.close()
        self._bare.close()

    def url(self, path: str) -> str:
        if path.startswith(("http://", "https://")):
            return path
        return f"{self.base_url}/{path.lstrip('/')}"

    # --- retry policy ---

    def backoff(self, attempt: int, retry_after: float | None) -> float:
        """The wait before retry number ``attempt`` (0-based): the vendor's Retry-After when it
        gave one, else full jitter over an exponentially growing window."""
        if retry_after is not None:
            return retry_after
        window = min(self.max_delay, self.base_delay * (2**attempt))
        return random.uniform(0, window)

    def wait_before_retry(
        self, attempt: int, retry_after: float | None, why: str, url: str
    ) -> bool:
        """Sleep before the next attempt; False when attempts (or patience) are used up."""
        if attempt >= self.max_retries:
            return False
        delay = self.backoff(attempt, retry_after)
        if delay > self.max_delay:
            logger.warning(
                "%s asked to wait %.1f s (> %.1f s) for %s; giving up for now",
                self.vendor,
                delay,
                self.max_delay,
                url,
            )
            return False
        logger.info(
            "%s: %s on %s; retry %d/%d in %.2f s%s",
            self.vendor,
            why,
            url,
            attempt + 1,
            self.max_retries,
            delay,
            " (Retry-After)" if retry_after is not None else "",
        )
        self.sleep(delay)
        return True

    # --- requests ---

    def send_once(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        """One request with the vendor's auth and nothing else: no retry, any status returned.
        For protocols that read every status themselves (YouTube's resumable upload)."""
        return self._http.request(method, self.url(path), **kwargs)

    def request(
        self,
        method: str,
        path: str,
        *,
        submit: bool = False,
        ok: Iterable[int] = (),
        **kwargs: Any,
    ) -> httpx.Response:
        """Send a request with the vendor's auth, retrying what may be retried.

        ``ok``: extra statuses that are answers, not errors (e.g. YouTube's 308). ``submit``: the
        request creates a job; see the module docstring for why it is retried less.
        """
        url = self.url(path)
        accepted = set(ok)
        if self._params:
            kwargs["params"] = {**self._params, **(kwargs.get("params") or {})}
        attempt = 0
        while True:
            try:
                response = self._http.request(method, url, **kwargs)
            except (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout) as exc:
                # The request never reached the vendor: safe to repeat, even a submit.
                if self.wait_before_retry(attempt, None, type(exc).__name__, url):
                    attempt += 1
                    continue
                raise ProviderError(
                    f"{self.vendor} unreachable after {attempt + 1} attempts: {exc}",
                    retryable=True,
                    vendor=self.vendor,
                ) from exc
            except httpx.TransportError as exc:
                if submit:
                    raise SubmitUncertainError(
                        f"{self.vendor} did not answer a job submission ({type(exc).__name__}); "
                        "it may have accepted it, so it is not sent again",
                        vendor=self.vendor,
                    ) from exc
                if self.wait_before_retry(attempt, None, type(exc).__name__, url):
                    attempt += 1
                    continue
                raise ProviderError(
                    f"{self.vendor} did not answer after {attempt + 1} attempts: {exc}",
                    retryable=True,
                    vendor=self.vendor,
                ) from exc

            status = response.status_code if response.status_code in accepted else None
            if status is None:
                status = self.status_of(response)
            if status in accepted or 200 <= status < 300:
                return response
            retry_after = parse_retry_after(response.headers.get("retry-after"))
            if status in RETRYABLE_STATUSES:
                if self.wait_before_retry(attempt, retry_after, f"HTTP {status}", url):
                    attempt += 1
                    continue
                raise VendorHTTPError(
                    f"{self.vendor} answered {status} after {attempt + 1} attempts: "
                    f"{vendor_message(response)}",
                    vendor=self.vendor,
                    status=status,
                    retryable=True,
                    retry_after=retry_after,
                )
            raise VendorHTTPError(
                f"{self.vendor} refused the request ({status}): {vendor_message(response)}",
                vendor=self.vendor,
                status=status,
                retryable=False,
            )

    def json(self, method: str, path: str, **kwargs: Any) -> Any:
        """``request`` and parse its JSON answer (a non-JSON answer is a vendor fault)."""
        response = self.request(method, path, **kwargs)
        try:
            return response.json()
        except ValueError as exc:
            raise ProviderError(
                f"{self.vendor} answered {response.status_code} with a body that is not JSON",
                retryable=True,
                vendor=self.vendor,
            ) from exc

    # --- downloads ---

    def download(
        self,
        url: str,
        dest: Path,
        *,
        max_bytes: int | None = None,
        content_types: Iterable[str] = (),
    ) -> tuple[Path, str]:
        """Stream a result file to ``dest`` (its suffix set from the type); returns (path, type).

        Refuses files over ``max_bytes`` (checked from Content-Length and while streaming) and
        files whose declared or sniffed type is not one of ``content_types`` (prefixes such as
        ``"image/"`` allowed). Vendor auth headers are sent only to the vendor's own host.
        """
        limit = settings.VENDOR_MAX_DOWNLOAD_BYTES if max_bytes is None else max_bytes
        allowed = tuple(content_types)
        scheme = urlsplit(url).scheme
        if scheme not in ("http", "https"):
            raise ProviderError(
                f"{self.vendor} gave a result URL we will not fetch: {url[:80]}",
                vendor=self.vendor,
            )
        same_host = urlsplit(url).netloc == urlsplit(self.base_url).netloc
        client = self._http if same_host else self._bare
        attempt = 0
        while True:
            try:
                return self._download_once(client, url, dest, limit, allowed)
            except _RetryDownload as exc:
                if self.wait_before_retry(attempt, exc.retry_after, exc.why, url):
                    attempt += 1
                    continue
                raise ProviderError(
                    f"downloading a {self.vendor} result failed after {attempt + 1} attempts: "
                    f"{exc.why}",
                    retryable=True,
                    vendor=self.vendor,
                ) from None

    def _download_once(
        self, client: httpx.Client, url: str, dest: Path, limit: int, allowed: tuple[str, ...]
    ) -> tuple[Path, str]:
        dest.parent.mkdir(parents=True, exist_ok=True)
        partial = dest.with_name(dest.name + ".part")
        try:
            with client.stream("GET", url) as response:
                status = response.status_code
                if status in RETRYABLE_STATUSES:
                    raise _RetryDownload(
                        f"HTTP {status}", parse_retry_after(response.headers.get("retry-after"))
                    )
                if status != 200:
                    raise ProviderError(
                        f"{self.vendor} result URL answered {status}", vendor=self.vendor
                    )
                length = response.headers.get("content-length")
                if length and length.isdigit() and int(length) > limit:
                    raise ProviderError(
                        f"{self.vendor} result is {int(length)} bytes, over the {limit} limit",
                        vendor=self.vendor,
                    )
                declared = _declared_type(response)
                size = 0
                head = b""
                with partial.open("wb") as out:
                    for chunk in response.iter_bytes(64 * 1024):
                        size += len(chunk)
                        if size > limit:
                            raise ProviderError(
                                f"{self.vendor} result is over the {limit}-byte limit",
                                vendor=self.vendor,
                            )
                        if len(head) < 16:
                            head += chunk[: 16 - len(head)]
                        out.write(chunk)
        except httpx.TransportError as exc:
            partial.unlink(missing_ok=True)
            raise _RetryDownload(type(exc).__name__, None) from exc
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
        content_type = _accepted_type(declared, sniff_content_type(head), allowed)
        if content_type is None:
            partial.unlink(missing_ok=True)
            raise ProviderError(
                f"{self.vendor} result is {declared or 'of unknown type'}, "
                f"expected {', '.join(allowed) or 'media'}",
                vendor=self.vendor,
            )
        final = dest.with_suffix(extension_for(content_type))
        partial.replace(final)
        return final, content_type


class _RetryDownload(Exception):
    def __init__(self, why: str, retry_after: float | None) -> None:
        super().__init__(why)
        self.why = why
        self.retry_after = retry_after


def _matches(content_type: str, allowed: tuple[str, ...]) -> bool:
    if not allowed:
        return content_type in _EXTENSIONS
    return any(
        content_type.startswith(a) if a.endswith("/") else content_type == a for a in allowed
    )


def _accepted_type(declared: str, sniffed: str | None, allowed: tuple[str, ...]) -> str | None:
    """The file's type, when both what the server said and what the bytes say allow it.

    CDNs often label media ``application/octet-stream``; the bytes decide then. A declared media
    type that the bytes contradict (an HTML error page labelled image/png) is refused.
    """
    if sniffed is None or not _matches(sniffed, allowed):
        return None
    generic = {"", "application/octet-stream", "binary/octet-stream"}
    if declared in generic or declared.split("/")[0] == sniffed.split("/")[0]:
        return sniffed
    return None
