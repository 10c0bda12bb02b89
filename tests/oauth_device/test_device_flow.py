"""The device flow (RFC 8628) over HTTP: reliability.md, OAuth and sessions, items 1-5."""

from __future__ import annotations

import re
import threading
from typing import Any

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from oauth2_provider.models import (
    get_access_token_model,
    get_device_grant_model,
    get_refresh_token_model,
)

from accounts.models import User
from oauth_device.user_codes import ALPHABET, generate_user_code, normalize_user_code
from tests.concurrency import http_for, in_threads
from tests.oauth import (
    DEVICE_GRANT,
    approve,
    backdate_last_poll,
    browser_for,
    expire_grant,
    form_post,
    fresh_window,
    poll,
    start_device_flow,
)

pytestmark = pytest.mark.django_db

DeviceGrant = get_device_grant_model()
AccessToken = get_access_token_model()
RefreshToken = get_refresh_token_model()
USER_CODE = re.compile(r"^[BCDFGHJKLMNPQRSTVWXZ]{4}-[BCDFGHJKLMNPQRSTVWXZ]{4}$")


def test_starting_a_flow_answers_exactly_rfc_8628(public_clients: Any) -> None:
    response = start_device_flow(Client(), scope="projects:read generate")

    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    body = response.json()
    assert set(body) == {
        "device_code",
        "user_code",
        "verification_uri",
        "verification_uri_complete",
        "expires_in",
        "interval",
    }
    assert USER_CODE.match(body["user_code"])
    assert body["verification_uri"] == f"{settings.PUBLIC_BASE_URL}/device"
    assert body["verification_uri_complete"] == (
        f"{settings.PUBLIC_BASE_URL}/device?user_code={body['user_code']}"
    )
    assert body["expires_in"] == 600
    assert body["interval"] == 5
    grant = DeviceGrant.objects.get(device_code=body["device_code"])
    assert grant.scope == "projects:read generate"
    assert grant.status == DeviceGrant.AUTHORIZATION_PENDING


def test_without_a_scope_the_default_read_scope_is_asked(public_clients: Any) -> None:
    body = start_device_flow(Client(), scope=None).json()

    assert DeviceGrant.objects.get(device_code=body["device_code"]).scope == "projects:read"


@pytest.mark.parametrize(
    ("data", "status", "error"),
    [
        ({"client_id": "vidflow-cli", "scope": "projects:read admin"}, 400, "invalid_scope"),
        ({"client_id": "no-such-client"}, 400, "invalid_client"),
        ({"scope": "projects:read"}, 400, "invalid_request"),
    ],
)
def test_a_bad_start_is_an_rfc_error(
    public_clients: Any, data: dict[str, str], status: int, error: str
) -> None:
    response = form_post(Client(), "/api/oauth/device/code", data)

    assert response.status_code == status
    assert response.json()["error"] == error
    assert not DeviceGrant.objects.exists()


def test_a_client_not_allowed_the_device_grant_is_unauthorized(public_clients: Any) -> None:
    public_clients["vidflow-mcp"].authorization_grant_type = "client-credentials"
    public_clients["vidflow-mcp"].save()

    response = start_device_flow(Client(), client_id="vidflow-mcp")

    assert response.status_code == 400
    assert response.json()["error"] == "unauthorized_client"


def test_user_codes_use_the_rfc_alphabet_and_forgive_case_and_hyphens() -> None:
    codes = {generate_user_code() for _ in range(2000)}

    assert all(USER_CODE.match(code) for code in codes)
    assert set("".join(codes).replace("-", "")) == set(ALPHABET)
    assert (
        normalize_user_code("bcdf-ghjk")
        == normalize_user_code("BCDFGHJK")
        == normalize_user_code(" bcdf ghjk ")
        == "BCDF-GHJK"
    )
    assert normalize_user_code("BCDF-GHJA") is None  # a vowel is never part of a code
    assert normalize_user_code("BCDF-GHJ") is None


# 1 -----------------------------------------------------------------------------------------------
def test_polling_before_approval_is_authorization_pending(public_clients: Any) -> None:
    body = start_device_flow(Client()).json()

    response = poll(Client(), body["device_code"])

    assert response.status_code == 400
    assert response.json() == {"error": "authorization_pending"}
    assert response["Cache-Control"] == "no-store"
    assert not AccessToken.objects.exists()


# 2 -----------------------------------------------------------------------------------------------
def test_polling_too_fast_is_slow_down_and_the_interval_grows_for_good(public_clients: Any) -> None:
    code = start_device_flow(Client()).json()["device_code"]
    assert poll(Client(), code).json()["error"] == "authorization_pending"  # the first is free

    response = poll(Client(), code)  # straight away again

    assert response.status_code == 400
    assert response.json() == {"error": "slow_down"}
    assert DeviceGrant.objects.get(device_code=code).interval == 10

    backdate_last_poll(code, 7)  # enough for the old 5 s, not for the new 10 s
    assert poll(Client(), code).json()["error"] == "slow_down"
    assert DeviceGrant.objects.get(device_code=code).interval == 15

    backdate_last_poll(code, 16)
    assert poll(Client(), code).json()["error"] == "authorization_pending"
    assert DeviceGrant.objects.get(device_code=code).interval == 15  # stays raised


