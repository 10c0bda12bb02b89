"""reliability.md 24: every route, fed what a fuzzer derives from our own OpenAPI schema, answers
in the envelope with a 4xx for bad input — never a 500, never a traceback.

Schemathesis generates requests (valid and invalid bodies, query strings, path parameters) for
every operation in /api/schema and sends them to the WSGI application in-process, authenticated
with a bearer token holding every scope. Path parameters are pointed at real objects of the user
most of the time, so the fuzzed bodies reach the handlers instead of stopping at a 404.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings

from accounts.models import User
from projects.models import BibleEntry, Shot, TitleIdea
from projects.services import run_create
from tests.factories import ChannelFactory, ChapterFactory, ProjectFactory
from vidflow.wsgi import application
from webhooks.models import Delivery
from webhooks.services import endpoint_create

ALL_SCOPES = "projects:read projects:write generate publish billing:read"

schema = schemathesis.openapi.from_wsgi("/api/schema", application).exclude(
    # The OAuth endpoints answer as the RFCs say and are fuzzed by their own tests; vendor
    # callbacks have their own garbage-body tests (tests/vendors/test_callbacks.py).
    path_regex=r"^/api/(oauth/|kie/|wavespeed/|assemblyai/)",
)


@pytest.fixture
def world(db: None, user: User, issue_tokens: Any, settings: Any) -> Iterator[dict[str, Any]]:
    """A user with a project that has something of everything, and a token for them."""
    settings.VIDFLOW_RATE_TIERS = dict.fromkeys(settings.VIDFLOW_RATE_TIERS, "1000000/m")
    project = ProjectFactory(owner=user, selected_title="Voyager")
    chapter = ChapterFactory(project=project, position=0)
    entry = BibleEntry.objects.create(project=project, kind="character", name="Ada")
    shot = Shot.objects.create(project=project, position=0, start=0, end=5)
    title = TitleIdea.objects.create(project=project, text="The Longest Goodbye")
    endpoint, _secret = endpoint_create(owner=user, url="https://93.184.215.14/hook")
    delivery = Delivery.objects.create(
        endpoint=endpoint, message_id="msg_fuzz", event_type="run.succeeded", body="{}"
    )
    ids = {
        "project_id": project.pk,
        "channel_id": ChannelFactory(owner=user).pk,
        "run_id": run_create(owner=user, kind="render", project=project).pk,
        "chapter_id": chapter.pk,
        "entry_id": entry.pk,
        "shot_id": shot.pk,
        "title_id": title.pk,
        "endpoint_id": endpoint.pk,
        "delivery_id": delivery.pk,
    }
    token = issue_tokens(user, ALL_SCOPES)["access_token"]
    # Requests sent straight to the WSGI app would close the database connection when they
    # finish (and with it the test's transaction); Django's test client avoids it the same way.
    # (Done last: that client reconnects the handlers after each of its own requests.)
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield {"ids": ids, "headers": {"Authorization": f"Bearer {token}"}}
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def _envelope(response: Any) -> None:
    """4xx and 5xx answers on /api/ come in the envelope with a stable code, and say nothing of
    our internals."""
    body = response.text if hasattr(response, "text") else response.get_data(as_text=True)
    assert "Traceback" not in body
    if response.status_code >= 400 and "json" in response.headers.get("Content-Type", ""):
        payload = response.json() if callable(getattr(response, "json", None)) else None
        assert payload is not None
        assert payload["success"] is False
        assert payload["error"]["code"].isupper()


@pytest.mark.slow
@schema.parametrize()
@settings(
    max_examples=20,
    deadline=None,
    derandomize=True,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
        HealthCheck.data_too_large,
    ],
)
def test_no_route_answers_500_to_anything(case: Any, world: dict[str, Any]) -> None:
    chance = random.Random(repr(case.body) + repr(case.query))
    for name in list(case.path_parameters or {}):
        if name in world["ids"] and chance.random() < 0.8:
            case.path_parameters[name] = str(world["ids"][name])
    response = case.call(headers=world["headers"])
    # 502/503 are documented answers (VENDOR_ERROR, PROVIDER_UNAVAILABLE: e.g. outlier search
    # without a research provider); a 500 is always a bug.
    assert response.status_code != 500, f"{case.method} {case.formatted_path}: {response.text}"
    if response.status_code >= 500:
        assert response.json()["error"]["code"] in ("VENDOR_ERROR", "PROVIDER_UNAVAILABLE")
    _envelope(response)
