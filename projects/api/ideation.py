"""Ideation routes: title ideas, outlier (reference) videos and the channel setup."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from billing.decorators import free_suggestion
from projects.models import Channel, OutlierVideo, Project, TitleIdea
from projects.stages import ideation as stage
from vidflow.api.serializers import StrictSerializer

from .base import PROJECT_ID, StageViewSet


class TitleIdeaSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    text = serializers.CharField()
    angle = serializers.CharField()
    score = serializers.FloatField(allow_null=True)
    source = serializers.CharField(help_text="generated or manual")  # type: ignore[assignment]
    selected = serializers.SerializerMethodField(help_text="Is it the project's selected title?")
    createdAt = serializers.DateTimeField(source="created_at")

    def get_selected(self, idea: TitleIdea) -> bool:
        project: Project = self.context["project"]
        return bool(project.selected_title) and idea.text == project.selected_title


class SuggestTitlesSerializer(StrictSerializer):
    count = serializers.IntegerField(min_value=1, max_value=stage.MAX_SUGGEST, default=5)


class OutlierSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    videoId = serializers.CharField(source="video_id")
    url = serializers.CharField()
    title = serializers.CharField()
    channelTitle = serializers.CharField(source="channel_title")
    views = serializers.IntegerField(allow_null=True)
    channelMedianViews = serializers.IntegerField(source="channel_median_views", allow_null=True)
    outlierScore = serializers.FloatField(
        source="outlier_score", allow_null=True, help_text="views ÷ the channel's median views"
    )
    publishedAt = serializers.DateTimeField(source="published_at", allow_null=True)
    source = serializers.CharField(  # type: ignore[assignment]
        help_text="generated (found by search) or manual"
    )
    createdAt = serializers.DateTimeField(source="created_at")


class AddOutlierSerializer(StrictSerializer):
    """A reference video added by hand: a YouTube link or id, its views and its channel's
    median views (the outlier score is views ÷ median)."""

    title = serializers.CharField(max_length=300)
    url = serializers.URLField(max_length=200, required=False, allow_blank=True)
    videoId = serializers.CharField(max_length=11, required=False, allow_blank=True)
    channelTitle = serializers.CharField(max_length=200, required=False, allow_blank=True)
    views = serializers.IntegerField(min_value=1, max_value=10**13)
    channelMedianViews = serializers.IntegerField(min_value=1, max_value=10**13)
    publishedAt = serializers.DateTimeField(required=False, allow_null=True)

    def validate_url(self, value: str) -> str:
        if value and stage.youtube_video_id(value) is None:
            raise serializers.ValidationError(
                "Not a YouTube video link "
                "(youtube.com/watch?v=…, youtu.be/…, youtube.com/shorts/…)."
            )
        return value

    def validate_videoId(self, value: str) -> str:
        if value and not stage.YOUTUBE_ID.match(value):
            raise serializers.ValidationError("A YouTube video id is 11 letters, digits, - or _.")
        return value

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        url, video_id = attrs.get("url") or "", attrs.get("videoId") or ""
        if url and video_id and stage.youtube_video_id(url) != video_id:
            raise serializers.ValidationError({"videoId": ["This id is not the link's video."]})
        return attrs

    def as_input(self) -> stage.OutlierInput:
        data = self.validated_data
        return stage.OutlierInput(
            title=" ".join(data["title"].split()),
            views=data["views"],
            channel_median_views=data["channelMedianViews"],
            video_id=data.get("videoId") or "",
            url=data.get("url") or "",
            channel_title=data.get("channelTitle") or "",
            published_at=data.get("publishedAt"),
        )


class SearchOutliersSerializer(StrictSerializer):
    query = serializers.CharField(max_length=200)
    limit = serializers.IntegerField(min_value=1, max_value=25, default=10)


SearchResultSerializer = inline_serializer(
    "OutlierSearchResult",
    {
        "found": serializers.IntegerField(help_text="Candidates the research provider found."),
        "added": OutlierSerializer(many=True, help_text="The new ones now stored."),
    },
)


class ChannelSetupSerializer(StrictSerializer):
    """The setup of the project's channel (PATCH creates a channel for a project without one)."""

    channelId = serializers.UUIDField(source="id", read_only=True, allow_null=True)
    channelName = serializers.CharField(source="name", read_only=True, allow_null=True)
    niche = serializers.CharField(max_length=200, required=False, allow_blank=True)
    audience = serializers.CharField(max_length=200, required=False, allow_blank=True)
    tone = serializers.CharField(max_length=100, required=False, allow_blank=True)
    language = serializers.RegexField(
        r"^[a-z]{2,3}(-[A-Za-z]{2,4})?$", max_length=16, required=False
    )
    defaultVoice = serializers.CharField(
        source="default_voice", max_length=100, required=False, allow_blank=True
    )
    visualStyle = serializers.CharField(
        source="visual_style", max_length=200, required=False, allow_blank=True
    )


