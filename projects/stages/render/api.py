"""Render, thumbnail and publish-context routes."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from billing.decorators import billable
from projects import examples as ex
from projects.api.base import PROJECT_ID, AcceptedRunSerializer, StageViewSet, accepted
from projects.models import Render, Thumbnail
from projects.serializers import RunSerializer
from vidflow.api.schema import examples

from . import services as stage
from .serializers import (
    PublishContextSerializer,
    PublishCopyEditSerializer,
    RenderRequestSerializer,
    RenderSerializer,
    RenderStatusSerializer,
    ThumbnailRequestSerializer,
    ThumbnailSerializer,
    ThumbnailStatusSerializer,
)

_DRAFT = "Two probes launched in 1977 are still sending data from interstellar space."
_CHAPTER_MARKS = [
    {"seconds": 0, "time": "00:00", "title": "Intro"},
    {"seconds": 14, "time": "00:14", "title": "A slingshot once every 175 years"},
    {"seconds": 110, "time": "01:50", "title": "Jupiter and Saturn"},
]
_PUBLISH = {
    "title": "The Longest Goodbye: Voyager at 49",
    "description": _DRAFT + "\n\n" + "\n".join(f"{c['time']} {c['title']}" for c in _CHAPTER_MARKS),
    "draft": _DRAFT,
    "edited": False,
    "chapterRules": "YouTube makes chapters of the description's timestamps when the first is "
    "00:00, there are at least 3 and each lasts at least 10 s.",
    "chaptersNote": "",
    "tags": ["voyager", "nasa", "space history"],
    "writtenBy": "openai:gpt-4o-mini",
    "chapters": _CHAPTER_MARKS,
    "thumbnailUrl": f"{ex.FILE}s1.eyJwIjoidGh1bWJuYWlsLnBuZyJ9.sig",
    "videoUrl": f"{ex.FILE}s1.eyJwIjoiZmluYWwubXA0In0.sig",
    "srtUrl": f"{ex.FILE}s1.eyJwIjoiZmluYWwuc3J0In0.sig",
    "vttUrl": f"{ex.FILE}s1.eyJwIjoiZmluYWwudnR0In0.sig",
    "duration": 472.35,
    "stale": {"render": False, "thumbnail": False},
}


@extend_schema(tags=["production"], parameters=[PROJECT_ID])
class RenderViewSet(StageViewSet):
    serializer_class = RenderSerializer

    def _with_latest_run(
        self,
        key: str,
        model: type[Render] | type[Thumbnail],
        serializer: type[serializers.Serializer],
        kind: str,
    ) -> Response:
        """The project's current artifact (or null) and its latest run of ``kind`` (or null)."""
        project = self.project()
        current = model.objects.select_related("project").filter(project=project).first()
        run = stage.latest_run(project, kind)
        return Response(
            {
                key: serializer(current).data if current else None,
                "run": RunSerializer(run).data if run else None,
            }
        )

    @extend_schema(
        responses=RenderStatusSerializer,
        examples=examples(
            summary="Rendering for the first time",
            response={"render": None, "run": ex.run("render.final", status="running", charged=3)},
        ),
    )
    def render_status(self, request: Request, project_id: str) -> Response:
        return self._with_latest_run("render", Render, RenderSerializer, stage.RENDER_KIND)

    @extend_schema(
        request=RenderRequestSerializer,
        responses=AcceptedRunSerializer,
        examples=examples(
            request={"captions": True, "resolution": "1080p"},
            response=ex.accepted("render.final", charged=3),
        ),
    )
    @billable
    def generate_render(self, request: Request, project_id: str) -> Response:
        body = RenderRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        run = stage.render_start(
            project_id=self.project().pk,
            actor=self.user,
            captions=body.validated_data["captions"],
            resolution=body.validated_data.get("resolution"),
        )
        return accepted(run)

    @extend_schema(
        responses=ThumbnailStatusSerializer,
        examples=examples(
            response={
                "thumbnail": {
                    "imageUrl": _PUBLISH["thumbnailUrl"],
                    "title": "Voyager at 49",
                    "shotId": ex.SHOT_ID,
                    "stale": False,
                    "updatedAt": ex.UPDATED,
                },
                "run": {
                    **ex.run("thumbnail.generate", status="succeeded", charged=1),
                    "progress": {"done": 1, "total": 1, "unit": "steps", "stage": None},
                    "startedAt": "2026-11-30T09:41:28.010000Z",
                    "finishedAt": "2026-11-30T09:41:31.446000Z",
                },
            }
        ),
    )
    def thumbnail_status(self, request: Request, project_id: str) -> Response:
        return self._with_latest_run(
            "thumbnail", Thumbnail, ThumbnailSerializer, stage.THUMBNAIL_KIND
        )

    @extend_schema(
        request=ThumbnailRequestSerializer,
        responses=AcceptedRunSerializer,
        examples=examples(
            request={"shotId": ex.SHOT_ID, "title": "Voyager at 49"},
            response=ex.accepted("thumbnail.generate", charged=1),
        ),
    )
    @billable
    def generate_thumbnail(self, request: Request, project_id: str) -> Response:
        body = ThumbnailRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        run = stage.thumbnail_generate(
            project_id=self.project().pk,
            actor=self.user,
            shot_id=body.validated_data.get("shotId"),
            title=body.validated_data.get("title"),
        )
        return accepted(run)


@extend_schema(tags=["publish"], parameters=[PROJECT_ID])
class PublishContextViewSet(StageViewSet):
    serializer_class = PublishContextSerializer

    @extend_schema(responses=PublishContextSerializer, examples=examples(response=_PUBLISH))
    def publish_context(self, request: Request, project_id: str) -> Response:
        return Response(stage.publish_context(project=self.project()))

    @extend_schema(
        request=PublishCopyEditSerializer,
        responses=PublishContextSerializer,
        examples=examples(
            request={
                "title": _PUBLISH["title"],
                "description": _PUBLISH["draft"],
                "tags": _PUBLISH["tags"],
            },
            response={**_PUBLISH, "edited": True, "writtenBy": "user"},
        ),
    )
    def edit_publish_context(self, request: Request, project_id: str) -> Response:
        """Save the creator's title, description and tags for the upload."""
        body = PublishCopyEditSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        return Response(
            stage.publish_copy_edit(
                project_id=self.project().pk, actor=self.user, changes=dict(body.validated_data)
            )
        )
