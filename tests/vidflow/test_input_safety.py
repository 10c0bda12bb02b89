"""Control characters and deeply nested JSON (reliability.md, item 34): a 400 in the form the
caller reads (the envelope, an RFC 6749 error, a page), never a 500, and nothing stored."""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from rest_framework.test import APIClient

from accounts.models import User
from projects.models import Project
from tests.factories import ProjectFactory, RunFactory
from tests.oauth import DEVICE_GRANT, browser_for, form_post
from tests.vidflow.test_envelope import assert_error

pytestmark = pytest.mark.django_db

DEEP = "[" * 3000 + "]" * 3000


@pytest.mark.parametrize(
    ("url", "data"),
    [
        ("/api/oauth/device/code", {"client_id": "vidflow-cli\x00"}),
        (
            "/api/oauth/device/token",
            {"grant_type": DEVICE_GRANT, "client_id": "vidflow-cli", "device_code": "a\x00b"},
        ),
        (
            "/api/oauth/token",
            {"grant_type": "refresh_token", "client_id": "vidflow-cli", "refresh_token": "\x00"},
        ),
        ("/api/oauth/revoke", {"client_id": "vidflow-cli\x00", "token": "vfr_x"}),
    ],
)
def test_nul_on_the_oauth_endpoints_is_invalid_request(
    public_clients: Any, url: str, data: dict[str, str]
) -> None:
    response = form_post(Client(), url, data)

    assert response.status_code == 400, response.content
    assert response.json()["error"] == "invalid_request"
    assert "Control characters" in response.json()["error_description"]


def test_nul_in_a_query_parameter_is_a_400(api: APIClient, user: User) -> None:
    RunFactory(owner=user)

    response = api.get("/api/runs?kind=%00")

    assert_error(response, 400, "VALIDATION_ERROR")


@pytest.mark.parametrize("bad", ["\x00", "\x07", "\x1b[31m", "\x7f", "\x85"])
def test_control_characters_in_a_json_field_are_a_400_and_nothing_is_stored(
    api: APIClient, bad: str
) -> None:
    response = api.post("/api/projects", {"title": f"Voy{bad}ager"}, format="json")

    assert_error(response, 400, "VALIDATION_ERROR")
    assert not Project.objects.exists()


def test_control_characters_in_a_json_key_or_a_nested_value_are_a_400(
    api: APIClient, user: User
) -> None:
    project = ProjectFactory(owner=user)

    key = api.patch(f"/api/projects/{project.pk}", {"ti\x00tle": "x"}, format="json")
    nested = api.post("/api/channels", {"name": "c", "niche": ["\x00"]}, format="json")

    assert_error(key, 400, "VALIDATION_ERROR")
    assert_error(nested, 400, "VALIDATION_ERROR")


def test_tabs_and_newlines_are_text(api: APIClient) -> None:
    response = api.post(
        "/api/projects", {"title": "Voyager", "idea": "One.\n\tTwo.\r\nThree."}, format="json"
    )

    assert response.status_code == 201, response.content
    assert Project.objects.get().idea == "One.\n\tTwo.\r\nThree."


def test_nul_in_a_form_on_a_page_is_a_400(user: User) -> None:
    response = browser_for(user).post("/device", {"user_code": "BCDF\x00GHJK"})

    assert response.status_code == 400


def test_deeply_nested_json_is_a_400(api: APIClient) -> None:
    response = api.post("/api/projects", DEEP, content_type="application/json")

    assert_error(response, 400, "VALIDATION_ERROR")
    assert "nested deeper" in response.json()["error"]["message"]
    assert not Project.objects.exists()


def test_brackets_inside_strings_do_not_count_as_nesting(api: APIClient) -> None:
    body = json.dumps({"title": "[" * 100, "idea": "{" * 100 + '\\"'})

    response = api.post("/api/projects", body, content_type="application/json")

    assert response.status_code == 201, response.content


def _write_routes() -> list[str]:
    """Every API route's pattern, with its path parameters filled in."""
    found: list[str] = []

    def walk(patterns: Any, prefix: str) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, prefix + str(pattern.pattern))
            elif isinstance(pattern, URLPattern):
                found.append(prefix + str(pattern.pattern))

    walk(get_resolver().url_patterns, "/")
    return sorted({r for r in found if r.startswith("/api/") and "oauth" not in r})


def test_deep_json_on_every_api_route_is_never_a_500(api: APIClient, user: User) -> None:
    """Every write route with a real project (so it gets past the 404) and ``[`` x 3000."""
    import re

    project = ProjectFactory(owner=user, selected_title="Voyager")
    fill = re.compile(r"\(\?P<(\w+)>[^)]*\)|<(?:\w+:)?(\w+)>")
    answered: dict[str, set[int]] = {}
    for route in _write_routes():

        def value(match: re.Match[str]) -> str:
            name = match.group(1) or match.group(2)
            return str(project.pk) if name == "project_id" else str(uuid.uuid4())

        url = fill.sub(value, route).replace("^", "").replace("$", "").replace("/?", "")
        url = url.replace("\\.", ".")
        for method in ("post", "patch", "put"):
            response = getattr(api, method)(url, DEEP, content_type="application/json")
            answered.setdefault(url, set()).add(response.status_code)
            assert response.status_code < 500, (method, url, response.content[:300])
    assert any(400 in codes for codes in answered.values())
