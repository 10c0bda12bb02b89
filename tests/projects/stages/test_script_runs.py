"""Script runs performed (in-process) with the offline writer: what the user then sees."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from accounts.models import User
from billing.models import CreditAccount
from projects.models import Run, Script
from projects.pipeline.runner import execute_run
from projects.stages.base import narration_pace
from tests.factories import ProjectFactory

pytestmark = pytest.mark.django_db


def _run(api: APIClient, url: str, body: dict[str, object] | None = None) -> Run:
    response = api.post(url, body or {}, format="json")
    assert response.status_code == 200, response.content
    run_id = response.json()["data"]["runId"]
    execute_run(run_id=run_id)
    return Run.objects.get(pk=run_id)


def test_a_whole_script_from_an_idea(api: APIClient, user: User) -> None:
    project = ProjectFactory(
        owner=user,
        idea="How the Voyager probes left the solar system",
        selected_title="The Longest Goodbye",
        target_seconds=90,
    )
    base = f"/api/projects/{project.pk}/script"

    outline = _run(api, f"{base}/outline")
    hook = _run(api, f"{base}/hook")
    narration = _run(api, f"{base}/chapters")
    analysis = _run(api, f"{base}/analyze")

    assert [r.status for r in (outline, hook, narration, analysis)] == ["succeeded"] * 4
    chapters = api.get(f"{base}/chapters").json()["data"]["results"]
    assert len(chapters) == 3
    assert all(c["narration"] and c["beats"] and not c["narrationStale"] for c in chapters)
    total_words = sum(c["words"] for c in chapters)
    budget = 90 * narration_pace() / 60  # 90 s at the configured voice's pace
    assert 0.65 * budget <= total_words <= 1.16 * budget  # the hook takes its share
    assert "?" in api.get(f"{base}/hook").json()["data"]["hook"]
    report = api.get(f"{base}/analyze").json()["data"]
    assert report["stale"] is False
    assert report["analysis"]["wordCount"] >= total_words
    assert report["analysis"]["hookStrength"] is None  # the placeholder judges nothing
    assert [c["chapterId"] for c in report["analysis"]["chapters"]] == [c["id"] for c in chapters]
    payload = api.get(f"/api/projects/{project.pk}").json()["data"]
    assert payload["status"] == "script"
    assert payload["completedStages"] == ["ideation", "script"]
    assert payload["creditsSpent"] == 1 + 1 + 2 + 1
    assert CreditAccount.objects.get(user=user).balance == 50 - 5


def test_regenerating_one_chapter_leaves_the_others(api: APIClient, user: User) -> None:
    project = ProjectFactory(owner=user, selected_title="Voyager", target_seconds=90)
    base = f"/api/projects/{project.pk}/script"
    _run(api, f"{base}/outline")
    _run(api, f"{base}/chapters")
    first, second, third = api.get(f"{base}/chapters").json()["data"]["results"]
    api.patch(f"{base}/chapters/{second['id']}", {"narration": "Hand written."}, format="json")
    api.patch(f"{base}/chapters/{first['id']}", {"title": "A new first chapter"}, format="json")

    _run(api, f"{base}/chapters", {"chapterId": first["id"]})

    after = {c["id"]: c for c in api.get(f"{base}/chapters").json()["data"]["results"]}
    assert after[first["id"]]["narrationStale"] is False
    assert after[second["id"]]["narration"] == "Hand written."
    assert after[third["id"]]["narration"] == third["narration"]


def test_a_new_outline_marks_the_hook_stale(api: APIClient, user: User) -> None:
    project = ProjectFactory(owner=user, selected_title="Voyager")
    base = f"/api/projects/{project.pk}/script"
    _run(api, f"{base}/outline")
    _run(api, f"{base}/hook")

    _run(api, f"{base}/outline", {"chapters": 4})

    assert Script.objects.get(project=project).hook_stale is True
    assert len(api.get(f"{base}/outline").json()["data"]["chapters"]) == 4
    assert api.get(f"/api/projects/{project.pk}").json()["data"]["stale"]["hook"] is True


def test_only_what_exists_is_marked_stale(api: APIClient, user: User) -> None:
    """A second outline before any hook or analysis was made leaves nothing to regenerate."""
    project = ProjectFactory(owner=user, selected_title="Voyager")
    base = f"/api/projects/{project.pk}/script"
    _run(api, f"{base}/outline")

    _run(api, f"{base}/outline", {"chapters": 3})

    stale = api.get(f"/api/projects/{project.pk}").json()["data"]["stale"]
    assert (stale["hook"], stale["analysis"]) == (False, False)


def test_a_cancelled_run_lands_nothing_and_is_refunded(api: APIClient, user: User) -> None:
    project = ProjectFactory(owner=user, selected_title="Voyager")
    response = api.post(f"/api/projects/{project.pk}/script/outline", {}, format="json")
    run_id = response.json()["data"]["runId"]
    api.post(f"/api/runs/{run_id}/cancel")

    execute_run(run_id=run_id)

    assert not project.chapters.exists()
    run = Run.objects.get(pk=run_id)
    assert (run.status, run.credits_refunded) == ("cancelled", 1)
    assert CreditAccount.objects.get(user=user).balance == 50
