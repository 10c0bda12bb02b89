"""Ideation routes that call their provider while the request waits: title ideas from the
offline writer, outlier search through the YouTube adapter against the vendor simulator."""

from __future__ import annotations

from typing import Any

import pytest
from rest_framework.test import APIClient

from accounts.models import User
from billing.models import CreditAccount
from projects.models import OutlierVideo, Project, TitleIdea
from projects.services import project_hide
from projects.stages.ideation.services import MAX_TITLE_IDEAS
from tests.factories import ChannelFactory, ProjectFactory
from tests.vidflow.test_envelope import assert_error
from vendors.simulator import Simulator

pytestmark = pytest.mark.django_db


def _titles(project: Project) -> str:
    return f"/api/projects/{project.pk}/titles"


# --- title ideas (offline writer) -----------------------------------------------------------


def test_title_ideas_are_suggested_for_free_and_answered_at_once(
    api: APIClient, user: User
) -> None:
    project = ProjectFactory(owner=user, channel=ChannelFactory(owner=user))

    response = api.post(_titles(project), {"count": 4}, format="json")

    assert response.status_code == 201
    ideas = response.json()["data"]["results"]
    assert len(ideas) == 4
    assert len({i["text"].casefold() for i in ideas}) == 4
    for idea in ideas:
        assert 0 < len(idea["text"]) <= 200
        assert 0 <= idea["score"] <= 1
        assert (idea["source"], idea["selected"]) == ("generated", False)
    listed = api.get(_titles(project)).json()["data"]["results"]
    assert [i["id"] for i in listed] == [i["id"] for i in ideas]
    payload = api.get(f"/api/projects/{project.pk}").json()["data"]
    assert (payload["counts"]["titleIdeas"], payload["creditsSpent"]) == (4, 0)
    assert CreditAccount.objects.get(user=user).balance == 50


def test_asking_again_adds_new_ideas_never_repeats(api: APIClient, user: User) -> None:
    project = ProjectFactory(owner=user)

    first = api.post(_titles(project), {"count": 5}, format="json").json()["data"]["results"]
    second = api.post(_titles(project), {"count": 5}, format="json").json()["data"]["results"]

    texts = [i["text"].casefold() for i in first + second]
    assert len(second) > 0
    assert len(texts) == len(set(texts))
    assert TitleIdea.objects.filter(project=project).count() == len(texts)


def test_a_suggested_title_can_be_picked_to_start_the_script(api: APIClient, user: User) -> None:
    project = ProjectFactory(owner=user)
    idea = api.post(_titles(project), {"count": 1}, format="json").json()["data"]["results"][0]

    api.post(f"{_titles(project)}/{idea['id']}/select")
    outline = api.post(f"/api/projects/{project.pk}/script/outline", {}, format="json")

    assert outline.status_code == 200
    assert Project.objects.get(pk=project.pk).selected_title == idea["text"]


def test_title_ideas_are_bounded_per_project(api: APIClient, user: User) -> None:
    project = ProjectFactory(owner=user)
    TitleIdea.objects.bulk_create(
        TitleIdea(project=project, text=f"Idea {i}") for i in range(MAX_TITLE_IDEAS - 2)
    )

    response = api.post(_titles(project), {"count": 3}, format="json")

    assert "delete some" in assert_error(response, 409, "INVALID_TRANSITION")["message"]
    assert TitleIdea.objects.filter(project=project).count() == MAX_TITLE_IDEAS - 2


def test_a_hidden_project_gets_no_suggestions(api: APIClient, user: User) -> None:
    project = ProjectFactory(owner=user)
    project_hide(project_id=project.pk, actor=user, reason="spam")

    response = api.post(_titles(project), {"count": 2}, format="json")

    assert_error(response, 403, "FORBIDDEN")
    assert not TitleIdea.objects.exists()


# --- outlier search (YouTube through the simulator) -----------------------------------------


@pytest.fixture
def youtube(sim: Simulator, settings: Any) -> Simulator:
    settings.VIDFLOW_PROVIDERS = {**settings.VIDFLOW_PROVIDERS, "research": "youtube"}
    return sim


def _search(api: APIClient, project: Project, **body: Any) -> Any:
    return api.post(
        f"/api/projects/{project.pk}/outlier-videos/search",
        {"query": "space probes", **body},
        format="json",
    )


def test_search_stores_the_best_outliers_with_their_scores(
    api: APIClient, user: User, youtube: Simulator
) -> None:
    project = ProjectFactory(owner=user)

    response = _search(api, project, limit=2)

    assert response.status_code == 201
    data = response.json()["data"]
    assert data["found"] == 2
    assert [(v["videoId"], v["views"], v["channelMedianViews"]) for v in data["added"]] == [
        ("alpha09", 50000, 1010),
        ("beta05", 150000, 102500),
    ]
    assert data["added"][0]["outlierScore"] == pytest.approx(49.5, abs=0.01)
    assert data["added"][0]["source"] == "generated"
    assert data["added"][0]["url"] == "https://www.youtube.com/watch?v=alpha09"
    listed = api.get(f"/api/projects/{project.pk}/outlier-videos").json()["data"]["results"]
    assert [v["videoId"] for v in listed] == ["alpha09", "beta05"]


def test_searching_again_adds_only_videos_not_stored_yet(
    api: APIClient, user: User, youtube: Simulator
) -> None:
    project = ProjectFactory(owner=user)
    _search(api, project, limit=2)

    again = _search(api, project, limit=5).json()["data"]

    assert again["found"] == 3
    assert [v["videoId"] for v in again["added"]] == ["alpha01"]
    assert OutlierVideo.objects.filter(project=project).count() == 3


def test_search_results_reach_the_writer_as_references(
    api: APIClient, user: User, youtube: Simulator
) -> None:
    from projects.stages.base import story_context

    project = ProjectFactory(owner=user)
    _search(api, project, limit=2)

    references = story_context(Project.objects.get(pk=project.pk)).references

    assert references == ("Alpha Space video 9", "Beta Science video 5")


def test_youtube_without_a_key_is_unavailable_and_says_what_to_set(
    api: APIClient, user: User, youtube: Simulator, settings: Any
) -> None:
    settings.YOUTUBE_API_KEY = ""
    project = ProjectFactory(owner=user)

    response = _search(api, project)

    error = assert_error(response, 503, "PROVIDER_UNAVAILABLE")
    assert "set YOUTUBE_API_KEY and PROVIDER_RESEARCH=youtube" in error["message"]
    assert error["details"]["reason"] == "YOUTUBE_API_KEY is not set"
    assert not OutlierVideo.objects.exists()


def test_a_youtube_error_is_a_vendor_error_and_stores_nothing(
    api: APIClient, user: User, youtube: Simulator
) -> None:
    youtube.fail_next("youtube", status=400)
    project = ProjectFactory(owner=user)

    response = _search(api, project)

    assert_error(response, 502, "VENDOR_ERROR")
    assert not OutlierVideo.objects.exists()
