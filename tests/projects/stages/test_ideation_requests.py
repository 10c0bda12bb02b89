"""Ideation routes on the request side: title ideas, outlier videos, channel setup."""

from __future__ import annotations

from typing import Any

import pytest
from rest_framework.test import APIClient

from accounts.models import User
from projects.models import Channel, OutlierVideo, Project, Shot, Thumbnail, TitleIdea
from tests.factories import ChannelFactory, ProjectFactory, ShotFactory
from tests.vidflow.test_envelope import assert_error

pytestmark = pytest.mark.django_db

VIDEO_ID = "dQw4w9WgXcQ"


def _idea(project: Project, text: str) -> TitleIdea:
    return TitleIdea.objects.create(project=project, text=text, angle="curiosity", score=0.7)


def _outlier_body(**overrides: Any) -> dict[str, Any]:
    return {
        "title": "The probe that never stopped",
        "url": f"https://www.youtube.com/watch?v={VIDEO_ID}",
        "channelTitle": "Space Stories",
        "views": 1_200_000,
        "channelMedianViews": 80_000,
        **overrides,
    }


# --- titles ---------------------------------------------------------------------------------


def test_title_ideas_list_marks_the_selected_one(api: APIClient, user: User) -> None:
    project = ProjectFactory(owner=user, selected_title="Voyager: the long goodbye")
    _idea(project, "Voyager: the long goodbye")
    _idea(project, "Two probes, one golden record")

    ideas = api.get(f"/api/projects/{project.pk}/titles").json()["data"]["results"]

    assert [(i["text"], i["selected"]) for i in ideas] == [
        ("Voyager: the long goodbye", True),
        ("Two probes, one golden record", False),
    ]
    assert set(ideas[0]) == {
        "id",
        "text",
        "angle",
        "score",
        "source",
        "selected",
        "createdAt",
        "writtenBy",
    }


def test_selecting_a_title_sets_it_and_marks_the_thumbnail_stale(
    api: APIClient, user: User
) -> None:
    project = ProjectFactory(owner=user)
    idea = _idea(project, "Two probes, one golden record")
    Thumbnail.objects.create(project=project, title="old")

    response = api.post(f"/api/projects/{project.pk}/titles/{idea.pk}/select")

    assert response.status_code == 200
    assert response.json()["data"]["selected"] is True
    payload = api.get(f"/api/projects/{project.pk}").json()["data"]
    assert payload["selectedTitle"] == "Two probes, one golden record"
    assert payload["completedStages"] == ["ideation"]
    assert payload["stale"]["thumbnail"] is True


def test_suggestion_count_is_validated(api: APIClient, user: User) -> None:
    project = ProjectFactory(owner=user)

    response = api.post(f"/api/projects/{project.pk}/titles", {"count": 11}, format="json")

    assert "count" in assert_error(response, 400, "VALIDATION_ERROR")["details"]
    assert not TitleIdea.objects.exists()


def test_deleting_a_title_idea_keeps_the_selected_title(api: APIClient, user: User) -> None:
    project = ProjectFactory(owner=user, selected_title="Voyager")
    idea = _idea(project, "Voyager")

    response = api.delete(f"/api/projects/{project.pk}/titles/{idea.pk}")

    assert response.json()["data"] == {"id": str(idea.pk), "deleted": True}
    assert not TitleIdea.objects.exists()
    assert Project.objects.get(pk=project.pk).selected_title == "Voyager"


def test_a_title_idea_of_another_project_is_404(api: APIClient, user: User) -> None:
    mine, other = ProjectFactory(owner=user), ProjectFactory(owner=user)
    idea = _idea(other, "Elsewhere")

    selected = api.post(f"/api/projects/{mine.pk}/titles/{idea.pk}/select")
    deleted = api.delete(f"/api/projects/{mine.pk}/titles/{idea.pk}")

    assert assert_error(selected, 404, "NOT_FOUND")["message"] == "Title idea not found."
    assert_error(deleted, 404, "NOT_FOUND")
    assert Project.objects.get(pk=mine.pk).selected_title == ""
    assert TitleIdea.objects.filter(pk=idea.pk).exists()


# --- outlier videos -------------------------------------------------------------------------


