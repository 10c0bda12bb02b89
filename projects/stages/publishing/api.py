"""Publishing routes: suggestions and the YouTube upload."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response

from billing.decorators import GENERATION_TIER, free_suggestion
from projects import examples as ex
from projects.api.base import PROJECT_ID, AcceptedRunSerializer, StageViewSet, accepted
from projects.stages.writing import writer_of
from vendors import registry
from vidflow.api.permissions import route_policy
from vidflow.api.schema import examples

from . import services as stage
from .serializers import PublishRequestSerializer, SuggestionSerializer


@extend_schema(tags=["publish"], parameters=[PROJECT_ID])
class PublishingViewSet(StageViewSet):
    serializer_class = SuggestionSerializer

    @extend_schema(
        request=None,
        responses=SuggestionSerializer,
        examples=examples(
            response={
                "description": "Two probes launched in 1977 are still sending data from "
                "interstellar space. How?",
                "tags": ["voyager", "nasa", "space history"],
                "writtenBy": "openai:gpt-4o-mini",
            }
        ),
    )
    @free_suggestion
    def suggest(self, request: Request, project_id: str) -> Response:
        """A description and tags for the upload, written from the script (free; answered
        while you wait; nothing is saved until you PATCH the publish context)."""
        copy = stage.publish_suggest(project=self.project())
        return Response(
            {
                "description": copy.description,
                "tags": list(copy.tags),
                "writtenBy": writer_of(registry.provider("text")),
            }
        )

    @extend_schema(
        request=PublishRequestSerializer,
        responses=AcceptedRunSerializer,
        examples=examples(
            request={
                "privacy": "private",
                "publishAt": "2026-12-05T17:00:00Z",
                "tags": ["voyager", "nasa", "space history"],
            },
            response=ex.accepted("publish.youtube"),
        ),
    )
    @route_policy(scope="publish", rate_tier=GENERATION_TIER)
    def youtube(self, request: Request, project_id: str) -> Response:
        """Uploads final.mp4 to the project's YouTube channel with the publish context
        (needs the ``publish`` scope and a connected channel: 409 YOUTUBE_NOT_CONNECTED)."""
        body = PublishRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        options = dict(body.validated_data)
        if "publishAt" in options:
            options["publishAt"] = options["publishAt"].isoformat()
        run = stage.publish_youtube(project_id=self.project().pk, actor=self.user, options=options)
        return accepted(run)
