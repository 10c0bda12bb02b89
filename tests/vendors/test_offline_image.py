"""The offline image provider draws real PNG frames: the requested size, deterministic, and a
character or place keeps its look from shot to shot."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from vendors.base import ImageProvider, ImageRequest, MediaFile, VisualRef
from vendors.offline.image import PillowImages

ADA = VisualRef(name="Ada", kind="character", color="#e63946", shape="round")
BORIS = VisualRef(name="Boris", kind="character", color="#2a9d8f", shape="tall")
HARBOUR = VisualRef(name="The Harbour", kind="location", color="#457b9d", shape="wide")
DESERT = VisualRef(name="Salt Desert", kind="location", color="#e9c46a", shape="flat")


def draw(tmp_path: Path, **fields: object) -> np.ndarray:
    request = ImageRequest(**{"prompt": "a quiet morning", "width": 1280, "height": 720, **fields})
    media = PillowImages().generate(request, workdir=tmp_path)
    assert isinstance(media, MediaFile)
    assert media.content_type == "image/png"
    with Image.open(media.path) as image:
        assert image.format == "PNG"
        return np.asarray(image.convert("RGB"))


def share_of(pixels: np.ndarray, color: str) -> float:
    rgb = [int(color[i : i + 2], 16) for i in (1, 3, 5)]
    return float(np.mean(np.all(pixels == rgb, axis=2)))


def body_box(pixels: np.ndarray, color: str) -> tuple[int, int]:
    """Width and height of the area painted exactly ``color``."""
    rgb = [int(color[i : i + 2], 16) for i in (1, 3, 5)]
    ys, xs = np.nonzero(np.all(pixels == rgb, axis=2))
    return int(xs.max() - xs.min()), int(ys.max() - ys.min())


def test_the_offline_image_provider_fits_its_interface() -> None:
    assert isinstance(PillowImages(), ImageProvider)
    assert PillowImages.name == "offline"


@pytest.mark.parametrize(("width", "height"), [(1280, 720), (1080, 1920), (1080, 1080), (854, 480)])
def test_a_frame_has_the_requested_size(tmp_path: Path, width: int, height: int) -> None:
    pixels = draw(tmp_path, width=width, height=height, references=(ADA, HARBOUR))

    assert pixels.shape == (height, width, 3)
    assert pixels.std() > 10  # a picture, not a flat fill


def test_two_shots_of_one_character_share_its_colour_and_silhouette(tmp_path: Path) -> None:
    first = draw(tmp_path, prompt="Ada reads a map on the pier", seed=1, references=(ADA, HARBOUR))
    second = draw(
        tmp_path, prompt="Ada runs through the market", seed=2, references=(ADA, BORIS, DESERT)
    )
    without = draw(tmp_path, prompt="Boris alone at the harbour", references=(BORIS, HARBOUR))

    assert share_of(first, ADA.color) > 0.01
    assert share_of(second, ADA.color) > 0.01
    assert share_of(without, ADA.color) == 0
    # Her size and place change with the shot, her proportions do not.
    (w1, h1), (w2, h2) = body_box(first, ADA.color), body_box(second, ADA.color)
    assert w1 / h1 == pytest.approx(w2 / h2, rel=0.08)
    assert (w1, h1) != (w2, h2) or not np.array_equal(first, second)


def test_a_location_keeps_its_sky_in_every_shot(tmp_path: Path) -> None:
    def sky(pixels: np.ndarray) -> np.ndarray:
        return np.median(pixels[:20].reshape(-1, 3), axis=0)

    one = draw(tmp_path, prompt="the boats come in", seed=1, references=(HARBOUR,))
    two = draw(tmp_path, prompt="Ada waits by the water", seed=9, references=(ADA, HARBOUR))
    elsewhere = draw(tmp_path, prompt="the boats come in", seed=1, references=(DESERT,))

    assert np.abs(sky(one) - sky(two)).max() <= 2
    assert np.abs(sky(one) - sky(elsewhere)).max() > 20


def test_the_same_request_draws_the_same_pixels_and_another_prompt_differs(
    tmp_path: Path,
) -> None:
    a = draw(tmp_path, prompt="Ada finds the key", seed=4, references=(ADA,), style="pastel")
    again = draw(tmp_path, prompt="Ada finds the key", seed=4, references=(ADA,), style="pastel")
    other = draw(tmp_path, prompt="Ada loses the key", seed=4, references=(ADA,), style="pastel")

    assert np.array_equal(a, again)
    assert not np.array_equal(a, other)


def test_the_style_and_the_prompts_time_of_day_change_the_picture(tmp_path: Path) -> None:
    day = draw(tmp_path, prompt="the village square", style="vibrant neon")
    noir = draw(tmp_path, prompt="the village square", style="film noir")
    night = draw(tmp_path, prompt="the village square at night", style="vibrant neon")

    assert noir.std(axis=2).mean() < 3  # black and white: no colour
    assert day.std(axis=2).mean() > 10
    assert night[: 720 // 3].mean() < day[: 720 // 3].mean() - 30  # a darker sky


def test_a_caption_is_drawn_in_the_corner(tmp_path: Path) -> None:
    plain = draw(tmp_path, prompt="a field", seed=3)
    captioned = draw(tmp_path, prompt="a field", seed=3, caption="Shot 4: the field")

    changed = np.any(plain != captioned, axis=2)
    ys, xs = np.nonzero(changed)
    assert changed.any()
    assert ys.min() > 720 * 0.8
    assert xs.max() < 1280 * 0.5
