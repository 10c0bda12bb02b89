"""Stock libraries as image and video providers: Pexels and Pixabay.

The search words are the shot's subjects: the icons the creator chose, else what the prompt (or
the narration line) names through the offline pictures' index, else the line's key phrase. The
best result is the one whose shape is closest to the frame's (and at least as large); it is
downloaded within ``VENDOR_MAX_DOWNLOAD_BYTES`` and must be a picture. The author and the link go
into ``MediaFile.details["credit"]`` for the shot and the publish description. No result, or no
words to search with, draws the offline picture instead (never a hang, never a wrong guess).

Pexels: ``GET https://api.pexels.com/v1/search?query=&orientation=landscape|portrait|square&
per_page=`` with header ``Authorization: <key>``; answers ``{photos: [{width, height, url,
photographer, photographer_url, src: {original, large2x, landscape, portrait, …}}]}``; asks for
"Photo by X on Pexels". Pixabay: ``GET https://pixabay.com/api/?key=&q=&image_type=photo&
orientation=horizontal|vertical&per_page=3..200&safesearch=true``; answers ``{totalHits, hits:
[{pageURL, largeImageURL, imageWidth, imageHeight, user}]}``; asks that search results show they
come from Pixabay. Both answer 429 past their rate limit (retried by the client).

Footage (``PROVIDER_VIDEO=pexels|pixabay``) is searched with the same words. Pexels:
``GET https://api.pexels.com/videos/search?query=&orientation=&size=&per_page=`` answering
``{videos: [{url, duration, user: {name, url}, video_files: [{quality, file_type, width, height,
fps, link}]}]}``, "Video by X on Pexels". Pixabay: ``GET https://pixabay.com/api/videos/?key=&q=&
video_type=film&per_page=&safesearch=true`` answering ``{hits: [{pageURL, duration, user, user_id,
videos: {large|medium|small|tiny: {url, width, height, size}}}]}``. Of every rendition of every
result, the one taken fits the frame's shape, lasts the shot (a shorter one holds its last frame)
and is the smallest that still covers the frame (less to download); it must be an MP4 within the
download cap. Nothing found animates the shot's still instead, as the offline provider does.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings

from vendors.base import (
    AnimateRequest,
    CallbackTarget,
    ImageRequest,
    MediaFile,
    PendingJob,
    ProviderError,
    ProviderUnavailableError,
)
from vendors.offline.kenburns import KenBurnsVideo
from vendors.offline.pictures import IconPictures, icon_index
from vendors.offline.pictures.compose import key_phrase

from .client import Sleep, VendorClient

PICTURE_TYPES = ("image/jpeg", "image/png", "image/webp")
FOOTAGE_TYPES = ("video/mp4",)


@dataclass(frozen=True)
class Hit:
    url: str
    width: int
    height: int
    author: str
    author_url: str
    page_url: str


def search_words(request: ImageRequest) -> str:
    """What to search a library for: the chosen subjects, else what the words name."""
    index = icon_index()
    labels = [index.icons[n].label for n in request.subjects if n in index.icons]
    if not labels:
        named = index.find(request.prompt) or index.find(request.line)
        labels = [m.icon.label for m in named[:2]]
    if labels:
        return " ".join(dict.fromkeys(labels))[:100]
    return key_phrase(request.line, request.prompt)[:100] if request.line else ""


@dataclass(frozen=True)
class Clip(Hit):
    duration: float = 0.0


def best_clip(clips: list[Clip], width: int, height: int, duration: float) -> Clip | None:
    """The rendition that fits the frame's shape and lasts the shot; among equals the fewest
    pixels that still cover the frame (a 4K file for a 720p frame is only a longer download)."""
    if not clips:
        return None
    want = width / max(1, height)

    def score(clip: Clip) -> tuple[float, int]:
        shape = round(abs(clip.width / max(1, clip.height) - want), 2)
        short = 0.5 if clip.duration < duration else 0.0
        small = 0.5 if clip.width < width or clip.height < height else 0.0
        return (shape + short + small, clip.width * clip.height)

    return min(clips, key=score)


def best(hits: list[Hit], width: int, height: int) -> Hit | None:
    """The hit whose shape is closest to the frame's, larger ones first among equals."""
    if not hits:
        return None
    want = width / max(1, height)

    def score(hit: Hit) -> tuple[float, int]:
        shape = abs(hit.width / max(1, hit.height) - want)
        return (round(shape, 2) + (0.5 if hit.width < width else 0.0), -hit.width)

    return min(hits, key=score)


