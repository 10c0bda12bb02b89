"""GET /api/projects/{id}/quote and GET /api/prices: prices before the click (issue 14 §2)."""

from __future__ import annotations

import math
from typing import Any

import pytest
from django.conf import settings
from django.db import transaction
from rest_framework.test import APIClient

from accounts.models import User
from billing.prices import UNITS
from billing.services import credits_adjust
from projects.models import Music, Project, Render, Script, ShotKind, ShotState, Stage, Voiceover
from projects.quote import project_quote
from projects.services import shot_charge_parts
from projects.stages.base import narration_pace
from projects.stages.script.services import outline_generate
from projects.stages.voiceover.services import voiceover_generate
from tests.factories import ChapterFactory, ProjectFactory, ShotFactory
from tests.vidflow.test_envelope import assert_error

pytestmark = pytest.mark.django_db
P = settings.CREDIT_PRICES


def _quote(api: APIClient, project: Project, query: str = "") -> dict[str, Any]:
    answer = api.get(f"/api/projects/{project.pk}/quote{query}")
    assert answer.status_code == 200, answer.content
    return answer.json()["data"]


def _by_action(quote: dict[str, Any]) -> dict[str, int]:
    return {s["action"]: s["credits"] for s in quote["steps"]}


def _produced(user: User, *, target: int = 60) -> Project:
    """A project with narration, a voiceover, music, three generated shots and a render."""
    project = ProjectFactory(owner=user, selected_title="Voyager", target_seconds=target)
    Project.objects.filter(pk=project.pk).update(status=Stage.PRODUCTION)
    Script.objects.create(project=project, hook="Two probes. One long way out.")
    for n in range(3):
        ChapterFactory(project=project, position=n)
    Voiceover.objects.create(
        project=project, voice_id="v", duration=15.0, words=[{"word": "In", "start": 0, "end": 1}]
    )
    Music.objects.create(project=project, mood="calm", audio="m.wav", duration=17)
    for n in range(3):
        ShotFactory(project=project, position=n, state=ShotState.READY, image="i.png")
    Render.objects.create(project=project, video="final.mp4", duration=15)
    return project


def test_prices_list_every_billable_action_with_its_unit(api: APIClient) -> None:
    data = api.get("/api/prices").json()["data"]

    listed = {p["action"]: p for p in data["prices"]}
    assert {a: p["credits"] for a, p in listed.items()} == P
    assert listed["voiceover.minute"]["unit"] == "started minute"
    assert listed["shot.image"]["unit"] == "shot"
    assert set(P) <= set(UNITS)  # every price says what it is charged per
    assert data["signupCredits"] == settings.SIGNUP_CREDITS


def test_prices_need_a_sign_in(anon_client: APIClient) -> None:
    assert_error(anon_client.get("/api/prices"), 401, "UNAUTHENTICATED")


def test_a_new_project_is_quoted_all_the_way_to_final_mp4(api: APIClient, user: User) -> None:
    project = ProjectFactory(owner=user, selected_title="Voyager", target_seconds=60)

    quote = _quote(api, project)

    assert [s["step"] for s in quote["steps"]] == [
        "outline",
        "hook",
        "chapters",
        "visual_bible",
        "voiceover",
        "music",
        "shots",
        "shots",
        "render",
    ]
    slots = settings.VISUAL_BIBLE_MAX_CHARACTERS + settings.VISUAL_BIBLE_MAX_LOCATIONS
    shots = math.ceil(60 / 5)
    expected = (
        P["script.outline"]
        + P["script.hook"]
        + P["script.chapters"]
        + P["visual_bible.variation"] * slots
        + P["voiceover.minute"] * 1
        + P["music"]
        + (P["shot.image"] + P["shot.video"]) * shots
        + P["render"]
    )
    assert quote["total"] == sum(s["credits"] for s in quote["steps"]) == expected
    assert quote["estimate"] is True
    assert (quote["balance"], quote["covered"]) == (50, expected <= 50)
    assert (
        _quote(api, project, "?music=false&visualBible=0")["total"]
        == expected - P["music"] - P["visual_bible.variation"] * slots
    )


def test_the_quote_says_when_the_balance_falls_short(
    api: APIClient, user: User, django_user_model: Any
) -> None:
    project = ProjectFactory(owner=user, selected_title="Voyager")
    staff = django_user_model.objects.create_superuser("boss", "b@example.com", "pw pw pw 1")
    credits_adjust(user=user, amount=-36, reason="spent elsewhere", actor=staff)

    quote = _quote(api, project)

    assert quote["balance"] == 14
    assert quote["covered"] is False
    assert quote["shortfall"] == quote["total"] - 14


def test_an_up_to_date_project_costs_nothing(api: APIClient, user: User) -> None:
    quote = _quote(api, _produced(user))

    assert (quote["steps"], quote["total"], quote["upToDate"]) == ([], 0, True)


def test_a_stale_update_is_quoted_at_what_generate_all_and_render_charge(
    api: APIClient, user: User
) -> None:
    project = _produced(user)
    shots = list(project.shots.order_by("position"))
    project.shots.filter(pk=shots[0].pk).update(stale=True)
    project.shots.filter(pk=shots[1].pk).update(state=ShotState.FAILED, kind=ShotKind.TALKING_HEAD)
    Render.objects.filter(project=project).update(stale=True)

    quote = _quote(api, project)

    to_redo = [s for s in project.shots.order_by("position") if s.pk != shots[2].pk]
    charged = sum(part.amount for shot in to_redo for part in shot_charge_parts(shot))
    assert _by_action(quote) == {
        "shot.image": 2 * P["shot.image"],
        "shot.video": P["shot.video"],
        "shot.talking_head": P["shot.talking_head"],
        "render": P["render"],
    }
    assert quote["total"] == charged + P["render"]
    assert quote["estimate"] is False


def test_a_rewritten_chapter_quotes_the_voiceover_at_its_charge(api: APIClient, user: User) -> None:
    project = _produced(user)
    chapter = project.chapters.order_by("position").last()
    assert chapter is not None
    chapter.narration = " ".join(["word"] * (narration_pace() + 10))  # over a minute now
    chapter.save()
    Voiceover.objects.filter(project=project).update(stale=True)

    quote = _quote(api, project)
    with transaction.atomic():
        run = voiceover_generate(project_id=project.pk, actor=user)

    assert _by_action(quote)["voiceover.minute"] == run.credits_charged == 2 * P["voiceover.minute"]


def test_the_outline_is_quoted_at_its_charge(api: APIClient, user: User) -> None:
    project = ProjectFactory(owner=user, selected_title="Voyager")
    quoted = _by_action(project_quote(project=project))["script.outline"]

    with transaction.atomic():
        run = outline_generate(project_id=project.pk, actor=user)

    assert run.credits_charged == quoted


def test_another_users_project_has_no_quote(api: APIClient, other_user: User) -> None:
    project = ProjectFactory(owner=other_user)

    assert_error(api.get(f"/api/projects/{project.pk}/quote"), 404, "NOT_FOUND")


def test_a_bad_flag_is_a_400(api: APIClient, user: User) -> None:
    project = ProjectFactory(owner=user)

    assert_error(api.get(f"/api/projects/{project.pk}/quote?music=maybe"), 400, "VALIDATION_ERROR")
