"""The connected-apps page: which clients hold the user's tokens, when they were last used, and
disconnecting one."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from oauth2_provider.models import get_access_token_model, get_refresh_token_model

from accounts.models import User
from tests.oauth import approve, bearer, browser_for, poll, refresh, start_device_flow

pytestmark = pytest.mark.django_db

AccessToken = get_access_token_model()
RefreshToken = get_refresh_token_model()
Issue = Any


def test_it_lists_my_connected_clients_with_scopes_and_last_use(
    issue_tokens: Issue, user: User, other_user: User
) -> None:
    cli = issue_tokens(user, scope="projects:read generate")
    issue_tokens(user, client_id="vidflow-mcp")
    issue_tokens(other_user)  # someone else's, never shown
    Client().get("/api/projects", **bearer(cli["access_token"]))

    page = browser_for(user).get("/connected-apps")

    assert page.status_code == 200
    html = page.content.decode()
    assert html.count('data-client-id="') == 2
    cli_row = html[html.index('data-client-id="vidflow-cli"') :].split("</tr>")[0]
    mcp_row = html[html.index('data-client-id="vidflow-mcp"') :].split("</tr>")[0]
    assert "VidFlow CLI" in cli_row
    assert 'data-scope="generate"' in cli_row
    assert "<time" in cli_row.split('class="last-used"')[1]  # used just now
    assert "not yet" in mcp_row.split('class="last-used"')[1]


def test_a_client_signed_in_twice_is_one_row(issue_tokens: Issue, user: User) -> None:
    issue_tokens(user)
    issue_tokens(user)

    html = browser_for(user).get("/connected-apps").content.decode()

    assert html.count('data-client-id="vidflow-cli"') == 1
    assert "on 2 devices" in html


def test_disconnecting_revokes_every_token_of_that_client_only(
    issue_tokens: Issue, user: User
) -> None:
    first = issue_tokens(user)
    second = issue_tokens(user)
    mcp = issue_tokens(user, client_id="vidflow-mcp")
    browser = browser_for(user)

    response = browser.post("/connected-apps/vidflow-cli/revoke", follow=True)

    assert response.status_code == 200
    assert b"Disconnected" in response.content
    assert b'data-client-id="vidflow-cli"' not in response.content
    for tokens in (first, second):
        assert Client().get("/api/projects", **bearer(tokens["access_token"])).status_code == 401
        assert refresh(Client(), tokens["refresh_token"]).json()["error"] == "invalid_grant"
    assert Client().get("/api/projects", **bearer(mcp["access_token"])).status_code == 200


def test_disconnecting_also_withdraws_an_approved_code_not_yet_redeemed(
    public_clients: Any, user: User
) -> None:
    body = start_device_flow(Client()).json()
    approve(user, body["user_code"])
    issued = poll(Client(), body["device_code"])  # first sign-in, redeemed
    second = start_device_flow(Client(REMOTE_ADDR="10.3.3.3")).json()
    approve(user, second["user_code"])  # approved, not yet polled

    browser_for(user).post("/connected-apps/vidflow-cli/revoke")

    assert issued.status_code == 200
    assert poll(Client(), second["device_code"]).json()["error"] == "invalid_grant"
    assert not AccessToken.objects.exists()


def test_i_cannot_disconnect_anything_of_someone_else(
    issue_tokens: Issue, user: User, other_user: User
) -> None:
    theirs = issue_tokens(other_user)

    response = browser_for(user).post("/connected-apps/vidflow-cli/revoke", follow=True)

    assert b"was not connected" in response.content
    assert Client().get("/api/projects", **bearer(theirs["access_token"])).status_code == 200


def test_the_page_needs_a_login_and_disconnecting_needs_a_post(
    public_clients: Any, user: User
) -> None:
    assert Client().get("/connected-apps").status_code == 302
    assert browser_for(user).get("/connected-apps/vidflow-cli/revoke").status_code == 405


def test_disconnecting_needs_the_csrf_token(issue_tokens: Issue, user: User) -> None:
    tokens = issue_tokens(user)
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(user)

    response = browser.post("/connected-apps/vidflow-cli/revoke")

    assert response.status_code == 403
    assert Client().get("/api/projects", **bearer(tokens["access_token"])).status_code == 200
