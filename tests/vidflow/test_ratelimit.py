"""Rate-limit tiers (reliability.md item 26): every tier answers 429 with a Retry-After no longer
than its window, the request after the window goes through, and counters live in Redis, shared
by every server process."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
import time_machine
from django.conf import settings as django_settings
from django.db import connection
from django.test import Client
from rest_framework.test import APIClient

from accounts.models import User
from projects.models import Project
from tests.oauth import bearer, browser_for, fresh_window, refresh, revoke, start_device_flow
from tests.workers import _database_url

pytestmark = pytest.mark.django_db

LIMIT = 3
SMALL_TIERS = dict.fromkeys(django_settings.VIDFLOW_RATE_TIERS, f"{LIMIT}/m")
ROOT = Path(__file__).resolve().parent.parent.parent
Send = Callable[[], Any]


@pytest.fixture
def small_tiers(settings: Any) -> None:
    settings.VIDFLOW_RATE_TIERS = SMALL_TIERS


def _session(user: User) -> APIClient:
    client = APIClient()
    client.force_login(user)
    return client


# one way to reach each tier -------------------------------------------------------------------
def api_session(user: User, issue_tokens: Any) -> Send:
    client = _session(user)
    return lambda: client.post("/api/probe/write")


def workspace_reads(user: User, issue_tokens: Any) -> Send:
    client = _session(user)
    return lambda: client.get("/api/projects")


def api_bearer(user: User, issue_tokens: Any) -> Send:
    token = issue_tokens(user)["access_token"]
    return lambda: Client().get("/api/projects", **bearer(token))


def generation(user: User, issue_tokens: Any) -> Send:
    client = _session(user)
    return lambda: client.post("/api/probe/generate")


def free_suggest(user: User, issue_tokens: Any) -> Send:
    token = issue_tokens(user, scope="projects:write")["access_token"]
    return lambda: Client().post("/api/probe/suggest", **bearer(token))


def log_in(user: User, issue_tokens: Any) -> Send:
    return lambda: Client().post("/accounts/login/", {"username": user.username, "password": "x"})


def admin_log_in(user: User, issue_tokens: Any) -> Send:
    return lambda: Client().post("/admin/login/", {"username": user.username, "password": "x"})


def browsable_api_log_in(user: User, issue_tokens: Any) -> Send:
    return lambda: Client().post("/api-auth/login/", {"username": user.username, "password": "x"})


def sign_up(user: User, issue_tokens: Any) -> Send:
    return lambda: Client().post("/accounts/signup/", {"username": "new", "email": "bad"})


def device_start(user: User, issue_tokens: Any) -> Send:
    return lambda: start_device_flow(Client())


def device_refresh(user: User, issue_tokens: Any) -> Send:
    tokens = issue_tokens(user)
    attempts = iter(["vfr_guess-1", "vfr_guess-2", "vfr_guess-3", "vfr_guess-4"])
    # guesses count like real refreshes; the one after the window is the real token
    return lambda: refresh(Client(), next(attempts, tokens["refresh_token"]))


def device_revoke(user: User, issue_tokens: Any) -> Send:
    return lambda: revoke(Client(), "vfr_unknown")


def user_code_entry(user: User, issue_tokens: Any) -> Send:
    browser = browser_for(user)
    return lambda: browser.post("/device", {"user_code": "BBBB-BBBB"})


TIER_CASES = [
    ("api", api_session, "envelope"),
    ("workspace", workspace_reads, "envelope"),
    ("oauth_bearer", api_bearer, "envelope"),
    ("generation", generation, "envelope"),
    ("free_suggest", free_suggest, "envelope"),
    ("auth", log_in, "page"),
    ("auth", admin_log_in, "page"),
    ("auth", browsable_api_log_in, "page"),
    ("auth", sign_up, "page"),
    ("auth", device_start, "oauth"),
    ("auth", device_refresh, "oauth"),
    ("auth", device_revoke, "oauth"),
    ("auth", user_code_entry, "page"),
]


@pytest.mark.urls("tests.vidflow.tier_probe_urls")
@pytest.mark.parametrize(
    ("tier", "reach", "answer"), TIER_CASES, ids=[case[1].__name__ for case in TIER_CASES]
)
def test_each_tier_answers_429_with_retry_after_and_the_next_window_goes_through(
    small_tiers: None,
    frozen_clock: time_machine.Traveller,
    public_clients: Any,
    issue_tokens: Any,
    user: User,
    tier: str,
    reach: Callable[[User, Any], Send],
    answer: str,
) -> None:
    send = reach(user, issue_tokens)
    for _ in range(LIMIT):
        assert send().status_code != 429

    limited = send()

    assert limited.status_code == 429
    retry_after = int(limited["Retry-After"])
    assert 1 <= retry_after <= 60
    assert limited["RateLimit-Policy"] == f'"{tier}";q={LIMIT};w=60'
    assert limited["RateLimit"] == f'"{tier}";r=0;t={retry_after}'
    if answer == "envelope":
        error = limited.json()["error"]
        assert limited.json()["success"] is False
        assert error["code"] == "RATE_LIMITED"
        assert error["details"] == {"tier": tier, "retryAfter": retry_after}
    elif answer == "oauth":
        assert limited.json()["error"] == "rate_limited"
    else:
        assert limited["Content-Type"].startswith("text/html")

    frozen_clock.shift(retry_after - 1)
    assert send().status_code == 429  # Retry-After is not too short...
    frozen_clock.shift(1)
    after = send()
    assert after.status_code != 429  # ...nor too long
    if tier != "auth":
        assert after.status_code == 200


def test_every_api_answer_carries_the_ratelimit_headers(
    small_tiers: None, frozen_clock: Any, api: APIClient
) -> None:
    remaining = []
    for _ in range(LIMIT):
        response = api.get("/api/projects")
        assert response.status_code == 200
        assert response["RateLimit-Policy"] == f'"workspace";q={LIMIT};w=60'
        assert "Retry-After" not in response
        remaining.append(response["RateLimit"].split(";")[1])

    assert remaining == ["r=2", "r=1", "r=0"]


def test_a_refused_request_claims_no_idempotency_key(
    small_tiers: None, frozen_clock: time_machine.Traveller, api: APIClient
) -> None:
    for _ in range(LIMIT):  # session writes (invalid ones count too)
        api.post("/api/projects", {}, format="json")
    key = {"HTTP_IDEMPOTENCY_KEY": "create-voyager"}

    refused = api.post("/api/projects", {"title": "Voyager"}, format="json", **key)
    frozen_clock.shift(int(refused["Retry-After"]))
    retried = api.post("/api/projects", {"title": "Voyager"}, format="json", **key)

    assert refused.status_code == 429
    assert retried.status_code == 201
    assert Project.objects.count() == 1


def test_session_and_bearer_requests_have_their_own_buckets(
    small_tiers: None, frozen_clock: Any, issue_tokens: Any, user: User
) -> None:
    token = issue_tokens(user)["access_token"]
    session = _session(user)
    for _ in range(LIMIT):
        session.get("/api/projects")
    assert session.get("/api/projects").status_code == 429

    for _ in range(LIMIT):
        assert Client().get("/api/projects", **bearer(token)).status_code == 200
    assert Client().get("/api/projects", **bearer(token)).status_code == 429


@pytest.mark.urls("tests.vidflow.tier_probe_urls")
def test_suggestions_never_eat_the_generation_budget(
    small_tiers: None, frozen_clock: Any, user: User
) -> None:
    session = _session(user)
    for _ in range(LIMIT):
        assert session.post("/api/probe/suggest").status_code == 200
    suggest_limited = session.post("/api/probe/suggest")

    generate = [session.post("/api/probe/generate").status_code for _ in range(LIMIT + 1)]

    assert suggest_limited.status_code == 429
    assert suggest_limited["RateLimit-Policy"].startswith('"free_suggest"')
    assert generate == [200] * LIMIT + [429]
    assert session.get("/api/projects").status_code == 200  # the read tier is untouched


def test_counters_are_per_user_wherever_they_come_from(
    small_tiers: None, frozen_clock: Any, user: User, other_user: User
) -> None:
    mine = APIClient(REMOTE_ADDR="10.9.0.1")
    mine.force_login(user)
    theirs = APIClient(REMOTE_ADDR="10.9.0.1")
    theirs.force_login(other_user)
    for _ in range(LIMIT):
        mine.get("/api/projects")
    assert mine.get("/api/projects").status_code == 429

    mine_elsewhere = APIClient(REMOTE_ADDR="10.9.0.2")
    mine_elsewhere.force_login(user)

    assert theirs.get("/api/projects").status_code == 200  # same address, other user
    assert mine_elsewhere.get("/api/projects").status_code == 429  # same user, other address


def test_log_in_attempts_are_counted_per_address(
    small_tiers: None, frozen_clock: Any, user: User
) -> None:
    here, there = Client(REMOTE_ADDR="10.8.0.1"), Client(REMOTE_ADDR="10.8.0.2")
    for _ in range(LIMIT):
        here.post("/accounts/login/", {"username": user.username, "password": "x"})

    assert here.post("/accounts/login/", {"username": "any"}).status_code == 429
    assert there.post("/accounts/login/", {"username": "any"}).status_code == 200
    assert here.get("/accounts/login/").status_code == 200  # only attempts are counted


def test_behind_a_proxy_addresses_come_from_its_header(
    small_tiers: None, frozen_clock: Any, settings: Any, user: User
) -> None:
    settings.RATE_LIMIT_IP_META_KEY = "HTTP_X_REAL_IP"
    proxy = Client(REMOTE_ADDR="10.0.0.254")
    for _ in range(LIMIT):
        proxy.post("/accounts/login/", {"username": "any"}, HTTP_X_REAL_IP="203.0.113.5")

    assert (
        proxy.post(
            "/accounts/login/", {"username": "any"}, HTTP_X_REAL_IP="203.0.113.5"
        ).status_code
        == 429
    )
    assert (
        proxy.post(
            "/accounts/login/", {"username": "any"}, HTTP_X_REAL_IP="203.0.113.6"
        ).status_code
        == 200
    )


@pytest.fixture
def redis_down(settings: Any) -> None:
    settings.CACHES = {
        **settings.CACHES,
        "down": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens on port 1
        },
    }
    settings.RATELIMIT_USE_CACHE = "down"


def test_without_redis_requests_are_refused_for_a_window_by_default(
    redis_down: None, api: APIClient
) -> None:
    response = api.get("/api/projects")

    assert response.status_code == 429
    assert response["Retry-After"] == "60"
    assert response.json()["error"]["code"] == "RATE_LIMITED"


def test_without_redis_requests_go_through_when_failing_open(
    redis_down: None, settings: Any, api: APIClient
) -> None:
    settings.RATELIMIT_FAIL_OPEN = True

    response = api.get("/api/projects")

    assert response.status_code == 200
    assert "RateLimit" not in response


# two server processes, one Redis -----------------------------------------------------------------
def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _call(port: int, path: str, *, data: dict[str, str] | None = None, token: str = "") -> Any:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}{path}",
        data=urlencode(data).encode() if data is not None else None,
        headers={"Content-Type": "application/x-www-form-urlencoded"} if data is not None else {},
    )
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(request, timeout=20) as response:  # noqa: S310 (our server)
            return response.status, dict(response.headers)
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers)


@pytest.fixture
def two_servers(tmp_path: Path) -> Iterator[list[int]]:
    """Two gunicorn processes on the test database and the same Redis (REDIS_URL and its key
    prefix come from this process's environment), with a tier of 3 a minute."""
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(connection.settings_dict),
        "SECRET_KEY": django_settings.SECRET_KEY,
        "RATE_LIMIT_AUTH": f"{LIMIT}/m",
        "RATE_LIMIT_OAUTH_BEARER": f"{LIMIT}/m",
        "PYTHONUNBUFFERED": "1",
    }
    ports = [_free_port(), _free_port()]
    logs = [(tmp_path / f"server-{port}.log").open("wb") for port in ports]
    servers = [
        subprocess.Popen(
            [
                sys.executable, "-m", "gunicorn", "vidflow.wsgi:application",
                "--bind", f"127.0.0.1:{port}", "--workers", "1",
            ],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
        )
        for port, log in zip(ports, logs, strict=True)
    ]  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        for port, server in zip(ports, servers, strict=True):
            while _call_ok(port) is False:
                assert server.poll() is None, (tmp_path / f"server-{port}.log").read_text()
                assert time.monotonic() < deadline, "server did not start"
                time.sleep(0.2)
        yield ports
    finally:
        for server in servers:
            server.terminate()
        for server in servers:
            server.wait(timeout=20)
        for log in logs:
            log.close()


