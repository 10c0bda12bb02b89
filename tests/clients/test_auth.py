"""Signing in with the SDK against the real OAuth endpoints: the device flow, stored tokens,
refresh with rotation, refresh after a 401, sign-out."""

from __future__ import annotations

import json
import stat
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from django.utils import timezone
from oauth2_provider.models import get_access_token_model
from vidflow_client import (
    MCP_CLIENT_ID,
    AuthenticationError,
    AuthorizationDenied,
    AuthorizationExpired,
    CredentialStore,
    NotSignedIn,
    OAuthError,
    VidflowClient,
)
from vidflow_client.auth import refresh_tokens

from accounts.models import User
from tests.oauth import approve, expire_grant

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("public_clients")]


def _login(server: str, user: User, **client_args: Any) -> tuple[VidflowClient, list[float]]:
    sleeps: list[float] = []
    client = VidflowClient(server, sleep=sleeps.append, **client_args)
    client.login(on_code=lambda device: approve(user, device.user_code))
    return client, sleeps


def test_device_flow_login_stores_tokens_privately_and_they_work(
    server: str, user: User, store: CredentialStore
) -> None:
    client, sleeps = _login(server, user)

    assert sleeps == [5.0]  # waited one interval before the first poll
    assert client.tokens is not None
    assert client.tokens.access_token.startswith("vfa_")
    assert "generate" in client.tokens.scope.split()
    assert stat.S_IMODE(store.path.stat().st_mode) == 0o600
    # No temporary file left behind; beside the credentials only their (empty) lock file.
    others = [p for p in store.path.parent.iterdir() if p.name != "credentials.json"]
    assert others in ([], [store.lock_path])
    if others:
        assert stat.S_IMODE(store.lock_path.stat().st_mode) == 0o600
        assert store.lock_path.read_bytes() == b""
    stored = store.load(server, "vidflow-cli")
    assert stored is not None
    assert stored.refresh_token == client.tokens.refresh_token
    # A new process (a new client) signs in from the file alone.
    with VidflowClient(server) as again:
        assert again.list_projects().results == []
        assert again.balance().balance == 50
    client.close()


def test_polling_too_fast_gets_slow_down_and_the_interval_grows_by_five(
    server: str, user: User
) -> None:
    sleeps: list[float] = []

    def sleep(seconds: float) -> None:  # no real waiting: the server sees the polls too fast
        sleeps.append(seconds)
        if len(sleeps) == 3:
            approve(user, device.user_code)

    client = VidflowClient(server, sleep=sleep)
    device = client.start_login()
    tokens = client.finish_login(device)

    # pending, then slow_down (5 s added for good), then the approval comes through
    assert sleeps == [5.0, 5.0, 10.0]
    assert tokens.access_token.startswith("vfa_")
    client.close()


def test_a_denied_code_raises_authorization_denied(server: str, user: User) -> None:
    client = VidflowClient(server, sleep=lambda _: None)

    with pytest.raises(AuthorizationDenied) as denied:
        client.login(on_code=lambda d: approve(user, d.user_code, action="deny"))

    assert denied.value.code == "access_denied"
    assert client.tokens is None
    client.close()


def test_an_expired_code_raises_authorization_expired(server: str) -> None:
    client = VidflowClient(server, sleep=lambda _: None)

    with pytest.raises(AuthorizationExpired) as expired:
        client.login(on_code=lambda d: expire_grant(d.device_code))

    assert expired.value.code == "expired_token"
    client.close()


def test_refresh_rotates_and_the_new_refresh_token_is_kept(
    server: str, user: User, store: CredentialStore
) -> None:
    client, _ = _login(server, user)
    assert client.tokens is not None
    old = client.tokens.refresh_token
    assert old is not None

    new = client.refresh()

    assert new.refresh_token not in (None, old)
    stored = store.load(server, "vidflow-cli")
    assert stored is not None
    assert stored.refresh_token == new.refresh_token
    assert client.balance().balance == 50
    # The old refresh token is dead: that is why the new one must be kept.
    with httpx.Client(base_url=server) as http, pytest.raises(OAuthError) as refused:
        refresh_tokens(http, client_id="vidflow-cli", refresh_token=old)
    assert refused.value.code == "invalid_grant"
    client.close()


def test_an_expired_access_token_is_refreshed_once_and_the_call_retried(
    server: str, user: User, store: CredentialStore
) -> None:
    client, _ = _login(server, user)
    assert client.tokens is not None
    before = client.tokens
    get_access_token_model().objects.filter(user=user).update(
        expires=timezone.now() - timedelta(minutes=1)
    )

    projects = client.list_projects()

    assert projects.results == []
    assert client.tokens.access_token != before.access_token
    assert client.tokens.refresh_token != before.refresh_token
    stored = store.load(server, "vidflow-cli")
    assert stored is not None
    assert stored.access_token == client.tokens.access_token
    client.close()


