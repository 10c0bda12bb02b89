"""Shared steps for the visual bible run tests: a narrated project made through the API with the
offline writer, runs performed in-process, and the pictures a user would open."""

from __future__ import annotations

import io
from typing import Any

from PIL import Image
from rest_framework.test import APIClient

from accounts.models import User
from projects.models import Project, Run
from projects.pipeline.runner import execute_run
from tests.factories import ProjectFactory

# A story idea: the writer names a character (Mara Quinn) and a setting (the stormy island).
STORY = "A lighthouse keeper named Mara Quinn finds a message in a bottle on a stormy island"
SCRIPT_CREDITS = 1 + 2  # outline, narration of every chapter


def post_run(api: APIClient, url: str, body: dict[str, Any] | None = None) -> Run:
    """POST a billable route and return its (queued) run."""
    response = api.post(url, body or {}, format="json")
    assert response.status_code == 200, response.content
    return Run.objects.get(pk=response.json()["data"]["runId"])


def result_of(run: Run) -> dict[str, Any]:
    assert run.result is not None
    return run.result


def perform(run: Run) -> Run:
    """What the worker does with the run's task, here in the test process."""
    execute_run(run_id=run.pk)
    run.refresh_from_db()
    return run


def narrated_project(api: APIClient, user: User, **fields: Any) -> Project:
    project = ProjectFactory(
        owner=user, idea=STORY, selected_title="The Keeper", target_seconds=60, **fields
    )
    base = f"/api/projects/{project.pk}/script"
    assert perform(post_run(api, f"{base}/outline", {"chapters": 2})).status == "succeeded"
    assert perform(post_run(api, f"{base}/chapters")).status == "succeeded"
    return project


def bible(api: APIClient, project: Project) -> dict[str, list[dict[str, Any]]]:
    base = f"/api/projects/{project.pk}/visual-bible"
    return {
        kind: api.get(f"{base}/{kind}").json()["data"]["results"]
        for kind in ("characters", "locations")
    }


def open_image(api: APIClient, url: str) -> Image.Image:
    """Fetch a signed artifact link as the owner's browser would, and decode it."""
    response = api.get(url)
    assert response.status_code == 200, url
    image = Image.open(io.BytesIO(b"".join(response.streaming_content)))
    image.load()
    return image
