"""Voiceover and music routes, and the voices a project can speak with."""

from __future__ import annotations

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.http import FileResponse
from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response

from billing.decorators import billable
from projects.api.base import PROJECT_ID, AcceptedRunSerializer, StageViewSet, accepted
from projects.models import Music, Voiceover
from projects.pipeline.artifacts import workdir
from vendors import registry
from vendors.base import SpeechRequest
from vidflow.api.views import ApiViewSet
from vidflow.errors import NotFound

from . import services as stage
from .serializers import (
    MusicRequestSerializer,
    MusicSerializer,
    VoiceoverRequestSerializer,
    VoiceoverSerializer,
    VoiceSerializer,
)

SAMPLE_TEXT = "Every great video starts with a single idea. Here is how this voice sounds."


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
