"""Links to stored files: they open for their owner (or, a vendor's, for anyone holding one) until
they expire, show neither the stored path nor the owner, and cannot be altered or made up."""

from __future__ import annotations

import base64
import time
from typing import Any
from urllib.parse import urlparse

import pytest
import time_machine
from django.conf import settings
from django.core import signing
from django.core.files.base import ContentFile
from rest_framework.test import APIClient

from accounts.models import User
from projects.models import Render
from tests.factories import ProjectFactory
from vidflow.storage import LINK_GRID, _signed_link, artifact_url, vendor_fetch_url

pytestmark = pytest.mark.django_db

VIDEO = b"the final video"


@pytest.fixture
def render(user: User) -> Render:
    stored = Render(project=ProjectFactory(owner=user))
    stored.video.save("final.mp4", ContentFile(VIDEO), save=True)
    return stored


def _path(url: str | None) -> str:
    assert url is not None
    return urlparse(url).path


def _body(response: Any) -> bytes:
    return b"".join(response.streaming_content)


def test_a_link_is_a_capability_that_opens_without_credentials(
    api: APIClient, other_user: User, client_for: Any, render: Render
) -> None:
    """Like an S3 pre-signed URL: whoever holds the link gets the file until it expires (a
    <video src> on an integrator's page sends no cookie), signed in as anyone or not at all."""
    link = _path(artifact_url(render.video))

    assert _body(api.get(link)) == VIDEO
    assert _body(APIClient().get(link)) == VIDEO
    assert _body(client_for(other_user).get(link)) == VIDEO


def test_a_link_made_for_its_owner_before_links_were_capabilities_still_opens_for_them(
    api: APIClient, other_user: User, client_for: Any, render: Render
) -> None:
    owner = render.project.owner_id
    bound = _path(_signed_link(render.video.name, str(owner)))

    assert _body(api.get(bound)) == VIDEO
    assert client_for(other_user).get(bound).status_code == 404
    assert APIClient().get(bound).status_code == 404


def test_a_vendors_link_opens_for_anyone_holding_it(render: Render) -> None:
    response = APIClient().get(_path(vendor_fetch_url(render.video)))

    assert response.status_code == 200
    assert _body(response) == VIDEO


def test_a_link_shows_neither_the_stored_path_nor_the_owner(render: Render) -> None:
    token = _path(artifact_url(render.video)).rsplit("/", 1)[1]
    decoded = b"".join(
        base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)) for part in token.split(".")
    )

    for secret in (render.video.name, str(render.project_id), render.project.owner.username):
        assert secret not in token
        assert secret.encode() not in decoded
    assert str(render.project.owner_id) not in token.split(".")


def test_the_same_file_gets_the_same_link_for_a_while(render: Render) -> None:
    start = (time.time() // LINK_GRID + 1) * LINK_GRID  # the start of a grid step
    with time_machine.travel(start, tick=False) as clock:
        first = artifact_url(render.video)
        clock.shift(LINK_GRID - 1)
        assert artifact_url(render.video) == first
        clock.shift(1)
        assert artifact_url(render.video) != first


def test_a_link_expires_after_the_configured_age(api: APIClient, render: Render) -> None:
    with time_machine.travel(time.time(), tick=False) as clock:
        link = _path(artifact_url(render.video))
        clock.shift(settings.ARTIFACT_URL_MAX_AGE - LINK_GRID - 1)  # at least this long
        assert api.get(link).status_code == 200
        clock.shift(LINK_GRID + 2)  # never longer than the configured age
        assert api.get(link).status_code == 404


def _altered(link: str, part: int) -> str:
    head, token = link.rsplit("/", 1)
    pieces = token.split(".")
    piece = pieces[part]
    pieces[part] = piece[:-3] + ("A" if piece[-3] != "A" else "B") + piece[-2:]
    return f"{head}/{'.'.join(pieces)}"


@pytest.mark.parametrize("part", [0, 1, 2], ids=["file id", "expiry", "signature"])
def test_an_altered_link_is_404(api: APIClient, render: Render, part: int) -> None:
    link = _path(artifact_url(render.video))

    assert api.get(_altered(link, part)).status_code == 404


@pytest.mark.parametrize(
    "token",
    [
        "nothing",
        "a.b.c",
        "a.1.c.d",
        signing.dumps({"n": "projects/x/render/y.mp4", "u": "1"}, salt="vidflow.artifact"),
    ],
)
def test_a_made_up_link_is_404_never_500(api: APIClient, token: str) -> None:
    response = api.get(f"/api/files/{token}")

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "NOT_FOUND"


def test_another_secret_key_voids_every_link(api: APIClient, render: Render, settings: Any) -> None:
    link = _path(artifact_url(render.video))

    settings.SECRET_KEY = "another-secret-key-for-this-test"

    assert api.get(link).status_code == 404
