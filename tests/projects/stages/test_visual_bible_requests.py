"""Visual bible routes on the request side: preconditions, the up-front charge, entry CRUD,
selecting references, staleness and ownership."""

from __future__ import annotations

from typing import Any

import pytest
from rest_framework.test import APIClient

from accounts.models import User
from billing.models import CreditAccount, EntryKind, LedgerEntry
from projects.models import BibleEntry, BibleKind, Project, Run, Shot, Stage, Variation
from tests.factories import ChapterFactory, ProjectFactory, ShotFactory
from tests.vidflow.test_envelope import assert_error

pytestmark = pytest.mark.django_db


def _narrated(user: User, chapters: int = 2) -> Project:
    project = ProjectFactory(owner=user, selected_title="Voyager")
    for i in range(chapters):
        ChapterFactory(project=project, position=i, narration=f"Carl Sagan at JPL, part {i}.")
    return project


def _bible(project: Project) -> str:
    return f"/api/projects/{project.pk}/visual-bible"


def _entry(project: Project, kind: str = BibleKind.CHARACTER, name: str = "Carl") -> BibleEntry:
    return BibleEntry.objects.create(
        project=project, kind=kind, name=name, traits={"color": "#112233", "shape": "tall"}
    )


def _variation(entry: BibleEntry, prompt: str = "a look") -> Variation:
    return Variation.objects.create(entry=entry, prompt=prompt)


def _generated_shot(project: Project, position: int, **kwargs: Any) -> Shot:
    shot = ShotFactory(project=project, position=position, **kwargs)
    Shot.objects.filter(pk=shot.pk).update(state="ready")
    return shot


def _balance(user: User) -> int:
    return CreditAccount.objects.get(user=user).balance


# --- generating the bible -------------------------------------------------------------------


def test_generating_the_bible_needs_narration(api: APIClient, user: User) -> None:
    project = ProjectFactory(owner=user, selected_title="Voyager")
    ChapterFactory(project=project, position=0, narration="")

    response = api.post(f"{_bible(project)}/generate", {}, format="json")

    error = assert_error(response, 409, "INVALID_TRANSITION")
    assert error["message"].startswith("The visual bible needs narration")
    assert not Run.objects.exists()
    assert _balance(user) == 50


def test_generating_the_bible_with_no_chapters_at_all_says_narration_too(
    api: APIClient, user: User
) -> None:
    project = ProjectFactory(owner=user, selected_title="Voyager")

    response = api.post(f"{_bible(project)}/generate", {}, format="json")

    assert "needs narration" in assert_error(response, 409, "INVALID_TRANSITION")["message"]


def test_generating_the_bible_charges_every_slot_up_front_and_enters_the_stage(
    api: APIClient, user: User
) -> None:
    project = _narrated(user)

    response = api.post(f"{_bible(project)}/generate", {}, format="json")

    assert response.status_code == 200
    data = response.json()["data"]
    run = Run.objects.get(pk=data["runId"])
    assert (run.kind, run.status) == ("visual_bible.generate", "queued")
    assert run.params == {"maxCharacters": 4, "maxLocations": 3}
    assert data["run"]["creditsCharged"] == 7
    assert _balance(user) == 43
    parts = sorted(
        LedgerEntry.objects.filter(reference=run.pk).values_list("part", "amount", "kind")
    )
    assert parts == sorted(
        [(f"character:{i}", -1, EntryKind.CHARGE) for i in range(1, 5)]
        + [(f"location:{i}", -1, EntryKind.CHARGE) for i in range(1, 4)]
    )
    assert Project.objects.get(pk=project.pk).status == Stage.VISUAL_BIBLE


def test_a_request_may_lower_the_most_it_draws_and_so_its_charge(
    api: APIClient, user: User
) -> None:
    project = _narrated(user)

    response = api.post(
        f"{_bible(project)}/generate", {"maxCharacters": 2, "maxLocations": 0}, format="json"
    )

    assert response.json()["data"]["run"]["creditsCharged"] == 2
    run = Run.objects.get(pk=response.json()["data"]["runId"])
    assert run.params == {"maxCharacters": 2, "maxLocations": 0}


def test_the_bound_follows_the_settings(api: APIClient, user: User, settings: Any) -> None:
    settings.VISUAL_BIBLE_MAX_CHARACTERS = 2
    settings.VISUAL_BIBLE_MAX_LOCATIONS = 1
    settings.CREDIT_PRICES = {**settings.CREDIT_PRICES, "visual_bible.variation": 2}
    project = _narrated(user)

    response = api.post(f"{_bible(project)}/generate", {}, format="json")

    assert response.json()["data"]["run"]["creditsCharged"] == 6


