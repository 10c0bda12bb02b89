"""reliability.md 24 and issue 15: every route, fed what a fuzzer derives from our own OpenAPI
schema, keeps the contract the schema states — every schemathesis check (status codes, content
types, headers and response bodies as documented, bad input refused and good input accepted,
unsupported methods answered 405 with ``Allow``, no 500) — and answers errors in the envelope
with a 4xx for bad input, never a traceback.

Schemathesis generates requests (valid and invalid bodies, query strings, path parameters) for
every operation in /api/schema and sends them to the WSGI application in-process, authenticated
with a bearer token holding every scope. Path parameters are pointed at real objects of the user
most of the time, so the fuzzed bodies reach the handlers instead of stopping at a 404; a
well-formed body names real objects too (the channel, bible entries and icons it refers to), and
each example runs against the same world (rolled back after it), so a schema-valid body is
accepted — the positive-data check runs on every route but those in ``SEMANTIC_400``. The schema's
own examples are among the requests sent (schemathesis's explicit phase).
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, transaction
from django.test import Client
from django.utils import timezone
from hypothesis import HealthCheck, settings
from oauth2_provider.models import get_access_token_model
from schemathesis.config._checks import (
    POSITIVE_DATA_ACCEPTANCE_EXPECTED_STATUSES,
    NotAServerErrorConfig,
    PositiveDataAcceptanceConfig,
)
from schemathesis.specs.openapi.checks import positive_data_acceptance

from accounts.models import User
from oauth_device.tokens import access_token_generator
from projects.models import BibleEntry, Shot, TitleIdea
from projects.services import run_create
from tests.factories import ChannelFactory, ChapterFactory, ProjectFactory
from vendors.offline.pictures import icon_index
from vidflow.wsgi import application
from webhooks.models import Delivery
from webhooks.services import endpoint_create

ALL_SCOPES = "projects:read projects:write generate publish billing:read"

schema = schemathesis.openapi.from_wsgi("/api/schema", application).exclude(
    # The OAuth endpoints answer as the RFCs say and are fuzzed by their own tests; vendor
    # callbacks have their own garbage-body tests (tests/vendors/test_callbacks.py).
    path_regex=r"^/api/(oauth/|kie/|wavespeed/|assemblyai/)",
)
# 502 VENDOR_ERROR and 503 PROVIDER_UNAVAILABLE are documented answers (e.g. a checkout without
# Stripe settings, an outlier search without a research provider); a 500 is always a bug.
schema.config.checks.not_a_server_error = NotAServerErrorConfig(
    expected_statuses=["2xx", "3xx", "4xx", "502", "503"]
)
# A well-formed request refused for want of credits (402 INSUFFICIENT_CREDITS) is right too.
schema.config.checks.positive_data_acceptance = PositiveDataAcceptanceConfig(
    expected_statuses=[*POSITIVE_DATA_ACCEPTANCE_EXPECTED_STATUSES, "402"]
)


@pytest.fixture
def world(
    db: None, user: User, public_clients: dict[str, Any], settings: Any
) -> Iterator[dict[str, Any]]:
    """A user with a project that has something of everything, and a token for them."""
    settings.VIDFLOW_RATE_TIERS = dict.fromkeys(settings.VIDFLOW_RATE_TIERS, "1000000/m")
    project = ProjectFactory(owner=user, selected_title="Voyager")
    chapter = ChapterFactory(project=project, position=0)
    entry = BibleEntry.objects.create(project=project, kind="character", name="Ada")
    location = BibleEntry.objects.create(project=project, kind="location", name="JPL")
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
    # What a body may name beside the path: the user's channel, the project's bible entries,
    # icons of the catalogue (GET /api/icons).
    refs = {
        "channelId": str(ids["channel_id"]),
        "characterIds": str(entry.pk),
        "locationId": str(location.pk),
        "icons": sorted(icon_index().icons)[:3],
    }
    # The token a device flow ends with (tests/oauth_device covers the flow itself), made
    # directly: a whole flow per operation took about 0.15 s, a twentieth of the fuzz.
    token = access_token_generator(None)
    get_access_token_model().objects.create(
        user=user,
        application=public_clients["vidflow-cli"],
        token=token,
        scope=ALL_SCOPES,
        expires=timezone.now() + timedelta(hours=1),
    )
    headers = {"Authorization": f"Bearer {token}"}
    assert Client(headers=headers).get("/api/runs").status_code == 200  # it signs in
    # Requests sent straight to the WSGI app would close the database connection when they
    # finish (and with it the test's transaction); Django's test client avoids it the same way.
    # (Done last: that client reconnects the handlers after each of its own requests.)
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield {"ids": ids, "refs": refs, "headers": headers}
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


# Rules the schema cannot state (they depend on a file's bytes, on other fields' values or on
# DNS): schema-valid bodies may be refused with a 400 here, so these skip only the positive-data
# check; every other check still runs on them. Everything else a body must satisfy is in the
# schema (patterns, lengths, enums, closed objects, minItems, the bible's caps and "not both 0"),
# or, for what it names (a channel, bible entries, icons), met by pointing at real objects.
SEMANTIC_400 = {
    "POST /api/projects/{project_id}/outlier-videos": "url must be a YouTube link, videoId "
    "that link's video when both are sent, and a video is added once",
    "PUT /api/projects/{project_id}/script.fountain": "the file must be UTF-8 Fountain text",
    "POST /api/projects/{project_id}/timeline/shots/{shot_id}/media": "the file must decode "
    "as a PNG, JPEG or WebP picture or an MP4, WebM or MOV clip",
    "POST /api/projects/{project_id}/visual-bible/characters/{entry_id}/variations/upload": "the "
    "file must decode as a PNG, JPEG or WebP picture",
    "POST /api/projects/{project_id}/visual-bible/locations/{entry_id}/variations/upload": "the "
    "file must decode as a PNG, JPEG or WebP picture",
    "POST /api/webhooks": "url must resolve (DNS) to public addresses only",
    "PATCH /api/webhooks/{endpoint_id}": "url must resolve (DNS) to public addresses only",
}


def _negative(case: Any, location: str) -> bool:
    """Whether schemathesis made this part of the request schema-violating on purpose (then it
    is left as generated: the checks expect it refused)."""
    meta = getattr(case, "meta", None)
    info = meta.components.get(location) if meta is not None else None
    return info is not None and str(info.mode) == "negative"


def _name_real_objects(body: dict[str, Any], refs: dict[str, Any]) -> None:
    """A well-formed body names real objects, as the path parameters do: ids the schema can
    only call UUIDs (a channel of the user's, the project's bible entries) and icon names it
    can only call strings (the catalogue is data, GET /api/icons). Whatever else the body says
    stays as generated."""
    if body.get("channelId") is not None:
        body["channelId"] = refs["channelId"]
    if body.get("locationId") is not None:
        body["locationId"] = refs["locationId"]
    if isinstance(body.get("characterIds"), list):
        body["characterIds"] = [refs["characterIds"]] if body["characterIds"] else []
    if isinstance(body.get("subjects"), list):
        body["subjects"] = refs["icons"][: len(body["subjects"])]
    traits = body.get("traits")
    if isinstance(traits, dict) and traits.get("icon"):
        traits["icon"] = refs["icons"][0]


def _point_at_real_objects(case: Any, world: dict[str, Any]) -> None:
    chance = random.Random(repr(case.body) + repr(case.query))
    # A made-up If-Match is rightly a 412 (tests/vidflow/test_contract.py); "*" takes the
    # checked path and lets the write through to what the fuzzer is testing.
    if case.headers and "If-Match" in case.headers:
        case.headers["If-Match"] = "*"
    # A valid ?wait= long-polls the world's queued run, which no worker changes: every example
    # would hold for up to 30 s (29 of them took 132 s). The long poll has its own tests
    # (tests/projects/test_long_poll.py); here it answers at once.
    if isinstance(case.query, dict) and "wait" in case.query and not _negative(case, "query"):
        case.query["wait"] = 0
    if isinstance(case.body, dict) and not _negative(case, "body"):
        _name_real_objects(case.body, world["refs"])
    if _negative(case, "path"):
        return
    for name in list(case.path_parameters or {}):
        if name in world["ids"] and chance.random() < 0.8:
            case.path_parameters[name] = str(world["ids"][name])


@pytest.mark.slow
@schema.parametrize()
@settings(
    max_examples=12,
    deadline=None,
    derandomize=True,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
        HealthCheck.data_too_large,
    ],
)
def test_every_route_keeps_the_contract_its_schema_states(case: Any, world: dict[str, Any]) -> None:
    _point_at_real_objects(case, world)
    # Every built-in check (schemathesis 4: call_and_validate runs them all by default).
    # A deliberately malformed Authorization stays as generated (and is refused with 401).
    own_auth = _negative(case, "header") and "Authorization" in (case.headers or {})
    known_gap = f"{case.method} {case.path}" in SEMANTIC_400
    # Every example meets the same world: what one creates (a character named "0") is gone
    # before the next, which would otherwise be refused as a duplicate.
    with transaction.atomic():
        response = case.call_and_validate(
            headers={} if own_auth else world["headers"],
            excluded_checks=[positive_data_acceptance] if known_gap else None,
        )
        transaction.set_rollback(True)
    # 502/503 are documented answers (VENDOR_ERROR, PROVIDER_UNAVAILABLE: e.g. outlier search
    # without a research provider); a 500 is always a bug.
    assert response.status_code != 500, f"{case.method} {case.formatted_path}: {response.text}"
    if response.status_code >= 500:
        assert response.json()["error"]["code"] in ("VENDOR_ERROR", "PROVIDER_UNAVAILABLE")
    _envelope(response)
