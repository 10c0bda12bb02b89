"""Render, thumbnail and publish-context routes."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from billing.decorators import billable
from projects.models import Render, Resolution, Thumbnail
from projects.serializers import RunSerializer
from projects.stages import render as stage
from vidflow.api.serializers import StrictSerializer
from vidflow.storage import artifact_url

from .base import PROJECT_ID, AcceptedRunSerializer, StageViewSet, accepted


class RenderSerializer(serializers.Serializer):
    videoUrl = serializers.SerializerMethodField()
    srtUrl = serializers.SerializerMethodField()
    vttUrl = serializers.SerializerMethodField()
    duration = serializers.FloatField()
    width = serializers.IntegerField()
    height = serializers.IntegerField()
    captions = serializers.BooleanField(help_text="Whether captions are burned into the video.")
    quality = serializers.JSONField(help_text="The quality check the render passed.")
    stale = serializers.BooleanField()
    runId = serializers.UUIDField(source="run_id", allow_null=True)
    updatedAt = serializers.DateTimeField(source="updated_at")

    def _url(self, render: Render, field: str) -> str | None:
        return artifact_url(getattr(render, field), user_id=render.project.owner_id)

    def get_videoUrl(self, render: Render) -> str | None:
        return self._url(render, "video")

    def get_srtUrl(self, render: Render) -> str | None:
        return self._url(render, "srt")

    def get_vttUrl(self, render: Render) -> str | None:
        return self._url(render, "vtt")


class RenderStatusSerializer(serializers.Serializer):
    render = RenderSerializer(allow_null=True, help_text="The current final.mp4, if any.")
    run = RunSerializer(allow_null=True, help_text="The latest render run, if any.")


class RenderRequestSerializer(StrictSerializer):
    captions = serializers.BooleanField(
        required=False,
        default=True,
        help_text="Burn the captions in (the .srt/.vtt are always made).",
    )
    resolution = serializers.ChoiceField(
        choices=Resolution.choices,
        required=False,
        help_text="This render's resolution instead of the project's.",
    )


class ThumbnailSerializer(serializers.Serializer):
    imageUrl = serializers.SerializerMethodField()
    title = serializers.CharField()
    shotId = serializers.UUIDField(source="shot_id", allow_null=True)
    stale = serializers.BooleanField()
    updatedAt = serializers.DateTimeField(source="updated_at")

    def get_imageUrl(self, thumbnail: Thumbnail) -> str | None:
        return artifact_url(thumbnail.image, user_id=thumbnail.project.owner_id)


class ThumbnailStatusSerializer(serializers.Serializer):
    thumbnail = ThumbnailSerializer(allow_null=True)
    run = RunSerializer(allow_null=True, help_text="The latest thumbnail run, if any.")


class ThumbnailRequestSerializer(StrictSerializer):
    shotId = serializers.UUIDField(required=False, help_text="Default: the key shot.")
    title = serializers.CharField(
        max_length=200, required=False, help_text="Default: the selected title."
    )


class ChapterMarkSerializer(serializers.Serializer):
    seconds = serializers.IntegerField()
    time = serializers.CharField(help_text="As YouTube reads it in a description: 00:00, 01:25")
    title = serializers.CharField()


class PublishContextSerializer(serializers.Serializer):
    title = serializers.CharField()
    description = serializers.CharField(help_text="A draft, ending in the chapter timestamps.")
    tags = serializers.ListField(child=serializers.CharField())
    chapters = ChapterMarkSerializer(many=True)
    thumbnailUrl = serializers.CharField(allow_null=True)
    videoUrl = serializers.CharField(allow_null=True)
    srtUrl = serializers.CharField(allow_null=True)
    vttUrl = serializers.CharField(allow_null=True)
    duration = serializers.FloatField(allow_null=True)
    stale = serializers.DictField(child=serializers.BooleanField())


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
