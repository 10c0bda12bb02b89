"""The same security headers on every page (issue 11, break 10): the Content-Security-Policy
that lets only our own static scripts run, on the app's pages, the log-in and sign-up, /device,
/connected-apps, the admin, the browsable API, the API docs and Django's own error pages; and
no page needs more (no inline script, nothing from another origin)."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from accounts.models import User
from tests.factories import ProjectFactory, UserFactory

pytestmark = pytest.mark.django_db

_SCRIPT = re.compile(r"<script\b([^>]*)>(.*?)</script>", re.S | re.I)


def _inline_or_foreign_scripts(html: str) -> list[str]:
    found = []
    for attrs, body in _SCRIPT.findall(html):
        if "application/json" in attrs:
            continue  # data, never run
        src = re.search(r'src="([^"]*)"', attrs)
        if src is None and body.strip():
            found.append(f"inline: {body.strip()[:60]}")
        elif src is not None and re.match(r"(https?:)?//", src[1]):
            found.append(f"foreign: {src[1]}")
    return found


def test_every_kind_of_page_sends_the_policy_and_runs_only_our_scripts(user: User) -> None:
    staff = UserFactory(is_staff=True, is_superuser=True)
    project = ProjectFactory(owner=user)
    anonymous, signed_in, admin = Client(), Client(), Client()
    signed_in.force_login(user)
    admin.force_login(staff)
    pages = [
        (anonymous, "/accounts/login/"),
        (anonymous, "/accounts/signup/"),
        (anonymous, "/admin/login/"),
        (anonymous, "/api-auth/login/"),
        (anonymous, "/api/docs"),
        (anonymous, "/api/redoc"),
        (anonymous, "/no-such-page"),
        (signed_in, "/"),
        (signed_in, f"/projects/{project.pk}"),
        (signed_in, "/runs"),
        (signed_in, "/device"),
        (signed_in, "/connected-apps"),
        (signed_in, "/api/projects"),
        (admin, "/admin/"),
        (admin, "/admin/projects/project/"),
    ]
    for client, path in pages:
        response = client.get(path, HTTP_ACCEPT="text/html")
        assert response.status_code in (200, 404), (path, response.status_code)
        policy = response["Content-Security-Policy"]
        assert "script-src 'self'" in policy, path
        assert "object-src 'none'" in policy, path
        assert "frame-ancestors 'none'" in policy, path
        assert response["X-Frame-Options"] == "DENY", path
        assert response["X-Content-Type-Options"] == "nosniff", path
        assert response["Referrer-Policy"] == "same-origin", path
        assert _inline_or_foreign_scripts(response.content.decode()) == [], path


def test_the_api_docs_start_up_script_is_served_by_us(client: Client) -> None:
    page = client.get("/api/docs").content.decode()
    scripts = re.findall(r'<script[^>]*src="([^"]+)"', page)

    assert scripts
    assert all(s.startswith("/") for s in scripts)
    start_up = [s for s in scripts if "script" in s.split("?")[-1]]
    assert start_up
    assert client.get(start_up[0]).status_code == 200