class _StockImages:
    name = ""
    library = ""
    synchronous = True  # answers in the call: the pipeline opens no job and waits for no callback

    def __init__(self, *, sleep: Sleep | None = None) -> None:
        self._sleep = sleep

    def client(self) -> VendorClient:
        raise NotImplementedError

    def search(self, client: VendorClient, words: str, request: ImageRequest) -> list[Hit]:
        raise NotImplementedError

    def generate(
        self, request: ImageRequest, *, workdir: Path, callback: CallbackTarget | None = None
    ) -> MediaFile | PendingJob:
        words = search_words(request)
        hit = None
        if words:
            with self.client() as client:
                hit = best(self.search(client, words, request), request.width, request.height)
                if hit is not None:
                    path, content_type = client.download(
                        hit.url, workdir / "stock", content_types=PICTURE_TYPES
                    )
        if hit is None:  # nothing to search for, or nothing found: the offline picture
            drawn = IconPictures().generate(request, workdir=workdir)
            assert isinstance(drawn, MediaFile)
            return MediaFile(
                drawn.path, drawn.content_type, details={**drawn.details, "fallback": self.name}
            )
        credit = _credit(self.library, hit, self.credit_line(hit))
        return MediaFile(path, content_type, details={"subjects": [], "credit": credit})

    def credit_line(self, hit: Hit) -> str:
        raise NotImplementedError


def _credit(library: str, hit: Hit, text: str) -> dict[str, str]:
    """What the shot keeps of a stock result: the library, its author and the credit line."""
    return {
        "library": library,
        "author": hit.author,
        "authorUrl": hit.author_url,
        "url": hit.page_url,
        "text": text,
    }


def _unexpected(vendor: str, exc: Exception) -> ProviderError:
    return ProviderError(f"{vendor} answered an unexpected search result: {exc}", vendor=vendor)


def _orientation(width: int, height: int) -> str:
    if width > height * 1.1:
        return "landscape"
    if height > width * 1.1:
        return "portrait"
    return "square"


class PexelsImages(_StockImages):
    name = "pexels"
    library = "Pexels"

    def client(self) -> VendorClient:
        if not settings.PEXELS_API_KEY:
            raise ProviderUnavailableError("PEXELS_API_KEY is not set", vendor=self.name)
        return VendorClient(
            vendor=self.name,
            base_url=settings.PEXELS_BASE_URL,
            headers={"Authorization": settings.PEXELS_API_KEY},
            sleep=self._sleep,
        )

    @staticmethod
    def query(client: VendorClient, path: str, words: str, width: int, height: int) -> Any:
        """One search of Pexels' photos (``/v1/search``) or videos (``/videos/search``)."""
        params = {"query": words, "orientation": _orientation(width, height), "per_page": "15"}
        return client.json("GET", path, params=params)

    def search(self, client: VendorClient, words: str, request: ImageRequest) -> list[Hit]:
        data = self.query(client, "/v1/search", words, request.width, request.height)
        try:
            return [
                Hit(
                    url=p["src"]["original"],
                    width=int(p["width"]),
                    height=int(p["height"]),
                    author=str(p.get("photographer", "")),
                    author_url=str(p.get("photographer_url", "")),
                    page_url=str(p.get("url", "")),
                )
                for p in data.get("photos", [])
            ]
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise _unexpected(self.name, exc) from exc

    def credit_line(self, hit: Hit) -> str:
        return f"Photo by {hit.author} on Pexels: {hit.page_url}"


