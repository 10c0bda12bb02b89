"""YouTube Data API v3: outlier research and publishing by resumable upload.

Formats (../shared/docs/vendors.md §6):
- Research needs only ``key=``: ``GET /youtube/v3/search?part=snippet&type=video&q=&order=viewCount
  &publishedAfter=&maxResults=50`` → ``items[].id.videoId``; ``GET /youtube/v3/videos?part=snippet,
  statistics&id=a,b`` (≤ 50 ids) → ``statistics.viewCount`` (a *string*, sometimes absent);
  ``GET /youtube/v3/channels?part=contentDetails&id=`` → ``contentDetails.relatedPlaylists.uploads``
  → ``GET /youtube/v3/playlistItems?part=contentDetails&playlistId=`` → recent video ids. A video's
  outlier score is its views ÷ the median views of its channel's recent uploads.
  Quota: search.list costs 100 units, list calls 1
  (developers.google.com/youtube/v3/determine_quota_cost).
- Publishing (developers.google.com/youtube/v3/guides/using_resumable_upload_protocol), with an
  OAuth access token holding the ``youtube.upload`` scope:
  1. ``POST /upload/youtube/v3/videos?uploadType=resumable&part=snippet,status`` with the metadata
     and ``X-Upload-Content-Length``/``X-Upload-Content-Type`` → ``Location: <session URI>``;
  2. ``PUT <session URI>`` chunk by chunk (``Content-Range: bytes S-E/TOTAL``, chunks a multiple
     of 256 KiB) → ``308`` + ``Range: bytes=0-N`` (continue at N+1) or ``200/201`` + the video;
  3. after a 5xx or a dropped connection, ask where it stands (``PUT``, ``Content-Length: 0``,
     ``Content-Range: bytes */TOTAL``) and resume; a ``404`` means the session expired: start over;
  4. ``POST /upload/youtube/v3/thumbnails/set?videoId=`` with a JPEG/PNG of at most 2 MB.
  ``publishAt`` needs ``privacyStatus: "private"``.
"""

from __future__ import annotations

import logging
import mimetypes
import statistics
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from django.conf import settings

from vendors.base import (
    OutlierCandidate,
    ProviderError,
    ProviderUnavailableError,
    PublishRequest,
    PublishResult,
)

from .client import Sleep, VendorClient, VendorHTTPError, sniff_content_type, vendor_message

logger = logging.getLogger(__name__)

VENDOR = "youtube"
THUMBNAIL_MAX_BYTES = 2 * 1024 * 1024
MAX_SESSION_RESTARTS = 2


def _chunks(ids: list[str], size: int = 50) -> Iterable[list[str]]:
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def _views(item: dict[str, Any]) -> int | None:
    raw = (item.get("statistics") or {}).get("viewCount")
    try:
        return int(str(raw))
    except (TypeError, ValueError):
        return None  # hidden or absent: not counted


