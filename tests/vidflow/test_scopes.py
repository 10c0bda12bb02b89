"""Every /api/ route enforces a scope on bearer tokens (reliability.md item 9): walked from the
URLconf, so a route added later is checked too (and must be given its scope below)."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlparse

import pytest
from django.conf import settings as django_settings
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RegexPattern, RoutePattern
from rest_framework.permissions import SAFE_METHODS
from rest_framework.test import APIClient

from accounts.models import User
from projects.models import Render
from projects.services import run_create
from tests.factories import ChannelFactory, ProjectFactory
from tests.oauth import bearer
from vidflow.storage import artifact_url

pytestmark = pytest.mark.django_db

ALL_SCOPES = list(django_settings.OAUTH_SCOPES)
# The scope each family of routes needs to (read, write). A route outside these families makes
# the walk fail until it is added here: deciding a new route's scope is deliberate.
SCOPE_BY_PREFIX = {
    "/api/projects": ("projects:read", "projects:write"),
    "/api/channels": ("projects:read", "projects:write"),
    "/api/runs": ("projects:read", "projects:write"),
    "/api/billing": ("billing:read", "billing:read"),
    "/api/files": ("projects:read", "projects:read"),
    "/api/voices": ("projects:read", "projects:read"),
    "/api/prices": ("projects:read", "projects:read"),
    "/api/icons": ("projects:read", "projects:read"),
    "/api/make": ("projects:read", "generate"),
    "/api/webhooks": ("projects:read", "projects:write"),
}
# /api/ routes that are not scope-protected, and why.
NOT_SCOPED = {
    "/api/oauth/device/code": "OAuth endpoint: how a client gets a token",
    "/api/oauth/device/token": "OAuth endpoint: how a client gets a token",
    "/api/oauth/token": "OAuth endpoint: how a client gets a token",
    "/api/oauth/revoke": "OAuth endpoint: how a client gives a token up",
    "/api/schema": "public documentation",
    "/api/docs": "public documentation",
    "/api/redoc": "public documentation",
    "/api/kie/callback": "vendor callback: proven by the job's secret and KIE's signature",
    "/api/wavespeed/callback": "vendor callback: proven by the job's secret and its signature",
    "/api/assemblyai/callback": "vendor callback: proven by the job's secret in its header",
    "/api/stripe/webhook": "Stripe's webhook: proven by its Stripe-Signature (endpoint secret)",
}
_GROUP = re.compile(r"\(\?P<(\w+)>[^)]*\)")
_CONVERTER = re.compile(r"<(?:\w+:)?(\w+)>")


def _walk(
    patterns: list[URLPattern | URLResolver], prefix: str = ""
) -> Iterator[tuple[str, URLPattern]]:
    for pattern in patterns:
        part = _template(pattern.pattern)
        if isinstance(pattern, URLResolver):
            yield from _walk(pattern.url_patterns, prefix + part)
        else:
            yield "/" + prefix + part, pattern


def _template(pattern: Any) -> str:
    """A pattern as a path with {name} for each parameter."""
    if isinstance(pattern, RoutePattern):
        return _CONVERTER.sub(r"{\1}", str(pattern))
    assert isinstance(pattern, RegexPattern)
    text = str(pattern).removeprefix("^").removesuffix("$").replace("/?", "").replace("\\.", ".")
    return _GROUP.sub(r"{\1}", text)


def _marks(view_class: Any, handler: str, initkwargs: dict[str, Any]) -> dict[str, Any]:
    """The route's policy marks: a router action's keywords, or the handler's decorator marks
    (billing.decorators.billable and friends)."""
    function = getattr(view_class, handler, None)
    marks = dict(initkwargs)
    for name in ("required_scope", "billable", "rate_tier"):
        if getattr(function, name, None) is not None:
            marks[name] = getattr(function, name)
    return marks


def _methods(pattern: URLPattern) -> list[tuple[str, dict[str, Any]]]:
    """(HTTP method, the route's policy marks) for each method a DRF route answers."""
    callback = pattern.callback
    initkwargs = dict(getattr(callback, "initkwargs", {}))
    actions = getattr(callback, "actions", None)
    if actions is not None:
        # DRF adds "head" (as "get") once a GET has been served; HEAD is checked as GET
        return [
            (method.upper(), _marks(callback.cls, handler, initkwargs))
            for method, handler in actions.items()
            if method != "head"
        ]
    view_class = callback.cls
    return [
        (method.upper(), initkwargs)
        for method in ("get", "post", "put", "patch", "delete")
        if hasattr(view_class, method)
    ]


def _expected_scope(path: str, method: str, initkwargs: dict[str, Any]) -> str:
    if initkwargs.get("billable"):
        assert initkwargs.get("required_scope") == "generate", path
    if initkwargs.get("required_scope"):
        return str(initkwargs["required_scope"])
    families = [prefix for prefix in SCOPE_BY_PREFIX if path.startswith(prefix)]
    assert families, f"{path}: give this route its scope in SCOPE_BY_PREFIX or NOT_SCOPED"
    read, write = SCOPE_BY_PREFIX[families[0]]
    return read if method in SAFE_METHODS else write


def _api_routes() -> list[tuple[str, str, str]]:
    """(path template, method, scope it needs) for every scoped /api/ route."""
    routes = []
    for template, pattern in _walk(get_resolver().url_patterns):
        if not template.startswith("/api/") or template in NOT_SCOPED:
            continue
        assert hasattr(pattern.callback, "cls"), f"{template} is not a DRF view: it checks no scope"
        for method, initkwargs in _methods(pattern):
            routes.append((template, method, _expected_scope(template, method, initkwargs)))
    return routes


def _concrete(template: str, user: User) -> str:
    """The path with parameters naming fresh objects of ``user`` (a delete never spoils another
    check)."""
    project = ProjectFactory(owner=user)
    values = {
        "project_id": project.pk,
        "channel_id": ChannelFactory(owner=user).pk,
        "run_id": run_create(owner=user, kind="render", project=project).pk,
    }
    if "{token}" in template:
        render = Render(project=project)
        render.video.save("final.mp4", ContentFile(b"video"), save=True)
        link = urlparse(artifact_url(render.video))
        return link.path
    # Other parameters (chapters, shots, entries, ...) need not exist: the scope is checked
    # before the object is looked up, and a 404 for the token that has the scope is fine.
    return template.format_map(_AnyId(values))


class _AnyId(dict[str, Any]):
    def __missing__(self, key: str) -> str:
        return "en_US" if key == "voice_id" else str(uuid.uuid4())


def _send(client: Client, method: str, path: str, **extra: Any) -> Any:
    return client.generic(method, path, "{}", content_type="application/json", **extra)


def test_every_api_route_refuses_a_token_without_its_scope(
    settings: Any, issue_tokens: Any, user: User, client_for: Any
) -> None:
    settings.VIDFLOW_RATE_TIERS = dict.fromkeys(settings.VIDFLOW_RATE_TIERS, "1000/m")
    without = {s: issue_tokens(user, " ".join(o for o in ALL_SCOPES if o != s)) for s in ALL_SCOPES}
    only = {scope: issue_tokens(user, scope) for scope in ALL_SCOPES}
    session: APIClient = client_for(user)
    routes = _api_routes()
    problems = []

    for template, method, scope in routes:
        lacking = _send(
            Client(), method, _concrete(template, user), **bearer(without[scope]["access_token"])
        )
        enough = _send(
            Client(), method, _concrete(template, user), **bearer(only[scope]["access_token"])
        )
        browser = _send(session, method, _concrete(template, user))

        what = f"{method} {template} ({scope})"
        if lacking.status_code != 403 or lacking.json()["error"]["code"] != "INSUFFICIENT_SCOPE":
            problems.append(f"{what}: a token without it got {lacking.status_code}")
        elif f'scope="{scope}"' not in lacking["WWW-Authenticate"]:
            problems.append(
                f"{what}: the challenge does not name it: {lacking['WWW-Authenticate']}"
            )
        if enough.status_code in (401, 403):
            problems.append(f"{what}: a token with just that scope got {enough.status_code}")
        if browser.status_code in (401, 403):
            problems.append(f"{what}: the session got {browser.status_code}")

    assert problems == []
    checked = {(template.split("/{")[0], method) for template, method, _ in routes}
    assert {
        ("/api/projects", "GET"),
        ("/api/projects", "POST"),
        ("/api/projects", "PATCH"),
        ("/api/projects", "DELETE"),
        ("/api/runs", "POST"),
        ("/api/channels", "DELETE"),
        ("/api/billing/balance", "GET"),
        ("/api/billing/transactions", "GET"),
        ("/api/files", "GET"),
    } <= checked


@pytest.mark.urls("tests.vidflow.tier_probe_urls")
def test_billable_actions_need_the_generate_scope(issue_tokens: Any, user: User) -> None:
    """@billable (requireCredits) declares the scope; a projects:write token is not enough."""
    writer = issue_tokens(user, "projects:read projects:write")["access_token"]
    generator = issue_tokens(user, "generate")["access_token"]

    refused = Client().post("/api/probe/generate", **bearer(writer))
    allowed = Client().post("/api/probe/generate", **bearer(generator))

    assert refused.status_code == 403
    assert refused.json()["error"]["details"] == {"requiredScope": "generate"}
    assert 'scope="generate"' in refused["WWW-Authenticate"]
    assert allowed.status_code == 200