# 3 -----------------------------------------------------------------------------------------------
def test_a_denied_code_is_dead(public_clients: Any, user: User) -> None:
    body = start_device_flow(Client()).json()
    approve(user, body["user_code"], action="deny")

    for _ in range(2):
        response = poll(Client(), body["device_code"])
        assert response.status_code == 400
        assert response.json() == {"error": "access_denied"}
        backdate_last_poll(body["device_code"], 60)
    again = browser_for(user).post("/device", {"user_code": body["user_code"], "action": "approve"})
    assert again.status_code == 400
    assert b"already been used" in again.content
    assert poll(Client(), body["device_code"]).json() == {"error": "access_denied"}
    assert not AccessToken.objects.exists()


def test_after_expires_in_it_is_expired_token_and_the_page_refuses_the_code(
    public_clients: Any, user: User
) -> None:
    body = start_device_flow(Client()).json()
    expire_grant(body["device_code"])

    response = poll(Client(), body["device_code"])

    assert response.status_code == 400
    assert response.json() == {"error": "expired_token"}
    browser = browser_for(user)
    shown = browser.post("/device", {"user_code": body["user_code"]})
    assert shown.status_code == 400
    assert b"expired" in shown.content
    assert (
        browser.post("/device", {"user_code": body["user_code"], "action": "approve"}).status_code
        == 400
    )
    assert poll(Client(), body["device_code"]).json() == {"error": "expired_token"}
    assert not AccessToken.objects.exists()


def test_an_approved_code_that_expired_gives_no_token(public_clients: Any, user: User) -> None:
    body = start_device_flow(Client()).json()
    approve(user, body["user_code"])
    expire_grant(body["device_code"])

    assert poll(Client(), body["device_code"]).json() == {"error": "expired_token"}
    assert not AccessToken.objects.exists()


def test_unknown_missing_and_foreign_device_codes_are_rfc_errors(
    public_clients: Any, user: User
) -> None:
    unknown = poll(Client(), "no-such-code")
    missing = poll(Client(), None)
    no_client = form_post(
        Client(), "/api/oauth/device/token", {"grant_type": DEVICE_GRANT, "device_code": "x"}
    )
    bad_client = poll(Client(), "x", client_id="no-such-client")
    body = start_device_flow(Client(), client_id="vidflow-cli").json()
    approve(user, body["user_code"])
    other_client = poll(Client(), body["device_code"], client_id="vidflow-mcp")

    assert (unknown.status_code, unknown.json()["error"]) == (400, "invalid_grant")
    assert (missing.status_code, missing.json()["error"]) == (400, "invalid_request")
    assert (no_client.status_code, no_client.json()["error"]) == (400, "invalid_request")
    assert (bad_client.status_code, bad_client.json()["error"]) == (400, "invalid_client")
    assert (other_client.status_code, other_client.json()["error"]) == (400, "invalid_grant")
    assert poll(Client(), body["device_code"]).status_code == 200  # still its own client's


def test_approving_in_the_browser_gives_one_token_pair_once(
    public_clients: Any, user: User
) -> None:
    body = start_device_flow(Client(), scope="projects:read generate").json()
    browser = browser_for(user)
    prefilled = browser.get(f"/device?user_code={body['user_code']}")
    assert prefilled.status_code == 200
    assert f'value="{body["user_code"]}"'.encode() in prefilled.content

    typed = body["user_code"].replace("-", "").lower()  # any case, no hyphen
    shown = browser.post("/device", {"user_code": typed})
    assert shown.status_code == 200
    page = shown.content.decode()
    assert "VidFlow CLI" in page
    assert 'data-scope="projects:read"' in page
    assert 'data-scope="generate"' in page
    assert settings.OAUTH_SCOPES["generate"] in page  # in plain words
    assert poll(Client(), body["device_code"]).json()["error"] == "authorization_pending"

    done = browser.post("/device", {"user_code": typed, "action": "approve"})
    assert done.status_code == 200
    assert b"Device connected" in done.content

    backdate_last_poll(body["device_code"], 10)
    response = poll(Client(), body["device_code"])
    assert response.status_code == 200, response.content
    assert response["Cache-Control"] == "no-store"
    tokens = response.json()
    assert tokens["access_token"].startswith("vfa_")
    assert tokens["refresh_token"].startswith("vfr_")
    assert tokens["token_type"] == "Bearer"
    assert tokens["expires_in"] == 3600
    assert tokens["scope"] == "projects:read generate"
    access = AccessToken.objects.get()
    assert access.user == user
    assert access.application.client_id == "vidflow-cli"

    again = poll(Client(), body["device_code"])
    assert again.status_code == 400
    assert again.json()["error"] == "invalid_grant"
    assert AccessToken.objects.count() == 1
    assert RefreshToken.objects.count() == 1


