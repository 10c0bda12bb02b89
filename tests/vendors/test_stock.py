"""Pexels and Pixabay as image providers, against the simulator: what they are asked, the picture
and credit that come back, no result (the offline picture instead), rate limits and bad
downloads."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image

from tests.vendors.conftest import Waits
from vendors import registry
from vendors.base import AnimateRequest, ImageRequest, InputFile, MediaFile, ProviderError
from vendors.http.stock import (
    Clip,
    Hit,
    PexelsImages,
    PexelsVideos,
    PixabayImages,
    PixabayVideos,
    best,
    best_clip,
    search_words,
)
from vendors.render.probe import probe
from vendors.simulator import Simulator

PROVIDERS = [("pexels", PexelsImages), ("pixabay", PixabayImages)]
OCTOPUS = ImageRequest(
    prompt="close-up of a red octopus in the deep blue ocean", width=1280, height=720
)


@pytest.mark.parametrize(("vendor", "provider"), PROVIDERS)
def test_a_search_brings_back_a_picture_and_its_credit(
    sim: Simulator, waits: Waits, tmp_path: Path, vendor: str, provider: type
) -> None:
    media = provider(sleep=waits).generate(OCTOPUS, workdir=tmp_path)

    assert isinstance(media, MediaFile)
    assert media.content_type == "image/png"
    with Image.open(media.path) as picture:
        assert picture.size[0] > picture.size[1]  # the landscape result for a 16:9 frame
    credit = media.details["credit"]
    assert credit["author"] == "Sim Photographer 1" if vendor == "pexels" else "SimUser1"
    assert credit["url"].startswith("https://")
    assert ("on Pexels" if vendor == "pexels" else "from Pixabay") in credit["text"]
    search = [r for r in sim.requests(vendor) if "search" in r.path or r.path.startswith("/api")]
    (sent,) = search
    if vendor == "pexels":
        assert sent.path == "/v1/search"
        assert sent.header("Authorization") == "sim-pexels-key"
        assert sent.query["query"] == "octopus"
        assert sent.query["orientation"] == "landscape"
    else:
        assert sent.query["key"] == "sim-pixabay-key"
        assert (sent.query["q"], sent.query["image_type"]) == ("octopus", "photo")
        assert sent.query["orientation"] == "horizontal"


@pytest.mark.parametrize(("vendor", "provider"), PROVIDERS)
def test_no_result_draws_the_offline_picture(
    sim: Simulator, waits: Waits, tmp_path: Path, vendor: str, provider: type
) -> None:
    unfindable = ImageRequest(prompt="x", line="The unfindable answer.", width=640, height=360)

    media = provider(sleep=waits).generate(unfindable, workdir=tmp_path)

    assert isinstance(media, MediaFile)
    assert media.details["fallback"] == vendor
    assert media.details["titleCard"] == "The unfindable answer"
    assert "credit" not in media.details
    assert waits == []  # no retry, no wait


@pytest.mark.parametrize(("vendor", "provider"), PROVIDERS)
def test_a_rate_limit_is_waited_out(
    sim: Simulator, waits: Waits, tmp_path: Path, vendor: str, provider: type
) -> None:
    sim.fail_next(vendor, 2, status=429, retry_after=1)

    media = provider(sleep=waits).generate(OCTOPUS, workdir=tmp_path)

    assert "credit" in media.details
    assert waits == [1.0, 1.0]


@pytest.mark.parametrize(("vendor", "provider"), PROVIDERS)
def test_a_bad_download_fails_and_a_lasting_rate_limit_gives_up(
    sim: Simulator, waits: Waits, tmp_path: Path, vendor: str, provider: type
) -> None:
    sim.behave(vendor, outcome="malformed")  # the result link serves an HTML page
    with pytest.raises(ProviderError, match=r"type|picture|image"):
        provider(sleep=waits).generate(OCTOPUS, workdir=tmp_path)

    sim.behave(vendor, outcome="succeed")
    sim.fail_next(vendor, 10, status=429, retry_after=1)
    with pytest.raises(ProviderError) as failed:
        provider(sleep=waits).generate(OCTOPUS, workdir=tmp_path)
    assert failed.value.retryable


def test_the_providers_are_chosen_by_setting(sim: Simulator, settings: object) -> None:
    assert registry.PROVIDER_CLASSES["image"]["pexels"].endswith("PexelsImages")
    assert registry.PROVIDER_CLASSES["image"]["pixabay"].endswith("PixabayImages")


def test_search_words_and_the_best_fit() -> None:
    assert search_words(OCTOPUS) == "octopus"
    chosen = ImageRequest(prompt="a cat", width=1, height=1, subjects=("whale", "dolphin"))
    assert search_words(chosen) == "whale dolphin"
    wide = Hit("a", 1920, 1080, "", "", "")
    tall = Hit("b", 1080, 1920, "", "", "")
    small_wide = Hit("c", 640, 360, "", "", "")
    assert best([tall, small_wide, wide], 1280, 720) is wide
    assert best([wide, tall], 720, 1280) is tall
    assert best([], 1280, 720) is None


# --- footage ----------------------------------------------------------------------------------

VIDEO_PROVIDERS = [("pexels", PexelsVideos), ("pixabay", PixabayVideos)]


def _octopus_shot(tmp_path: Path, **changes: object) -> AnimateRequest:
    still = tmp_path / "still.png"
    Image.new("RGB", (1280, 720), (20, 60, 120)).save(still)
    fields: dict[str, object] = {
        "image": InputFile(path=still),
        "duration": 4.0,
        "width": 1280,
        "height": 720,
        "prompt": "close-up of a red octopus in the deep blue ocean",
        **changes,
    }
    return AnimateRequest(**fields)


@pytest.mark.parametrize(("vendor", "provider"), VIDEO_PROVIDERS)
def test_footage_search_brings_back_a_clip_that_covers_the_frame_and_its_credit(
    sim: Simulator, waits: Waits, tmp_path: Path, vendor: str, provider: type
) -> None:
    media = provider(sleep=waits).animate(_octopus_shot(tmp_path), workdir=tmp_path)

    assert isinstance(media, MediaFile)
    assert media.content_type == "video/mp4"
    probed = probe(media.path)
    video = probed.first("video")
    assert video is not None
    assert (video.width, video.height) == (1280, 720)  # the frame's size, not the smaller one
    assert probed.duration >= 4.0
    credit = media.details["credit"]
    assert credit["text"].startswith("Video by ")
    assert ("on Pexels" if vendor == "pexels" else "from Pixabay") in credit["text"]
    assert credit["url"].startswith("https://")
    (sent,) = [r for r in sim.requests(vendor) if "videos" in r.path]
    if vendor == "pexels":
        assert sent.path == "/videos/search"
        assert (sent.query["query"], sent.query["orientation"]) == ("octopus", "landscape")
    else:
        assert sent.path.rstrip("/") == "/api/videos"
        assert (sent.query["q"], sent.query["video_type"]) == ("octopus", "film")


@pytest.mark.parametrize(("vendor", "provider"), VIDEO_PROVIDERS)
def test_no_footage_found_animates_the_still(
    sim: Simulator, waits: Waits, tmp_path: Path, vendor: str, provider: type
) -> None:
    request = _octopus_shot(tmp_path, prompt="x", line="The unfindable answer.")

    media = provider(sleep=waits).animate(request, workdir=tmp_path)

    assert isinstance(media, MediaFile)
    assert media.details == {"fallback": vendor}
    assert probe(media.path).duration == pytest.approx(4.0, abs=0.1)
    assert waits == []


@pytest.mark.parametrize(("vendor", "provider"), VIDEO_PROVIDERS)
def test_a_footage_link_that_is_no_video_fails(
    sim: Simulator, waits: Waits, tmp_path: Path, vendor: str, provider: type
) -> None:
    sim.behave(vendor, outcome="malformed")

    with pytest.raises(ProviderError, match=r"type|video"):
        provider(sleep=waits).animate(_octopus_shot(tmp_path), workdir=tmp_path)


def test_the_best_clip_fits_the_frame_lasts_the_shot_and_downloads_least() -> None:
    def clip(name: str, width: int, height: int, seconds: float) -> Clip:
        return Clip(name, width, height, "", "", "", duration=seconds)

    uhd, hd, sd = clip("uhd", 3840, 2160, 10), clip("hd", 1280, 720, 10), clip("sd", 640, 360, 10)
    short_hd, tall = clip("short", 1280, 720, 2), clip("tall", 720, 1280, 10)
    assert best_clip([uhd, sd, hd, tall], 1280, 720, 5) is hd
    assert best_clip([short_hd, uhd], 1280, 720, 5) is uhd
    assert best_clip([hd, tall], 720, 1280, 5) is tall
    assert best_clip([], 1280, 720, 5) is None
    assert registry.PROVIDER_CLASSES["video"]["pexels"].endswith("PexelsVideos")
    assert registry.PROVIDER_CLASSES["video"]["pixabay"].endswith("PixabayVideos")
