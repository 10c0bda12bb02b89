"""Tokens at rest, refresh rotation with reuse detection, revocation (RFC 7009) and discovery:
reliability.md, OAuth and sessions, items 6-8."""

from __future__ import annotations

import json
import threading
from typing import Any

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from oauth2_provider.models import get_access_token_model, get_refresh_token_model

from accounts.models import User
from oauth_device.tokens import checksum
from tests.oauth import bearer, form_post, refresh, revoke

pytestmark = pytest.mark.django_db

AccessToken = get_access_token_model()
RefreshToken = get_refresh_token_model()
Issue = Any


def projects(token: str) -> int:
    return int(Client().get("/api/projects", **bearer(token)).status_code)


# 6 -----------------------------------------------------------------------------------------------
def test_the_database_holds_only_digests_of_tokens(issue_tokens: Issue, user: User) -> None:
    tokens = issue_tokens(user)
    rotated = refresh(Client(), tokens["refresh_token"]).json()

    access = AccessToken.objects.get()
    assert access.token == ""
    assert access.token_checksum == checksum(rotated["access_token"])
    assert RefreshToken.objects.get(revoked__isnull=True).token_checksum == checksum(
        rotated["refresh_token"]
    )
    # No text column of any table holds a raw value, whole or without its prefix.
    raw_values = [tokens["access_token"], tokens["refresh_token"]]
    raw_values += [rotated["access_token"], rotated["refresh_token"]]
    raw_values += [value[4:] for value in raw_values]
    with connection.cursor() as cursor:
        cursor.execute(
            "select table_name, column_name from information_schema.columns"
            " where table_schema = 'public' and data_type in ('text', 'character varying')"
        )
        columns = cursor.fetchall()
        assert len(columns) > 20
        for table, column in columns:
            for raw in raw_values:
                cursor.execute(
                    f'select count(*) from "{table}" where "{column}" like %s',  # noqa: S608
                    [f"%{raw}%"],
                )
                assert cursor.fetchone()[0] == 0, (table, column)


# 7 -----------------------------------------------------------------------------------------------
def test_refresh_rotates_the_pair_and_the_old_access_token_stops_working(
    issue_tokens: Issue, user: User
) -> None:
    first = issue_tokens(user, scope="projects:read generate")

    response = refresh(Client(), first["refresh_token"])

    assert response.status_code == 200, response.content
    assert response["Cache-Control"] == "no-store"
    second = response.json()
    assert second["access_token"].startswith("vfa_")
    assert second["refresh_token"].startswith("vfr_")
    assert second["refresh_token"] != first["refresh_token"]
    assert second["scope"] == "projects:read generate"
    assert projects(second["access_token"]) == 200
    assert projects(first["access_token"]) == 401


@pytest.mark.parametrize("generations_back", [1, 2])
def test_a_rotated_refresh_token_presented_again_revokes_the_whole_family(
    issue_tokens: Issue, user: User, generations_back: int
) -> None:
    chain = [issue_tokens(user)]
    for _ in range(2):
        chain.append(refresh(Client(), chain[-1]["refresh_token"]).json())
    newest = chain[-1]
    assert projects(newest["access_token"]) == 200

    replay = refresh(Client(), chain[-1 - generations_back]["refresh_token"])

    assert replay.status_code == 400
    assert replay.json()["error"] == "invalid_grant"
    # the legitimate newest pair is dead too: whoever holds it must sign in again
    assert projects(newest["access_token"]) == 401
    assert refresh(Client(), newest["refresh_token"]).json()["error"] == "invalid_grant"
    assert not RefreshToken.objects.filter(revoked__isnull=True).exists()
    assert not AccessToken.objects.exists()


def test_reuse_revokes_only_its_own_family(issue_tokens: Issue, user: User) -> None:
    cli = issue_tokens(user)
    mcp = issue_tokens(user, client_id="vidflow-mcp")  # another sign-in of the same user
    refresh(Client(), cli["refresh_token"])

    refresh(Client(), cli["refresh_token"])  # replay

    assert projects(mcp["access_token"]) == 200
    assert refresh(Client(), mcp["refresh_token"], client_id="vidflow-mcp").status_code == 200


def test_a_refresh_token_works_only_for_its_own_client(issue_tokens: Issue, user: User) -> None:
    tokens = issue_tokens(user)

    response = refresh(Client(), tokens["refresh_token"], client_id="vidflow-mcp")

    assert response.status_code == 400
    assert response.json()["error"] == "invalid_grant"


