"""Request validation and response shapes (camelCase) for projects, channels and runs."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from vidflow.api.serializers import StrictSerializer

from .models import AspectRatio, Channel, Resolution, RunStatus, ShotState, Stage

# --- channels -------------------------------------------------------------------------------


class ChannelSerializer(StrictSerializer):
    id = serializers.UUIDField(read_only=True)
    name = serializers.CharField(max_length=100)
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
    youtubeConnected = serializers.SerializerMethodField()
    createdAt = serializers.DateTimeField(source="created_at", read_only=True)
    updatedAt = serializers.DateTimeField(source="updated_at", read_only=True)

    def get_youtubeConnected(self, channel: Channel) -> bool:
        return channel.youtube_connected_at is not None


# --- projects -------------------------------------------------------------------------------


class ProjectSerializer(StrictSerializer):
    """A project's own fields: what lists show and what POST/PATCH accept."""

    id = serializers.UUIDField(read_only=True)
    title = serializers.CharField(max_length=200)
    idea = serializers.CharField(max_length=4000, required=False, allow_blank=True)
    selectedTitle = serializers.CharField(
        source="selected_title", max_length=200, required=False, allow_blank=True
    )
    channelId = serializers.UUIDField(source="channel_id", required=False, allow_null=True)
    videoStyle = serializers.CharField(
        source="video_style", max_length=100, required=False, allow_blank=True
    )
    voiceId = serializers.CharField(
        source="voice_id", max_length=100, required=False, allow_blank=True
    )
    aspectRatio = serializers.ChoiceField(
        source="aspect_ratio", choices=AspectRatio.choices, required=False
    )
    resolution = serializers.ChoiceField(choices=Resolution.choices, required=False)
    targetSeconds = serializers.IntegerField(
        source="target_seconds", min_value=15, max_value=1800, required=False
    )
    status = serializers.ChoiceField(choices=Stage.choices, read_only=True)
    hidden = serializers.SerializerMethodField()
    createdAt = serializers.DateTimeField(source="created_at", read_only=True)
    updatedAt = serializers.DateTimeField(source="updated_at", read_only=True)

    def get_hidden(self, project: Any) -> bool:
        return project.hidden_at is not None

    def validate_channelId(self, value: Any) -> Channel | None:
        if value is None:
            return None
        request = self.context["request"]
        channel = Channel.objects.filter(pk=value, owner=request.user).first()
        if channel is None:
            raise serializers.ValidationError("No such channel.")
        return channel

    def to_internal_value(self, data: Any) -> dict[str, Any]:
        values = super().to_internal_value(data)
        if "channel_id" in values:
            values["channel"] = values.pop("channel_id")
        return values


class StaleSerializer(serializers.Serializer):
    """What was made from something edited since, and should be regenerated."""

    chapters = serializers.ListField(child=serializers.UUIDField())
    hook = serializers.BooleanField()
    analysis = serializers.BooleanField()
    bibleEntries = serializers.ListField(child=serializers.UUIDField())
    voiceover = serializers.BooleanField()
    music = serializers.BooleanField()
    shots = serializers.ListField(child=serializers.UUIDField())
    render = serializers.BooleanField()
    thumbnail = serializers.BooleanField()


class ShotCountsSerializer(serializers.Serializer):
    total = serializers.IntegerField()
    byState = serializers.DictField(child=serializers.IntegerField())


class CountsSerializer(serializers.Serializer):
    titleIdeas = serializers.IntegerField()
    outlierVideos = serializers.IntegerField()
    chapters = serializers.IntegerField()
    facts = serializers.IntegerField(help_text="Facts to check, beside the script.")
    characters = serializers.IntegerField()
    locations = serializers.IntegerField()
    shots = ShotCountsSerializer()
    activeRuns = serializers.IntegerField()


class FileRefSerializer(serializers.Serializer):
    url = serializers.URLField(allow_null=True)


class SelectedEntrySerializer(serializers.Serializer):
    id = serializers.UUIDField()
    name = serializers.CharField()
    variationId = serializers.UUIDField(allow_null=True)
    imageUrl = serializers.URLField(allow_null=True)


class SelectedVoiceoverSerializer(serializers.Serializer):
    voiceId = serializers.CharField()
    audioUrl = serializers.URLField(allow_null=True)
    duration = serializers.FloatField()
    words = serializers.IntegerField(help_text="How many timed words the voiceover has.")
    stale = serializers.BooleanField()


class SelectedMusicSerializer(serializers.Serializer):
    mood = serializers.CharField()
    tempo = serializers.IntegerField()
    audioUrl = serializers.URLField(allow_null=True)
    duration = serializers.FloatField()
    stale = serializers.BooleanField()


class SelectedRenderSerializer(serializers.Serializer):
    videoUrl = serializers.URLField(allow_null=True)
    srtUrl = serializers.URLField(allow_null=True)
    vttUrl = serializers.URLField(allow_null=True)
    duration = serializers.FloatField()
    width = serializers.IntegerField()
    height = serializers.IntegerField()
    stale = serializers.BooleanField()
    createdAt = serializers.DateTimeField()


class SelectedThumbnailSerializer(serializers.Serializer):
    imageUrl = serializers.URLField(allow_null=True)
    title = serializers.CharField()
    stale = serializers.BooleanField()


