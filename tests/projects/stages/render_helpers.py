"""A project ready to render, made through the API with the offline providers and the runs
performed in-process: Piper narration with its word timings, a music bed, a shot plan and every
shot generated (an image and its animated still)."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from rest_framework.test import APIClient

from accounts.models import User
from projects.models import Project, Shot
from tests.factories import ChapterFactory, ProjectFactory

from .bible_helpers import perform, post_run

NARRATION = (
    "The keeper climbed the tower at dusk. The lamp was cold, and the glass was cracked.",
    "She lit the wick with shaking hands. Far below, the fishing boats turned for home.",
)


def voiced_project(api: APIClient, user: User, *, music: bool = True, **fields: Any) -> Project:
    """Two narrated chapters (about 11 s spoken), their voiceover and (optionally) music."""
    project = ProjectFactory(owner=user, selected_title="The Keeper", **fields)
    for position, text in enumerate(NARRATION):
        ChapterFactory(
            project=project, position=position, title=f"Part {position + 1}", narration=text
        )
    base = f"/api/projects/{project.pk}"
    assert perform(post_run(api, f"{base}/voiceover/generate")).status == "succeeded"
    if music:
        body = {"mood": "inspiring", "tempo": 100}
        assert perform(post_run(api, f"{base}/music/generate", body)).status == "succeeded"
    return project


def planned_project(api: APIClient, user: User, **fields: Any) -> Project:
    project = voiced_project(api, user, **fields)
    plan = perform(post_run(api, f"/api/projects/{project.pk}/timeline/shots/plan"))
    assert plan.status == "succeeded"
    return project


def generate_shots(api: APIClient, project: Project) -> list[Shot]:
    """Every shot generated, one run each (the single-shot route runs in-process)."""
    for shot in Shot.objects.filter(project=project):
        url = f"/api/projects/{project.pk}/timeline/shots/{shot.pk}/generate"
        assert perform(post_run(api, url)).status == "succeeded"
    return list(Shot.objects.filter(project=project).order_by("position"))


def ready_project(api: APIClient, user: User, **fields: Any) -> Project:
    project = planned_project(api, user, **fields)
    generate_shots(api, project)
    return project


def download(api: APIClient, url: str, into: Path, name: str) -> Path:
    """Fetch a signed artifact link as the owner would, into a file."""
    response = api.get(url)
    assert response.status_code == 200, url
    path = into / name
    buffer = io.BytesIO(b"".join(response.streaming_content))
    path.write_bytes(buffer.getvalue())
    return path
