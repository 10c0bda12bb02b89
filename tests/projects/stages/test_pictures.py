"""Shots drawn by the offline pictures: different prompts draw different pictures, a prompt edit
redraws, a bible entry keeps its icon in every shot, the creator swaps subjects, and the icon
search behind that."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from rest_framework.test import APIClient

from accounts.models import User
from projects.models import BibleEntry, Project, Shot, Stage
from tests.factories import ProjectFactory
from tests.vidflow.test_envelope import assert_error

from .bible_helpers import open_image, perform, post_run


def _project(user: User) -> Project:
    return ProjectFactory(
        owner=user,
        idea="Why octopuses have three hearts",
        selected_title="Three hearts",
        status=Stage.PRODUCTION,
    )


def _shot(project: Project, position: int, prompt: str, line: str = "") -> Shot:
    return Shot.objects.create(
        project=project,
        position=position,
        start=position * 2.0,
        end=position * 2.0 + 1.5,
        prompt=prompt,
        line=line,
    )


def _generate(api: APIClient, shot: Shot) -> dict[str, Any]:
    url = f"/api/projects/{shot.project_id}/timeline/shots/{shot.pk}/generate"
    assert perform(post_run(api, url)).status == "succeeded"
    return api.get(f"/api/projects/{shot.project_id}/timeline/shots/{shot.pk}").json()["data"]


def _pixels(api: APIClient, shot: dict[str, Any]) -> np.ndarray:
    return np.asarray(open_image(api, shot["imageUrl"]).convert("RGB")).astype(int)


def _icons(shot: dict[str, Any]) -> list[str]:
    return [s["icon"] for s in shot["subjects"]]


@pytest.mark.django_db
def test_different_prompts_draw_different_pictures_and_a_prompt_edit_redraws(
    api: APIClient, user: User
) -> None:
    project = _project(user)
    octopus = _generate(api, _shot(project, 0, "medium shot of octopuses, underwater"))
    lighthouse = _generate(api, _shot(project, 1, "a lighthouse on the cliff"))

    assert _icons(octopus) == ["octopus"]
    assert _icons(lighthouse) == ["lighthouse"]
    assert np.abs(_pixels(api, octopus) - _pixels(api, lighthouse)).mean() > 20

    edited = api.patch(
        f"/api/projects/{project.pk}/timeline/shots/{octopus['id']}",
        {"prompt": "close-up of a red crab on the sand"},
        format="json",
    ).json()["data"]
    assert edited["stale"] is True
    redrawn = _generate(api, Shot.objects.get(pk=octopus["id"]))

    assert _icons(redrawn) == ["crab"]
    assert redrawn["stale"] is False
    assert np.abs(_pixels(api, redrawn) - _pixels(api, octopus)).mean() > 10


@pytest.mark.django_db
def test_a_bible_entry_is_drawn_with_the_same_icon_in_every_shot(
    api: APIClient, user: User
) -> None:
    project = _project(user)
    otto = BibleEntry.objects.create(
        project=project,
        kind="character",
        name="Otto",
        description="a shy red octopus",
        traits={"color": "#e63946", "shape": "round"},
    )
    shots = [_shot(project, i, p) for i, p in enumerate(("Otto hides", "Otto meets a crab"))]
    for shot in shots:
        shot.characters.add(otto)

    drawn = [_generate(api, shot) for shot in shots]

    assert [s["subjects"][0] for s in drawn] == [
        {"icon": "octopus", "label": "Otto", "entry": "Otto"}
    ] * 2
    assert _icons(drawn[1]) == ["octopus", "crab"]
    otto.refresh_from_db()
    assert otto.traits["icon"] == "octopus"

    # The creator gives Otto another icon: the next picture of him draws it.
    response = api.patch(
        f"/api/projects/{project.pk}/visual-bible/characters/{otto.pk}",
        {"traits": {"icon": "squid"}},
        format="json",
    )
    assert response.status_code == 200
    assert response.json()["data"]["traits"]["icon"] == "squid"
    assert _icons(_generate(api, Shot.objects.get(pk=shots[0].pk))) == ["squid"]


@pytest.mark.django_db
def test_a_prompt_with_no_known_subject_gives_a_title_card(api: APIClient, user: User) -> None:
    project = _project(user)
    shot = _generate(
        api,
        _shot(project, 0, "detail shot, natural light", line="So the answer was never simple."),
    )

    assert shot["subjects"] == []
    assert shot["imageUrl"]
    middle = _pixels(api, shot)[300:420, 300:980]
    assert (middle.min(axis=2) > 230).mean() > 0.6  # the card


@pytest.mark.django_db
def test_the_creator_swaps_a_shots_subjects(api: APIClient, user: User) -> None:
    project = _project(user)
    shot = _generate(api, _shot(project, 0, "an octopus in the sea"))
    url = f"/api/projects/{project.pk}/timeline/shots/{shot['id']}"

    refused = api.patch(url, {"subjects": ["octopus", "no-such-icon"]}, format="json")
    assert "no-such-icon" in assert_error(refused, 400, "VALIDATION_ERROR")["message"]
    assert api.get(url).json()["data"]["chosenSubjects"] == []
    assert api.get(url).json()["data"]["stale"] is False

    chosen = api.patch(url, {"subjects": ["whale", "dolphin"]}, format="json").json()["data"]
    assert chosen["chosenSubjects"] == ["whale", "dolphin"]
    assert chosen["stale"] is True
    assert _icons(_generate(api, Shot.objects.get(pk=shot["id"]))) == ["whale", "dolphin"]

    # A new prompt says what to draw again.
    api.patch(url, {"prompt": "a crab on the beach"}, format="json")
    assert api.get(url).json()["data"]["chosenSubjects"] == []
    assert _icons(_generate(api, Shot.objects.get(pk=shot["id"]))) == ["crab"]


@pytest.mark.django_db
def test_the_icon_search(api: APIClient, anon_client: APIClient) -> None:
    found = api.get("/api/icons", {"q": "octopus"}).json()["data"]["results"]
    assert found[0]["name"] == "octopus"
    assert found[0]["label"] == "octopus"

    svg = api.get(found[0]["svgUrl"])
    assert svg.status_code == 200
    assert svg["Content-Type"] == "image/svg+xml"
    assert b"<svg" in svg.content

    assert_error(api.get("/api/icons"), 400, "VALIDATION_ERROR")
    assert_error(api.get("/api/icons/no-such-icon.svg"), 404, "NOT_FOUND")
    assert anon_client.get("/api/icons", {"q": "cat"}).status_code == 401


@pytest.mark.django_db
def test_a_stock_picture_records_its_credit_for_the_publish_description(
    api: APIClient, user: User, sim: Any, settings: Any
) -> None:
    settings.VIDFLOW_PROVIDERS = {**settings.VIDFLOW_PROVIDERS, "image": "pexels"}
    project = _project(user)
    photo = _generate(api, _shot(project, 0, "close-up of a red octopus"))
    fallback = _generate(api, _shot(project, 1, "x", line="The unfindable answer."))

    assert photo["credit"]["author"] == "Sim Photographer 1"
    assert photo["credit"]["library"] == "Pexels"
    assert fallback["credit"] == {}  # nothing found: the offline picture, no credit
    assert fallback["imageUrl"]
    description = api.get(f"/api/projects/{project.pk}/publish-context").json()["data"][
        "description"
    ]
    assert "Credits:\nPhoto by Sim Photographer 1 on Pexels: https://www.pexels.com/photo/" in (
        description
    )


@pytest.mark.django_db
def test_stock_footage_becomes_a_video_shot_and_its_credit_replaces_the_stills(
    api: APIClient, user: User, sim: Any, settings: Any
) -> None:
    settings.VIDFLOW_PROVIDERS = {**settings.VIDFLOW_PROVIDERS, "video": "pexels"}
    project = _project(user)
    footage = _shot(project, 0, "close-up of a red octopus")
    nothing = _shot(project, 1, "x", line="The unfindable answer.")
    Shot.objects.filter(pk__in=[footage.pk, nothing.pk]).update(kind="video")

    found, fallback = _generate(api, footage), _generate(api, nothing)

    assert found["videoUrl"]
    assert found["credit"]["text"].startswith("Video by Sim Videographer 1 on Pexels: ")
    assert not fallback["videoUrl"]  # nothing found: the still, animated; no credit
    assert fallback["animatedUrl"]
    assert fallback["credit"] == {}
    description = api.get(f"/api/projects/{project.pk}/publish-context").json()["data"][
        "description"
    ]
    assert "Video by Sim Videographer 1 on Pexels: https://www.pexels.com/video/" in description
