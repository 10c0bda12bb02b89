"""Pexels and Pixabay, simulated: photo search with real-shaped answers, results served here.

Pexels: ``GET /v1/search?query=&orientation=&per_page=`` with ``Authorization: <key>``, answering
``{page, per_page, total_results, photos: [{id, width, height, url, photographer,
photographer_url, alt, src: {original, large2x, large, medium, small, portrait, landscape,
tiny}}]}`` (www.pexels.com/api/documentation). Pixabay: ``GET /api/?key=&q=&image_type=photo&
orientation=&per_page=`` answering ``{total, totalHits, hits: [{id, pageURL, tags, webformatURL,
largeImageURL, imageWidth, imageHeight, user, user_id}]}`` (pixabay.com/api/docs).

Footage: Pexels ``GET /videos/search?query=&orientation=&per_page=`` answering ``{page, per_page,
total_results, url, videos: [{id, width, height, url, image, duration, user: {id, name, url},
video_files: [{id, quality, file_type, width, height, fps, link}]}]}``; Pixabay ``GET
/api/videos/?key=&q=&video_type=&per_page=`` answering ``{total, totalHits, hits: [{id, pageURL,
type, tags, duration, videos: {large, medium, small, tiny: {url, width, height, size,
thumbnail}}, user_id, user}]}``. Each result comes in two renditions (the frame's size and a
smaller one) of a real six-second MP4 (720p and
360p, or their portrait and square kin).

A query with the word "unfindable" finds nothing. Behaviour outcome "malformed" makes the result
links serve HTML instead of a picture (a bad download).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from . import media
from .core import Reply, SimRequest, json_reply

if TYPE_CHECKING:
    from pathlib import Path

    from .core import Delivery, SimJob
    from .server import Simulator

ASPECTS = {"landscape": "16:9", "horizontal": "16:9", "portrait": "9:16", "vertical": "9:16",
           "square": "1:1", "all": "16:9", "": "16:9"}  # fmt: skip


def _result(sim: Simulator, vendor: str, aspect: str) -> tuple[str, int, int]:
    width, height = media.image_size(aspect)
    if sim.behaviour_for(vendor).outcome == "malformed":
        page: Path = sim.media_dir / "not-a-picture.html"
        page.write_text("<html><body>Rate limit page</body></html>")
        return sim.file_url(page, "text/html"), width, height
    return sim.file_url(media.png(sim.media_dir, aspect), "image/png"), width, height


CLIP_SECONDS = 6
FOOTAGE_SIZES = {"16:9": (1280, 720), "9:16": (720, 1280), "1:1": (720, 720)}


def _footage(sim: Simulator, vendor: str, aspect: str) -> list[tuple[str, int, int, int]]:
    """(url, width, height, bytes) of a large and a small rendition of one clip."""
    width, height = FOOTAGE_SIZES.get(aspect, FOOTAGE_SIZES["16:9"])
    renditions = []
    for scale in (1, 2):
        w, h = width // scale // 2 * 2, height // scale // 2 * 2
        if sim.behaviour_for(vendor).outcome == "malformed":
            page: Path = sim.media_dir / "not-a-video.html"
            page.write_text("<html><body>Rate limit page</body></html>")
            renditions.append((sim.file_url(page, "text/html"), w, h, page.stat().st_size))
            continue
        clip = media.mp4(sim.media_dir, width=w, height=h, seconds=CLIP_SECONDS)
        renditions.append((sim.file_url(clip, "video/mp4"), w, h, clip.stat().st_size))
    return renditions


SIZES = ("original", "large2x", "large", "medium", "small", "portrait", "landscape", "tiny")


def _found(query: str) -> bool:
    return bool(query.strip()) and "unfindable" not in query.lower()


class Pexels:
    name = "pexels"

    def error(self, status: int, message: str) -> Reply:
        return json_reply({"error": message}, status)

    def handle(self, sim: Simulator, request: SimRequest) -> Reply:
        if not sim.authorized(self.name, request.header("Authorization")):
            return self.error(401, "Authorization field missing or invalid")
        if request.method != "GET" or request.path not in ("/v1/search", "/videos/search"):
            return self.error(404, "Not found")
        query = request.query.get("query", "")
        if not query:
            return self.error(400, "query is required")
        per_page = min(80, max(1, int(request.query.get("per_page", "15") or 15)))
        if request.path == "/videos/search":
            return self.videos(sim, request, query, per_page)
        photos = []
        if _found(query):
            for i in range(min(per_page, 3)):
                aspect = ASPECTS.get(request.query.get("orientation", ""), "16:9")
                url, width, height = _result(sim, self.name, aspect)
                photos.append({
                    "id": 1000 + i, "width": width, "height": height,
                    "url": f"https://www.pexels.com/photo/{query.replace(' ', '-')}-{1000 + i}/",
                    "photographer": f"Sim Photographer {i + 1}",
                    "photographer_url": f"https://www.pexels.com/@sim-{i + 1}",
                    "alt": query,
                    "src": dict.fromkeys(SIZES, url),
                })  # fmt: skip
        return json_reply(
            {"page": 1, "per_page": per_page, "total_results": len(photos), "photos": photos},
            headers={"X-Ratelimit-Limit": "20000", "X-Ratelimit-Remaining": "19999"},
        )

    def videos(self, sim: Simulator, request: SimRequest, query: str, per_page: int) -> Reply:
        found = []
        if _found(query):
            aspect = ASPECTS.get(request.query.get("orientation", ""), "16:9")
            for i in range(min(per_page, 2)):
                files = [
                    {"id": 5000 + 10 * i + j, "quality": "hd" if j == 0 else "sd",
                     "file_type": "video/mp4", "width": w, "height": h, "fps": 25, "link": url}
                    for j, (url, w, h, _) in enumerate(_footage(sim, self.name, aspect))
                ]  # fmt: skip
                found.append({
                    "id": 3000 + i, "width": files[0]["width"], "height": files[0]["height"],
                    "url": f"https://www.pexels.com/video/{query.replace(' ', '-')}-{3000 + i}/",
                    "image": "", "duration": CLIP_SECONDS,
                    "user": {"id": 70 + i, "name": f"Sim Videographer {i + 1}",
                             "url": f"https://www.pexels.com/@sim-video-{i + 1}"},
                    "video_files": files, "video_pictures": [],
                })  # fmt: skip
        return json_reply(
            {
                "page": 1,
                "per_page": per_page,
                "total_results": len(found),
                "videos": found,
                "url": "https://www.pexels.com/videos/",
            },
            headers={"X-Ratelimit-Limit": "20000", "X-Ratelimit-Remaining": "19999"},
        )

    def callbacks(self, sim: Simulator, job: SimJob) -> list[Delivery]:
        return []


class Pixabay:
    name = "pixabay"

    def error(self, status: int, message: str) -> Reply:
        # Pixabay answers errors as plain text.
        return Reply(status, f"[ERROR {status}] {message}".encode(), "text/plain")

    def handle(self, sim: Simulator, request: SimRequest) -> Reply:
        if not sim.authorized(self.name, request.query.get("key", "")):
            return self.error(400, "Invalid or missing API key")
        if request.method != "GET" or request.path.rstrip("/") not in ("/api", "/api/videos"):
            return self.error(404, "Not found")
        query = request.query.get("q", "")
        per_page = int(request.query.get("per_page", "20") or 20)
        if not 3 <= per_page <= 200:
            return self.error(400, "per_page must be 3..200")
        if request.path.rstrip("/") == "/api/videos":
            return self.videos(sim, query)
        hits = []
        if _found(query):
            for i in range(3):
                aspect = ASPECTS.get(request.query.get("orientation", ""), "16:9")
                url, width, height = _result(sim, self.name, aspect)
                hits.append({
                    "id": 2000 + i, "pageURL": f"https://pixabay.com/photos/sim-{2000 + i}/",
                    "type": "photo", "tags": query.replace(" ", ", "),
                    "webformatURL": url, "largeImageURL": url,
                    "imageWidth": width, "imageHeight": height,
                    "user": f"SimUser{i + 1}", "user_id": 100 + i,
                })  # fmt: skip
        return json_reply(
            {"total": len(hits), "totalHits": len(hits), "hits": hits},
            headers={"X-RateLimit-Limit": "100", "X-RateLimit-Remaining": "99"},
        )

    def videos(self, sim: Simulator, query: str) -> Reply:
        hits = []
        if _found(query):
            for i in range(3):
                (large, *rest) = _footage(sim, self.name, "16:9")
                sizes = {"large": large, "medium": large, "small": rest[0], "tiny": rest[0]}
                hits.append({
                    "id": 4000 + i, "pageURL": f"https://pixabay.com/videos/sim-{4000 + i}/",
                    "type": "film", "tags": query.replace(" ", ", "), "duration": CLIP_SECONDS,
                    "videos": {
                        name: {"url": url, "width": w, "height": h, "size": size,
                               "thumbnail": ""}
                        for name, (url, w, h, size) in sizes.items()
                    },
                    "user": f"SimUser{i + 1}", "user_id": 100 + i,
                })  # fmt: skip
        return json_reply(
            {"total": len(hits), "totalHits": len(hits), "hits": hits},
            headers={"X-RateLimit-Limit": "100", "X-RateLimit-Remaining": "99"},
        )

    def callbacks(self, sim: Simulator, job: SimJob) -> list[Delivery]:
        return []
