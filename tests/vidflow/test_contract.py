"""The API contract an integrator builds on (issue 15): one list shape, request bodies and
statuses as the schema declares them, validated query parameters, ETags, and next links on the
public address."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.core.management import call_command
from rest_framework.test import APIClient

from accounts.models import User
from projects.models import BibleEntry, Chapter, Project, Shot, TitleIdea
from tests.factories import ChannelFactory, ChapterFactory, ProjectFactory, RunFactory
from tests.vidflow.test_envelope import assert_error

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def schema(django_db_setup: Any, django_db_blocker: Any, tmp_path_factory: Any) -> dict[str, Any]:
    out = tmp_path_factory.mktemp("schema") / "schema.json"
    with django_db_blocker.unblock():
        call_command("spectacular", "--format", "openapi-json", "--file", str(out))
    return json.loads(out.read_text())


def _data_schema(schema: dict[str, Any], ref_or_schema: dict[str, Any]) -> dict[str, Any]:
    found = ref_or_schema
    while "$ref" in found:
        found = schema["components"]["schemas"][found["$ref"].rsplit("/", 1)[1]]
    return found


def _world(user: User) -> tuple[Project, dict[str, str]]:
    project = ProjectFactory(owner=user, selected_title="Voyager")
    chapter = ChapterFactory(project=project, position=0)
    shot = Shot.objects.create(project=project, position=0, start=0, end=5)
    ada = BibleEntry.objects.create(project=project, kind="character", name="Ada")
    jpl = BibleEntry.objects.create(project=project, kind="location", name="JPL")
    TitleIdea.objects.create(project=project, text="The Longest Goodbye")
    base = f"/api/projects/{project.pk}"
    return project, {
        "project": base,
        "chapter": f"{base}/script/chapters/{chapter.pk}",
        "shot": f"{base}/timeline/shots/{shot.pk}",
        "character": f"{base}/visual-bible/characters/{ada.pk}",
        "location": f"{base}/visual-bible/locations/{jpl.pk}",
        "channel": f"/api/channels/{ChannelFactory(owner=user).pk}",
    }


# --- one list shape --------------------------------------------------------------------------

LISTS = [
    "titles",
    "outlier-videos",
    "script/chapters",
    "timeline/shots",
    "visual-bible/characters",
    "visual-bible/locations",
]


@pytest.mark.parametrize("route", LISTS)
def test_every_project_list_answers_results_next_previous(
    api: APIClient, user: User, route: str
) -> None:
    project, _ = _world(user)

    data = api.get(f"/api/projects/{project.pk}/{route}").json()["data"]

    assert set(data) == {"results", "next", "previous"}
    assert isinstance(data["results"], list)
    assert (data["next"], data["previous"]) == (None, None)  # a project's parts come whole


def test_suggested_titles_answer_the_list_shape(api: APIClient, user: User) -> None:
    project = ProjectFactory(owner=user)

    response = api.post(f"/api/projects/{project.pk}/titles", {"count": 2})

    assert response.status_code == 201
    assert len(response.json()["data"]["results"]) == 2


def test_voices_and_icons_answer_the_list_shape(api: APIClient) -> None:
    for url in ("/api/voices", "/api/icons?q=cat"):
        assert set(api.get(url).json()["data"]) == {"results", "next", "previous"}


def test_the_schema_describes_every_list_as_results_next_previous(
    schema: dict[str, Any],
) -> None:
    lists = 0
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            for status, response in operation["responses"].items():
                content = response.get("content", {}).get("application/json")
                if not status.startswith("2") or content is None:
                    continue
                data = _data_schema(schema, content["schema"]["properties"]["data"])
                assert data.get("type") != "array", f"{method} {path} answers a bare array"
                if set(data.get("properties", {})) == {"results", "next", "previous"}:
                    lists += 1
    assert lists >= 12


# --- request bodies, statuses, headers -------------------------------------------------------


def test_bodies_are_declared_json_and_only_uploads_multipart(schema: dict[str, Any]) -> None:
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            media = set(operation.get("requestBody", {}).get("content", {}))
            if path.endswith(("/media", "/variations/upload")) and method == "post":
                assert media == {"multipart/form-data"}, path
            elif path.endswith("script.fountain") and method == "put":
                assert media == {"text/plain", "multipart/form-data"}
            else:
                assert media <= {"application/json"}, f"{method} {path}: {media}"


def test_a_form_body_is_415_in_the_envelope_and_nothing_changes(api: APIClient, user: User) -> None:
    project = ProjectFactory(owner=user, title="Before")

    response = api.patch(f"/api/projects/{project.pk}", {"title": "After"}, format="multipart")

    assert_error(response, 415, "UNSUPPORTED_MEDIA_TYPE")
    project.refresh_from_db()
    assert project.title == "Before"


def test_statuses_and_headers_are_documented_per_route(schema: dict[str, Any]) -> None:
    paths = schema["paths"]
    generate = paths["/api/projects/{project_id}/script/outline"]["post"]
    assert {"402", "409", "415", "503"} <= set(generate["responses"])
    assert "Idempotency-Key" in {p["name"] for p in generate["parameters"]}
    assert "Retry-After" in generate["responses"]["429"]["headers"]
    assert "WWW-Authenticate" in generate["responses"]["401"]["headers"]
    assert "RateLimit" in generate["responses"]["200"]["headers"]
    read = paths["/api/projects/{project_id}/script/hook"]["get"]
    assert "402" not in read["responses"]
    assert "415" not in read["responses"]
    error = read["responses"]["404"]["content"]["application/json"]["schema"]
    assert error == {"$ref": "#/components/schemas/ErrorEnvelope"}
    deleted = paths["/api/projects/{project_id}"]["delete"]["responses"]
    assert "204" not in deleted
    data = deleted["200"]["content"]["application/json"]["schema"]["properties"]["data"]
    assert set(_data_schema(schema, data)["properties"]) == {"id", "deleted"}
    sample = paths["/api/voices/{voice_id}/sample"]["get"]["responses"]["200"]["content"]
    assert sample == {"audio/wav": {"schema": {"type": "string", "format": "binary"}}}
    descriptions = [op.get("description", "") for ops in paths.values() for op in ops.values()]
    assert not any("Thin viewsets" in d or "A stage's routes" in d for d in descriptions)
    # Twins share one (characters and locations; the three vendor callbacks), no more.
    assert max(descriptions.count(d) for d in descriptions) <= 3


# --- query parameters ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "query",
    [
        "pageSize=2.67e-156",
        "pageSize=0",
        "pageSize=101",
        "status=sleeping",
        "kind=knitting",
        "projectId=not-a-uuid",
    ],
)
def test_bad_list_queries_are_400(api: APIClient, query: str) -> None:
    name = query.split("=")[0]
    details = assert_error(api.get(f"/api/runs?{query}"), 400, "VALIDATION_ERROR")["details"]
    assert name in details


def test_a_cursor_that_names_no_page_is_404(api: APIClient) -> None:
    assert_error(api.get("/api/runs?cursor=not-a-cursor"), 404, "NOT_FOUND")


def test_a_body_value_of_another_type_is_400_and_changes_nothing(
    api: APIClient, user: User
) -> None:
    project, urls = _world(user)

    response = api.patch(urls["chapter"], {"narration": 0})

    assert "narration" in assert_error(response, 400, "VALIDATION_ERROR")["details"]
    assert Chapter.objects.get(project=project).narration != "0"


@pytest.mark.parametrize("wait", ["abc", "-1", "31", "1.5"])
def test_a_bad_wait_is_400(api: APIClient, user: User, wait: str) -> None:
    run = RunFactory(owner=user)
    response = api.get(f"/api/runs/{run.pk}?wait={wait}")
    assert "wait" in assert_error(response, 400, "VALIDATION_ERROR")["details"]


def test_good_filters_still_filter(api: APIClient, user: User) -> None:
    RunFactory(owner=user, kind="render.final", status="queued")
    RunFactory(owner=user, kind="script.hook", status="queued")

    listed = api.get("/api/runs?kind=render.final&status=queued&pageSize=5").json()["data"]

    assert [run["kind"] for run in listed["results"]] == ["render.final"]


def test_next_links_are_built_on_public_base_url(api: APIClient, user: User, settings: Any) -> None:
    settings.PUBLIC_BASE_URL = "https://vidflow.example/base"
    settings.ALLOWED_HOSTS = ["*"]
    for _ in range(3):
        ProjectFactory(owner=user)

    page = api.get(
        "/api/projects?pageSize=2", HTTP_HOST="evil.example", HTTP_X_FORWARDED_PROTO="http"
    ).json()["data"]

    assert page["next"].startswith("https://vidflow.example/base/api/projects?")
    assert "pageSize=2" in page["next"]
    rest = api.get(page["next"].removeprefix("https://vidflow.example/base")).json()["data"]
    assert len(page["results"]) + len(rest["results"]) == 3


# --- ETag ------------------------------------------------------------------------------------

OBJECTS = ["project", "chapter", "shot", "character", "location", "channel"]
CHANGES = {
    "project": {"title": "Renamed"},
    "chapter": {"title": "Renamed"},
    "shot": {"prompt": "A renamed picture"},
    "character": {"name": "Renamed"},
    "location": {"name": "Renamed"},
    "channel": {"name": "Renamed"},
}


@pytest.mark.parametrize("kind", OBJECTS)
def test_a_get_carries_an_etag_and_if_none_match_answers_304(
    api: APIClient, user: User, kind: str
) -> None:
    _, urls = _world(user)

    first = api.get(urls[kind])
    again = api.get(urls[kind], HTTP_IF_NONE_MATCH=first["ETag"])

    assert first.status_code == 200
    assert first["ETag"].startswith('"')
    assert api.get(urls[kind])["ETag"] == first["ETag"]  # unchanged: the same tag
    assert (again.status_code, again.content, again["ETag"]) == (304, b"", first["ETag"])


@pytest.mark.parametrize("kind", OBJECTS)
def test_a_write_with_a_stale_if_match_is_412_and_changes_nothing(
    api: APIClient, user: User, kind: str
) -> None:
    _, urls = _world(user)
    stale = api.get(urls[kind])["ETag"]
    first = api.patch(urls[kind], CHANGES[kind], HTTP_IF_MATCH=stale)
    assert first.status_code == 200, first.content
    current = api.get(urls[kind])
    assert first["ETag"] == current["ETag"] != stale

    response = api.patch(urls[kind], {**CHANGES[kind]} | _other(kind), HTTP_IF_MATCH=stale)

    error = assert_error(response, 412, "PRECONDITION_FAILED")
    assert error["details"]["etag"] == current["ETag"]
    assert api.get(urls[kind]).json()["data"] == current.json()["data"]
    assert api.patch(urls[kind], _other(kind), HTTP_IF_MATCH=current["ETag"]).status_code == 200


def _other(kind: str) -> dict[str, str]:
    field = next(iter(CHANGES[kind]))
    return {field: "Someone else's change"}


@pytest.mark.parametrize("kind", ["project", "character", "channel"])
def test_a_delete_with_a_stale_if_match_is_412_and_deletes_nothing(
    api: APIClient, user: User, kind: str
) -> None:
    _, urls = _world(user)
    stale = api.get(urls[kind])["ETag"]
    api.patch(urls[kind], CHANGES[kind])

    assert_error(api.delete(urls[kind], HTTP_IF_MATCH=stale), 412, "PRECONDITION_FAILED")
    assert api.get(urls[kind]).status_code == 200
    fresh = api.get(urls[kind])["ETag"]
    assert api.delete(urls[kind], HTTP_IF_MATCH=fresh).status_code == 200


def test_a_chapter_can_be_read_alone(api: APIClient, user: User) -> None:
    project, urls = _world(user)
    chapter = Chapter.objects.get(project=project)

    data = api.get(urls["chapter"]).json()["data"]

    assert (data["id"], data["title"]) == (str(chapter.pk), chapter.title)
