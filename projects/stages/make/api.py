"""Quick mode's routes: ``POST /api/projects/{id}/make`` and ``POST /api/make``."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from billing.decorators import billable
from projects import examples as ex
from projects.api.base import PROJECT_ID, AcceptedRunSerializer, StageViewSet, accepted
from vidflow.api.schema import examples
from vidflow.api.views import ApiViewSet

from . import services
from .serializers import MakeFromIdeaSerializer, MakeQuoteQuerySerializer, MakeRequestSerializer


class MakeAcceptedSerializer(AcceptedRunSerializer):
    """202 for a make: the run to poll, and the project it makes."""

    projectId = serializers.UUIDField()


@extend_schema(tags=["quick mode"], parameters=[PROJECT_ID])
class ProjectMakeViewSet(StageViewSet):
    serializer_class = MakeRequestSerializer

    @extend_schema(
        request=MakeRequestSerializer,
        responses={202: MakeAcceptedSerializer},
        examples=examples(
            request={"music": True, "captions": True, "voiceId": "kokoro:af_heart"},
            response={**ex.accepted("project.make", charged=38), "projectId": ex.PROJECT_ID},
            status=202,
        ),
    )
    @billable
    def make(self, request: Request, project_id: str) -> Response:
        """Make the video: one run takes the project from where it stands to a rendered
        final.mp4 and a thumbnail, stage by stage (``progress.stage``). 402 with the quote in
        ``details.quote`` when the balance does not cover what remains; nothing is spent then."""
        body = MakeRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        run = services.project_make(
            project_id=self.project().pk, actor=self.user, options=body.options()
        )
        response = accepted(run, projectId=str(self.project().pk))
        response.status_code = status.HTTP_202_ACCEPTED
        return response


@extend_schema(tags=["quick mode"])
class MakeViewSet(ApiViewSet):
    serializer_class = MakeFromIdeaSerializer

    @extend_schema(
        request=MakeFromIdeaSerializer,
        responses={202: MakeAcceptedSerializer},
        examples=examples(
            request={
                "idea": "How two 1977 probes are still talking to us from interstellar space.",
                "targetSeconds": 60,
                "aspectRatio": "9:16",
                "music": True,
                "captions": True,
            },
            response={**ex.accepted("project.make", charged=12), "projectId": ex.PROJECT_ID},
            status=202,
        ),
    )
    @billable
    def create(self, request: Request) -> Response:
        """From an idea to a finished video in one call: creates the project and starts its make
        (see ``POST /api/projects/{id}/make``). A make the balance does not cover answers 402 with
        the quote and leaves no project behind."""
        body = MakeFromIdeaSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        run = services.make_from_idea(
            owner=self.user,
            idea=data["idea"],
            title=data.get("title", ""),
            target_seconds=data["targetSeconds"],
            aspect_ratio=data["aspectRatio"],
            options=body.options(),
        )
        response = accepted(run, projectId=str(run.project_id))
        response.status_code = status.HTTP_202_ACCEPTED
        return response

    @extend_schema(
        parameters=[MakeQuoteQuerySerializer],
        responses={200: OpenApiTypes.OBJECT},
        examples=examples(response={k: v for k, v in ex.QUOTE.items() if k != "projectId"}),
    )
    def quote(self, request: Request) -> Response:
        """What a quick make of a new idea of this length would cost (free; nothing is made):
        the same steps and figures as a project's quote, plus the thumbnail."""
        query = MakeQuoteQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        data = query.validated_data
        return Response(
            services.make_quote_for_idea(
                owner=self.user,
                target_seconds=data["targetSeconds"],
                aspect_ratio=data["aspectRatio"],
                options=services.MakeOptions(music=data["music"]),
            )
        )