def _call_ok(port: int) -> bool:
    try:
        return _call(port, "/healthz")[0] == 200
    except OSError:
        return False


@pytest.mark.django_db(transaction=True)
def test_counters_hold_across_two_server_processes(
    public_clients: Any, issue_tokens: Any, user: User, two_servers: list[int]
) -> None:
    token = issue_tokens(user)["access_token"]

    fresh_window(f"user:{user.pk}")
    api_answers = [
        _call(two_servers[i % 2], "/api/projects", token=token) for i in range(LIMIT + 1)
    ]
    fresh_window("client:vidflow-cli|ip:127.0.0.1")
    start_answers = [
        _call(two_servers[i % 2], "/api/oauth/device/code", data={"client_id": "vidflow-cli"})
        for i in range(LIMIT + 1)
    ]

    for answers in (api_answers, start_answers):
        assert [status for status, _ in answers] == [200] * LIMIT + [429], answers
        headers = answers[-1][1]
        assert 1 <= int(headers["Retry-After"]) <= 60
    assert api_answers[-1][1]["RateLimit-Policy"] == f'"oauth_bearer";q={LIMIT};w=60'
    assert start_answers[-1][1]["RateLimit-Policy"] == f'"auth";q={LIMIT};w=60'


def test_using_a_project_in_the_browser_never_meets_the_limit(
    frozen_clock: Any, api: APIClient, issue_tokens: Any, user: User
) -> None:
    """The workspace's reads (payload, sections, run polls) have their own budget, ten times
    the api tier's; a script with a token keeps the 60 a minute."""
    project = api.post("/api/projects", {"title": "Voyager"}, format="json").json()["data"]
    base = f"/api/projects/{project['id']}"
    token = issue_tokens(user)["access_token"]
    pages = [base, f"{base}/script/outline", f"{base}/voiceover", f"{base}/timeline/shots"]

    answers = [api.get(pages[i % len(pages)]).status_code for i in range(240)]
    scripted = [Client().get(base, **bearer(token)).status_code for _ in range(61)]

    assert 429 not in answers
    assert scripted[:60] == [200] * 60
    assert scripted[60] == 429
