"""One rule for bodies on every write route (issue 11, break 11): a field the route does not
declare is a 400 naming it, before anything is charged or changed. Walked over every route of
the URLconf, on a project ready for each stage's generation."""

from __future__ import annotations

import re
import uuid
from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from rest_framework.test import APIClient

from accounts.models import User
from billing.models import LedgerEntry
from billing.services import balance_of
from projects.models import BibleEntry, Channel, Project, Run, Shot, Stage
from tests.factories import ChapterFactory, ProjectFactory
from tests.vidflow.test_envelope import assert_error

pytestmark = pytest.mark.django_db

_PARAM = re.compile(r"\(\?P<(\w+)>[^)]*\)|<(?:\w+:)?(\w+)>")
_SKIP = re.compile(r"^/api/(schema|docs|files/|kie/|wavespeed/|assemblyai/|oauth/)")


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


@pytest.mark.parametrize(
    "suffix",
    [
        "script/hook",
        "script/analyze",
        "publish-suggest",
        "timeline/shots/generate-all",
        "timeline/shots/{shot}/generate",
        "visual-bible/generate",
    ],
)
def test_an_unknown_field_is_refused_before_any_charge(
    api: APIClient, user: User, suffix: str
) -> None:
    project = ProjectFactory(owner=user, selected_title="Voyager")
    ChapterFactory(project=project, position=0)
    Project.objects.filter(pk=project.pk).update(status=Stage.PRODUCTION)
    shot = Shot.objects.create(project=project, position=0, start=0, end=5)
    url = f"/api/projects/{project.pk}/" + suffix.replace("{shot}", str(shot.pk))
    before = balance_of(user=user)

    response = api.post(url, {"bogus": 1}, format="json")

    error = assert_error(response, 400, "VALIDATION_ERROR")
    assert error["details"] == {"bogus": ["Unknown field."]}
    assert balance_of(user=user) == before
    assert not Run.objects.exists()


def test_no_write_route_accepts_a_field_it_does_not_declare(api: APIClient, user: User) -> None:
    channel = Channel.objects.create(owner=user, name="Space")
    project = ProjectFactory(owner=user, channel=channel, selected_title="Voyager")
    chapter = ChapterFactory(project=project, position=0)
    entry = BibleEntry.objects.create(project=project, kind="character", name="Ada")
    location = BibleEntry.objects.create(project=project, kind="location", name="Pasadena")
    shot = Shot.objects.create(project=project, position=0, start=0, end=5)
    ids = {
        "project_id": project.pk,
        "pk": project.pk,
        "channel_id": channel.pk,
        "chapter_id": chapter.pk,
        "shot_id": shot.pk,
    }
    accepted = []
    for route in _routes():
        here = {**ids, "entry_id": location.pk if "/locations" in route else entry.pk}
        url = _PARAM.sub(
            lambda m, here=here: str(here.get(m.group(1) or m.group(2), uuid.uuid4())), route
        )
        for method in ("post", "patch", "put"):
            response = getattr(api, method)(url, {"surelyNotAField": 1}, format="json")
            if response.status_code < 300:
                accepted.append((method, url))
    assert accepted == []
    assert not LedgerEntry.objects.filter(amount__lt=0).exists()
