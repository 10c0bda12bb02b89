"""YouTube Data API v3, simulated: search/videos/channels/playlistItems over a small fixed world,
and the resumable upload protocol (session POST, chunked PUTs with ``Content-Range``, ``308`` +
``Range``, status queries with ``bytes */TOTAL``, expired sessions answering 404) and
``thumbnails.set``.

The world: channel "Alpha Space" usually gets ~1,000 views and has one video at 50,000 (an
outlier); "Beta Science" usually gets ~100,000 and has one at 150,000; "Gamma Hidden" hides its
view counts.
"""

from __future__ import annotations

import hashlib
import uuid
from typing import TYPE_CHECKING, Any

from .core import Reply, SimRequest, json_reply

if TYPE_CHECKING:
    from .core import Delivery, SimJob
    from .server import Simulator

CHANNELS: dict[str, tuple[str, list[int | None]]] = {
    "UCalpha": ("Alpha Space", [1000, 1200, 900, 1100, 1000, 950, 1050, 980, 1020, 50000]),
    "UCbeta": ("Beta Science", [100000, 90000, 110000, 95000, 105000, 150000]),
    "UCgamma": ("Gamma Hidden", [None, None, None]),
}


def _videos() -> dict[str, dict[str, Any]]:
    videos = {}
    for channel_id, (title, views) in CHANNELS.items():
        for n, count in enumerate(views):
            video_id = f"{channel_id[2:]}{n:02d}"
            statistics = {"likeCount": "10"}
            if count is not None:
                statistics["viewCount"] = str(count)
            videos[video_id] = {
                "kind": "youtube#video",
                "id": video_id,
                "snippet": {
                    "publishedAt": f"2025-0{1 + n % 9}-1{n % 10}T12:00:00Z",
                    "channelId": channel_id,
                    "title": f"{title} video {n}",
                    "channelTitle": title,
                },
                "statistics": statistics,
                "contentDetails": {"duration": "PT8M12S"},
            }
    return videos


VIDEOS = _videos()
# What a search for anything finds, by view count: each channel's best and one ordinary video.
SEARCH_HITS = ["beta05", "alpha09", "alpha01", "gamma00"]


def _error(status: int, message: str, reason: str) -> Reply:
    return json_reply(
        {"error": {"code": status, "message": message, "errors": [{"reason": reason}]}}, status
    )


