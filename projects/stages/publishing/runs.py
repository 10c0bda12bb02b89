"""The publishing stage's work on a worker: its run kinds and vendor-job handlers."""

from __future__ import annotations

from django.db import transaction

from projects.models import Publication, Render, Run, RunKind, Thumbnail
from projects.pipeline import run_kind
from projects.pipeline.artifacts import input_file, workdir
from projects.services import run_succeed
from projects.stages.base import (
    locked_active_run,
    mark_delivered,
    run_project,
)
from projects.stages.render.services import publish_context
from vendors import registry
from vendors.base import PublishRequest as UploadRequest
from vidflow.errors import (
    InvalidTransition,
    YoutubeNotConnected,
)
from vidflow.events import EventType, event_emit

from .services import youtube_access_token


@run_kind(RunKind.PUBLISH_YOUTUBE)
def _upload(run: Run) -> None:
    project = run_project(run, "channel", "render")
    render = Render.objects.filter(project=project).first()
    if render is None or not render.video:
        raise InvalidTransition("Publishing needs a rendered final.mp4.")
    if project.channel is None:
        raise YoutubeNotConnected("The project has no channel connected to YouTube.")
    token = youtube_access_token(project.channel)
    params = run.params
    context = publish_context(project=project)  # the creator's saved copy, with chapters
    thumbnail = Thumbnail.objects.filter(project=project).first()
    with workdir("publish") as into:
        request = UploadRequest(
            video=input_file(render.video, into),
            title=str(params.get("title") or context["title"])[:100],
            description=str(params.get("description") or context["description"])[:5000],
            tags=tuple(params.get("tags") or context["tags"]),
            privacy=str(params.get("privacy") or "private"),
            publish_at=str(params.get("publishAt") or ""),
            thumbnail=input_file(thumbnail.image, into) if thumbnail and thumbnail.image else None,
        )
        result = registry.provider("publish").upload(request, access_token=token)
    with transaction.atomic():
        if locked_active_run(run) is None:
            return
        Publication.objects.create(
            project=project,
            youtube_video_id=result.video_id,
            privacy=request.privacy,
            publish_at=params.get("publishAt") or None,
            run=run,
        )
        mark_delivered(run, "publish")
        run_succeed(run_id=run.pk, result={"videoId": result.video_id, "url": result.url})
        event_emit(
            owner_id=run.owner_id,
            event_type=EventType.PROJECT_PUBLISHED,
            data={
                "project": {"id": str(project.pk), "title": project.title},
                "runId": str(run.pk),
                "videoId": result.video_id,
                "url": result.url,
                "privacy": request.privacy,
            },
        )
