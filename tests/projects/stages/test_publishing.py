"""Publishing: suggestions, connecting a channel to YouTube (Google's OAuth web flow through the
simulator), and the upload."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
from django.core.files.base import ContentFile
from rest_framework.test import APIClient

from accounts.models import User
from projects.models import Channel, Project, Publication, Render, Run, Stage, Voiceover
from projects.pipeline.models import VendorJob
from projects.pipeline.runner import execute_run
from tests.factories import ChannelFactory, ChapterFactory, ProjectFactory
from tests.vidflow.test_envelope import assert_error
from vendors.simulator import Simulator, start_simulator
from vendors.simulator.google import CLIENT_ID, CLIENT_SECRET

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def _google_sim() -> Iterator[Simulator]:
    sim = start_simulator(deliver="hold")
    yield sim
    sim.stop()


@pytest.fixture
def sim(_google_sim: Simulator, settings: Any) -> Simulator:
    _google_sim.reset()
    settings.GOOGLE_CLIENT_ID = CLIENT_ID
    settings.GOOGLE_CLIENT_SECRET = CLIENT_SECRET
    settings.GOOGLE_AUTH_URL = f"{_google_sim.url}/google/o/oauth2/v2/auth"
    settings.GOOGLE_TOKEN_URL = f"{_google_sim.url}/google/token"
    settings.YOUTUBE_API_BASE_URL = _google_sim.vendor_url("youtube")
    return _google_sim


def _voiced(user: User, channel: Channel | None = None) -> Project:
    project = ProjectFactory(owner=user, selected_title="Voyager", channel=channel)
    ChapterFactory(project=project, position=0)
    Voiceover.objects.create(
        project=project, voice_id="joe", duration=3.0, words=[{"word": "Hi", "start": 0, "end": 1}]
    )
    return project


def _rendered(user: User, channel: Channel | None = None) -> Project:
    project = _voiced(user, channel)
    render = Render(project=project, duration=3.0, width=1280, height=720)
    render.video.save("final.mp4", ContentFile(b"\x00\x00\x00\x18ftypmp42" + b"\x00" * 4096))
    return project


def _connect(api: APIClient, channel: Channel) -> None:
    answer = api.post(f"/api/channels/{channel.pk}/youtube", {}, format="json")
    assert answer.status_code == 200, answer.content
    consent = httpx.get(answer.json()["data"]["authorizationUrl"], follow_redirects=False)
    assert consent.status_code == 302
    back = urlsplit(consent.headers["Location"])
    assert back.path == "/youtube/connected"
    assert api.get(f"{back.path}?{back.query}").status_code == 302


def test_publish_suggest_is_free_and_immediate(api: APIClient, user: User) -> None:
    project = _rendered(user)

    response = api.post(f"/api/projects/{project.pk}/publish-suggest", {}, format="json")

    assert response.status_code == 200
    data = response.json()["data"]
    assert data["description"]
    assert 5 <= len(data["tags"]) <= 15
    assert not Run.objects.exists()


def test_publishing_needs_a_render(api: APIClient, user: User) -> None:
    project = _voiced(user)

    response = api.post(f"/api/projects/{project.pk}/publish-youtube", {}, format="json")

    assert "rendered final.mp4" in assert_error(response, 409, "INVALID_TRANSITION")["message"]


def test_publishing_needs_a_connected_channel(api: APIClient, user: User) -> None:
    project = _rendered(user, ChannelFactory(owner=user))

    response = api.post(f"/api/projects/{project.pk}/publish-youtube", {}, format="json")

    assert_error(response, 409, "YOUTUBE_NOT_CONNECTED")
    assert not Run.objects.exists()


def test_connecting_without_google_credentials_is_provider_unavailable(
    api: APIClient, user: User, settings: Any
) -> None:
    settings.GOOGLE_CLIENT_ID = ""
    channel = ChannelFactory(owner=user)

    response = api.post(f"/api/channels/{channel.pk}/youtube", {}, format="json")

    assert "GOOGLE_CLIENT_ID" in assert_error(response, 503, "PROVIDER_UNAVAILABLE")["message"]


def test_connect_then_upload_to_youtube(api: APIClient, user: User, sim: Simulator) -> None:
    channel = ChannelFactory(owner=user)
    project = _rendered(user, channel)
    _connect(api, channel)
    channel.refresh_from_db()
    assert channel.youtube_connected_at is not None
    assert "refresh-" not in channel.youtube_credentials  # sealed, not stored in clear
    assert api.get(f"/api/channels/{channel.pk}").json()["data"]["youtubeConnected"] is True

    response = api.post(
        f"/api/projects/{project.pk}/publish-youtube",
        {"privacy": "unlisted", "tags": ["space", "voyager"]},
        format="json",
    )
    assert response.status_code == 200, response.content
    run_id = response.json()["data"]["runId"]
    execute_run(run_id=run_id)

    run = Run.objects.get(pk=run_id)
    assert run.status == "succeeded", run.error
    publication = Publication.objects.get(project=project)
    assert publication.youtube_video_id == run.result["videoId"]
    assert publication.privacy == "unlisted"
    uploads = sim.requests("youtube", path="/upload/youtube/v3/videos")
    assert uploads
    assert uploads[0].json()["snippet"]["tags"] == ["space", "voyager"]
    payload = api.get(f"/api/projects/{project.pk}").json()["data"]
    assert payload["status"] == Stage.PUBLISH
    assert "publish" in payload["completedStages"]
    assert not VendorJob.objects.exists()


def test_a_scheduled_upload_must_be_private(api: APIClient, user: User, sim: Simulator) -> None:
    channel = ChannelFactory(owner=user)
    project = _rendered(user, channel)
    _connect(api, channel)

    response = api.post(
        f"/api/projects/{project.pk}/publish-youtube",
        {"privacy": "public", "publishAt": "2030-01-01T10:00:00Z"},
        format="json",
    )

    assert "privacy" in assert_error(response, 400, "VALIDATION_ERROR")["details"]


def test_a_forged_connection_state_changes_nothing(api: APIClient, user: User) -> None:
    channel = ChannelFactory(owner=user)

    response = api.get("/youtube/connected?code=x&state=forged")

    assert response.status_code == 302
    channel.refresh_from_db()
    assert channel.youtube_connected_at is None


def test_disconnect(api: APIClient, user: User, sim: Simulator) -> None:
    channel = ChannelFactory(owner=user)
    _connect(api, channel)

    response = api.delete(f"/api/channels/{channel.pk}/youtube")

    assert response.json()["data"]["youtubeConnected"] is False
    channel.refresh_from_db()
    assert (channel.youtube_connected_at, channel.youtube_credentials) == (None, "")