class YouTubeResearch:
    """ResearchProvider: recent videos for a query that beat their own channel's median."""

    name = VENDOR

    def __init__(self, *, sleep: Sleep | None = None) -> None:
        self._sleep = sleep

    def client(self) -> VendorClient:
        if not settings.YOUTUBE_API_KEY:
            raise ProviderUnavailableError("YOUTUBE_API_KEY is not set", vendor=VENDOR)
        return VendorClient(
            vendor=VENDOR,
            base_url=settings.YOUTUBE_API_BASE_URL,
            params={"key": settings.YOUTUBE_API_KEY},
            sleep=self._sleep,
        )

    def outliers(self, *, query: str, limit: int) -> list[OutlierCandidate]:
        published_after = datetime.now(UTC) - timedelta(days=settings.YOUTUBE_SEARCH_DAYS)
        with self.client() as client:
            found = client.json(
                "GET",
                "/youtube/v3/search",
                params={
                    "part": "snippet",
                    "type": "video",
                    "q": query,
                    "order": "viewCount",
                    "publishedAfter": published_after.strftime("%Y-%m-%dT%H:%M:%SZ"),
                    "maxResults": "50",
                },
            )
            ids = [
                item["id"]["videoId"]
                for item in found.get("items", [])
                if isinstance(item.get("id"), dict) and item["id"].get("videoId")
            ]
            videos = self._videos(client, ids, part="snippet,statistics")
            medians = self._channel_medians(
                client, {v["snippet"]["channelId"] for v in videos if v.get("snippet")}
            )
        candidates = []
        for video in videos:
            snippet = video.get("snippet") or {}
            views = _views(video)
            median = medians.get(snippet.get("channelId", ""))
            if views is None or median is None:
                continue
            candidates.append(
                OutlierCandidate(
                    video_id=video["id"],
                    title=str(snippet.get("title", "")),
                    channel_title=str(snippet.get("channelTitle", "")),
                    views=views,
                    channel_median_views=median,
                    url=f"https://www.youtube.com/watch?v={video['id']}",
                    published_at=str(snippet.get("publishedAt", "")),
                )
            )
        candidates.sort(key=lambda c: c.outlier_score, reverse=True)
        return candidates[: max(0, limit)]

    def _videos(self, client: VendorClient, ids: list[str], *, part: str) -> list[dict]:
        videos: list[dict] = []
        for batch in _chunks(ids):
            answer = client.json(
                "GET", "/youtube/v3/videos", params={"part": part, "id": ",".join(batch)}
            )
            videos.extend(v for v in answer.get("items", []) if isinstance(v, dict) and v.get("id"))
        return videos

    def _channel_medians(self, client: VendorClient, channel_ids: set[str]) -> dict[str, int]:
        uploads: dict[str, str] = {}
        for batch in _chunks(sorted(channel_ids)):
            answer = client.json(
                "GET",
                "/youtube/v3/channels",
                params={"part": "contentDetails", "id": ",".join(batch)},
            )
            for channel in answer.get("items", []):
                playlist = (
                    (channel.get("contentDetails") or {}).get("relatedPlaylists") or {}
                ).get("uploads")
                if playlist:
                    uploads[channel["id"]] = playlist
        medians: dict[str, int] = {}
        for channel_id, playlist in uploads.items():
            answer = client.json(
                "GET",
                "/youtube/v3/playlistItems",
                params={
                    "part": "contentDetails",
                    "playlistId": playlist,
                    "maxResults": str(min(50, settings.YOUTUBE_MEDIAN_SAMPLE)),
                },
            )
            recent = [
                item["contentDetails"]["videoId"]
                for item in answer.get("items", [])
                if (item.get("contentDetails") or {}).get("videoId")
            ]
            views = (_views(x) for x in self._videos(client, recent, part="statistics"))
            counted = [v for v in views if v is not None]
            if counted:
                medians[channel_id] = int(statistics.median(counted))
        return medians


