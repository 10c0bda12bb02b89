"""requireAuth: the Bearer header first, then the session (reliability.md items 9-11), and the
record of when tokens were last used."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from oauth2_provider.models import get_access_token_model
from rest_framework.test import APIClient

from accounts.models import User
from oauth_device.models import TokenActivity
from projects.models import Project
from tests.factories import ProjectFactory
from tests.oauth import bearer, revoke
from tests.vidflow.test_envelope import assert_error

pytestmark = pytest.mark.django_db

AccessToken = get_access_token_model()
Issue = Any


# 9 -----------------------------------------------------------------------------------------------
METADATA = 'resource_metadata="http://127.0.0.1:8000/.well-known/oauth-protected-resource"'


def test_no_credentials_is_401_with_the_bare_challenge(settings: Any) -> None:
    """RFC 9728 §5.1: the challenge says where the protected resource's metadata is, and that
    document (from PUBLIC_BASE_URL) names the authorization server a client signs in with."""
    settings.PUBLIC_BASE_URL = "http://127.0.0.1:8000"
    response = Client().get("/api/projects")

    assert_error(response, 401, "UNAUTHENTICATED")
    assert response["WWW-Authenticate"] == f'Bearer realm="vidflow", {METADATA}'
    metadata = Client().get("/.well-known/oauth-protected-resource").json()
    assert metadata["authorization_servers"]


@pytest.mark.parametrize("token", ["vfa_not-a-real-token", "garbage"])
def test_an_unknown_token_is_401_invalid_token(public_clients: Any, token: str) -> None:
    response = Client().get("/api/projects", **bearer(token))

    assert_error(response, 401, "INVALID_TOKEN")
    challenge = response["WWW-Authenticate"]
    assert challenge.startswith('Bearer realm="vidflow", error="invalid_token"')


def test_a_malformed_bearer_header_is_401_invalid_token() -> None:
    response = Client().get("/api/projects", HTTP_AUTHORIZATION="Bearer two words")

    assert_error(response, 401, "INVALID_TOKEN")
    assert 'error="invalid_token"' in response["WWW-Authenticate"]


def test_an_expired_token_is_401_invalid_token(issue_tokens: Issue, user: User) -> None:
    tokens = issue_tokens(user)
    AccessToken.objects.update(expires=timezone.now() - timedelta(seconds=1))

    response = Client().get("/api/projects", **bearer(tokens["access_token"]))

    error = assert_error(response, 401, "INVALID_TOKEN")
    assert "expired" in error["message"]
    assert 'error="invalid_token"' in response["WWW-Authenticate"]
    assert "expired" in response["WWW-Authenticate"]


def test_a_revoked_token_is_401_invalid_token(issue_tokens: Issue, user: User) -> None:
    tokens = issue_tokens(user)
    revoke(Client(), tokens["access_token"])

    response = Client().get("/api/projects", **bearer(tokens["access_token"]))

    assert_error(response, 401, "INVALID_TOKEN")
    assert 'error="invalid_token"' in response["WWW-Authenticate"]


def test_a_deactivated_users_token_is_401_invalid_token(issue_tokens: Issue, user: User) -> None:
    tokens = issue_tokens(user)
    user.is_active = False
    user.save()

    response = Client().get("/api/projects", **bearer(tokens["access_token"]))

    assert_error(response, 401, "INVALID_TOKEN")


def test_a_suspended_users_token_is_account_suspended(issue_tokens: Issue, user: User) -> None:
    tokens = issue_tokens(user)
    user.suspended_at = timezone.now()
    user.save()

    response = Client().get("/api/projects", **bearer(tokens["access_token"]))

    assert_error(response, 403, "ACCOUNT_SUSPENDED")


def test_a_missing_scope_is_403_insufficient_scope_naming_it(
    issue_tokens: Issue, user: User
) -> None:
    tokens = issue_tokens(user, scope="projects:read")
    project = ProjectFactory(owner=user)

    read = Client().get("/api/projects", **bearer(tokens["access_token"]))
    write = Client().patch(
        f"/api/projects/{project.pk}",
        {"title": "changed"},
        content_type="application/json",
        **bearer(tokens["access_token"]),
    )

    assert read.status_code == 200
    error = assert_error(write, 403, "INSUFFICIENT_SCOPE")
    assert error["details"] == {"requiredScope": "projects:write"}
    assert write["WWW-Authenticate"].startswith(
        'Bearer realm="vidflow", error="insufficient_scope", scope="projects:write", '
        'resource_metadata="'
    )
    project.refresh_from_db()
    assert project.title != "changed"


# 10 ----------------------------------------------------------------------------------------------
def test_a_token_in_the_query_string_is_never_accepted(issue_tokens: Issue, user: User) -> None:
    token = issue_tokens(user)["access_token"]

    alone = Client().get(f"/api/projects?access_token={token}")
    with_header = Client().get(f"/api/projects?access_token={token}", **bearer(token))

    for response in (alone, with_header):
        assert_error(response, 401, "INVALID_TOKEN")
        assert 'error="invalid_request"' in response["WWW-Authenticate"]


def test_a_token_in_a_form_body_is_never_accepted(issue_tokens: Issue, user: User) -> None:
    token = issue_tokens(user, scope="projects:write")["access_token"]

    response = Client().post(
        "/api/projects",
        f"title=Voyager&access_token={token}",
        content_type="application/x-www-form-urlencoded",
    )

    assert_error(response, 401, "INVALID_TOKEN")
    assert not Project.objects.exists()


# bearer first, then the session -----------------------------------------------------------------
def test_a_session_user_is_not_limited_by_scopes(api: APIClient) -> None:
    assert api.get("/api/billing/balance").status_code == 200
    assert api.post("/api/projects", {"title": "Voyager"}, format="json").status_code == 201


def test_a_bad_bearer_header_never_falls_back_to_the_session(api: APIClient) -> None:
    response = api.get("/api/projects", **bearer("vfa_wrong"))

    assert_error(response, 401, "INVALID_TOKEN")


def test_the_bearer_token_wins_over_the_session(
    issue_tokens: Issue, user: User, other_user: User, client_for: Any
) -> None:
    mine = ProjectFactory(owner=user)
    ProjectFactory(owner=other_user)
    token = issue_tokens(user)["access_token"]

    response = client_for(other_user).get("/api/projects", **bearer(token))

    assert [p["id"] for p in response.json()["data"]["results"]] == [str(mine.pk)]


def test_another_authorization_scheme_is_left_to_the_session(api: APIClient) -> None:
    response = api.get("/api/projects", HTTP_AUTHORIZATION="Basic dXNlcjpwYXNz")

    assert response.status_code == 200


# 11 ----------------------------------------------------------------------------------------------
def test_a_session_write_needs_the_csrf_token(user: User) -> None:
    browser = APIClient(enforce_csrf_checks=True)
    browser.force_login(user)

    refused = browser.post("/api/projects", {"title": "Voyager"}, format="json")
    browser.get("/accounts/login/")  # a page hands out the csrftoken cookie
    accepted = browser.post(
        "/api/projects",
        {"title": "Voyager"},
        format="json",
        HTTP_X_CSRFTOKEN=browser.cookies["csrftoken"].value,
    )

    assert_error(refused, 403, "FORBIDDEN")
    assert accepted.status_code == 201
    assert Project.objects.count() == 1


def test_a_bearer_write_needs_no_csrf_token(issue_tokens: Issue, user: User) -> None:
    token = issue_tokens(user, scope="projects:write")["access_token"]

    response = APIClient(enforce_csrf_checks=True).post(
        "/api/projects", {"title": "Voyager"}, format="json", **bearer(token)
    )

    assert response.status_code == 201


# last use ----------------------------------------------------------------------------------------
def test_last_use_is_recorded_at_most_once_a_minute_without_a_write_per_request(
    issue_tokens: Issue, user: User
) -> None:
    token = issue_tokens(user)["access_token"]
    assert not TokenActivity.objects.exists()

    Client().get("/api/billing/balance", **bearer(token))
    first = TokenActivity.objects.get()
    with CaptureQueriesContext(connection) as queries:
        Client().get("/api/runs", **bearer(token))

    assert first.user == user
    assert first.application.client_id == "vidflow-cli"
    writes = [
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE"))
    ]
    assert writes == []
    assert TokenActivity.objects.get().last_used_at == first.last_used_at