@pytest.mark.django_db(transaction=True)
def test_concurrent_refreshes_of_one_token_never_hand_out_an_empty_token(
    issue_tokens: Issue, user: User
) -> None:
    """The losers presented a token that was rotated meanwhile: that is a reuse, so the family is
    revoked; nobody gets a 500 or a 200 without tokens (DOT's answer under hashed storage)."""
    tokens = issue_tokens(user)
    n = 4
    barrier = threading.Barrier(n)
    results: list[tuple[int, Any]] = []

    def one(i: int) -> None:
        try:
            barrier.wait()
            client = Client(raise_request_exception=False)
            response = refresh(client, tokens["refresh_token"], REMOTE_ADDR=f"10.1.0.{i}")
            results.append((response.status_code, json.loads(response.content)))
        finally:
            connection.close()

    threads = [threading.Thread(target=one, args=(i,)) for i in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert len(results) == n
    winners = [body for status, body in results if status == 200]
    assert len(winners) <= 1, results
    for body in winners:
        assert body["access_token"].startswith("vfa_")
        assert body["refresh_token"].startswith("vfr_")
    assert all(body["error"] == "invalid_grant" for status, body in results if status != 200), (
        results
    )
    assert not RefreshToken.objects.filter(revoked__isnull=True).exists()


# 8 -----------------------------------------------------------------------------------------------
def test_revoking_an_unknown_token_answers_200(public_clients: Any) -> None:
    response = revoke(Client(), "vfr_no-such-token")

    assert response.status_code == 200


def test_revoking_a_refresh_token_kills_the_access_tokens_of_its_grant(
    issue_tokens: Issue, user: User
) -> None:
    first = issue_tokens(user)
    second = refresh(Client(), first["refresh_token"]).json()

    response = revoke(Client(), second["refresh_token"], hint="refresh_token")

    assert response.status_code == 200
    assert projects(second["access_token"]) == 401
    assert refresh(Client(), second["refresh_token"]).json()["error"] == "invalid_grant"
    assert not AccessToken.objects.exists()


def test_revoking_an_access_token_also_revokes_its_refresh_token(
    issue_tokens: Issue, user: User
) -> None:
    tokens = issue_tokens(user)

    assert revoke(Client(), tokens["access_token"]).status_code == 200

    assert projects(tokens["access_token"]) == 401
    assert refresh(Client(), tokens["refresh_token"]).json()["error"] == "invalid_grant"


def test_nobody_can_revoke_another_clients_token(issue_tokens: Issue, user: User) -> None:
    tokens = issue_tokens(user, client_id="vidflow-cli")

    by_other_client = [
        revoke(Client(), tokens["refresh_token"], client_id="vidflow-mcp"),
        revoke(Client(), tokens["access_token"], client_id="vidflow-mcp"),
    ]

    assert [r.status_code for r in by_other_client] == [200, 200]  # RFC 7009: nothing disclosed
    assert projects(tokens["access_token"]) == 200
    assert refresh(Client(), tokens["refresh_token"]).status_code == 200


def test_revoking_without_a_client_id_revokes_nothing(issue_tokens: Issue, user: User) -> None:
    tokens = issue_tokens(user)

    response = form_post(Client(), "/api/oauth/revoke", {"token": tokens["access_token"]})

    assert response.status_code in (400, 401)
    assert "error" in response.json()
    assert projects(tokens["access_token"]) == 200


# the protocol endpoints speak RFC 6749, never the envelope --------------------------------------
@pytest.mark.parametrize(
    "path",
    ["/api/oauth/device/code", "/api/oauth/device/token", "/api/oauth/token", "/api/oauth/revoke"],
)
def test_a_get_on_a_protocol_endpoint_is_an_rfc_error_not_an_envelope(path: str) -> None:
    response = Client().get(path)

    assert response.status_code == 405
    assert response["Allow"] == "POST, OPTIONS"
    assert response.json() == {
        "error": "invalid_request",
        "error_description": "This method is not allowed here.",
    }


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({"grant_type": "client_credentials"}, "unsupported_grant_type"),
        ({"grant_type": "authorization_code", "code": "x"}, "unsupported_grant_type"),
        ({"grant_type": "nonsense"}, "unsupported_grant_type"),
        ({}, "invalid_request"),
    ],
)
def test_other_grant_types_are_refused_cleanly(
    public_clients: Any, data: dict[str, str], error: str
) -> None:
    response = form_post(Client(), "/api/oauth/token", {**data, "client_id": "vidflow-cli"})

    assert response.status_code == 400
    assert response.json()["error"] == error


