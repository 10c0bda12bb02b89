"""Script routes on the request side: preconditions, charges, edits and staleness."""

from __future__ import annotations

from typing import Any

import pytest
from rest_framework.test import APIClient

from accounts.models import User
from billing.models import CreditAccount, EntryKind, LedgerEntry
from projects.models import Chapter, Project, Run, Script, Shot, Stage, Voiceover
from tests.factories import ChapterFactory, ProjectFactory
from tests.vidflow.test_envelope import assert_error

pytestmark = pytest.mark.django_db


def _scripted(user: User) -> Project:
    project = ProjectFactory(owner=user, selected_title="Voyager")
    for i in range(2):
        ChapterFactory(project=project, position=i, narration=f"Chapter {i} narration.")
    return project


def test_outline_needs_a_selected_title(api: APIClient, user: User) -> None:
    project = ProjectFactory(owner=user)

    response = api.post(f"/api/projects/{project.pk}/script/outline", {}, format="json")

    error = assert_error(response, 409, "INVALID_TRANSITION")
    assert "selected title" in error["message"]
    assert not Run.objects.exists()
    assert CreditAccount.objects.get(user=user).balance == 50


def test_outline_charges_records_a_run_and_enters_the_script_stage(
    api: APIClient, user: User
) -> None:
    project = ProjectFactory(owner=user, selected_title="Voyager", target_seconds=90)

    response = api.post(f"/api/projects/{project.pk}/script/outline", {}, format="json")

    assert response.status_code == 200
    data = response.json()["data"]
    run = Run.objects.get(pk=data["runId"])
    assert (run.kind, run.status, run.params) == ("script.outline", "queued", {"chapters": 3})
    assert data["run"]["creditsCharged"] == 1
    assert Project.objects.get(pk=project.pk).status == Stage.SCRIPT
    charge = LedgerEntry.objects.get(reference=run.pk)
    assert (charge.kind, charge.amount, charge.part) == (EntryKind.CHARGE, -1, "outline")


def test_outline_over_narrated_chapters_needs_replace(api: APIClient, user: User) -> None:
    project = _scripted(user)
    url = f"/api/projects/{project.pk}/script/outline"

    refused = api.post(url, {}, format="json")
    accepted = api.post(url, {"replace": True}, format="json")

    assert "replace" in assert_error(refused, 409, "INVALID_TRANSITION")["message"]
    assert accepted.status_code == 200


def test_out_of_credits_is_402_and_leaves_nothing(api: APIClient, user: User) -> None:
    project = ProjectFactory(owner=user, selected_title="Voyager")
    CreditAccount.objects.filter(user=user).update(balance=0)

    response = api.post(f"/api/projects/{project.pk}/script/outline", {}, format="json")

    error = assert_error(response, 402, "INSUFFICIENT_CREDITS")
    assert error["details"] == {"required": 1, "balance": 0}
    assert not Run.objects.exists()


def test_hook_and_narration_need_an_outline(api: APIClient, user: User) -> None:
    project = ProjectFactory(owner=user, selected_title="Voyager")

    hook = api.post(f"/api/projects/{project.pk}/script/hook", {}, format="json")
    chapters = api.post(f"/api/projects/{project.pk}/script/chapters", {}, format="json")
    analysis = api.post(f"/api/projects/{project.pk}/script/analyze", {}, format="json")

    assert "outline" in assert_error(hook, 409, "INVALID_TRANSITION")["message"]
    assert "outline" in assert_error(chapters, 409, "INVALID_TRANSITION")["message"]
    assert "narrat" in assert_error(analysis, 409, "INVALID_TRANSITION")["message"]


def test_one_chapter_costs_less_than_all(api: APIClient, user: User) -> None:
    project = _scripted(user)
    first = project.chapters.first()
    assert first is not None

    one = api.post(
        f"/api/projects/{project.pk}/script/chapters", {"chapterId": str(first.pk)}, format="json"
    ).json()["data"]
    every = api.post(f"/api/projects/{project.pk}/script/chapters", {}, format="json").json()[
        "data"
    ]

    assert (one["run"]["creditsCharged"], every["run"]["creditsCharged"]) == (1, 2)
    assert Run.objects.get(pk=one["runId"]).params == {"chapters": [str(first.pk)]}


def test_editing_narration_marks_voiceover_and_covering_shots_stale(
    api: APIClient, user: User
) -> None:
    project = _scripted(user)
    first, second = project.chapters.all()
    Voiceover.objects.create(
        project=project,
        voice_id="joe",
        words=[{"word": "x", "start": 0, "end": 1}],
        chapter_spans=[
            {"chapterId": str(first.pk), "start": 0.0, "end": 10.0},
            {"chapterId": str(second.pk), "start": 10.0, "end": 20.0},
        ],
    )
    in_first = Shot.objects.create(project=project, position=0, start=0, end=5)
    in_second = Shot.objects.create(project=project, position=1, start=12, end=16)
    Shot.objects.filter(pk__in=[in_first.pk, in_second.pk]).update(state="ready")

    response = api.patch(
        f"/api/projects/{project.pk}/script/chapters/{second.pk}",
        {"narration": "A new ending."},
        format="json",
    )

    assert response.status_code == 200
    assert response.json()["data"]["words"] == 3
    payload = api.get(f"/api/projects/{project.pk}").json()["data"]
    assert payload["stale"]["voiceover"] is True
    assert payload["stale"]["shots"] == [str(in_second.pk)]


def test_editing_a_chapter_title_marks_its_narration_stale(api: APIClient, user: User) -> None:
    project = _scripted(user)
    chapter = project.chapters.first()
    assert chapter is not None

    api.patch(
        f"/api/projects/{project.pk}/script/chapters/{chapter.pk}",
        {"title": "A different angle"},
        format="json",
    )

    assert Chapter.objects.get(pk=chapter.pk).narration_stale is True
    payload = api.get(f"/api/projects/{project.pk}").json()["data"]
    assert payload["stale"]["chapters"] == [str(chapter.pk)]


def test_hook_edit_is_stored(api: APIClient, user: User) -> None:
    project = _scripted(user)

    response = api.patch(
        f"/api/projects/{project.pk}/script/hook", {"hook": "What if it never ends?"}, format="json"
    )

    assert response.json()["data"] == {
        "hook": "What if it never ends?",
        "stale": False,
        "writtenBy": "user",  # the creator's now, no longer placeholder text
    }
    assert Script.objects.get(project=project).hook == "What if it never ends?"


def test_other_users_script_routes_are_404(api: APIClient, other_user: User) -> None:
    project = _scripted(other_user)
    chapter = project.chapters.first()
    assert chapter is not None
    base = f"/api/projects/{project.pk}/script"

    for method, url in [
        ("get", f"{base}/outline"),
        ("post", f"{base}/outline"),
        ("post", f"{base}/chapters"),
        ("patch", f"{base}/chapters/{chapter.pk}"),
        ("patch", f"{base}/hook"),
    ]:
        body: Any = {"narration": "x"} if "chapters/" in url else {"hook": "x"}
        assert_error(getattr(api, method)(url, body, format="json"), 404, "NOT_FOUND")
    assert Chapter.objects.get(pk=chapter.pk).narration == "Chapter 0 narration."