class YouTubePublisher:
    """PublishProvider: resumable upload of the final video (and its thumbnail)."""

    name = VENDOR

    def __init__(self, *, sleep: Sleep | None = None) -> None:
        self._sleep = sleep

    def client(self, access_token: str) -> VendorClient:
        if not access_token:
            raise ProviderError("no YouTube access token", vendor=VENDOR)
        return VendorClient(
            vendor=VENDOR,
            base_url=settings.YOUTUBE_API_BASE_URL,
            headers={"Authorization": f"Bearer {access_token}"},
            sleep=self._sleep,
        )

    def upload(self, request: PublishRequest, *, access_token: str) -> PublishResult:
        path = request.video.path
        if not path.is_file():
            raise ProviderError("the video file is missing", vendor=VENDOR)
        if request.publish_at and request.privacy != "private":
            raise ProviderError("a scheduled video must be private until it goes live")
        with self.client(access_token) as client:
            video = self._upload_resumable(client, request, path)
            video_id = str(video.get("id") or "")
            if not video_id:
                raise ProviderError("YouTube finished the upload without a video id", vendor=VENDOR)
            if request.thumbnail is not None:
                self._set_thumbnail(client, video_id, request.thumbnail.path)
        return PublishResult(video_id=video_id, url=f"https://www.youtube.com/watch?v={video_id}")

    def metadata(self, request: PublishRequest) -> dict[str, Any]:
        status: dict[str, Any] = {
            "privacyStatus": request.privacy,
            "selfDeclaredMadeForKids": False,
        }
        if request.publish_at:
            status["publishAt"] = request.publish_at
        return {
            "snippet": {
                "title": request.title[:100],
                "description": request.description[:5000],
                "tags": list(request.tags),
                "categoryId": request.category_id,
            },
            "status": status,
        }

    def _start_session(
        self, client: VendorClient, request: PublishRequest, total: int, content_type: str
    ) -> str:
        # Creating the session creates nothing on the channel yet, but it is still not repeated
        # after a timeout: a fresh session per attempt is harmless, two uploads are not.
        response = client.request(
            "POST",
            "/upload/youtube/v3/videos",
            params={"uploadType": "resumable", "part": "snippet,status"},
            json=self.metadata(request),
            headers={
                "Content-Type": "application/json; charset=UTF-8",
                "X-Upload-Content-Length": str(total),
                "X-Upload-Content-Type": content_type,
            },
        )
        session = response.headers.get("location")
        if not session:
            raise ProviderError("YouTube gave no upload session", vendor=VENDOR)
        return session

    def _upload_resumable(
        self, client: VendorClient, request: PublishRequest, path: Path
    ) -> dict[str, Any]:
        total = path.stat().st_size
        content_type = mimetypes.guess_type(path.name)[0] or "video/mp4"
        chunk_size = settings.YOUTUBE_UPLOAD_CHUNK_BYTES
        session = self._start_session(client, request, total, content_type)
        offset, failures, restarts = 0, 0, 0
        with path.open("rb") as video:
            while True:
                video.seek(offset)
                chunk = video.read(chunk_size)
                response = self._put(
                    client,
                    session,
                    content=chunk,
                    headers={
                        "Content-Type": content_type,
                        "Content-Range": f"bytes {offset}-{offset + len(chunk) - 1}/{total}",
                    },
                )
                # Interrupted or a server error: wait, then ask how much arrived.
                while response is None or response.status_code >= 500:
                    if not client.wait_before_retry(failures, None, "interrupted upload", session):
                        raise ProviderError(
                            "YouTube upload kept failing", retryable=True, vendor=VENDOR
                        )
                    failures += 1
                    response = self._put(
                        client,
                        session,
                        content=b"",
                        headers={"Content-Range": f"bytes */{total}"},
                    )
                if response.status_code in (200, 201):
                    return dict(response.json())
                if response.status_code == 308:
                    offset = _next_offset(response)
                    continue
                if response.status_code == 404:
                    restarts += 1
                    if restarts > MAX_SESSION_RESTARTS:
                        raise ProviderError(
                            "YouTube upload sessions keep expiring", retryable=True, vendor=VENDOR
                        )
                    logger.info("YouTube upload session expired; starting over")
                    session = self._start_session(client, request, total, content_type)
                    offset = 0
                    continue
                raise VendorHTTPError(
                    f"YouTube refused the upload ({response.status_code}): "
                    f"{vendor_message(response)}",
                    vendor=VENDOR,
                    status=response.status_code,
                    retryable=False,
                )

    def _put(
        self, client: VendorClient, session: str, *, content: bytes, headers: dict[str, str]
    ) -> httpx.Response | None:
        """One PUT to the session; None when the connection broke (ask for the status then)."""
        try:
            return client.send_once("PUT", session, content=content, headers=headers)
        except httpx.TransportError as exc:
            logger.info("YouTube upload interrupted: %s", exc)
            return None

    def _set_thumbnail(self, client: VendorClient, video_id: str, path: Path) -> None:
        data = path.read_bytes()
        content_type = sniff_content_type(data[:16])
        if content_type not in ("image/png", "image/jpeg"):
            raise ProviderError("the thumbnail must be a PNG or JPEG", vendor=VENDOR)
        if len(data) > THUMBNAIL_MAX_BYTES:
            raise ProviderError("the thumbnail is over YouTube's 2 MB limit", vendor=VENDOR)
        client.request(
            "POST",
            "/upload/youtube/v3/thumbnails/set",
            params={"videoId": video_id},
            content=data,
            headers={"Content-Type": content_type},
        )


def _next_offset(response: httpx.Response) -> int:
    """Where to continue after a 308: one past the last byte YouTube has (0 if none)."""
    received = response.headers.get("range", "")
    try:
        return int(received.rsplit("-", 1)[1]) + 1
    except (IndexError, ValueError):
        return 0
