"""The render stage's request and response shapes."""

from __future__ import annotations

from rest_framework import serializers

from projects.models import Render, Resolution, Thumbnail
from projects.serializers import RunSerializer
from vidflow.api.serializers import StrictSerializer
from vidflow.storage import artifact_url, download_name


class RenderSerializer(serializers.Serializer):
    videoUrl = serializers.SerializerMethodField()
    srtUrl = serializers.SerializerMethodField()
    vttUrl = serializers.SerializerMethodField()
    duration = serializers.FloatField()
    width = serializers.IntegerField()
    height = serializers.IntegerField()
    captions = serializers.BooleanField(help_text="Whether captions are burned into the video.")
    quality = serializers.JSONField(help_text="The quality check the render passed.")
    stale = serializers.BooleanField()
    runId = serializers.UUIDField(source="run_id", allow_null=True)
    updatedAt = serializers.DateTimeField(source="updated_at")

    def _url(self, render: Render, field: str) -> str | None:
        project = render.project
        file = getattr(render, field)
        name = download_name(project.selected_title or project.title, "final", file.name)
        return artifact_url(file, filename=name)

    def get_videoUrl(self, render: Render) -> str | None:
        return self._url(render, "video")

    def get_srtUrl(self, render: Render) -> str | None:
        return self._url(render, "srt")

    def get_vttUrl(self, render: Render) -> str | None:
        return self._url(render, "vtt")


class RenderStatusSerializer(serializers.Serializer):
    render = RenderSerializer(allow_null=True, help_text="The current final.mp4, if any.")
    run = RunSerializer(allow_null=True, help_text="The latest render run, if any.")


class RenderRequestSerializer(StrictSerializer):
    captions = serializers.BooleanField(
        required=False,
        default=True,
        help_text="Burn the captions in (the .srt/.vtt are always made).",
    )
    resolution = serializers.ChoiceField(
        choices=Resolution.choices,
        required=False,
        help_text="This render's resolution instead of the project's.",
    )


class ThumbnailSerializer(serializers.Serializer):
    imageUrl = serializers.SerializerMethodField()
    title = serializers.CharField()
    shotId = serializers.UUIDField(source="shot_id", allow_null=True)
    stale = serializers.BooleanField()
    updatedAt = serializers.DateTimeField(source="updated_at")

    def get_imageUrl(self, thumbnail: Thumbnail) -> str | None:
        project = thumbnail.project
        name = download_name(
            project.selected_title or project.title, "thumbnail", thumbnail.image.name
        )
        return artifact_url(thumbnail.image, filename=name)


class ThumbnailStatusSerializer(serializers.Serializer):
    thumbnail = ThumbnailSerializer(allow_null=True)
    run = RunSerializer(allow_null=True, help_text="The latest thumbnail run, if any.")


class ThumbnailRequestSerializer(StrictSerializer):
    shotId = serializers.UUIDField(required=False, help_text="Default: the key shot.")
    title = serializers.CharField(
        max_length=200, required=False, help_text="Default: the selected title."
    )


class ChapterMarkSerializer(serializers.Serializer):
    seconds = serializers.IntegerField()
    time = serializers.CharField(help_text="As YouTube reads it in a description: 00:00, 01:25")
    title = serializers.CharField()


class PublishContextSerializer(serializers.Serializer):
    title = serializers.CharField()
    description = serializers.CharField(help_text="A draft, ending in the chapter timestamps.")
    draft = serializers.CharField(help_text="The description without the chapter list.")
    edited = serializers.BooleanField(help_text="The creator saved their own copy.")
    chapterRules = serializers.CharField(help_text="When YouTube shows chapters.")
    chaptersNote = serializers.CharField(help_text="Why there are no chapters, when so.")
    tags = serializers.ListField(child=serializers.CharField())
    writtenBy = serializers.CharField(
        help_text='Who wrote the description draft and tags: "offline" (placeholder text), '
        '"openai:<model>"; "" before the first render'
    )
    chapters = ChapterMarkSerializer(many=True)
    thumbnailUrl = serializers.CharField(allow_null=True)
    videoUrl = serializers.CharField(allow_null=True)
    srtUrl = serializers.CharField(allow_null=True)
    vttUrl = serializers.CharField(allow_null=True)
    duration = serializers.FloatField(allow_null=True)
    stale = serializers.DictField(child=serializers.BooleanField())


class PublishCopyEditSerializer(StrictSerializer):
    title = serializers.CharField(max_length=100, required=False)
    description = serializers.CharField(
        max_length=4500,
        required=False,
        allow_blank=True,
        help_text="Without the chapter timestamps: they are added from the voiceover.",
    )
    tags = serializers.ListField(
        child=serializers.CharField(max_length=100), max_length=30, required=False
    )

    def validate_tags(self, tags: list[str]) -> list[str]:
        tags = [" ".join(t.split()) for t in tags if t.strip()]
        if sum(len(t) for t in tags) > 500:
            raise serializers.ValidationError("YouTube allows 500 characters of tags in all.")
        return tags
