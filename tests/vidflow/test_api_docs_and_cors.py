"""The API as third parties meet it: the schema in every format it offers (errors in the envelope,
never a 500), the docs served from our own static files, CORS for the origins we allow, and a
discovery document that a standard OAuth client library accepts."""

from __future__ import annotations

import re
from typing import Any

import pytest
from authlib.oauth2.rfc8414 import AuthorizationServerMetadata
from django.contrib.staticfiles import finders
from django.test import Client

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("path", ["/api/schema", "/api/schema/", "/api/schema?format=json"])
def test_the_schema_answers_with_and_without_a_trailing_slash(path: str) -> None:
    response = Client().get(path)

    assert response.status_code == 200
    assert b"openapi" in response.content[:200]


@pytest.mark.parametrize(
    ("query", "headers", "status"),
    [
        ("?format=openapi-json", {}, 404),
        ("?format=bogus", {}, 404),
        ("", {"HTTP_ACCEPT": "text/html"}, 406),
    ],
)
def test_a_schema_format_it_cannot_serve_is_an_envelope_not_a_500(
    query: str, headers: dict[str, str], status: int
) -> None:
    response = Client().get(f"/api/schema{query}", **headers)

    assert response.status_code == status
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["success"] is False


@pytest.mark.parametrize("path", ["/api/docs", "/api/docs/", "/api/redoc/"])
def test_the_docs_load_nothing_from_a_cdn(path: str) -> None:
    response = Client().get(path)

    assert response.status_code == 200
    page = response.content.decode()
    sources = re.findall(r'(?:src|href)="([^"]+)"', page)
    assert sources  # the page does load its reader...
    assert all(s.startswith("/static/") or s.startswith("/api/") for s in sources), sources
    assert "cdn.jsdelivr" not in page
    assert "unpkg.com" not in page


@pytest.mark.parametrize("path", ["/api/docs", "/api/redoc"])
def test_the_docs_readers_are_among_our_static_files(path: str) -> None:
    page = Client().get(path).content.decode()
    scripts = [s for s in re.findall(r'src="([^"]+)"', page) if s.endswith(".js")]

    assert scripts
    for script in scripts:
        # collectstatic (make run) serves what the finders find
        assert finders.find(script.removeprefix("/static/")), script


@pytest.fixture
def allowed(settings: Any) -> str:
    settings.CORS_ALLOWED_ORIGINS = ["https://app.example.com"]
    return "https://app.example.com"


def test_a_preflight_from_an_allowed_origin_is_answered(allowed: str) -> None:
    response = Client().options(
        "/api/projects",
        HTTP_ORIGIN=allowed,
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST",
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS="authorization, content-type, idempotency-key",
    )

    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == allowed
    assert "POST" in response["Access-Control-Allow-Methods"]
    allowed_headers = response["Access-Control-Allow-Headers"].lower()
    assert "authorization" in allowed_headers
    assert "idempotency-key" in allowed_headers


def test_the_oauth_token_endpoint_takes_preflights_too(allowed: str) -> None:
    response = Client().options(
        "/api/oauth/token", HTTP_ORIGIN=allowed, HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST"
    )

    assert response["Access-Control-Allow-Origin"] == allowed


def test_another_origin_gets_no_cors_headers(allowed: str) -> None:
    response = Client().options(
        "/api/projects",
        HTTP_ORIGIN="https://evil.example.net",
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST",
    )

    assert "Access-Control-Allow-Origin" not in response


def test_by_default_no_origin_is_allowed() -> None:
    response = Client().get("/api/projects", HTTP_ORIGIN="https://app.example.com")

    assert "Access-Control-Allow-Origin" not in response


def test_an_allowed_origin_can_read_the_rate_limit_and_challenge_headers(allowed: str) -> None:
    response = Client().get("/api/projects", HTTP_ORIGIN=allowed)

    assert response.status_code == 401
    exposed = response["Access-Control-Expose-Headers"].lower()
    assert "www-authenticate" in exposed
    assert "retry-after" in exposed


def test_the_discovery_document_passes_authlibs_validation() -> None:
    document = Client().get("/.well-known/oauth-authorization-server").json()

    metadata = AuthorizationServerMetadata(document)
    metadata.validate()  # raises on anything RFC 8414 requires and is missing

    assert metadata["response_types_supported"] == ["none"]
