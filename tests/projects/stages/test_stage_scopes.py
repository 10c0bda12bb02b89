"""Scopes on the ideation and visual bible routes: reading needs projects:read, editing
projects:write, and anything that spends credits needs generate."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from rest_framework.test import APIClient

from accounts.models import User
from billing.models import CreditAccount
from projects.models import BibleEntry, BibleKind, Run
from tests.factories import ChapterFactory, ProjectFactory
from tests.vidflow.test_envelope import assert_error

pytestmark = pytest.mark.django_db


class ScopedToken:
    """What the scope check reads from a bearer token (``request.auth``): the scopes it allows.
    Stands in for an oauth_device access token, so these tests hold whichever way the token was
    issued."""

    def __init__(self, *scopes: str) -> None:
        self.scopes = set(scopes)

    def allow_scopes(self, wanted: list[str]) -> bool:
        return set(wanted) <= self.scopes


@pytest.fixture
def bearer(user: User) -> Callable[..., APIClient]:
    def make(*scopes: str) -> APIClient:
        client = APIClient()
        client.force_authenticate(user=user, token=ScopedToken(*scopes))
        return client

    return make


def test_a_token_without_generate_cannot_spend_credits_on_the_bible(
    bearer: Callable[..., APIClient], user: User
) -> None:
    project = ProjectFactory(owner=user, selected_title="Voyager")
    ChapterFactory(project=project, position=0, narration="Carl at JPL.")
    carl = BibleEntry.objects.create(project=project, kind=BibleKind.CHARACTER, name="Carl")
    client = bearer("projects:read", "projects:write")
    base = f"/api/projects/{project.pk}/visual-bible"

    for url in (f"{base}/generate", f"{base}/characters/{carl.pk}/variations/generate"):
        error = assert_error(client.post(url, {}, format="json"), 403, "INSUFFICIENT_SCOPE")
        assert error["details"] == {"requiredScope": "generate"}
    assert not Run.objects.exists()
    assert CreditAccount.objects.get(user=user).balance == 50

    allowed = bearer("generate").post(f"{base}/generate", {}, format="json")
    assert allowed.status_code == 200


def test_reads_need_read_and_edits_need_write(bearer: Callable[..., APIClient], user: User) -> None:
    project = ProjectFactory(owner=user)
    reader, writer = bearer("projects:read"), bearer("projects:write")
    base = f"/api/projects/{project.pk}"

    assert reader.get(f"{base}/titles").status_code == 200
    assert reader.get(f"{base}/visual-bible/locations").status_code == 200
    assert reader.get(f"{base}/channel-setup").status_code == 200
    for url, body in [
        (f"{base}/visual-bible/characters", {"name": "Carl"}),
        (f"{base}/outlier-videos/search", {"query": "voyager"}),
        (f"{base}/titles", {"count": 1}),
    ]:
        error = assert_error(reader.post(url, body, format="json"), 403, "INSUFFICIENT_SCOPE")
        assert error["details"] == {"requiredScope": "projects:write"}
    assert_error(writer.get(f"{base}/titles"), 403, "INSUFFICIENT_SCOPE")
    created = writer.post(f"{base}/visual-bible/characters", {"name": "Carl"}, format="json")
    assert created.status_code == 201
