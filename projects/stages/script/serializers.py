"""The script stage's request and response shapes."""

from __future__ import annotations

from rest_framework import serializers

from projects.models import Chapter
from vidflow.api.serializers import StrictSerializer

from . import services as stage

WRITTEN_BY_HELP = (
    'Who wrote it: "offline" (placeholder text from the template stub), "openai:<model>", or '
    '"user" once edited; "" before anything was written.'
)


class ChapterSerializer(serializers.Serializer):
    id = serializers.UUIDField(read_only=True)
    position = serializers.IntegerField(read_only=True)
    title = serializers.CharField(max_length=200)
    beats = serializers.ListField(child=serializers.CharField(max_length=300), max_length=8)
    narration = serializers.CharField(allow_blank=True, max_length=20000)
    narrationStale = serializers.BooleanField(source="narration_stale", read_only=True)
    outlineBy = serializers.CharField(
        source="outline_by", read_only=True, help_text=WRITTEN_BY_HELP
    )
    narrationBy = serializers.CharField(
        source="narration_by", read_only=True, help_text=WRITTEN_BY_HELP
    )
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
    writtenBy = serializers.CharField(read_only=True, help_text=WRITTEN_BY_HELP)


class FountainUploadSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="The edited script.fountain.")


class FountainImportSerializer(serializers.Serializer):
    chaptersChanged = serializers.ListField(child=serializers.UUIDField())
    hookChanged = serializers.BooleanField()


class FactSerializer(StrictSerializer):
    text = serializers.CharField(max_length=300, help_text="One claim, as a plain sentence.")
    uncertain = serializers.BooleanField(required=False, default=False)


class FactsSerializer(StrictSerializer):
    facts = serializers.ListField(child=FactSerializer(), max_length=stage.MAX_FACTS)
    writtenBy = serializers.CharField(read_only=True, help_text=WRITTEN_BY_HELP)