def test_the_token_endpoint_is_no_password_oracle(public_clients: Any, user: User) -> None:
    """The password grant is refused before any password is checked: right and wrong passwords
    get the same answer (passwords are tried only on the rate-limited log-in pages)."""
    answers = [
        form_post(
            Client(),
            "/api/oauth/token",
            {
                "grant_type": "password",
                "username": user.username,
                "password": password,
                "client_id": "vidflow-cli",
            },
        )
        for password in ("correct horse battery", "wrong")
    ]

    assert [(a.status_code, a.json()["error"]) for a in answers] == [
        (400, "unsupported_grant_type")
    ] * 2


def test_refresh_without_a_refresh_token_is_invalid_request(public_clients: Any) -> None:
    response = form_post(
        Client(), "/api/oauth/token", {"grant_type": "refresh_token", "client_id": "vidflow-cli"}
    )

    assert response.status_code == 400
    assert response.json()["error"] == "invalid_request"


# discovery ---------------------------------------------------------------------------------------
def test_authorization_server_metadata_describes_the_device_flow(public_clients: Any) -> None:
    base = settings.PUBLIC_BASE_URL

    response = Client().get("/.well-known/oauth-authorization-server")

    assert response.status_code == 200
    assert response.json() == {
        "issuer": base,
        "device_authorization_endpoint": f"{base}/api/oauth/device/code",
        "token_endpoint": f"{base}/api/oauth/token",
        "revocation_endpoint": f"{base}/api/oauth/revoke",
        "grant_types_supported": ["urn:ietf:params:oauth:grant-type:device_code", "refresh_token"],
        "response_types_supported": ["none"],
        "scopes_supported": [
            "projects:read",
            "projects:write",
            "generate",
            "publish",
            "billing:read",
        ],
        "token_endpoint_auth_methods_supported": ["none"],
        "revocation_endpoint_auth_methods_supported": ["none"],
        "service_documentation": f"{base}/api/docs",
    }


def test_protected_resource_metadata_points_at_the_authorization_server() -> None:
    base = settings.PUBLIC_BASE_URL

    document = Client().get("/.well-known/oauth-protected-resource").json()

    assert document["resource"] == base
    assert document["authorization_servers"] == [base]
    assert document["bearer_methods_supported"] == ["header"]
    assert "generate" in document["scopes_supported"]


# Refresh limits: per sign-in, and failed attempts per address --------------------------------
def test_sign_ins_behind_one_address_each_refresh_on_their_own(
    issue_tokens: Issue, user: User, settings: Any, frozen_clock: Any
) -> None:
    """Every vidflow-cli behind one address (an office, a NAT) refreshes within its own sign-in's
    limit; one sign-in past it is refused with Retry-After, and the others are not."""
    sign_ins = [issue_tokens(user)["refresh_token"] for _ in range(3)]
    settings.VIDFLOW_RATE_TIERS = {**settings.VIDFLOW_RATE_TIERS, "auth": "3/m"}

    for _ in range(3):
        for i, token in enumerate(sign_ins):
            response = refresh(Client(), token)
            assert response.status_code == 200, response.content
            sign_ins[i] = response.json()["refresh_token"]
    over = refresh(Client(), sign_ins[0])

    assert over.status_code == 429
    assert over.json()["error"] == "rate_limited"
    assert 1 <= int(over["Retry-After"]) <= 60
    assert refresh(Client(), sign_ins[0]).status_code == 429  # refused ones take no try...
    frozen_clock.shift(61)
    assert refresh(Client(), sign_ins[0]).status_code == 200  # ...and the token still works


def test_failed_refreshes_are_limited_per_address_and_good_ones_are_not_held_back(
    issue_tokens: Issue, user: User, settings: Any, frozen_clock: Any
) -> None:
    good = issue_tokens(user)["refresh_token"]
    settings.VIDFLOW_RATE_TIERS = {**settings.VIDFLOW_RATE_TIERS, "auth": "3/m"}
    for _ in range(2):  # a good refresh gives its try on the address back
        good = refresh(Client(), good).json()["refresh_token"]
    for n in range(3):
        assert refresh(Client(), f"vfr_guess-{n}").json()["error"] == "invalid_grant"

    assert refresh(Client(), "vfr_guess-4").status_code == 429
    assert refresh(Client(), good).status_code == 429  # this address is guessing: wait
    assert refresh(Client(REMOTE_ADDR="10.9.9.9"), good).status_code == 200


def test_an_unknown_client_on_refresh_is_400_invalid_client_as_on_the_device_grant(
    issue_tokens: Issue, user: User
) -> None:
    token = issue_tokens(user)["refresh_token"]

    response = refresh(Client(), token, client_id="nobody-knows-me")

    assert response.status_code == 400
    assert response.json()["error"] == "invalid_client"