def test_add_an_outlier_by_hand_scores_it(api: APIClient, user: User) -> None:
    project = ProjectFactory(owner=user)

    response = api.post(
        f"/api/projects/{project.pk}/outlier-videos", _outlier_body(), format="json"
    )

    assert response.status_code == 201
    video = response.json()["data"]
    assert video["videoId"] == VIDEO_ID
    assert video["outlierScore"] == 15.0
    assert video["source"] == "manual"
    payload = api.get(f"/api/projects/{project.pk}").json()["data"]
    assert payload["counts"]["outlierVideos"] == 1


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (f"https://youtu.be/{VIDEO_ID}", VIDEO_ID),
        (f"https://m.youtube.com/watch?v={VIDEO_ID}&t=42", VIDEO_ID),
        (f"https://www.youtube.com/shorts/{VIDEO_ID}", VIDEO_ID),
    ],
)
def test_the_video_id_comes_from_any_youtube_link_shape(
    api: APIClient, user: User, url: str, expected: str
) -> None:
    project = ProjectFactory(owner=user)

    response = api.post(
        f"/api/projects/{project.pk}/outlier-videos", _outlier_body(url=url), format="json"
    )

    assert response.json()["data"]["videoId"] == expected


def test_an_outlier_by_id_alone_gets_its_watch_link(api: APIClient, user: User) -> None:
    project = ProjectFactory(owner=user)
    body = _outlier_body(url="", videoId=VIDEO_ID)

    video = api.post(f"/api/projects/{project.pk}/outlier-videos", body, format="json").json()[
        "data"
    ]

    assert video["url"] == f"https://www.youtube.com/watch?v={VIDEO_ID}"


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"views": 0}, "views"),
        ({"channelMedianViews": -5}, "channelMedianViews"),
        ({"url": "https://vimeo.com/12345"}, "url"),
        ({"url": "", "videoId": "not an id!"}, "videoId"),
        ({"videoId": "aaaaaaaaaaa"}, "videoId"),  # not the link's video
        ({"title": ""}, "title"),
        ({"score": 3}, "score"),
    ],
)
def test_outlier_validation_names_the_field(
    api: APIClient, user: User, overrides: dict[str, Any], field: str
) -> None:
    project = ProjectFactory(owner=user)

    response = api.post(
        f"/api/projects/{project.pk}/outlier-videos", _outlier_body(**overrides), format="json"
    )

    assert field in assert_error(response, 400, "VALIDATION_ERROR")["details"]
    assert not OutlierVideo.objects.exists()


def test_the_same_video_twice_is_refused(api: APIClient, user: User) -> None:
    project = ProjectFactory(owner=user)
    url = f"/api/projects/{project.pk}/outlier-videos"
    api.post(url, _outlier_body(), format="json")

    again = api.post(url, _outlier_body(url=f"https://youtu.be/{VIDEO_ID}"), format="json")

    assert "already" in assert_error(again, 400, "VALIDATION_ERROR")["details"]["videoId"][0]
    assert OutlierVideo.objects.count() == 1


def test_outliers_list_best_first_and_delete(api: APIClient, user: User) -> None:
    project = ProjectFactory(owner=user)
    url = f"/api/projects/{project.pk}/outlier-videos"
    api.post(url, _outlier_body(url="", views=1000, channelMedianViews=1000), format="json")
    best = api.post(url, _outlier_body(), format="json").json()["data"]

    listed = api.get(url).json()["data"]["results"]
    deleted = api.delete(f"{url}/{best['id']}")

    assert [v["outlierScore"] for v in listed] == [15.0, 1.0]
    assert deleted.json()["data"] == {"id": best["id"], "deleted": True}
    assert [v["outlierScore"] for v in api.get(url).json()["data"]["results"]] == [1.0]


def test_searching_without_a_research_provider_says_how_to_enable_it(
    api: APIClient, user: User
) -> None:
    project = ProjectFactory(owner=user)

    response = api.post(
        f"/api/projects/{project.pk}/outlier-videos/search", {"query": "voyager"}, format="json"
    )

    error = assert_error(response, 503, "PROVIDER_UNAVAILABLE")
    assert "YOUTUBE_API_KEY" in error["message"]
    assert "PROVIDER_RESEARCH=youtube" in error["message"]
    assert not OutlierVideo.objects.exists()


def test_search_needs_a_query(api: APIClient, user: User) -> None:
    project = ProjectFactory(owner=user)

    response = api.post(
        f"/api/projects/{project.pk}/outlier-videos/search", {"limit": 50}, format="json"
    )

    assert set(assert_error(response, 400, "VALIDATION_ERROR")["details"]) == {"query", "limit"}


# --- channel setup --------------------------------------------------------------------------


def test_channel_setup_of_a_project_without_channel_is_empty(api: APIClient, user: User) -> None:
    project = ProjectFactory(owner=user)

    setup = api.get(f"/api/projects/{project.pk}/channel-setup").json()["data"]

    assert setup == {
        "channelId": None,
        "channelName": None,
        "niche": "",
        "audience": "",
        "tone": "",
        "language": "en",
        "defaultVoice": "",
        "visualStyle": "",
    }
    assert not Channel.objects.exists()