_NO_CHANNEL = {
    "id": None,
    "name": None,
    "niche": "",
    "audience": "",
    "tone": "",
    "language": "en",
    "default_voice": "",
    "visual_style": "",
}

DeletedSerializer = inline_serializer(
    "Deleted", {"id": serializers.UUIDField(), "deleted": serializers.BooleanField()}
)


def _deleted(pk: str) -> Response:
    return Response({"id": pk, "deleted": True})


@extend_schema(tags=["ideation"], parameters=[PROJECT_ID])
class IdeationViewSet(StageViewSet):
    serializer_class = TitleIdeaSerializer

    def _ideas(self, ideas: Any, *, status_code: int = status.HTTP_200_OK) -> Response:
        context = {"project": self.project()}
        return Response(
            TitleIdeaSerializer(ideas, many=True, context=context).data, status=status_code
        )

    # --- titles

    @extend_schema(responses=TitleIdeaSerializer(many=True))
    def titles(self, request: Request, project_id: str) -> Response:
        return self._ideas(self.project().title_ideas.all())

    @extend_schema(request=SuggestTitlesSerializer, responses={201: TitleIdeaSerializer(many=True)})
    @free_suggestion
    def suggest_titles(self, request: Request, project_id: str) -> Response:
        """Suggest title ideas (free; synchronous): answers the new ideas."""
        body = SuggestTitlesSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        ideas = stage.title_ideas_suggest(
            project_id=self.project().pk, actor=self.user, count=body.validated_data["count"]
        )
        return self._ideas(ideas, status_code=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=TitleIdeaSerializer)
    def select_title(self, request: Request, project_id: str, title_id: str) -> Response:
        """Make this idea the project's selected title."""
        idea = stage.title_select(project_id=self.project().pk, actor=self.user, title_id=title_id)
        self.project().selected_title = idea.text
        return Response(TitleIdeaSerializer(idea, context={"project": self.project()}).data)

    @extend_schema(responses=DeletedSerializer)
    def delete_title(self, request: Request, project_id: str, title_id: str) -> Response:
        stage.title_delete(project_id=self.project().pk, actor=self.user, title_id=title_id)
        return _deleted(title_id)

    # --- outlier videos

    @extend_schema(responses=OutlierSerializer(many=True))
    def outliers(self, request: Request, project_id: str) -> Response:
        videos = OutlierVideo.objects.filter(project=self.project())
        return Response(OutlierSerializer(videos, many=True).data)

    @extend_schema(request=AddOutlierSerializer, responses={201: OutlierSerializer})
    def add_outlier(self, request: Request, project_id: str) -> Response:
        body = AddOutlierSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        video = stage.outlier_add(
            project_id=self.project().pk, actor=self.user, video=body.as_input()
        )
        return Response(OutlierSerializer(video).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=SearchOutliersSerializer, responses={201: SearchResultSerializer})
    @free_suggestion
    def search_outliers(self, request: Request, project_id: str) -> Response:
        """Find outlier videos through the research provider (YouTube) and store the best new
        ones. 503 PROVIDER_UNAVAILABLE when no research provider is set up."""
        body = SearchOutliersSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        found, added = stage.outliers_search(
            project_id=self.project().pk,
            actor=self.user,
            query=body.validated_data["query"].strip(),
            limit=body.validated_data["limit"],
        )
        return Response(
            {"found": found, "added": OutlierSerializer(added, many=True).data},
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(responses=DeletedSerializer)
    def delete_outlier(self, request: Request, project_id: str, outlier_id: str) -> Response:
        stage.outlier_delete(project_id=self.project().pk, actor=self.user, outlier_id=outlier_id)
        return _deleted(outlier_id)

    # --- channel setup

    def _setup(self, channel: Channel | None) -> Response:
        return Response(ChannelSetupSerializer(channel or _NO_CHANNEL).data)

    @extend_schema(responses=ChannelSetupSerializer)
    def channel_setup(self, request: Request, project_id: str) -> Response:
        return self._setup(stage.project_channel(self.project()))

    @extend_schema(request=ChannelSetupSerializer, responses=ChannelSetupSerializer)
    def edit_channel_setup(self, request: Request, project_id: str) -> Response:
        body = ChannelSetupSerializer(data=request.data, partial=True)
        body.is_valid(raise_exception=True)
        channel = stage.channel_setup_update(
            project_id=self.project().pk, actor=self.user, changes=body.validated_data
        )
        return self._setup(channel)
