"""The publishing stage's request and response shapes."""

from __future__ import annotations

from rest_framework import serializers

from vidflow.api.serializers import StrictSerializer

from . import services as stage


class SuggestionSerializer(serializers.Serializer):
    description = serializers.CharField()
    tags = serializers.ListField(child=serializers.CharField())
    writtenBy = serializers.CharField(help_text='"offline" (placeholder text) or "openai:<model>"')


class PublishRequestSerializer(StrictSerializer):
    privacy = serializers.ChoiceField(choices=stage.PRIVACY, default="private")
    publishAt = serializers.DateTimeField(
        required=False, help_text="RFC 3339; the video must be private until then."
    )
    title = serializers.CharField(max_length=100, required=False)
    description = serializers.CharField(max_length=5000, required=False)
    tags = serializers.ListField(
        child=serializers.CharField(max_length=30), max_length=30, required=False
    )
