"""The events the pipeline emits, end to end: a real render emits project.rendered, a real YouTube
upload (through the simulator) project.published; each reaches the receiver signed."""

from __future__ import annotations

from typing import Any

import pytest
from rest_framework.test import APIClient

from accounts.models import User
from projects.models import Run
from projects.pipeline.runner import execute_run
from tests.factories import ChannelFactory
from tests.media import SampleMedia
from tests.projects.stages.bible_helpers import perform, post_run
from tests.projects.stages.render_helpers import staged_drawn_project
from tests.projects.stages.test_publishing import _connect, _google_sim, _rendered, sim
from webhooks.models import Delivery
from webhooks.services import delivery_attempt

from .conftest import Receiver

pytestmark = pytest.mark.django_db
__all__ = ["_google_sim", "sim"]  # fixtures of the publishing tests, used here


def deliver_all() -> None:
    for delivery in Delivery.objects.order_by("created_at"):
        delivery_attempt(delivery_id=delivery.pk)


def test_a_render_emits_project_rendered(
    api: APIClient, user: User, sample_media: SampleMedia, receiver: Receiver, endpoint_for: Any
) -> None:
    project, _shots = staged_drawn_project(api, sample_media, user, music=False)
    endpoint_for(user, events=["project.rendered"])

    run = perform(post_run(api, f"/api/projects/{project.pk}/timeline/render"))
    deliver_all()

    assert run.status == "succeeded", run.error
    (request,) = receiver.received
    assert request.verified_with, request.error
    assert request.payload["type"] == "project.rendered"
    data = request.payload["data"]
    assert data["project"] == {"id": str(project.pk), "title": project.title}
    assert data["runId"] == str(run.pk)
    assert data["render"]["quality"] == "passed"
    assert (data["render"]["width"], data["render"]["height"]) == (1280, 720)


def test_an_upload_emits_project_published_and_run_succeeded(
    api: APIClient, user: User, sim: Any, receiver: Receiver, endpoint_for: Any
) -> None:
    channel = ChannelFactory(owner=user)
    project = _rendered(user, channel)
    _connect(api, channel)
    endpoint_for(user, events=["project.published", "run.succeeded"])
    response = api.post(
        f"/api/projects/{project.pk}/publish-youtube", {"privacy": "unlisted"}, format="json"
    )
    run_id = response.json()["data"]["runId"]

    execute_run(run_id=run_id)
    deliver_all()

    run = Run.objects.get(pk=run_id)
    assert run.status == "succeeded", run.error
    by_type = {r.payload["type"]: r for r in receiver.received}
    assert set(by_type) == {"project.published", "run.succeeded"}
    assert all(r.verified_with for r in receiver.received)
    published = by_type["project.published"].payload["data"]
    assert published["project"]["id"] == str(project.pk)
    assert published["videoId"] == run.result["videoId"]
    assert published["url"] == run.result["url"]
    assert published["privacy"] == "unlisted"
    assert by_type["run.succeeded"].payload["data"]["run"]["kind"] == "publish.youtube"
