"""Quick mode's request shapes."""

from __future__ import annotations

from rest_framework import serializers

from projects.models import AspectRatio
from vidflow.api.serializers import QuerySerializer, StrictSerializer

from .services import MakeOptions


class MakeRequestSerializer(StrictSerializer):
    music = serializers.BooleanField(default=True, help_text="Compose a music bed under the voice.")
    captions = serializers.BooleanField(default=True, help_text="Burn captions into the video.")
    voiceId = serializers.CharField(
        max_length=100, required=False, allow_blank=True, help_text="Default: the project's."
    )

    def options(self) -> MakeOptions:
        data = self.validated_data
        return MakeOptions(
            music=data["music"], captions=data["captions"], voice_id=data.get("voiceId", "")
        )


class MakeFromIdeaSerializer(MakeRequestSerializer):
    idea = serializers.CharField(max_length=4000, help_text="What the video is about.")
    title = serializers.CharField(max_length=200, required=False, allow_blank=True)
    targetSeconds = serializers.IntegerField(min_value=15, max_value=1800, default=60)
    aspectRatio = serializers.ChoiceField(choices=AspectRatio.choices, default="16:9")

    def validate_idea(self, value: str) -> str:
        if not value.strip():
            raise serializers.ValidationError("Say what the video is about.")
        return " ".join(value.split())


class MakeQuoteQuerySerializer(QuerySerializer, StrictSerializer):
    targetSeconds = serializers.IntegerField(min_value=15, max_value=1800, default=60)
    aspectRatio = serializers.ChoiceField(choices=AspectRatio.choices, default="16:9")
    music = serializers.BooleanField(default=True)