def test_bible_limits_above_the_settings_or_nothing_to_draw_are_validation_errors(
    api: APIClient, user: User
) -> None:
    project = _narrated(user)
    url = f"{_bible(project)}/generate"

    too_many = api.post(url, {"maxCharacters": 9}, format="json")
    nothing = api.post(url, {"maxCharacters": 0, "maxLocations": 0}, format="json")
    unknown = api.post(url, {"characters": 2}, format="json")

    assert assert_error(too_many, 400, "VALIDATION_ERROR")["details"] == {
        "maxCharacters": ["At most 4."]
    }
    assert "Nothing to draw" in assert_error(nothing, 400, "VALIDATION_ERROR")["message"]
    assert "characters" in assert_error(unknown, 400, "VALIDATION_ERROR")["details"]
    assert not Run.objects.exists()


def test_out_of_credits_for_the_bound_is_402_and_records_nothing(
    api: APIClient, user: User
) -> None:
    project = _narrated(user)
    CreditAccount.objects.filter(user=user).update(balance=5)

    response = api.post(f"{_bible(project)}/generate", {}, format="json")

    error = assert_error(response, 402, "INSUFFICIENT_CREDITS")
    assert error["details"] == {"required": 7, "balance": 5}
    assert not Run.objects.exists()
    assert Project.objects.get(pk=project.pk).status == Stage.IDEATION


def test_a_second_bible_run_while_one_works_is_refused(api: APIClient, user: User) -> None:
    project = _narrated(user)
    api.post(f"{_bible(project)}/generate", {}, format="json")

    again = api.post(f"{_bible(project)}/generate", {}, format="json")

    assert "already being generated" in assert_error(again, 409, "INVALID_TRANSITION")["message"]
    assert Run.objects.count() == 1
    assert _balance(user) == 43


# --- entries --------------------------------------------------------------------------------


def test_create_a_character_with_a_default_look(api: APIClient, user: User) -> None:
    project = ProjectFactory(owner=user)

    response = api.post(
        f"{_bible(project)}/characters",
        {"name": "  Carl   Sagan ", "description": "astronomer in a tweed jacket"},
        format="json",
    )

    assert response.status_code == 201
    entry = response.json()["data"]
    assert entry["kind"] == "character"
    assert entry["name"] == "Carl Sagan"
    assert entry["traits"]["color"].startswith("#")
    assert len(entry["traits"]["color"]) == 7
    assert entry["traits"]["shape"] in ("round", "tall", "angular", "broad")
    assert (entry["selectedVariationId"], entry["variations"], entry["stale"]) == (None, [], False)


def test_entry_names_are_unique_per_kind_ignoring_case(api: APIClient, user: User) -> None:
    project = ProjectFactory(owner=user)
    _entry(project, name="JPL")

    same_kind = api.post(f"{_bible(project)}/characters", {"name": "jpl"}, format="json")
    other_kind = api.post(f"{_bible(project)}/locations", {"name": "JPL"}, format="json")

    assert (
        "already exists" in assert_error(same_kind, 400, "VALIDATION_ERROR")["details"]["name"][0]
    )
    assert other_kind.status_code == 201


def test_entry_validation_names_each_field(api: APIClient, user: User) -> None:
    project = ProjectFactory(owner=user)

    response = api.post(
        f"{_bible(project)}/locations",
        {"name": "", "traits": {"color": "red", "shape": "<svg>", "size": 3}},
        format="json",
    )

    details = assert_error(response, 400, "VALIDATION_ERROR")["details"]
    assert set(details) == {"name", "traits"}
    assert details["traits"] == {
        "color": ["A colour is #rrggbb (six hex digits)."],
        "shape": ["A shape is a word or two of letters (at most 32)."],
        "size": ["Unknown field."],
    }
    assert not BibleEntry.objects.exists()