class SelectedSerializer(serializers.Serializer):
    title = serializers.CharField(allow_blank=True)
    hook = serializers.CharField(allow_blank=True)
    characters = SelectedEntrySerializer(many=True)
    locations = SelectedEntrySerializer(many=True)
    voiceover = SelectedVoiceoverSerializer(allow_null=True)
    music = SelectedMusicSerializer(allow_null=True)
    render = SelectedRenderSerializer(allow_null=True)
    thumbnail = SelectedThumbnailSerializer(allow_null=True)


class TextProviderSerializer(serializers.Serializer):
    name = serializers.CharField(help_text="PROVIDER_TEXT: offline or openai")
    model = serializers.CharField()
    placeholder = serializers.BooleanField(
        help_text="The offline template stub: its text is placeholder text."
    )
    writer = serializers.CharField(help_text="What writtenBy says of its artifacts.")


class ProjectDetailSerializer(ProjectSerializer):
    """The full project payload of ``GET /api/projects/{id}``."""

    completedStages = serializers.ListField(
        child=serializers.ChoiceField(choices=Stage.choices), source="payload.completed_stages"
    )
    stale = StaleSerializer(source="payload.stale")
    counts = CountsSerializer(source="payload.counts")
    selected = SelectedSerializer(source="payload.selected")
    creditsSpent = serializers.IntegerField(source="payload.credits_spent")
    textProvider = TextProviderSerializer(source="payload.text_provider")
    placeholderText = serializers.ListField(
        child=serializers.ChoiceField(
            choices=["facts", "outline", "hook", "narration", "analysis"]
        ),
        source="payload.placeholder_text",
        help_text="The script's parts that hold placeholder text from the offline stub.",
    )
    hiddenReason = serializers.CharField(source="hidden_reason", read_only=True)


def project_detail_data(project: Any) -> dict[str, Any]:
    """``ProjectDetailSerializer(project).data``, written out by hand for the hottest read.

    Every page, client and MCP tool polls the payload. DRF deep-copies each declared field of
    each nested serializer on every instance, which cost a fifth of the request here; the
    payload is already shaped (projects.payload), so this only adds the project's own fields.
    UUIDs and datetimes are left to the JSON renderer, which writes them as the serializer
    would. The serializer stays the documented schema, and tests/projects/test_payload.py
    holds the two to the same JSON on a project with every artifact.
    """
    payload = project.payload
    return {
        "id": project.pk,
        "title": project.title,
        "idea": project.idea,
        "selectedTitle": project.selected_title,
        "channelId": project.channel_id,
        "videoStyle": project.video_style,
        "voiceId": project.voice_id,
        "aspectRatio": project.aspect_ratio,
        "resolution": project.resolution,
        "targetSeconds": project.target_seconds,
        "status": project.status,
        "hidden": project.hidden_at is not None,
        "createdAt": project.created_at,
        "updatedAt": project.updated_at,
        "completedStages": payload.completed_stages,
        "stale": payload.stale,
        "counts": payload.counts,
        "selected": payload.selected,
        "creditsSpent": payload.credits_spent,
        "textProvider": payload.text_provider,
        "placeholderText": payload.placeholder_text,
        "hiddenReason": project.hidden_reason,
    }


# --- runs -----------------------------------------------------------------------------------


# What a run's progress counts, by kind ("24 of 66 s" for a render); other kinds count steps.
PROGRESS_UNITS = {
    "render.final": "s",
    "shots.generate": "shots",
    "script.chapters": "chapters",
    "visual_bible.generate": "pictures",
    "voiceover.generate": "parts",
    "project.make": "stages",
}


class ProgressSerializer(serializers.Serializer):
    done = serializers.IntegerField(source="progress_done")
    total = serializers.IntegerField(source="progress_total")
    unit = serializers.SerializerMethodField(
        help_text='What done and total count: "s" (seconds of video), "shots", "steps", ...'
    )
    stage = serializers.SerializerMethodField(
        help_text="A quick make's current stage (outline, voiceover, shots, render, ...); "
        "null for other runs."
    )

    def get_stage(self, run: Any) -> str | None:
        if run.kind != "project.make":
            return None
        return str((run.params or {}).get("stage") or "") or None

    def get_unit(self, run: Any) -> str:
        return PROGRESS_UNITS.get(run.kind, "steps")


class RunErrorSerializer(serializers.Serializer):
    code = serializers.CharField()
    message = serializers.CharField()


class RunSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    kind = serializers.CharField()
    status = serializers.ChoiceField(choices=RunStatus.choices)
    progress = ProgressSerializer(source="*")
    projectId = serializers.UUIDField(source="project_id", allow_null=True)
    result = serializers.JSONField(allow_null=True)
    error = RunErrorSerializer(allow_null=True)
    creditsCharged = serializers.IntegerField(source="credits_charged")
    creditsRefunded = serializers.IntegerField(source="credits_refunded")
    createdAt = serializers.DateTimeField(source="created_at")
    startedAt = serializers.DateTimeField(source="started_at", allow_null=True)
    finishedAt = serializers.DateTimeField(source="finished_at", allow_null=True)


SHOT_STATES = [s.value for s in ShotState]
