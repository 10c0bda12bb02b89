"""Redis unreachable (reliability.md, item 32): the production server (gunicorn) started with a
``REDIS_URL`` nobody answers. Fail closed: 429 with Retry-After on what is rate-limited, and the
signed-in session still works where nothing is counted. Fail open: everything works, unlimited.
Never a 500, whatever the way in (session, bearer token, the log-in form)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest

from accounts.models import User
from billing.services import balance_of
from oauth_device.models import TokenActivity
from tests.concurrency import Gunicorn, free_port, server_env, session_cookies
from tests.factories import ProjectFactory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

PASSWORD = "correct horse battery"


@pytest.fixture
def server_without_redis() -> Iterator[Callable[[bool], Gunicorn]]:
    started: list[Gunicorn] = []

    def start(fail_open: bool) -> Gunicorn:
        dead = f"redis://127.0.0.1:{free_port()}/0"
        server = Gunicorn(
            free_port(),
            server_env(REDIS_URL=dead, RATE_LIMIT_FAIL_OPEN="1" if fail_open else "0"),
        )
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()


def _session(server: Gunicorn, user: User) -> httpx.Client:
    cookies = session_cookies(user)
    return httpx.Client(
        base_url=server.url,
        cookies=cookies,
        headers={"X-CSRFToken": cookies["csrftoken"]},
        timeout=30,
    )


def _log_in(server: Gunicorn, user: User) -> httpx.Response:
    with httpx.Client(base_url=server.url, timeout=30) as browser:
        page = browser.get("/accounts/login/")
        assert page.status_code == 200
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
        assert token is not None
        answer = browser.post(
            "/accounts/login/",
            data={
                "username": user.username,
                "password": PASSWORD,
                "csrfmiddlewaretoken": token[1],
            },
            headers={"Referer": f"{server.url}/accounts/login/"},
        )
        if answer.status_code == 302:  # signed in: the new session works
            assert browser.get("/api/billing/balance").status_code == 200
        return answer


def test_fail_closed_refuses_with_429_and_retry_after_never_500(
    server_without_redis: Callable[[bool], Gunicorn], user: User, issue_tokens: Any
) -> None:
    token = issue_tokens(user, scope="projects:read")["access_token"]
    server = server_without_redis(False)

    with _session(server, user) as http:
        api = http.get("/api/projects")
        page = http.get("/")
    bearer = httpx.get(
        f"{server.url}/api/projects", headers={"Authorization": f"Bearer {token}"}, timeout=30
    )
    log_in = _log_in(server, user)

    for refused in (api, bearer):
        assert refused.status_code == 429, refused.text
        assert refused.json()["error"]["code"] == "RATE_LIMITED"
        assert int(refused.headers["Retry-After"]) > 0
    assert page.status_code == 200  # the session survives: the dashboard is not counted
    assert log_in.status_code == 429
    assert int(log_in.headers["Retry-After"]) > 0


def test_fail_open_serves_sessions_tokens_log_in_and_charges_once(
    server_without_redis: Callable[[bool], Gunicorn], user: User, issue_tokens: Any
) -> None:
    token = issue_tokens(user, scope="projects:read")["access_token"]
    TokenActivity.objects.all().delete()
    project = ProjectFactory(owner=user, selected_title="Voyager")
    before = balance_of(user=user)
    server = server_without_redis(True)

    with _session(server, user) as http:
        api = http.get("/api/projects")
        outline = http.post(f"/api/projects/{project.pk}/script/outline", json={})
    bearer = [
        httpx.get(
            f"{server.url}/api/projects", headers={"Authorization": f"Bearer {token}"}, timeout=30
        )
        for _ in range(2)
    ]
    log_in = _log_in(server, user)

    assert api.status_code == 200, api.text
    assert outline.status_code == 200, outline.text
    assert balance_of(user=user) == before - 1
    assert [b.status_code for b in bearer] == [200, 200]
    assert TokenActivity.objects.filter(user=user).count() == 1  # recorded without the cache
    assert log_in.status_code == 302, log_in.text
