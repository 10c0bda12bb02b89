"""The browsable API (reliability.md, item 35): every read route renders as a page for a
signed-in browser (``Accept: text/html``), never a 500. The routes are walked from the URLconf,
with the ids of a project that has one of everything."""

from __future__ import annotations

import re
import uuid
from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from rest_framework.test import APIClient

from accounts.models import User
from projects.models import BibleEntry, Channel, OutlierVideo, Shot, TitleIdea
from tests.factories import ChapterFactory, ProjectFactory, RunFactory
from webhooks.models import Delivery
from webhooks.services import endpoint_create

pytestmark = pytest.mark.django_db

_PARAM = re.compile(r"\(\?P<(\w+)>[^)]*\)|<(?:\w+:)?(\w+)>")
# Not pages of the browsable API: the schema and its viewer, files, vendor callbacks.
# Files (a download, not a DRF page): artifact links and the script as a Fountain file.
_SKIP = re.compile(
    r"^/api/(schema|docs|redoc|files/|kie/|wavespeed/|assemblyai/|stripe/|oauth/)|.*/script\.fountain$"
)


def _routes() -> list[str]:
    found: list[str] = []

    def walk(patterns: Any, prefix: str) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, prefix + str(pattern.pattern))
            elif isinstance(pattern, URLPattern):
                route = prefix + str(pattern.pattern)
                for char in ("^", "$", "/?", "\\"):
                    route = route.replace(char, "")
                found.append(route)

    walk(get_resolver().url_patterns, "/")
    return sorted({r for r in found if r.startswith("/api/") and not _SKIP.match(r)})


@pytest.fixture
def ids(user: User) -> dict[str, str]:
    channel = Channel.objects.create(owner=user, name="Space")
    project = ProjectFactory(owner=user, channel=channel, selected_title="Voyager")
    chapter = ChapterFactory(project=project, position=0)
    title = TitleIdea.objects.create(project=project, text="Voyager")
    entry = BibleEntry.objects.create(project=project, kind="character", name="Ada")
    location = BibleEntry.objects.create(project=project, kind="location", name="Pasadena")
    shot = Shot.objects.create(project=project, position=0, start=0, end=5)
    outlier = OutlierVideo.objects.create(
        project=project, title="Probe", video_id="dQw4w9WgXcQ", views=10, channel_median_views=1
    )
    run = RunFactory(owner=user, project=project)
    endpoint, _secret = endpoint_create(owner=user, url="https://93.184.215.14/hook")
    delivery = Delivery.objects.create(
        endpoint=endpoint, message_id="msg_1", event_type="run.succeeded", body="{}"
    )
    return {
        "project_id": str(project.pk),
        "channel_id": str(channel.pk),
        "title_id": str(title.pk),
        "entry_id": str(entry.pk),
        "location_id": str(location.pk),
        "chapter_id": str(chapter.pk),
        "shot_id": str(shot.pk),
        "outlier_id": str(outlier.pk),
        "run_id": str(run.pk),
        "pk": str(run.pk),
        "voice_id": "piper:en_US-joe-medium",
        "endpoint_id": str(endpoint.pk),
        "delivery_id": str(delivery.pk),
    }


def test_every_read_route_renders_in_the_browsable_api(api: APIClient, ids: dict[str, str]) -> None:
    failures: dict[str, Any] = {}
    rendered = 0
    for route in _routes():
        here = {**ids, "entry_id": ids["location_id"]} if "/locations" in route else ids
        url = _PARAM.sub(
            lambda m, here=here: here.get(m.group(1) or m.group(2), str(uuid.uuid4())), route
        )
        response = api.get(url, HTTP_ACCEPT="text/html")
        if response.status_code == 405:
            continue  # a write-only route
        if getattr(response, "streaming", False):
            assert response.status_code == 200, url  # a file (a voice sample), not a page
            continue
        if response.status_code >= 500 or not response["Content-Type"].startswith("text/html"):
            failures[url] = (response.status_code, response.content[-400:])
        else:
            rendered += 1
    assert not failures
    assert rendered >= 25
