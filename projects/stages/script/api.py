"""Script routes: outline, hook, chapter narration, analysis."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.http import HttpResponse
from django.utils.text import slugify
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.parsers import BaseParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from billing.decorators import billable
from projects import examples as ex
from projects.api.base import PROJECT_ID, AcceptedRunSerializer, StageViewSet, accepted
from projects.models import Script
from vidflow.api.pagination import WholeListPagination, whole_list
from vidflow.api.schema import examples
from vidflow.errors import NotFound, ValidationFailed

from . import fountain
from . import services as stage
from .serializers import (
    ChapterEditSerializer,
    ChapterSerializer,
    ChaptersRequestSerializer,
    FactsSerializer,
    FountainImportSerializer,
    FountainUploadSerializer,
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
    {
        "analysis": serializers.JSONField(allow_null=True),
        "stale": serializers.BooleanField(),
        "writtenBy": serializers.CharField(),
    },
)


def _script(project_id: UUID) -> Script | None:
    return Script.objects.filter(project_id=project_id).first()


_HOOK: dict[str, Any] = {
    "hook": "Two machines built with 1970s computers are still sending us postcards from "
    "beyond the Sun's reach.",
    "stale": False,
    "writtenBy": "openai:gpt-4o-mini",
}
_FACTS = {
    "facts": [
        {"text": "Voyager 2 launched on 20 August 1977, Voyager 1 on 5 September 1977."},
        {"text": "Voyager 1 crossed the heliopause in August 2012.", "uncertain": False},
    ],
    "writtenBy": "openai:gpt-4o-mini",
}


@extend_schema(tags=["script"], parameters=[PROJECT_ID])
class ScriptViewSet(StageViewSet):
    serializer_class = ChapterSerializer
    pagination_class = WholeListPagination
    etag_reads = frozenset({"chapter"})
    etag_writes = {"edit_chapter": "chapter"}

    @extend_schema(
        responses=OutlineSerializer,
        examples=examples(response={"chapters": [ex.CHAPTER], "generatedAt": ex.UPDATED}),
    )
    def outline(self, request: Request, project_id: str) -> Response:
        project = self.project()
        script = _script(project.pk)
        return Response(
            {
                "chapters": ChapterSerializer(project.chapters.all(), many=True).data,
                "generatedAt": script.outline_generated_at if script else None,
            }
        )

    @extend_schema(
        request=OutlineRequestSerializer,
        responses=AcceptedRunSerializer,
        examples=examples(
            request={"chapters": 5, "replace": False},
            response=ex.accepted("script.outline", charged=1),
        ),
    )
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

    @extend_schema(responses=HookSerializer, examples=examples(response=_HOOK))
    def hook(self, request: Request, project_id: str) -> Response:
        script = _script(self.project().pk)
        return Response(
            {
                "hook": script.hook if script else "",
                "stale": bool(script and script.hook_stale),
                "writtenBy": script.hook_by if script else "",
            }
        )

    @extend_schema(
        request=None,
        responses=AcceptedRunSerializer,
        examples=examples(response=ex.accepted("script.hook", charged=1)),
    )
    @billable
    def generate_hook(self, request: Request, project_id: str) -> Response:
        return accepted(stage.hook_generate(project_id=self.project().pk, actor=self.user))

    @extend_schema(
        request=HookSerializer,
        responses=HookSerializer,
        examples=examples(request={"hook": _HOOK["hook"]}, response={**_HOOK, "writtenBy": "user"}),
    )
    def edit_hook(self, request: Request, project_id: str) -> Response:
        """Changes the hook's text (``{hook}``); a body without it changes nothing and answers
        the hook as it is."""
        if isinstance(request.data, dict) and "hook" not in request.data:
            return self.hook(request, project_id)
        body = HookSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        script = stage.hook_edit(
            project_id=self.project().pk, actor=self.user, hook=body.validated_data["hook"]
        )
        return Response(
            {"hook": script.hook, "stale": script.hook_stale, "writtenBy": script.hook_by}
        )

    @extend_schema(responses=FactsSerializer, examples=examples(response=_FACTS))
    def facts(self, request: Request, project_id: str) -> Response:
        script = _script(self.project().pk)
        return Response(
            {
                "facts": script.facts if script else [],
                "writtenBy": script.facts_by if script else "",
            }
        )

    @extend_schema(
        request=FactsSerializer,
        responses=FactsSerializer,
        examples=examples(
            request={"facts": _FACTS["facts"]}, response={**_FACTS, "writtenBy": "user"}
        ),
    )
    def edit_facts(self, request: Request, project_id: str) -> Response:
        """Replaces the facts to check (``{facts}``); a body without them changes nothing."""
        if isinstance(request.data, dict) and "facts" not in request.data:
            return self.facts(request, project_id)
        body = FactsSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        script = stage.facts_edit(
            project_id=self.project().pk, actor=self.user, facts=body.validated_data["facts"]
        )
        return Response({"facts": script.facts, "writtenBy": script.facts_by})

    @extend_schema(responses=ChapterSerializer(many=True), examples=examples(response=ex.CHAPTER))
    def chapters(self, request: Request, project_id: str) -> Response:
        return whole_list(ChapterSerializer(self.project().chapters.all(), many=True).data)

    @extend_schema(
        request=ChaptersRequestSerializer,
        responses=AcceptedRunSerializer,
        examples=examples(
            request={"chapterId": ex.CHAPTER_ID},
            response=ex.accepted("script.chapters", charged=1),
        ),
    )
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

    @extend_schema(responses=ChapterSerializer, examples=examples(response=ex.CHAPTER))
    def chapter(self, request: Request, project_id: str, chapter_id: str) -> Response:
        """One chapter of the script: its title, beats, narration and stale marks."""
        found = self.project().chapters.filter(pk=chapter_id).first()
        if found is None:
            raise NotFound("Chapter not found.")
        return Response(ChapterSerializer(found).data)

    @extend_schema(
        request=ChapterEditSerializer,
        responses=ChapterSerializer,
        examples=examples(
            request={"title": ex.CHAPTER["title"], "beats": ex.CHAPTER["beats"]},
            response={**ex.CHAPTER, "outlineBy": "user", "narrationStale": True},
        ),
    )
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

    @extend_schema(
        responses=AnalysisSerializer,
        examples=examples(
            summary="Not analysed yet",
            response={"analysis": None, "stale": False, "writtenBy": ""},
        ),
    )
    def analysis(self, request: Request, project_id: str) -> Response:
        script = _script(self.project().pk)
        return Response(
            {
                "analysis": script.analysis if script else None,
                "stale": bool(script and script.analysis_stale),
                "writtenBy": script.analysis_by if script else "",
            }
        )

    @extend_schema(
        request=None,
        responses=AcceptedRunSerializer,
        examples=examples(response=ex.accepted("script.analyze", charged=1)),
    )
    @billable
    def generate_analysis(self, request: Request, project_id: str) -> Response:
        return accepted(stage.analysis_generate(project_id=self.project().pk, actor=self.user))


class PlainTextParser(BaseParser):
    """A Fountain file sent as the whole body (``text/plain``)."""

    media_type = "text/plain"

    def parse(self, stream: Any, media_type: Any = None, parser_context: Any = None) -> Any:
        return {"file": stream.read(fountain.MAX_BYTES + 1)}


@extend_schema(tags=["script"], parameters=[PROJECT_ID])
class ScriptFountainViewSet(StageViewSet):
    parser_classes = [PlainTextParser, MultiPartParser]

    @extend_schema(responses={(200, "text/plain"): OpenApiTypes.STR})
    def export(self, request: Request, project_id: str) -> HttpResponse:
        """The script as a Fountain file: title page, hook, one scene per chapter (the narration
        as the NARRATOR's lines, the shots as action lines)."""
        project = self.project()
        response = HttpResponse(
            fountain.script_to_fountain(project), content_type="text/plain; charset=utf-8"
        )
        name = slugify(project.selected_title or project.title)[:60] or "script"
        response["Content-Disposition"] = f'attachment; filename="{name}.fountain"'
        return response

    @extend_schema(
        request={"text/plain": OpenApiTypes.STR, "multipart/form-data": FountainUploadSerializer},
        responses=FountainImportSerializer,
        examples=examples(
            request="Title: The Longest Goodbye: Voyager at 49\nCredit: Written by\n"
            "Author: ada\nDraft date: 2026-11-30\n\n\n.HOOK\n\nNARRATOR\n"
            + _HOOK["hook"]
            + "\n\n.CHAPTER 1: A slingshot once every 175 years #1#\n\nNARRATOR\n"
            + ex.CHAPTER["narration"]
            + "\n",
            media_type="text/plain",
            response={"chaptersChanged": [ex.CHAPTER_ID], "hookChanged": False},
        ),
    )
    def import_file(self, request: Request, project_id: str) -> Response:
        """Read an edited Fountain file back (the body as text/plain, or a multipart ``file``):
        chapters and the hook are replaced where they changed, with the usual stale marks.
        400 naming the line for a file it cannot read; nothing changes then."""
        upload: Any = request.data.get("file")
        data = upload.read(fountain.MAX_BYTES + 1) if hasattr(upload, "read") else upload
        if not isinstance(data, bytes) or not data.strip():
            raise ValidationFailed("Send the Fountain file as the body or as the field 'file'.")
        result = fountain.script_from_fountain(
            project_id=self.project().pk, actor=self.user, data=data
        )
        return Response(result.as_dict())
