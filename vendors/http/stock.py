"""Stock photo libraries as image providers: Pexels and Pixabay.

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
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings

from vendors.base import (
    CallbackTarget,
    ImageRequest,
    MediaFile,
    PendingJob,
    ProviderError,
    ProviderUnavailableError,
)
from vendors.offline.pictures import IconPictures, icon_index
from vendors.offline.pictures.compose import key_phrase

from .client import Sleep, VendorClient

PICTURE_TYPES = ("image/jpeg", "image/png", "image/webp")


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
    if request.subjects:
        labels = [index.icons[n].label for n in request.subjects if n in index.icons]
    else:
        named = index.find(request.prompt) or index.find(request.line)
        labels = [m.icon.label for m in named[:2]]
    if labels:
        return " ".join(dict.fromkeys(labels))[:100]
    return key_phrase(request.line, request.prompt)[:100] if request.line else ""


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
        credit = {
            "library": self.library,
            "author": hit.author,
            "authorUrl": hit.author_url,
            "url": hit.page_url,
            "text": self.credit_line(hit),
        }
        return MediaFile(path, content_type, details={"subjects": [], "credit": credit})

    def credit_line(self, hit: Hit) -> str:
        raise NotImplementedError


def _orientation(request: ImageRequest) -> str:
    if request.width > request.height * 1.1:
        return "landscape"
    if request.height > request.width * 1.1:
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

    def search(self, client: VendorClient, words: str, request: ImageRequest) -> list[Hit]:
        data: Any = client.json(
            "GET",
            "/v1/search",
            params={"query": words, "orientation": _orientation(request), "per_page": "15"},
        )
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
            raise ProviderError(f"pexels answered an unexpected search result: {exc}") from exc

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
            _orientation(request), "all"
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
            raise ProviderError(f"pixabay answered an unexpected search result: {exc}") from exc

    def credit_line(self, hit: Hit) -> str:
        return f"Image by {hit.author} from Pixabay: {hit.page_url}"
