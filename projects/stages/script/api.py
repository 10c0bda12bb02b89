"""Script routes: outline, hook, chapter narration, analysis."""

from __future__ import annotations

from uuid import UUID

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from billing.decorators import billable
from projects.api.base import PROJECT_ID, AcceptedRunSerializer, StageViewSet, accepted
from projects.models import Script

from . import services as stage
from .serializers import (
    ChapterEditSerializer,
    ChapterSerializer,
    ChaptersRequestSerializer,
    HookSerializer,
    OutlineRequestSerializer,
)

OutlineSerializer = inline_serializer(
    "Outline",
    {
        "chapters": ChapterSerializer(many=True),
        "generatedAt": serializers.DateTimeField(allow_null=True),
    },
)


AnalysisSerializer = inline_serializer(
    "Analysis",
    {"analysis": serializers.JSONField(allow_null=True), "stale": serializers.BooleanField()},
)


def _script(project_id: UUID) -> Script | None:
    return Script.objects.filter(project_id=project_id).first()


@extend_schema(tags=["script"], parameters=[PROJECT_ID])
class ScriptViewSet(StageViewSet):
    serializer_class = ChapterSerializer

    @extend_schema(responses=OutlineSerializer)
    def outline(self, request: Request, project_id: str) -> Response:
        project = self.project()
        script = _script(project.pk)
        return Response(
            {
                "chapters": ChapterSerializer(project.chapters.all(), many=True).data,
                "generatedAt": script.outline_generated_at if script else None,
            }
        )

    @extend_schema(request=OutlineRequestSerializer, responses=AcceptedRunSerializer)
    @billable
    def generate_outline(self, request: Request, project_id: str) -> Response:
        body = OutlineRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        run = stage.outline_generate(
            project_id=self.project().pk,
            actor=self.user,
            chapters=body.validated_data.get("chapters"),
            replace=body.validated_data["replace"],
        )
        return accepted(run)

    @extend_schema(responses=HookSerializer)
    def hook(self, request: Request, project_id: str) -> Response:
        script = _script(self.project().pk)
        return Response(
            {"hook": script.hook if script else "", "stale": bool(script and script.hook_stale)}
        )

    @extend_schema(request=None, responses=AcceptedRunSerializer)
    @billable
    def generate_hook(self, request: Request, project_id: str) -> Response:
        return accepted(stage.hook_generate(project_id=self.project().pk, actor=self.user))

    @extend_schema(request=HookSerializer, responses=HookSerializer)
    def edit_hook(self, request: Request, project_id: str) -> Response:
        body = HookSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        script = stage.hook_edit(
            project_id=self.project().pk, actor=self.user, hook=body.validated_data["hook"]
        )
        return Response({"hook": script.hook, "stale": script.hook_stale})

    @extend_schema(responses=ChapterSerializer(many=True))
    def chapters(self, request: Request, project_id: str) -> Response:
        return Response(ChapterSerializer(self.project().chapters.all(), many=True).data)

    @extend_schema(request=ChaptersRequestSerializer, responses=AcceptedRunSerializer)
    @billable
    def generate_chapters(self, request: Request, project_id: str) -> Response:
        body = ChaptersRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        run = stage.chapters_generate(
            project_id=self.project().pk,
            actor=self.user,
            chapter_id=body.validated_data.get("chapterId"),
        )
        return accepted(run)

    @extend_schema(request=ChapterEditSerializer, responses=ChapterSerializer)
    def edit_chapter(self, request: Request, project_id: str, chapter_id: str) -> Response:
        body = ChapterEditSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        chapter = stage.chapter_edit(
            project_id=self.project().pk,
            actor=self.user,
            chapter_id=chapter_id,
            changes=body.validated_data,
        )
        return Response(ChapterSerializer(chapter).data)

    @extend_schema(responses=AnalysisSerializer)
    def analysis(self, request: Request, project_id: str) -> Response:
        script = _script(self.project().pk)
        return Response(
            {
                "analysis": script.analysis if script else None,
                "stale": bool(script and script.analysis_stale),
            }
        )

    @extend_schema(request=None, responses=AcceptedRunSerializer)
    @billable
    def generate_analysis(self, request: Request, project_id: str) -> Response:
        return accepted(stage.analysis_generate(project_id=self.project().pk, actor=self.user))