def test_lists_show_one_kind_each(api: APIClient, user: User) -> None:
    project = ProjectFactory(owner=user)
    carl = _entry(project)
    _entry(project, BibleKind.LOCATION, "JPL")
    first = _variation(carl)
    carl.selected_variation = first
    carl.save()

    characters = api.get(f"{_bible(project)}/characters").json()["data"]["results"]
    locations = api.get(f"{_bible(project)}/locations").json()["data"]["results"]

    assert [e["name"] for e in characters] == ["Carl"]
    assert [e["name"] for e in locations] == ["JPL"]
    assert characters[0]["selectedVariationId"] == str(first.pk)
    assert characters[0]["variations"][0]["id"] == str(first.pk)
    assert characters[0]["variations"][0]["imageUrl"] is None  # nothing drawn yet


def test_a_location_route_does_not_find_a_character(api: APIClient, user: User) -> None:
    project = ProjectFactory(owner=user)
    carl = _entry(project)

    response = api.get(f"{_bible(project)}/locations/{carl.pk}")

    assert assert_error(response, 404, "NOT_FOUND")["message"] == "Location not found."


def test_editing_the_look_marks_the_shots_showing_the_entry_stale(
    api: APIClient, user: User
) -> None:
    project = ProjectFactory(owner=user)
    carl = _entry(project)
    jpl = _entry(project, BibleKind.LOCATION, "JPL")
    BibleEntry.objects.filter(pk=carl.pk).update(stale=True)
    with_carl = _generated_shot(project, 0)
    with_carl.characters.add(carl)
    at_jpl = _generated_shot(project, 1, location=jpl)
    _generated_shot(project, 2)

    response = api.patch(
        f"{_bible(project)}/characters/{carl.pk}",
        {"description": "older now, grey hair", "traits": {"color": "#AA0000"}},
        format="json",
    )

    entry = response.json()["data"]
    assert entry["description"] == "older now, grey hair"
    assert entry["traits"] == {"color": "#aa0000", "shape": "tall"}
    assert entry["stale"] is False
    payload = api.get(f"/api/projects/{project.pk}").json()["data"]
    assert payload["stale"]["shots"] == [str(with_carl.pk)]
    assert payload["stale"]["render"] is False  # no render yet, nothing to mark
    assert str(at_jpl.pk) not in payload["stale"]["shots"]


def test_renaming_alone_leaves_the_shots_as_they_are(api: APIClient, user: User) -> None:
    project = ProjectFactory(owner=user)
    carl = _entry(project)
    shot = _generated_shot(project, 0)
    shot.characters.add(carl)

    response = api.patch(f"{_bible(project)}/characters/{carl.pk}", {"name": "Dr Sagan"})

    assert response.json()["data"]["name"] == "Dr Sagan"
    assert api.get(f"/api/projects/{project.pk}").json()["data"]["stale"]["shots"] == []


def test_deleting_an_entry_marks_its_shots_stale(api: APIClient, user: User) -> None:
    project = ProjectFactory(owner=user)
    jpl = _entry(project, BibleKind.LOCATION, "JPL")
    _variation(jpl)
    shot = _generated_shot(project, 0, location=jpl)

    response = api.delete(f"{_bible(project)}/locations/{jpl.pk}")

    assert response.json()["data"] == {"id": str(jpl.pk), "deleted": True}
    assert not BibleEntry.objects.filter(pk=jpl.pk).exists()
    assert not Variation.objects.exists()
    assert Shot.objects.get(pk=shot.pk).stale is True


# --- variations -----------------------------------------------------------------------------


def test_generating_a_variation_charges_one_part(api: APIClient, user: User) -> None:
    project = ProjectFactory(owner=user)
    jpl = _entry(project, BibleKind.LOCATION, "JPL")

    response = api.post(f"{_bible(project)}/locations/{jpl.pk}/variations/generate")

    data = response.json()["data"]
    run = Run.objects.get(pk=data["runId"])
    assert (run.kind, data["run"]["creditsCharged"]) == ("visual_bible.variation", 1)
    assert run.params["plan"] == [{"entry": str(jpl.pk), "part": "variation", "name": "JPL"}]
    assert list(LedgerEntry.objects.filter(reference=run.pk).values_list("part", flat=True)) == [
        "variation"
    ]
    assert _balance(user) == 49


def test_a_variation_of_an_unknown_entry_is_404_and_free(api: APIClient, user: User) -> None:
    project = ProjectFactory(owner=user)
    carl = _entry(project)

    response = api.post(f"{_bible(project)}/locations/{carl.pk}/variations/generate")

    assert_error(response, 404, "NOT_FOUND")
    assert _balance(user) == 50