class PixabayImages(_StockImages):
    name = "pixabay"
    library = "Pixabay"

    def client(self) -> VendorClient:
        if not settings.PIXABAY_API_KEY:
            raise ProviderUnavailableError("PIXABAY_API_KEY is not set", vendor=self.name)
        return VendorClient(
            vendor=self.name,
            base_url=settings.PIXABAY_BASE_URL,
            params={"key": settings.PIXABAY_API_KEY},
            sleep=self._sleep,
        )

    def search(self, client: VendorClient, words: str, request: ImageRequest) -> list[Hit]:
        orientation = {"landscape": "horizontal", "portrait": "vertical"}.get(
            _orientation(request.width, request.height), "all"
        )
        data: Any = client.json(
            "GET",
            "/api/",
            params={
                "q": words,
                "image_type": "photo",
                "orientation": orientation,
                "per_page": "20",
                "safesearch": "true",
            },
        )
        try:
            return [
                Hit(
                    url=h["largeImageURL"],
                    width=int(h["imageWidth"]),
                    height=int(h["imageHeight"]),
                    author=str(h.get("user", "")),
                    author_url=(
                        f"https://pixabay.com/users/{h.get('user', '')}-{h.get('user_id', '')}/"
                    ),
                    page_url=str(h.get("pageURL", "")),
                )
                for h in data.get("hits", [])
            ]
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise _unexpected(self.name, exc) from exc

    def credit_line(self, hit: Hit) -> str:
        return f"Image by {hit.author} from Pixabay: {hit.page_url}"


class _StockVideos:
    """A stock library's footage as the video step of a shot (``VideoProvider``)."""

    name = ""
    library = ""
    images: type[_StockImages] = _StockImages
    synchronous = True

    def __init__(self, *, sleep: Sleep | None = None) -> None:
        self._sleep = sleep

    def search(self, client: VendorClient, words: str, request: AnimateRequest) -> list[Clip]:
        raise NotImplementedError

    def animate(
        self, request: AnimateRequest, *, workdir: Path, callback: CallbackTarget | None = None
    ) -> MediaFile | PendingJob:
        words = search_words(
            ImageRequest(
                prompt=request.prompt,
                width=request.width,
                height=request.height,
                line=request.line,
                subjects=request.subjects,
            )
        )
        clip = None
        if words:
            with self.images(sleep=self._sleep).client() as client:
                clip = best_clip(
                    self.search(client, words, request),
                    request.width,
                    request.height,
                    request.duration,
                )
                if clip is not None:
                    path, content_type = client.download(
                        clip.url, workdir / "footage", content_types=FOOTAGE_TYPES
                    )
        if clip is None:  # nothing to search for, or nothing found: the still, animated
            moved = KenBurnsVideo().animate(request, workdir=workdir)
            assert isinstance(moved, MediaFile)
            return MediaFile(moved.path, moved.content_type, details={"fallback": self.name})
        preposition = "on" if self.library == "Pexels" else "from"  # as each library asks
        text = f"Video by {clip.author} {preposition} {self.library}: {clip.page_url}"
        return MediaFile(path, content_type, details={"credit": _credit(self.library, clip, text)})


class PexelsVideos(_StockVideos):
    name = "pexels"
    library = "Pexels"
    images = PexelsImages

    def search(self, client: VendorClient, words: str, request: AnimateRequest) -> list[Clip]:
        data = PexelsImages.query(client, "/videos/search", words, request.width, request.height)
        try:
            return [
                Clip(
                    url=str(f["link"]),
                    width=int(f["width"]),
                    height=int(f["height"]),
                    author=str((v.get("user") or {}).get("name", "")),
                    author_url=str((v.get("user") or {}).get("url", "")),
                    page_url=str(v.get("url", "")),
                    duration=float(v.get("duration") or 0),
                )
                for v in data.get("videos", [])
                for f in v.get("video_files", [])
                if f.get("file_type") in FOOTAGE_TYPES and f.get("width") and f.get("height")
            ]
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise _unexpected(self.name, exc) from exc


class PixabayVideos(_StockVideos):
    name = "pixabay"
    library = "Pixabay"
    images = PixabayImages

    def search(self, client: VendorClient, words: str, request: AnimateRequest) -> list[Clip]:
        data: Any = client.json(
            "GET",
            "/api/videos/",
            params={"q": words, "video_type": "film", "per_page": "20", "safesearch": "true"},
        )
        try:
            return [
                Clip(
                    url=str(r["url"]),
                    width=int(r["width"]),
                    height=int(r["height"]),
                    author=str(h.get("user", "")),
                    author_url=(
                        f"https://pixabay.com/users/{h.get('user', '')}-{h.get('user_id', '')}/"
                    ),
                    page_url=str(h.get("pageURL", "")),
                    duration=float(h.get("duration") or 0),
                )
                for h in data.get("hits", [])
                for r in (h.get("videos") or {}).values()
                if r.get("url") and r.get("width") and r.get("height")
            ]
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise _unexpected(self.name, exc) from exc
