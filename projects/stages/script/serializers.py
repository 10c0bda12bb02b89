"""The script stage's request and response shapes."""

from __future__ import annotations

from rest_framework import serializers

from projects.models import Chapter
from vidflow.api.serializers import StrictSerializer

from . import services as stage


class ChapterSerializer(serializers.Serializer):
    id = serializers.UUIDField(read_only=True)
    position = serializers.IntegerField(read_only=True)
    title = serializers.CharField(max_length=200)
    beats = serializers.ListField(child=serializers.CharField(max_length=300), max_length=8)
    narration = serializers.CharField(allow_blank=True, max_length=20000)
    narrationStale = serializers.BooleanField(source="narration_stale", read_only=True)
    words = serializers.SerializerMethodField()

    def get_words(self, chapter: Chapter) -> int:
        return stage.word_count(chapter.narration)


class ChapterEditSerializer(StrictSerializer):
    title = serializers.CharField(max_length=200, required=False)
    beats = serializers.ListField(
        child=serializers.CharField(max_length=300), max_length=8, required=False
    )
    narration = serializers.CharField(allow_blank=True, max_length=20000, required=False)


class OutlineRequestSerializer(StrictSerializer):
    chapters = serializers.IntegerField(min_value=1, max_value=stage.MAX_CHAPTERS, required=False)
    replace = serializers.BooleanField(required=False, default=False)


class ChaptersRequestSerializer(StrictSerializer):
    chapterId = serializers.UUIDField(required=False, help_text="Narrate only this chapter.")


class HookSerializer(StrictSerializer):
    hook = serializers.CharField(max_length=1000, allow_blank=True)
    stale = serializers.BooleanField(read_only=True)


class FountainUploadSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="The edited script.fountain.")


class FountainImportSerializer(serializers.Serializer):
    chaptersChanged = serializers.ListField(child=serializers.UUIDField())
    hookChanged = serializers.BooleanField()