def test_a_revoked_sign_in_says_sign_in_again(server: str, user: User) -> None:
    client, _ = _login(server, user)
    assert client.tokens is not None
    refresh = client.tokens.refresh_token
    assert refresh is not None
    with httpx.Client(base_url=server) as http:  # revoked elsewhere (e.g. /connected-apps)
        http.post(
            "/api/oauth/revoke", data={"token": refresh, "client_id": "vidflow-cli"}
        ).raise_for_status()

    with pytest.raises(AuthenticationError) as refused:
        client.list_projects()

    assert refused.value.code == "INVALID_TOKEN"
    assert "sign in again" in refused.value.message
    assert client.tokens is None
    client.close()


def test_logout_revokes_on_the_server_and_forgets_the_tokens(
    server: str, user: User, store: CredentialStore
) -> None:
    client, _ = _login(server, user)
    assert client.tokens is not None
    access = client.tokens.access_token

    assert client.logout() is True

    assert store.load(server, "vidflow-cli") is None
    with VidflowClient(server, token=access) as stale, pytest.raises(AuthenticationError) as err:
        stale.list_projects()
    assert err.value.code == "INVALID_TOKEN"
    assert client.logout() is False
    client.close()


def test_cli_and_mcp_sign_ins_are_kept_apart(server: str, user: User) -> None:
    cli, _ = _login(server, user)
    mcp, _ = _login(server, user, client_id=MCP_CLIENT_ID)

    cli.logout()

    with VidflowClient(server, client_id=MCP_CLIENT_ID) as again:
        assert again.signed_in
        assert again.list_projects().results == []
    with VidflowClient(server) as signed_out, pytest.raises(NotSignedIn):
        signed_out.list_projects()
    cli.close()
    mcp.close()


def test_vidflow_token_and_vidflow_url_come_from_the_environment(
    server: str, token: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("VIDFLOW_URL", server)
    monkeypatch.setenv("VIDFLOW_TOKEN", token)

    with VidflowClient() as client:
        assert client.base_url == server
        assert client.token_source == "VIDFLOW_TOKEN"
        assert client.balance().balance == 50


# One `vidflow-mcp` process, as an MCP host starts it: it reads the stored sign-in, waits for the
# word, refreshes, then calls the API, and reports how it went.
MCP_PROCESS = r"""
import json, sys, time
from pathlib import Path
from vidflow_client import MCP_CLIENT_ID, VidflowClient

server, ready, go = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3])
client = VidflowClient(server, client_id=MCP_CLIENT_ID)
ready.touch()
while not go.exists():
    time.sleep(0.005)
try:
    client.refresh()
    client.list_projects()
    print(json.dumps({"ok": True}))
except Exception as exc:
    print(json.dumps({"ok": False, "error": f"{type(exc).__name__}: {exc}"}))
"""


def test_two_mcp_processes_sharing_the_credentials_refresh_at_once_and_both_stay_signed_in(
    server: str, user: User, store: CredentialStore, tmp_path: Path
) -> None:
    """The server rotates refresh tokens and takes an old one presented again for a replay,
    which ends the sign-in: the process that loses the race must use the winner's tokens."""
    first, _ = _login(server, user, client_id=MCP_CLIENT_ID)
    first.close()
    go = tmp_path / "go"
    processes = []
    for n in range(2):
        ready = tmp_path / f"ready-{n}"
        processes.append(
            (
                ready,
                subprocess.Popen(
                    [sys.executable, "-c", MCP_PROCESS, server, str(ready), str(go)],
                    stdout=subprocess.PIPE,
                    stderr=subprocess.PIPE,
                    text=True,
                ),
            )
        )
    deadline = time.monotonic() + 60
    while not all(ready.exists() for ready, _ in processes):  # both have read the file
        assert time.monotonic() < deadline, [p.communicate() for _, p in processes]
        time.sleep(0.01)

    go.touch()
    outcomes = [process.communicate(timeout=120) for _, process in processes]

    reports = [json.loads(out.strip().splitlines()[-1]) for out, _err in outcomes]
    assert reports == [{"ok": True}, {"ok": True}], outcomes
    with VidflowClient(server, client_id=MCP_CLIENT_ID) as later:  # and the sign-in lives on
        assert later.list_projects().results == []
    stored = store.load(server, MCP_CLIENT_ID)
    assert stored is not None
    assert stored.refresh_token != first.tokens.refresh_token


def test_a_real_sign_out_of_the_mcp_server_names_its_own_login_command(
    server: str, user: User
) -> None:
    client, _ = _login(server, user, client_id=MCP_CLIENT_ID)
    assert client.tokens is not None
    with httpx.Client(base_url=server) as http:  # revoked elsewhere (e.g. /connected-apps)
        http.post(
            "/api/oauth/revoke",
            data={"token": client.tokens.refresh_token, "client_id": MCP_CLIENT_ID},
        ).raise_for_status()

    with pytest.raises(AuthenticationError) as refused:
        client.list_projects()
    with pytest.raises(NotSignedIn) as signed_out:
        client.list_projects()

    assert "`vidflow-mcp login`" in refused.value.message
    assert "`vidflow-mcp login`" in signed_out.value.message
    assert "`vidflow login`" not in refused.value.message + signed_out.value.message
    client.close()
