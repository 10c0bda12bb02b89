"""Voiceover and music routes, and the voices a project can speak with."""

from __future__ import annotations

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.http import FileResponse
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from billing.decorators import billable
from projects.models import Music, Voiceover
from projects.pipeline.artifacts import workdir
from projects.stages import voiceover as stage
from vendors import registry
from vendors.base import SpeechRequest
from vidflow.api.exceptions import NotFound
from vidflow.api.serializers import StrictSerializer
from vidflow.api.views import ApiViewSet
from vidflow.storage import artifact_url

from .base import PROJECT_ID, AcceptedRunSerializer, StageViewSet, accepted

SAMPLE_TEXT = "Every great video starts with a single idea. Here is how this voice sounds."


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
        return artifact_url(voiceover.audio, user_id=voiceover.project.owner_id)


class MusicSerializer(serializers.Serializer):
    mood = serializers.CharField()
    tempo = serializers.IntegerField()
    audioUrl = serializers.SerializerMethodField()
    duration = serializers.FloatField()
    stale = serializers.BooleanField()
    updatedAt = serializers.DateTimeField(source="updated_at")

    def get_audioUrl(self, music: Music) -> str | None:
        return artifact_url(music.audio, user_id=music.project.owner_id)


class VoiceoverRequestSerializer(StrictSerializer):
    voiceId = serializers.CharField(max_length=100, required=False, allow_blank=True)


class MusicRequestSerializer(StrictSerializer):
    mood = serializers.ChoiceField(choices=stage.MOODS, default="calm")
    tempo = serializers.IntegerField(min_value=50, max_value=200, default=90)


@extend_schema(tags=["voiceover"], parameters=[PROJECT_ID])
class VoiceoverViewSet(StageViewSet):
    serializer_class = VoiceoverSerializer

    @extend_schema(responses=VoiceoverSerializer(allow_null=True))
    def voiceover(self, request: Request, project_id: str) -> Response:
        current = Voiceover.objects.select_related("project").filter(project=self.project()).first()
        return Response(VoiceoverSerializer(current).data if current else None)

    @extend_schema(request=VoiceoverRequestSerializer, responses=AcceptedRunSerializer)
    @billable
    def generate_voiceover(self, request: Request, project_id: str) -> Response:
        body = VoiceoverRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        run = stage.voiceover_generate(
            project_id=self.project().pk,
            actor=self.user,
            voice_id=body.validated_data.get("voiceId", ""),
        )
        return accepted(run)

    @extend_schema(responses=MusicSerializer(allow_null=True))
    def music(self, request: Request, project_id: str) -> Response:
        current = Music.objects.select_related("project").filter(project=self.project()).first()
        return Response(MusicSerializer(current).data if current else None)

    @extend_schema(request=MusicRequestSerializer, responses=AcceptedRunSerializer)
    @billable
    def generate_music(self, request: Request, project_id: str) -> Response:
        body = MusicRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        run = stage.music_generate(
            project_id=self.project().pk,
            actor=self.user,
            mood=body.validated_data["mood"],
            tempo=body.validated_data["tempo"],
        )
        return accepted(run)


class VoiceSerializer(serializers.Serializer):
    id = serializers.CharField()
    name = serializers.CharField()
    language = serializers.CharField(help_text="BCP 47, e.g. en-US")
    engine = serializers.CharField()
    description = serializers.CharField()
    sampleUrl = serializers.URLField()


@extend_schema(tags=["voiceover"])
class VoicesViewSet(ApiViewSet):
    """The voices the configured speech provider has installed."""

    serializer_class = VoiceSerializer
    pagination_class = None

    @extend_schema(responses=VoiceSerializer(many=True))
    def list(self, request: Request) -> Response:
        voices = registry.provider("speech").voices()
        return Response(
            [
                {
                    "id": v.id,
                    "name": v.name,
                    "language": v.language,
                    "engine": v.engine,
                    "description": v.description,
                    "sampleUrl": request.build_absolute_uri(f"/api/voices/{v.id}/sample"),
                }
                for v in voices
            ]
        )

    @extend_schema(responses={(200, "audio/wav"): bytes})
    def sample(self, request: Request, voice_id: str) -> FileResponse:
        """A short sample of the voice, spoken once and kept."""
        speech = registry.provider("speech")
        if voice_id not in {v.id for v in speech.voices()}:
            raise NotFound("No such voice.")
        name = f"voices/{speech.name}/{voice_id}.wav"
        if not default_storage.exists(name):
            with workdir("sample") as into:
                result = speech.synthesize(
                    SpeechRequest(text=SAMPLE_TEXT, voice_id=voice_id), workdir=into
                )
                default_storage.save(name, ContentFile(result.audio.path.read_bytes()))
        return FileResponse(default_storage.open(name, "rb"), content_type="audio/wav")