def test_selecting_a_variation_sets_the_reference_and_stales_the_shots_showing_it(
    api: APIClient, user: User
) -> None:
    project = ProjectFactory(owner=user)
    carl = _entry(project)
    first, second = _variation(carl, "first"), _variation(carl, "second")
    carl.selected_variation = first
    carl.save()
    shot = _generated_shot(project, 0)
    shot.characters.add(carl)
    planned = ShotFactory(project=project, position=1)
    planned.characters.add(carl)

    response = api.post(
        f"{_bible(project)}/characters/{carl.pk}/variations/{second.pk}/select", format="json"
    )

    assert response.json()["data"]["selectedVariationId"] == str(second.pk)
    payload = api.get(f"/api/projects/{project.pk}").json()["data"]
    assert payload["selected"]["characters"][0]["variationId"] == str(second.pk)
    assert payload["stale"]["shots"] == [str(shot.pk)]  # a planned shot has nothing to redo


def test_selecting_the_current_reference_again_changes_nothing(api: APIClient, user: User) -> None:
    project = ProjectFactory(owner=user)
    carl = _entry(project)
    first = _variation(carl)
    carl.selected_variation = first
    carl.save()
    shot = _generated_shot(project, 0)
    shot.characters.add(carl)

    api.post(f"{_bible(project)}/characters/{carl.pk}/variations/{first.pk}/select")

    assert Shot.objects.get(pk=shot.pk).stale is False


def test_selecting_another_entrys_variation_is_404(api: APIClient, user: User) -> None:
    project = ProjectFactory(owner=user)
    carl, ann = _entry(project), _entry(project, name="Ann")
    hers = _variation(ann)

    response = api.post(f"{_bible(project)}/characters/{carl.pk}/variations/{hers.pk}/select")

    assert assert_error(response, 404, "NOT_FOUND")["message"] == "Variation not found."
    assert BibleEntry.objects.get(pk=carl.pk).selected_variation_id is None


# --- ownership ------------------------------------------------------------------------------


def test_every_bible_route_of_another_users_project_is_404(
    api: APIClient, user: User, other_user: User
) -> None:
    theirs = _narrated(other_user)
    carl = _entry(theirs)
    jpl = _entry(theirs, BibleKind.LOCATION, "JPL")
    variation = _variation(carl)
    base = _bible(theirs)
    routes: list[tuple[str, str, dict[str, Any]]] = [
        ("post", f"{base}/generate", {}),
        ("get", f"{base}/characters", {}),
        ("post", f"{base}/characters", {"name": "Mine now"}),
        ("get", f"{base}/characters/{carl.pk}", {}),
        ("patch", f"{base}/characters/{carl.pk}", {"name": "Mine now"}),
        ("delete", f"{base}/characters/{carl.pk}", {}),
        ("post", f"{base}/characters/{carl.pk}/variations/generate", {}),
        ("post", f"{base}/characters/{carl.pk}/variations/{variation.pk}/select", {}),
        ("get", f"{base}/locations", {}),
        ("post", f"{base}/locations", {"name": "Mine now"}),
        ("get", f"{base}/locations/{jpl.pk}", {}),
        ("patch", f"{base}/locations/{jpl.pk}", {"description": "mine"}),
        ("delete", f"{base}/locations/{jpl.pk}", {}),
        ("post", f"{base}/locations/{jpl.pk}/variations/generate", {}),
    ]

    for method, url, body in routes:
        assert_error(getattr(api, method)(url, body, format="json"), 404, "NOT_FOUND")
    assert BibleEntry.objects.filter(project=theirs).count() == 2
    assert BibleEntry.objects.get(pk=carl.pk).name == "Carl"
    assert not Run.objects.exists()
    assert _balance(user) == 50


def test_another_users_entry_under_my_project_is_404(
    api: APIClient, user: User, other_user: User
) -> None:
    mine = ProjectFactory(owner=user)
    carl = _entry(_narrated(other_user))
    base = _bible(mine)

    for method, url, body in [
        ("get", f"{base}/characters/{carl.pk}", {"name": "x"}),
        ("patch", f"{base}/characters/{carl.pk}", {"name": "x"}),
        ("delete", f"{base}/characters/{carl.pk}", {"name": "x"}),
        # takes no body (a field would be a 400 for any entry, whoever's it is)
        ("post", f"{base}/characters/{carl.pk}/variations/generate", {}),
    ]:
        assert_error(getattr(api, method)(url, body, format="json"), 404, "NOT_FOUND")
    assert BibleEntry.objects.filter(pk=carl.pk).exists()
    assert _balance(user) == 50
