"""Publishing routes: suggestions and the YouTube upload."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response

from billing.decorators import GENERATION_TIER, free_suggestion
from projects.api.base import PROJECT_ID, AcceptedRunSerializer, StageViewSet, accepted
from projects.stages.writing import writer_of
from vendors import registry
from vidflow.api.permissions import route_policy

from . import services as stage
from .serializers import PublishRequestSerializer, SuggestionSerializer


@extend_schema(tags=["publish"], parameters=[PROJECT_ID])
class PublishingViewSet(StageViewSet):
    serializer_class = SuggestionSerializer

    @extend_schema(request=None, responses=SuggestionSerializer)
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

    @extend_schema(request=PublishRequestSerializer, responses=AcceptedRunSerializer)
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