def test_the_grant_belongs_to_whoever_decides_not_whoever_typed_first(
    public_clients: Any, user: User, other_user: User
) -> None:
    body = start_device_flow(Client()).json()
    assert (
        browser_for(other_user).post("/device", {"user_code": body["user_code"]}).status_code == 200
    )

    approve(user, body["user_code"])
    tokens = poll(Client(), body["device_code"]).json()

    assert AccessToken.objects.get().user == user
    assert tokens["access_token"].startswith("vfa_")


def test_the_device_page_asks_to_log_in_first(public_clients: Any) -> None:
    response = Client().get("/device?user_code=BCDF-GHJK")

    assert response.status_code == 302
    assert response["Location"].startswith(settings.LOGIN_URL)
    assert "user_code" in response["Location"]  # back to the pre-filled page after logging in


# 4 -----------------------------------------------------------------------------------------------
def _poll_concurrently(device_code: str, n: int) -> list[tuple[int, dict[str, Any]]]:
    barrier = threading.Barrier(n)
    results: list[tuple[int, dict[str, Any]]] = []

    def one() -> None:
        try:
            barrier.wait()
            response = poll(Client(), device_code)
            results.append((response.status_code, response.json()))
        finally:
            connection.close()

    threads = [threading.Thread(target=one) for _ in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("n", [2, 6])
def test_concurrent_polls_of_an_approved_code_issue_exactly_one_token_pair(
    public_clients: Any, user: User, n: int
) -> None:
    body = start_device_flow(Client()).json()
    approve(user, body["user_code"])

    results = _poll_concurrently(body["device_code"], n)

    assert sorted(status for status, _ in results) == [200] + [400] * (n - 1), results
    assert all(body["error"] == "invalid_grant" for status, body in results if status == 400)
    assert AccessToken.objects.count() == 1
    assert RefreshToken.objects.count() == 1


# 5 -----------------------------------------------------------------------------------------------
def test_wrong_codes_are_limited_per_user_with_retry_after(
    public_clients: Any, user: User, other_user: User, frozen_clock: Any
) -> None:
    body = start_device_flow(Client()).json()
    browser = browser_for(user)
    for _ in range(5):
        wrong = browser.post("/device", {"user_code": "BBBB-BBBB"})
        assert wrong.status_code == 400
        assert b"not valid" in wrong.content

    limited = browser.post("/device", {"user_code": body["user_code"]})  # even the right one

    assert limited.status_code == 429
    assert 1 <= int(limited["Retry-After"]) <= 60
    assert limited["RateLimit-Policy"] == '"auth";q=5;w=60'
    assert b"Too many wrong codes" in limited.content
    # another user (from another address) is not affected
    other = Client(REMOTE_ADDR="10.20.30.40")
    other.force_login(other_user)
    assert other.post("/device", {"user_code": body["user_code"]}).status_code == 200


def test_wrong_codes_are_limited_per_address_too(
    public_clients: Any, user: User, other_user: User, frozen_clock: Any
) -> None:
    for _ in range(5):
        assert browser_for(user).post("/device", {"user_code": "BBBB-BBBB"}).status_code == 400

    # another account from the same address cannot keep guessing
    response = browser_for(other_user).post("/device", {"user_code": "CCCC-CCCC"})

    assert response.status_code == 429


def test_right_codes_do_not_count_against_the_limit(public_clients: Any, user: User) -> None:
    browser = browser_for(user)
    for n in range(8):
        body = start_device_flow(Client(REMOTE_ADDR=f"10.0.0.{n}")).json()
        assert browser.post("/device", {"user_code": body["user_code"]}).status_code == 200


def test_the_poll_endpoint_is_paced_by_slow_down_not_by_a_rate_tier(public_clients: Any) -> None:
    code = start_device_flow(Client()).json()["device_code"]

    for _ in range(12):
        backdate_last_poll(code, 100)
        assert poll(Client(), code).json()["error"] == "authorization_pending"


@pytest.mark.django_db(transaction=True)
def test_concurrent_wrong_codes_get_no_more_tries_than_the_limit(
    public_clients: Any, user: User, live_server: Any
) -> None:
    """30 wrong codes at once from one user against a threaded server: each entry takes its try
    before the code is looked up, so at most 5 are judged and the rest are refused."""
    for key in (f"user:{user.pk}", "ip:127.0.0.1"):
        fresh_window(key, margin=15)

    def guess(i: int) -> int:
        with http_for(live_server, user) as http:
            return http.post(
                "/device", data={"user_code": f"BBBB-{'BCDFGHJKLM'[i % 10]}BBB"}
            ).status_code

    answers = in_threads(30, guess)

    assert sorted(set(answers)) == [400, 429], answers
    # never more than the limit; a try an entry took is given back when another counter refused
    # it, so the user keeps (nearly always all of) their 5
    assert 1 <= answers.count(400) <= 5
