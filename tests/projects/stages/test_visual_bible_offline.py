"""The visual bible drawn offline (Pillow images at the project's size), run in-process: the
entries, pictures and references a user then sees, and what the run cost."""

from __future__ import annotations

from typing import Any

import pytest
from rest_framework.test import APIClient

from accounts.models import User
from billing.models import CreditAccount, EntryKind, LedgerEntry
from projects.models import BibleEntry, Project, Stage

from .bible_helpers import (
    SCRIPT_CREDITS,
    bible,
    narrated_project,
    open_image,
    perform,
    post_run,
    result_of,
)

pytest.importorskip("vendors.offline.image", reason="the offline image provider is not merged yet")

pytestmark = pytest.mark.django_db


def _generate(api: APIClient, project: Project, **body: Any) -> Any:
    return perform(post_run(api, f"/api/projects/{project.pk}/visual-bible/generate", body))


def _balance(user: User) -> int:
    return CreditAccount.objects.get(user=user).balance


@pytest.mark.parametrize(("aspect", "size"), [("16:9", (1280, 720)), ("9:16", (720, 1280))])
def test_the_bible_is_extracted_drawn_at_the_projects_size_and_selected(
    api: APIClient, user: User, aspect: str, size: tuple[int, int]
) -> None:
    project = narrated_project(api, user, aspect_ratio=aspect)

    run = _generate(api, project)

    assert run.status == "succeeded"
    assert (run.credits_charged, run.credits_refunded) == (7, 5)  # 2 of 7 slots drawn
    refunded = LedgerEntry.objects.filter(reference=run.pk, kind=EntryKind.REFUND)
    assert sorted(refunded.values_list("part", flat=True)) == [
        "character:2",
        "character:3",
        "character:4",
        "location:2",
        "location:3",
    ]
    entries = bible(api, project)
    (mara,), (island,) = entries["characters"], entries["locations"]
    assert (mara["name"], island["name"]) == ("Mara Quinn", "Stormy island")
    for entry in (mara, island):
        (variation,) = entry["variations"]
        assert entry["selectedVariationId"] == variation["id"]
        assert entry["name"] in variation["prompt"]
        assert open_image(api, variation["imageUrl"]).size == size
    payload = api.get(f"/api/projects/{project.pk}").json()["data"]
    assert payload["status"] == Stage.VISUAL_BIBLE
    assert "visual_bible" in payload["completedStages"]
    assert payload["selected"]["characters"][0]["variationId"] == mara["selectedVariationId"]
    assert payload["creditsSpent"] == SCRIPT_CREDITS + 2
    assert _balance(user) == 50 - SCRIPT_CREDITS - 2


def test_the_same_entry_is_drawn_in_its_own_colour_every_time(api: APIClient, user: User) -> None:
    project = narrated_project(api, user)
    _generate(api, project)
    mara = BibleEntry.objects.get(project=project, name="Mara Quinn")
    url = f"/api/projects/{project.pk}/visual-bible/characters/{mara.pk}"
    api.patch(url, {"traits": {"color": "#ff0000"}}, format="json")

    run = perform(post_run(api, f"{url}/variations/generate"))

    assert (run.status, run.credits_charged, run.credits_refunded) == ("succeeded", 1, 0)
    first, second = api.get(url).json()["data"]["variations"]
    red = open_image(api, second["imageUrl"]).convert("RGB")
    reds = sum(1 for r, g, b in red.get_flattened_data() if r > 200 and g < 60 and b < 60)
    assert reds > 0.01 * red.width * red.height  # the entry's colour is in its picture
    assert api.get(url).json()["data"]["selectedVariationId"] == first["id"]  # not replaced


def test_the_users_own_entries_are_kept_and_drawn_first(api: APIClient, user: User) -> None:
    project = narrated_project(api, user)
    base = f"/api/projects/{project.pk}/visual-bible"
    api.post(
        f"{base}/characters", {"name": "mara quinn", "description": "my own words"}, format="json"
    )
    api.post(
        f"{base}/characters", {"name": "Scout", "description": "the keeper's dog"}, format="json"
    )

    run = _generate(api, project)

    characters = bible(api, project)["characters"]
    assert [c["name"] for c in characters] == ["mara quinn", "Scout"]  # no second Mara
    assert characters[0]["description"] == "my own words"
    assert all(c["selectedVariationId"] for c in characters)
    assert (run.status, run.credits_refunded) == ("succeeded", 7 - 3)
    assert result_of(run)["created"] == 1  # only the island was new


def test_names_beyond_the_limit_are_reported_not_created(api: APIClient, user: User) -> None:
    project = narrated_project(api, user)
    api.post(
        f"/api/projects/{project.pk}/visual-bible/characters", {"name": "Scout"}, format="json"
    )

    run = _generate(api, project, maxCharacters=1, maxLocations=1)

    assert [c["name"] for c in bible(api, project)["characters"]] == ["Scout"]
    assert result_of(run)["skipped"] == ["Mara Quinn"]
    assert (run.credits_charged, run.credits_refunded) == (2, 0)


def test_generating_a_complete_bible_again_draws_nothing_and_refunds_all(
    api: APIClient, user: User
) -> None:
    project = narrated_project(api, user)
    _generate(api, project)
    BibleEntry.objects.filter(project=project).update(stale=True)  # the script changed since

    again = _generate(api, project)

    assert (again.status, result_of(again)["drawn"], again.credits_refunded) == ("succeeded", 0, 7)
    assert BibleEntry.objects.filter(project=project).count() == 2
    assert not BibleEntry.objects.filter(project=project, stale=True).exists()  # confirmed
    assert _balance(user) == 50 - SCRIPT_CREDITS - 2


def test_a_first_variation_becomes_the_reference(api: APIClient, user: User) -> None:
    project = narrated_project(api, user)
    created = api.post(
        f"/api/projects/{project.pk}/visual-bible/locations",
        {"name": "Harbour", "traits": {"color": "#2a9d8f", "shape": "wide"}},
        format="json",
    ).json()["data"]
    url = f"/api/projects/{project.pk}/visual-bible/locations/{created['id']}"

    run = perform(post_run(api, f"{url}/variations/generate"))

    entry = api.get(url).json()["data"]
    (variation,) = entry["variations"]
    assert entry["selectedVariationId"] == variation["id"]
    assert result_of(run)["entries"] == [
        {"entryId": created["id"], "name": "Harbour", "variationId": variation["id"]}
    ]
    assert open_image(api, variation["imageUrl"]).size == (1280, 720)
