"""Projects, channels and runs over HTTP: CRUD, ownership, CSRF, validation, deletion."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection
from rest_framework.test import APIClient

from accounts.models import User
from projects.models import Channel, Event, Project, Render, Run, RunStatus
from projects.services import run_create
from tests.factories import ChannelFactory, ProjectFactory, RunFactory, ShotFactory
from tests.vidflow.test_envelope import assert_error

pytestmark = pytest.mark.django_db


def test_create_project_returns_the_full_payload(api: APIClient, user: User) -> None:
    channel = ChannelFactory(owner=user, default_voice="en_US-joe-medium")

    response = api.post(
        "/api/projects",
        {
            "title": "Voyager",
            "idea": "Two probes",
            "channelId": str(channel.pk),
            "aspectRatio": "9:16",
        },
        format="json",
    )

    assert response.status_code == 201
    data = response.json()["data"]
    assert data["status"] == "ideation"
    assert data["completedStages"] == ["ideation"]  # the typed title is the selected title
    assert data["selectedTitle"] == "Voyager"
    assert data["channelId"] == str(channel.pk)
    assert data["voiceId"] == "en_US-joe-medium"  # the channel's default voice
    assert data["aspectRatio"] == "9:16"
    assert data["counts"]["shots"]["total"] == 0
    assert data["creditsSpent"] == 0
    project = Project.objects.get(pk=data["id"])
    assert project.owner == user
    assert Event.objects.filter(subject_id=project.pk, name="create").exists()


def test_create_accepts_every_editable_field(api: APIClient) -> None:
    body = {
        "title": "Voyager",
        "idea": "Two probes",
        "selectedTitle": "The Longest Goodbye",
        "videoStyle": "documentary",
        "voiceId": "piper:en_US-joe-medium",
        "aspectRatio": "16:9",
        "resolution": "1080p",
        "targetSeconds": 120,
    }

    data = api.post("/api/projects", body, format="json").json()["data"]

    assert {key: data[key] for key in body} == body
    assert data["completedStages"] == ["ideation"]


def test_create_with_someone_elses_channel_is_a_validation_error(
    api: APIClient, other_user: User
) -> None:
    channel = ChannelFactory(owner=other_user)

    response = api.post(
        "/api/projects", {"title": "x", "channelId": str(channel.pk)}, format="json"
    )

    error = assert_error(response, 400, "VALIDATION_ERROR")
    assert "channelId" in error["details"]
    assert not Project.objects.exists()


def test_list_shows_only_my_projects_newest_first_and_paginates(
    api: APIClient, user: User, other_user: User
) -> None:
    mine = [ProjectFactory(owner=user) for _ in range(3)]
    ProjectFactory(owner=other_user)

    first = api.get("/api/projects?pageSize=2").json()["data"]
    second = api.get(first["next"]).json()["data"]

    ids = [p["id"] for p in first["results"] + second["results"]]
    assert ids == [str(p.pk) for p in reversed(mine)]
    assert second["next"] is None


def test_patch_updates_fields_and_answers_the_payload(api: APIClient, user: User) -> None:
    project = ProjectFactory(owner=user)

    response = api.patch(
        f"/api/projects/{project.pk}",
        {"selectedTitle": "The Long Goodbye", "videoStyle": "documentary"},
        format="json",
    )

    assert response.status_code == 200
    data = response.json()["data"]
    assert data["selectedTitle"] == "The Long Goodbye"
    assert data["completedStages"] == ["ideation"]
    project.refresh_from_db()
    assert project.video_style == "documentary"


def test_patch_validation_errors_name_each_field_and_change_nothing(
    api: APIClient, user: User
) -> None:
    project = ProjectFactory(owner=user, title="Before")

    response = api.patch(
        f"/api/projects/{project.pk}",
        {"title": "", "resolution": "4k", "targetSeconds": "soon"},
        format="json",
    )

    error = assert_error(response, 400, "VALIDATION_ERROR")
    assert set(error["details"]) == {"title", "resolution", "targetSeconds"}
    project.refresh_from_db()
    assert project.title == "Before"


def test_delete_removes_the_project_and_its_files(
    api: APIClient, user: User, django_capture_on_commit_callbacks: Any
) -> None:
    project = ProjectFactory(owner=user)
    render = Render(project=project)
    render.video.save("final.mp4", ContentFile(b"not really a video"), save=True)
    stored = Path(default_storage.path(render.video.name))
    assert stored.exists()

    with django_capture_on_commit_callbacks(execute=True):
        response = api.delete(f"/api/projects/{project.pk}")

    assert response.status_code == 200
    assert response.json()["data"] == {"id": str(project.pk), "deleted": True}
    assert not Project.objects.filter(pk=project.pk).exists()
    assert not stored.exists()
    assert not stored.parent.parent.exists()  # the project's whole folder is gone


def test_delete_cancels_runs_in_flight(api: APIClient, user: User) -> None:
    project = ProjectFactory(owner=user)
    run = run_create(owner=user, kind="test.work", project=project)

    api.delete(f"/api/projects/{project.pk}")

    run.refresh_from_db()
    assert run.status == RunStatus.CANCELLED
    assert run.project_id is None  # the run stays as the record of what was charged


CROSS_USER_REQUESTS = [
    ("get", "/api/projects/{project}", None),
    ("patch", "/api/projects/{project}", {"title": "mine now"}),
    ("delete", "/api/projects/{project}", None),
    ("get", "/api/runs/{run}", None),
    ("post", "/api/runs/{run}/cancel", None),
    ("get", "/api/runs?projectId={project}", None),
    ("get", "/api/channels/{channel}", None),
    ("patch", "/api/channels/{channel}", {"name": "mine now"}),
    ("delete", "/api/channels/{channel}", None),
]
# (A file link is a capability, like an S3 pre-signed URL: not an object another user can name;
# links cannot be made up or altered: tests/vidflow/test_file_links.py.)


def _request_b_objects(
    client: APIClient, other_user: User, method: str, path: str, body: Any
) -> None:
    """User A asks for user B's objects: 404, nothing of B's shown or changed."""
    project = ProjectFactory(owner=other_user, title="B's project")
    run = RunFactory(owner=other_user, project=project)
    channel = ChannelFactory(owner=other_user, name="B's channel")
    url = path.format(project=project.pk, run=run.pk, channel=channel.pk)

    response = getattr(client, method)(url, body, format="json")

    error = assert_error(response, 404, "NOT_FOUND")
    assert "B's" not in str(error)
    project.refresh_from_db()
    run.refresh_from_db()
    channel.refresh_from_db()
    assert (project.title, run.status, channel.name) == ("B's project", "queued", "B's channel")


@pytest.mark.parametrize(("method", "path", "body"), CROSS_USER_REQUESTS)
def test_other_users_objects_are_404_and_unchanged(
    api: APIClient, other_user: User, method: str, path: str, body: Any
) -> None:
    _request_b_objects(api, other_user, method, path, body)


@pytest.mark.parametrize(("method", "path", "body"), CROSS_USER_REQUESTS)
def test_other_users_objects_are_404_and_unchanged_for_a_bearer_token(
    issue_tokens: Any, user: User, other_user: User, method: str, path: str, body: Any
) -> None:
    every_scope = " ".join(settings.OAUTH_SCOPES)
    client = APIClient()
    client.credentials(
        HTTP_AUTHORIZATION=f"Bearer {issue_tokens(user, every_scope)['access_token']}"
    )

    _request_b_objects(client, other_user, method, path, body)


def test_session_write_without_csrf_token_is_403(client_for: Any, user: User) -> None:
    client = client_for(user)
    client.credentials()  # drop the X-CSRFToken header a browser page would send

    response = client.post("/api/projects", {"title": "x"}, format="json")

    error = assert_error(response, 403, "FORBIDDEN")
    assert "CSRF" in error["message"]
    assert not Project.objects.exists()


def test_session_write_with_csrf_token_goes_through(api: APIClient) -> None:
    assert api.post("/api/projects", {"title": "x"}, format="json").status_code == 201


def test_channels_crud(api: APIClient, user: User) -> None:
    created = api.post(
        "/api/channels",
        {"name": "Deep Space", "niche": "space", "language": "en", "defaultVoice": "joe"},
        format="json",
    ).json()["data"]

    updated = api.patch(f"/api/channels/{created['id']}", {"tone": "wry"}, format="json")
    listed = api.get("/api/channels").json()["data"]["results"]
    deleted = api.delete(f"/api/channels/{created['id']}")

    assert updated.json()["data"]["tone"] == "wry"
    assert [c["id"] for c in listed] == [created["id"]]
    assert deleted.status_code == 200
    assert not Channel.objects.exists()


def test_channel_validation_names_fields(api: APIClient) -> None:
    error = assert_error(
        api.post("/api/channels", {"name": "", "language": "english please"}, format="json"),
        400,
        "VALIDATION_ERROR",
    )
    assert set(error["details"]) == {"name", "language"}


def test_run_payload_and_filters(api: APIClient, user: User) -> None:
    project = ProjectFactory(owner=user)
    run = run_create(owner=user, kind="render", project=project, total=4)
    run_create(owner=user, kind="music", project=None)

    listed = api.get(f"/api/runs?projectId={project.pk}").json()["data"]["results"]
    detail = api.get(f"/api/runs/{run.pk}").json()["data"]

    assert [r["id"] for r in listed] == [str(run.pk)]
    assert detail["kind"] == "render"
    assert detail["status"] == "queued"
    assert detail["progress"] == {"done": 0, "total": 4, "unit": "steps", "stage": None}
    assert detail["projectId"] == str(project.pk)
    assert set(detail) == {
        "id",
        "kind",
        "status",
        "progress",
        "projectId",
        "result",
        "error",
        "creditsCharged",
        "creditsRefunded",
        "createdAt",
        "startedAt",
        "finishedAt",
    }


def test_cancel_a_queued_run(api: APIClient, user: User) -> None:
    run = run_create(owner=user, kind="render")

    response = api.post(f"/api/runs/{run.pk}/cancel")

    assert response.status_code == 200
    assert response.json()["data"]["status"] == "cancelled"
    assert Event.objects.filter(subject_id=run.pk, name="cancel", target="cancelled").exists()


def test_cancel_a_finished_run_is_an_invalid_transition(api: APIClient, user: User) -> None:
    run = run_create(owner=user, kind="render")
    api.post(f"/api/runs/{run.pk}/cancel")

    response = api.post(f"/api/runs/{run.pk}/cancel")

    error = assert_error(response, 409, "INVALID_TRANSITION")
    assert "cancelled" in error["message"]
    assert Run.objects.get(pk=run.pk).status == RunStatus.CANCELLED


def test_browsable_api_works_for_a_signed_in_user(client: Any, user: User) -> None:
    client.force_login(user)
    ShotFactory(project=ProjectFactory(owner=user))

    response = client.get("/api/projects", HTTP_ACCEPT="text/html")

    assert response.status_code == 200
    assert b"Project" in response.content
    assert response["Content-Type"].startswith("text/html")


@pytest.mark.django_db(transaction=True)
def test_a_long_poll_answers_when_the_run_moves(user: User, client_for: Any) -> None:
    import threading

    from projects.services import run_mark_running, run_progress

    run = run_create(owner=user, kind="render", total=4)
    run_mark_running(run_id=run.pk)

    def work() -> None:
        try:
            run_progress(run_id=run.pk, done=2)
        finally:
            connection.close()

    timer = threading.Timer(0.5, work)
    timer.start()
    data = client_for(user).get(f"/api/runs/{run.pk}?wait=20").json()["data"]
    timer.join()

    assert data["progress"] == {"done": 2, "total": 4, "unit": "steps", "stage": None}


def test_a_long_poll_of_a_finished_run_answers_at_once(api: APIClient, user: User) -> None:
    run = run_create(owner=user, kind="render")
    api.post(f"/api/runs/{run.pk}/cancel")

    data = api.get(f"/api/runs/{run.pk}?wait=30").json()["data"]

    assert data["status"] == "cancelled"
