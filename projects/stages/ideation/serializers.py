"""The ideation stage's request and response shapes."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from projects.models import Project, TitleIdea
from vidflow.api.serializers import StrictSerializer

from . import services as stage


class TitleIdeaSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    text = serializers.CharField()
    angle = serializers.CharField()
    score = serializers.FloatField(allow_null=True)
    source = serializers.CharField(help_text="generated or manual")  # type: ignore[assignment]
    writtenBy = serializers.CharField(
        source="written_by", help_text='"offline" (placeholder), "openai:<model>", "" by hand'
    )
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
