"""The voiceover stage's request and response shapes."""

from __future__ import annotations

from rest_framework import serializers

from projects.models import Music, Voiceover
from vidflow.api.serializers import StrictSerializer
from vidflow.storage import artifact_url

from . import services as stage


class WordSerializer(serializers.Serializer):
    word = serializers.CharField()
    start = serializers.FloatField()
    end = serializers.FloatField()


class SpanSerializer(serializers.Serializer):
    chapterId = serializers.CharField(help_text='A chapter id, or "hook".')
    start = serializers.FloatField()
    end = serializers.FloatField()


class VoiceoverSerializer(serializers.Serializer):
    voiceId = serializers.CharField(source="voice_id")
    audioUrl = serializers.SerializerMethodField()
    duration = serializers.FloatField()
    words = WordSerializer(many=True)
    chapterSpans = SpanSerializer(source="chapter_spans", many=True)
    timingSource = serializers.CharField(source="timing_source")
    stale = serializers.BooleanField()
    updatedAt = serializers.DateTimeField(source="updated_at")

    def get_audioUrl(self, voiceover: Voiceover) -> str | None:
        return artifact_url(voiceover.audio)


class MusicSerializer(serializers.Serializer):
    mood = serializers.CharField()
    tempo = serializers.IntegerField()
    audioUrl = serializers.SerializerMethodField()
    duration = serializers.FloatField()
    stale = serializers.BooleanField()
    updatedAt = serializers.DateTimeField(source="updated_at")

    def get_audioUrl(self, music: Music) -> str | None:
        return artifact_url(music.audio)


class VoiceoverRequestSerializer(StrictSerializer):
    voiceId = serializers.CharField(max_length=100, required=False, allow_blank=True)


class MusicRequestSerializer(StrictSerializer):
    mood = serializers.ChoiceField(choices=stage.MOODS, default="calm")
    tempo = serializers.IntegerField(min_value=50, max_value=200, default=90)


class VoiceSerializer(serializers.Serializer):
    id = serializers.CharField()
    name = serializers.CharField()
    language = serializers.CharField(help_text="BCP 47, e.g. en-US")
    engine = serializers.CharField()
    description = serializers.CharField()
    quality = serializers.ChoiceField(
        choices=["high", "medium", "low"],
        help_text="high: neural (Kokoro, vendors); medium: Piper; low: eSpeak NG, robotic",
    )
    note = serializers.CharField(help_text="Why this voice is offered (empty if natural)")
    sampleUrl = serializers.URLField()