def test_editing_the_setup_creates_a_channel_named_after_the_project_once(
    api: APIClient, user: User
) -> None:
    project = ProjectFactory(owner=user, title="Voyager")
    url = f"/api/projects/{project.pk}/channel-setup"

    first = api.patch(url, {"niche": "space history", "language": "en-GB"}, format="json")
    second = api.patch(url, {"tone": "warm"}, format="json")

    channel = Channel.objects.get()
    assert (channel.owner, channel.name) == (user, "Voyager")
    assert Project.objects.get(pk=project.pk).channel == channel
    assert first.json()["data"]["channelId"] == str(channel.pk)
    data = second.json()["data"]
    assert (data["niche"], data["language"], data["tone"]) == ("space history", "en-GB", "warm")


def test_editing_the_setup_edits_the_projects_own_channel(api: APIClient, user: User) -> None:
    channel = ChannelFactory(owner=user, visual_style="")
    project = ProjectFactory(owner=user, channel=channel)

    api.patch(
        f"/api/projects/{project.pk}/channel-setup",
        {"defaultVoice": "joe", "visualStyle": "paper cut-out"},
        format="json",
    )

    channel.refresh_from_db()
    assert (channel.default_voice, channel.visual_style) == ("joe", "paper cut-out")
    assert Channel.objects.count() == 1


def test_another_users_channel_on_my_project_is_never_edited(
    api: APIClient, user: User, other_user: User
) -> None:
    theirs = ChannelFactory(owner=other_user, niche="cooking")
    project = ProjectFactory(owner=user)
    Project.objects.filter(pk=project.pk).update(channel=theirs)  # e.g. left by an old import
    url = f"/api/projects/{project.pk}/channel-setup"

    shown = api.get(url).json()["data"]
    edited = api.patch(url, {"niche": "space"}, format="json").json()["data"]

    assert (shown["channelId"], shown["niche"]) == (None, "")
    theirs.refresh_from_db()
    assert theirs.niche == "cooking"
    mine = Channel.objects.get(owner=user)
    assert edited["channelId"] == str(mine.pk)
    assert Project.objects.get(pk=project.pk).channel == mine


def test_a_new_visual_style_marks_generated_pictures_stale(api: APIClient, user: User) -> None:
    project = ProjectFactory(owner=user, channel=ChannelFactory(owner=user))
    drawn = ShotFactory(project=project, position=0)
    Shot.objects.filter(pk=drawn.pk).update(state="ready")
    Thumbnail.objects.create(project=project)

    api.patch(
        f"/api/projects/{project.pk}/channel-setup", {"visualStyle": "watercolour"}, format="json"
    )

    stale = api.get(f"/api/projects/{project.pk}").json()["data"]["stale"]
    assert (stale["shots"], stale["thumbnail"]) == ([str(drawn.pk)], True)


def test_channel_setup_validation(api: APIClient, user: User) -> None:
    project = ProjectFactory(owner=user)

    response = api.patch(
        f"/api/projects/{project.pk}/channel-setup",
        {"language": "English", "channelId": "x", "tone": "t" * 101},
        format="json",
    )

    details = assert_error(response, 400, "VALIDATION_ERROR")["details"]
    assert set(details) == {"channelId", "language", "tone"}
    assert details["channelId"] == ["This field is read-only."]
    assert not Channel.objects.exists()


# --- ownership ------------------------------------------------------------------------------


def test_every_ideation_route_of_another_users_project_is_404(
    api: APIClient, user: User, other_user: User
) -> None:
    theirs = ProjectFactory(owner=other_user, channel=ChannelFactory(owner=other_user))
    idea = _idea(theirs, "Their idea")
    video = OutlierVideo.objects.create(project=theirs, title="Theirs", video_id=VIDEO_ID)
    base = f"/api/projects/{theirs.pk}"

    for method, url, body in [
        ("get", f"{base}/titles", {}),
        ("post", f"{base}/titles", {"count": 2}),
        ("post", f"{base}/titles/{idea.pk}/select", {}),
        ("delete", f"{base}/titles/{idea.pk}", {}),
        ("get", f"{base}/outlier-videos", {}),
        ("post", f"{base}/outlier-videos", _outlier_body(url="", videoId="aaaaaaaaaaa")),
        ("post", f"{base}/outlier-videos/search", {"query": "x"}),
        ("delete", f"{base}/outlier-videos/{video.pk}", {}),
        ("get", f"{base}/channel-setup", {}),
        ("patch", f"{base}/channel-setup", {"niche": "mine"}),
    ]:
        assert_error(getattr(api, method)(url, body, format="json"), 404, "NOT_FOUND")
    theirs.refresh_from_db()
    assert theirs.selected_title == ""
    assert theirs.channel is not None
    assert theirs.channel.niche == "space history"
    assert TitleIdea.objects.filter(pk=idea.pk).exists()
    assert OutlierVideo.objects.filter(project=theirs).count() == 1
    assert not Channel.objects.filter(owner=user).exists()
