"""The offline pictures show what the prompt names: icons found by name or synonym, on a scene
chosen from the setting, a title card when nothing is named, and the same icon for a bible entry in
every picture of it."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from vendors import registry
from vendors.base import ImageProvider, ImageRequest, MediaFile, VisualRef
from vendors.offline.pictures import IconPictures, icon_index
from vendors.offline.pictures.compose import key_phrase
from vendors.offline.pictures.index import NEVER, read_synonyms

OTTO = VisualRef(name="Otto", kind="character", color="#e63946", description="a red octopus")


def draw(tmp_path: Path, prompt: str, **fields: object) -> tuple[np.ndarray, dict]:
    request = ImageRequest(**{"prompt": prompt, "width": 1280, "height": 720, **fields})
    media = IconPictures().generate(request, workdir=tmp_path)
    assert isinstance(media, MediaFile)
    assert media.content_type == "image/png"
    with Image.open(media.path) as image:
        assert image.format == "PNG"
        return np.asarray(image.convert("RGB")), media.details


def drawn(details: dict) -> list[str]:
    return [s["icon"] for s in details["subjects"]]


def test_it_is_the_default_offline_image_provider(settings: object) -> None:
    assert isinstance(IconPictures(), ImageProvider)
    assert registry.PROVIDER_CLASSES["image"]["offline"].endswith("pictures.IconPictures")
    assert icon_index().ready, "the icon store is missing: run make install"
    assert len(icon_index().icons) > 1500


def test_every_synonym_names_an_icon_that_exists() -> None:
    icons = icon_index().icons
    missing = [(p, t) for p, t in read_synonyms() if t != NEVER and t not in icons]
    assert missing == []
    assert len(read_synonyms()) >= 300


@pytest.mark.parametrize(
    ("prompt", "subjects", "scene"),
    [
        ("close-up of a red octopus in the deep blue ocean", ["octopus"], "underwater"),
        ("an astronaut floats beside a rocket in orbit", ["astronaut", "rocket"], "space"),
        (
            "a king and a knight in front of the castle",
            ["person-with-crown", "guard", "castle"],
            "hall",
        ),
        ("the old lighthouse on the cliff at night", ["lighthouse"], "coast"),
        ("a scientist looks into a microscope in the lab", ["scientist", "microscope"], "room"),
        ("bees fly between the flowers of the meadow", ["honeybee", "blossom"], "field"),
    ],
)
def test_a_prompt_draws_what_it_names_where_it_is_set(
    tmp_path: Path, prompt: str, subjects: list[str], scene: str
) -> None:
    _, details = draw(tmp_path, prompt)

    assert drawn(details) == subjects
    assert details["scene"] == scene
    assert details["titleCard"] == ""


def test_different_prompts_draw_different_pictures_and_the_same_one_the_same(
    tmp_path: Path,
) -> None:
    octopus, _ = draw(tmp_path, "medium shot of octopuses, underwater documentary style")
    again, _ = draw(tmp_path, "medium shot of octopuses, underwater documentary style")
    lighthouse, _ = draw(tmp_path, "a lighthouse keeper on the pier")

    assert np.array_equal(octopus, again)
    assert np.abs(octopus.astype(int) - lighthouse.astype(int)).mean() > 20


def test_no_known_subject_gives_a_title_card_with_the_lines_key_phrase(tmp_path: Path) -> None:
    pixels, details = draw(
        tmp_path,
        "detail shot of the plan, natural light",
        line="Now, here is the strange part: nobody planned it that way.",
    )

    assert details["subjects"] == []
    assert details["titleCard"] == "Nobody planned it that way"
    # The card: a near-white panel across the middle of the frame.
    middle = pixels[300:420, 300:980]
    assert (middle.min(axis=2) > 230).mean() > 0.6


def test_words_whose_everyday_sense_is_not_their_emoji_draw_nothing(tmp_path: Path) -> None:
    for prompt in (
        "Here is the key point",
        "watch what happens next",
        "it was the star of the show",
    ):
        assert icon_index().find(prompt) == [], prompt


def test_a_character_keeps_its_icon_and_colour_in_every_shot(tmp_path: Path) -> None:
    _, first = draw(tmp_path, "Otto hides in a cave", references=(OTTO,), seed=1)
    _, second = draw(tmp_path, "Otto meets a crab", references=(OTTO,), seed=2)
    given = VisualRef(**{**OTTO.__dict__, "icon": "squid"})
    _, chosen = draw(tmp_path, "Otto meets a crab", references=(given,), seed=2)

    assert first["references"] == {"Otto": "octopus"}
    assert first["subjects"][0] == {"icon": "octopus", "label": "Otto", "entry": "Otto"}
    assert drawn(second) == ["octopus", "crab"]
    assert drawn(chosen) == ["squid", "crab"]  # the icon it was given wins over its description


def test_the_creators_subjects_replace_the_prompts(tmp_path: Path) -> None:
    _, details = draw(tmp_path, "an octopus in the sea", subjects=("whale", "dolphin"))

    assert drawn(details) == ["whale", "dolphin"]
    assert details["scene"] == "underwater"


def test_three_hearts_are_three(tmp_path: Path) -> None:
    _, details = draw(tmp_path, "why octopuses have three hearts")

    assert details["subjects"][0]["icon"] == "octopus"
    assert details["subjects"][1] == {"icon": "anatomical-heart", "label": "Hearts", "count": 3}


@pytest.mark.parametrize(("width", "height"), [(1280, 720), (1080, 1920), (1080, 1080)])
def test_a_picture_has_the_requested_size(tmp_path: Path, width: int, height: int) -> None:
    pixels, _ = draw(tmp_path, "a fox in the forest", width=width, height=height)

    assert pixels.shape == (height, width, 3)


def test_a_noir_style_has_no_colour_and_night_is_darker(tmp_path: Path) -> None:
    day, _ = draw(tmp_path, "a fox in the forest")
    noir, _ = draw(tmp_path, "a fox in the forest", style="film noir")
    night, _ = draw(tmp_path, "a fox in the forest at night")

    assert day.std(axis=2).mean() > 10
    assert noir.std(axis=2).mean() < 3
    assert night[:240].mean() < day[:240].mean() - 40


def test_a_caption_is_drawn_in_the_bottom_left_corner(tmp_path: Path) -> None:
    plain, _ = draw(tmp_path, "a fox in the forest", seed=3)
    captioned, _ = draw(tmp_path, "a fox in the forest", seed=3, caption="Shot 4: the fox")

    ys, xs = np.nonzero(np.any(plain != captioned, axis=2))
    assert ys.min() > 720 * 0.8
    assert xs.max() < 1280 * 0.5


def test_key_phrases_drop_the_narrators_openers() -> None:
    assert key_phrase("So, consider the tides.") == "The tides"
    assert key_phrase("Here is the key: the mechanism behind the tides.") == (
        "The mechanism behind the tides"
    )
    assert key_phrase("", "wide shot of a quiet harbour, natural light") == "A quiet harbour"


def test_search_finds_icons_by_name_keyword_and_synonym() -> None:
    index = icon_index()

    assert index.search("octopus")[0].name == "octopus"
    assert "spouting-whale" in [i.name for i in index.search("whale")]
    assert index.search("king")[0].name == "person-with-crown"
    assert index.search("zzzqqq") == []


def test_pictures_are_png_bytes_a_browser_can_open(tmp_path: Path) -> None:
    request = ImageRequest(prompt="a cat", width=320, height=180)
    media = IconPictures().generate(request, workdir=tmp_path)
    assert isinstance(media, MediaFile)
    Image.open(io.BytesIO(media.path.read_bytes())).verify()
