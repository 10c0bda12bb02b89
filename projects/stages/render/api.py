"""Render, thumbnail and publish-context routes."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from billing.decorators import billable
from projects.api.base import PROJECT_ID, AcceptedRunSerializer, StageViewSet, accepted
from projects.models import Render, Thumbnail
from projects.serializers import RunSerializer

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

    @extend_schema(responses=RenderStatusSerializer)
    def render_status(self, request: Request, project_id: str) -> Response:
        return self._with_latest_run("render", Render, RenderSerializer, stage.RENDER_KIND)

    @extend_schema(request=RenderRequestSerializer, responses=AcceptedRunSerializer)
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

    @extend_schema(responses=ThumbnailStatusSerializer)
    def thumbnail_status(self, request: Request, project_id: str) -> Response:
        return self._with_latest_run(
            "thumbnail", Thumbnail, ThumbnailSerializer, stage.THUMBNAIL_KIND
        )

    @extend_schema(request=ThumbnailRequestSerializer, responses=AcceptedRunSerializer)
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

    @extend_schema(responses=PublishContextSerializer)
    def publish_context(self, request: Request, project_id: str) -> Response:
        return Response(stage.publish_context(project=self.project()))

    @extend_schema(request=PublishCopyEditSerializer, responses=PublishContextSerializer)
    def edit_publish_context(self, request: Request, project_id: str) -> Response:
        """Save the creator's title, description and tags for the upload."""
        body = PublishCopyEditSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        return Response(
            stage.publish_copy_edit(
                project_id=self.project().pk, actor=self.user, changes=dict(body.validated_data)
            )
        )
