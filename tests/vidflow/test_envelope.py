"""Every /api/ answer is an envelope: success, each error class, and answers Django gives itself."""

from __future__ import annotations

import re
from typing import Any

import pytest
from rest_framework.test import APIClient

from accounts.models import User
from projects.models import Project
from tests.factories import ProjectFactory

pytestmark = pytest.mark.django_db


def assert_error(response: Any, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert body["success"] is False
    assert set(body["error"]) == {"code", "message", "details"}
    assert body["error"]["code"] == code
    assert body["error"]["message"]
    assert "Traceback" not in response.content.decode()
    return body["error"]


def test_success_is_wrapped_in_data(api: APIClient, user: User) -> None:
    project = ProjectFactory(owner=user)

    response = api.get(f"/api/projects/{project.pk}")

    assert response.status_code == 200
    body = response.json()
    assert body["success"] is True
    assert body["data"]["id"] == str(project.pk)


def test_create_answers_201_in_the_envelope(api: APIClient) -> None:
    response = api.post("/api/projects", {"title": "Voyager"}, format="json")

    assert response.status_code == 201
    assert response.json()["success"] is True
    assert response.json()["data"]["title"] == "Voyager"


def test_no_credentials_is_401_with_a_bearer_challenge(anon_client: APIClient) -> None:
    response = anon_client.get("/api/projects")

    assert_error(response, 401, "UNAUTHENTICATED")
    assert response["WWW-Authenticate"].startswith('Bearer realm="vidflow", resource_metadata="')


def test_validation_error_has_per_field_details(api: APIClient) -> None:
    response = api.post(
        "/api/projects", {"title": "", "aspectRatio": "4:3", "targetSeconds": 5}, format="json"
    )

    error = assert_error(response, 400, "VALIDATION_ERROR")
    assert set(error["details"]) == {"title", "aspectRatio", "targetSeconds"}
    assert all(isinstance(messages, list) and messages for messages in error["details"].values())


def test_malformed_json_is_a_validation_error(api: APIClient) -> None:
    response = api.generic(
        "POST", "/api/projects", data='{"title": "x"', content_type="application/json"
    )

    error = assert_error(response, 400, "VALIDATION_ERROR")
    assert "parsed" in error["message"]


def test_unknown_api_path_is_404_in_the_envelope(api: APIClient) -> None:
    assert_error(api.get("/api/nothing-here"), 404, "NOT_FOUND")


def test_unknown_api_path_is_404_even_without_credentials(anon_client: APIClient) -> None:
    assert_error(anon_client.get("/api/no/such/thing"), 404, "NOT_FOUND")


def test_malformed_id_is_404_not_500(api: APIClient) -> None:
    assert_error(api.get("/api/projects/not-a-uuid"), 404, "NOT_FOUND")
    # a filter that is not a UUID is bad input (a valid one naming no project of yours is 404)
    assert_error(api.get("/api/runs?projectId=not-a-uuid"), 400, "VALIDATION_ERROR")


def test_method_not_allowed_is_405_in_the_envelope(api: APIClient, user: User) -> None:
    project = ProjectFactory(owner=user)

    response = api.put(f"/api/projects/{project.pk}", {"title": "x"}, format="json")

    assert_error(response, 405, "METHOD_NOT_ALLOWED")


def test_unsupported_media_type_is_415(api: APIClient) -> None:
    response = api.generic("POST", "/api/projects", data="title=x", content_type="text/plain")

    assert_error(response, 415, "UNSUPPORTED_MEDIA_TYPE")


def test_oversized_body_is_400_and_stores_nothing(api: APIClient, settings: Any) -> None:
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024

    response = api.post("/api/projects", {"title": "x", "idea": "y" * 5000}, format="json")

    assert_error(response, 400, "VALIDATION_ERROR")
    assert not Project.objects.exists()


def test_trailing_slash_is_accepted(api: APIClient) -> None:
    assert api.get("/api/projects/").status_code == 200
    assert api.get("/api/projects").status_code == 200


def test_unknown_field_is_refused_by_name(api: APIClient) -> None:
    response = api.post("/api/projects", {"title": "x", "stauts": "publish"}, format="json")

    error = assert_error(response, 400, "VALIDATION_ERROR")
    assert error["details"] == {"stauts": ["Unknown field."]}


def test_read_only_field_is_refused_by_name(api: APIClient, user: User) -> None:
    project = ProjectFactory(owner=user)

    response = api.patch(f"/api/projects/{project.pk}", {"status": "publish"}, format="json")

    error = assert_error(response, 400, "VALIDATION_ERROR")
    assert error["details"] == {"status": ["This field is read-only."]}
    project.refresh_from_db()
    assert project.status == "ideation"


@pytest.mark.urls("tests.vidflow.faulty_urls")
def test_unhandled_error_is_500_internal_error_without_details(
    api: APIClient, caplog: pytest.LogCaptureFixture
) -> None:
    response = api.get("/api/explode")

    error = assert_error(response, 500, "INTERNAL_ERROR")
    assert "secret internal detail" not in response.content.decode()
    assert error["details"] == {}
    assert "secret internal detail" in caplog.text  # logged for us, not shown to the client


@pytest.mark.urls("tests.vidflow.faulty_urls")
def test_unhandled_error_outside_drf_is_500_internal_error(api: APIClient) -> None:
    client = APIClient(raise_request_exception=False)
    client.force_login(User.objects.get())

    response = client.get("/api/explode-plain")

    assert_error(response, 500, "INTERNAL_ERROR")
    assert "secret internal detail" not in response.content.decode()


def test_options_describes_every_route_without_touching_its_objects(
    api: APIClient, user: User
) -> None:
    """OPTIONS on each route of the schema (path ids pointed at a real project of the user's):
    200 in the envelope, the route's methods in ``Allow``, its media types, never a 500."""
    project = ProjectFactory(owner=user)
    paths = api.get("/api/schema", {"format": "json"}).json()["paths"]
    assert len(paths) > 50
    for template in paths:
        if template.startswith(("/api/oauth/", "/api/kie/", "/api/wavespeed/", "/api/assemblyai/")):
            continue
        path = template.replace("{project_id}", str(project.pk))
        path = re.sub(r"\{[a-z_]+\}", "00000000-0000-0000-0000-000000000000", path)

        response = api.options(path)

        assert response.status_code in (200, 404), (path, response.content)
        body = response.json()
        if response.status_code == 404:  # the inner object does not exist: said, not described
            assert body["error"]["code"] == "NOT_FOUND", path
            continue
        assert body["success"] is True, path
        assert "application/json" in body["data"]["renders"], path
        assert "OPTIONS" in response["Allow"], path
