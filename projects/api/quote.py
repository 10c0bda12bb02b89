"""``GET /api/projects/{id}/quote``: the credits from here to an up-to-date final.mp4."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from projects import examples as ex
from projects.quote import project_quote
from vidflow.api.exceptions import ValidationFailed
from vidflow.api.schema import examples

from .base import PROJECT_ID, StageViewSet


class QuoteStepSerializer(serializers.Serializer):
    step = serializers.CharField(help_text="outline, hook, chapters, visual_bible, ...")
    label = serializers.CharField()  # type: ignore[assignment]
    action = serializers.CharField(help_text="The price table's entry (GET /api/prices).")
    quantity = serializers.IntegerField()
    unit = serializers.CharField()
    credits = serializers.IntegerField()
    estimate = serializers.BooleanField(help_text="The quantity is estimated.")
    note = serializers.CharField()


QuoteSerializer = inline_serializer(
    "Quote",
    {
        "projectId": serializers.UUIDField(),
        "steps": QuoteStepSerializer(many=True),
        "total": serializers.IntegerField(),
        "balance": serializers.IntegerField(),
        "covered": serializers.BooleanField(help_text="The balance covers the total."),
        "shortfall": serializers.IntegerField(),
        "estimate": serializers.BooleanField(),
        "upToDate": serializers.BooleanField(help_text="Nothing left to pay for."),
    },
)


def _flag(request: Request, name: str) -> bool:
    raw = request.query_params.get(name, "true").strip().lower()
    if raw in ("1", "true", "yes"):
        return True
    if raw in ("0", "false", "no"):
        return False
    raise ValidationFailed(f"Invalid {name}.", details={name: ["Must be true or false."]})


class QuoteViewSet(StageViewSet):
    @extend_schema(
        tags=["projects"],
        parameters=[
            PROJECT_ID,
            OpenApiParameter("music", bool, description="Count a music bed (default true)."),
            OpenApiParameter(
                "visualBible", bool, description="Count the visual bible (default true)."
            ),
        ],
        responses=QuoteSerializer,
        examples=examples(response=ex.QUOTE),
    )
    def retrieve(self, request: Request, project_id: str) -> Response:
        """Each remaining step to a final.mp4 with its credits, the total, and whether the
        balance covers it."""
        return Response(
            project_quote(
                project=self.project(),
                music=_flag(request, "music"),
                visual_bible=_flag(request, "visualBible"),
            )
        )