class YouTube:
    name = "youtube"

    def error(self, status: int, message: str) -> Reply:
        return _error(status, message, "backendError" if status >= 500 else "badRequest")

    def handle(self, sim: Simulator, request: SimRequest) -> Reply:
        path = request.path
        if path.startswith("/youtube/v3/"):
            if not sim.authorized(self.name, request.query.get("key", "")):
                return _error(400, "API key not valid. Please pass a valid API key.", "keyInvalid")
            return self._data(path.removeprefix("/youtube/v3/"), request)
        token = request.header("authorization").removeprefix("Bearer ").strip()
        if token != sim.youtube_token:
            return _error(401, "Invalid Credentials", "authError")
        if path == "/upload/youtube/v3/videos" and request.method == "POST":
            return self._start(sim, request)
        if path == "/upload/youtube/v3/videos" and request.method == "PUT":
            return self._put(sim, request)
        if path == "/upload/youtube/v3/thumbnails/set" and request.method == "POST":
            return self._thumbnail(sim, request)
        return self.error(404, "Not found")

    # --- research ---

    def _data(self, resource: str, request: SimRequest) -> Reply:
        query = request.query
        if resource == "search":
            if query.get("type") != "video" or "snippet" not in query.get("part", ""):
                return self.error(400, "part=snippet and type=video are expected")
            if int(query.get("maxResults", "5")) > 50:
                return self.error(400, "maxResults must be at most 50")
            items = [
                {
                    "kind": "youtube#searchResult",
                    "id": {"kind": "youtube#video", "videoId": vid},
                    "snippet": VIDEOS[vid]["snippet"],
                }
                for vid in SEARCH_HITS
            ]
            return json_reply({"kind": "youtube#searchListResponse", "items": items})
        if resource == "videos":
            ids = [i for i in query.get("id", "").split(",") if i]
            if len(ids) > 50:
                return self.error(400, "at most 50 ids")
            parts = set(query.get("part", "").split(","))
            items = [
                {"kind": "youtube#video", "id": vid}
                | {p: VIDEOS[vid][p] for p in parts if p in VIDEOS[vid]}
                for vid in ids
                if vid in VIDEOS
            ]
            return json_reply({"kind": "youtube#videoListResponse", "items": items})
        if resource == "channels":
            items = [
                {
                    "kind": "youtube#channel",
                    "id": cid,
                    "contentDetails": {"relatedPlaylists": {"uploads": "UU" + cid[2:]}},
                }
                for cid in query.get("id", "").split(",")
                if cid in CHANNELS
            ]
            return json_reply({"kind": "youtube#channelListResponse", "items": items})
        if resource == "playlistItems":
            channel_id = "UC" + query.get("playlistId", "")[2:]
            if channel_id not in CHANNELS:
                return _error(
                    404,
                    "The playlist identified with the request's playlistId "
                    "parameter cannot be found.",
                    "playlistNotFound",
                )
            limit = int(query.get("maxResults", "5"))
            ids = [v for v in VIDEOS if VIDEOS[v]["snippet"]["channelId"] == channel_id]
            items = [
                {"kind": "youtube#playlistItem", "contentDetails": {"videoId": vid}}
                for vid in reversed(ids)
            ][:limit]
            return json_reply({"kind": "youtube#playlistItemListResponse", "items": items})
        return self.error(404, f"Unknown resource {resource}")

    # --- uploads ---

    def _sessions(self, sim: Simulator) -> dict[str, dict[str, Any]]:
        sessions: dict[str, dict[str, Any]] = sim.state.setdefault("yt_sessions", {})
        return sessions

    def _start(self, sim: Simulator, request: SimRequest) -> Reply:
        if request.query.get("uploadType") != "resumable":
            return self.error(400, "uploadType=resumable expected")
        metadata = request.json()
        if not isinstance(metadata, dict) or not (metadata.get("snippet") or {}).get("title"):
            return _error(
                400, "The request metadata specifies an invalid video title.", "invalidTitle"
            )
        status = metadata.get("status") or {}
        if status.get("publishAt") and status.get("privacyStatus") != "private":
            return _error(400, "publishAt needs privacyStatus private", "invalidPublishAt")
        try:
            total = int(request.header("x-upload-content-length"))
        except ValueError:
            return self.error(400, "X-Upload-Content-Length is required")
        upload_id = uuid.uuid4().hex
        self._sessions(sim)[upload_id] = {
            "total": total,
            "received": bytearray(),
            "metadata": metadata,
            "content_type": request.header("x-upload-content-type"),
            "video": None,
        }
        location = (
            f"{sim.url}/{self.name}/upload/youtube/v3/videos"
            f"?uploadType=resumable&upload_id={upload_id}"
        )
        return Reply(body=b"", headers={"Location": location})

    def _put(self, sim: Simulator, request: SimRequest) -> Reply:
        upload_id = request.query.get("upload_id", "")
        sessions = self._sessions(sim)
        if sim.state.get("yt_expire", 0) > 0 and upload_id in sessions:
            sim.state["yt_expire"] -= 1
            del sessions[upload_id]
        session = sessions.get(upload_id)
        if session is None:
            return _error(404, "The upload session does not exist or has expired.", "notFound")
        total, received = session["total"], session["received"]
        spec = request.header("content-range").removeprefix("bytes ").strip()
        span, _, declared_total = spec.partition("/")
        if declared_total != str(total):
            return self.error(400, "Content-Range total differs from X-Upload-Content-Length")
        if span != "*":
            try:
                start, end = (int(x) for x in span.split("-"))
            except ValueError:
                return self.error(400, "malformed Content-Range")
            if start == len(received) and end - start + 1 == len(request.body):
                received.extend(request.body)
        if len(received) >= total:
            if session["video"] is None:
                session["video"] = self._publish(sim, session)
            return json_reply(session["video"], 201)
        headers = {"Range": f"bytes=0-{len(received) - 1}"} if received else {}
        return Reply(status=308, body=b"", headers=headers)

    def _publish(self, sim: Simulator, session: dict[str, Any]) -> dict[str, Any]:
        video_id = uuid.uuid4().hex[:11]
        data = bytes(session["received"])
        sim.state.setdefault("yt_uploaded", {})[video_id] = {
            "sha256": hashlib.sha256(data).hexdigest(),
            "size": len(data),
            "metadata": session["metadata"],
        }
        return {
            "kind": "youtube#video",
            "id": video_id,
            "snippet": session["metadata"]["snippet"],
            "status": {**(session["metadata"].get("status") or {}), "uploadStatus": "uploaded"},
        }

    def _thumbnail(self, sim: Simulator, request: SimRequest) -> Reply:
        video_id = request.query.get("videoId", "")
        uploaded = sim.state.get("yt_uploaded", {})
        if video_id not in uploaded:
            return _error(404, "The video cannot be found.", "videoNotFound")
        if request.header("content-type") not in ("image/png", "image/jpeg"):
            return _error(400, "The thumbnail must be a JPEG or PNG.", "invalidImage")
        if len(request.body) > 2 * 1024 * 1024:
            return _error(413, "The thumbnail is larger than 2 MB.", "mediaBodyTooLarge")
        uploaded[video_id]["thumbnail_sha256"] = hashlib.sha256(request.body).hexdigest()
        return json_reply(
            {
                "kind": "youtube#thumbnailSetResponse",
                "items": [{"default": {"url": f"{sim.url}/thumb/{video_id}", "width": 120}}],
            }
        )

    def callbacks(self, sim: Simulator, job: SimJob) -> list[Delivery]:
        return []
