"""Pexels and Pixabay as image providers, against the simulator: what they are asked, the picture
and credit that come back, no result (the offline picture instead), rate limits and bad
downloads."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image

from tests.vendors.conftest import Waits
from vendors import registry
from vendors.base import ImageRequest, MediaFile, ProviderError
from vendors.http.stock import Hit, PexelsImages, PixabayImages, best, search_words
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
