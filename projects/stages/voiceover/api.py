"""Voiceover and music routes, and the voices a project can speak with."""

from __future__ import annotations

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.http import FileResponse
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.request import Request
from rest_framework.response import Response

from billing.decorators import billable
from projects import examples as ex
from projects.api.base import PROJECT_ID, AcceptedRunSerializer, StageViewSet, accepted
from projects.models import Music, Voiceover
from projects.pipeline.artifacts import workdir
from vendors import registry
from vendors.base import SpeechRequest, Voice
from vendors.voices import LANGUAGE_TAG, sample_text, voice_quality, voices_for_language
from vidflow.api.pagination import WholeListPagination, whole_list
from vidflow.api.schema import examples
from vidflow.api.views import ApiViewSet
from vidflow.errors import NotFound, ValidationFailed

from . import services as stage
from .serializers import (
    MusicRequestSerializer,
    MusicSerializer,
    VoiceoverRequestSerializer,
    VoiceoverSerializer,
    VoiceSerializer,
)

LOW_QUALITY_NOTE = (
    "No natural voice speaks this language here: eSpeak NG is clear but robotic. A vendor voice"
    " (PROVIDER_SPEECH=elevenlabs or openai) sounds natural."
)


_VOICEOVER = {
    "voiceId": "kokoro:af_heart",
    "audioUrl": f"{ex.FILE}s1.eyJwIjoidm9pY2VvdmVyLndhdiJ9.sig",
    "duration": 472.35,
    "words": [
        {"word": "In", "start": 0.0, "end": 0.12},
        {"word": "the", "start": 0.12, "end": 0.2},
        {"word": "summer", "start": 0.2, "end": 0.55},
    ],
    "chapterSpans": [{"chapterId": ex.CHAPTER_ID, "start": 0.0, "end": 96.4}],
    "timingSource": "offline-engine",
    "stale": False,
    "updatedAt": ex.UPDATED,
}
_MUSIC = {
    "mood": "inspiring",
    "tempo": 90,
    "audioUrl": f"{ex.FILE}s1.eyJwIjoibXVzaWMud2F2In0.sig",
    "duration": 472.35,
    "stale": False,
    "updatedAt": ex.UPDATED,
}


@extend_schema(tags=["voiceover"], parameters=[PROJECT_ID])
class VoiceoverViewSet(StageViewSet):
    serializer_class = VoiceoverSerializer

    @extend_schema(
        responses=VoiceoverSerializer(allow_null=True), examples=examples(response=_VOICEOVER)
    )
    def voiceover(self, request: Request, project_id: str) -> Response:
        current = Voiceover.objects.select_related("project").filter(project=self.project()).first()
        return Response(VoiceoverSerializer(current).data if current else None)

    @extend_schema(
        request=VoiceoverRequestSerializer,
        responses=AcceptedRunSerializer,
        examples=examples(
            request={"voiceId": "kokoro:af_heart"},
            response=ex.accepted("voiceover.generate", charged=16),
        ),
    )
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

    @extend_schema(responses=MusicSerializer(allow_null=True), examples=examples(response=_MUSIC))
    def music(self, request: Request, project_id: str) -> Response:
        current = Music.objects.select_related("project").filter(project=self.project()).first()
        return Response(MusicSerializer(current).data if current else None)

    @extend_schema(
        request=MusicRequestSerializer,
        responses=AcceptedRunSerializer,
        examples=examples(
            request={"mood": "inspiring", "tempo": 90},
            response=ex.accepted("music.generate", charged=1),
        ),
    )
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
    """The voices the configured speech provider has installed; ``?language=es`` (BCP 47) keeps
    those that speak it, the most natural first, each with its quality. A language only eSpeak
    NG speaks gets those voices, each saying so in ``note``; a language nothing speaks, []."""

    serializer_class = VoiceSerializer
    pagination_class = WholeListPagination

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "language",
                {"type": "string", "pattern": r"^([A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*)?$"},
                description="BCP 47 (en, es, pt-BR, ...): only its voices",
            )
        ],
        responses=VoiceSerializer(many=True),
        examples=examples(
            response={
                "id": "kokoro:af_heart",
                "name": "Heart",
                "language": "en-US",
                "engine": "kokoro",
                "description": "Kokoro neural voice, US English, female (grade A).",
                "quality": "high",
                "note": "",
                "sampleUrl": "https://vidflow.example.com/api/voices/kokoro:af_heart/sample",
            }
        ),
    )
    def list(self, request: Request) -> Response:
        language = request.query_params.get("language", "")
        if language and not LANGUAGE_TAG.match(language):
            raise ValidationFailed(
                "Invalid language.",
                details={"language": [f"{language!r} is not a BCP 47 tag such as en or pt-BR."]},
            )
        voices = registry.provider("speech").voices()
        if language:
            voices = voices_for_language(voices, language)
        only_robotic = bool(voices) and all(voice_quality(v) == "low" for v in voices)
        return whole_list(
            [self._voice(request, v, only_robotic and bool(language)) for v in voices]
        )

    @staticmethod
    def _voice(request: Request, v: Voice, robotic_only: bool) -> dict[str, object]:
        return {
            "id": v.id,
            "name": v.name,
            "language": v.language,
            "engine": v.engine,
            "description": v.description,
            "quality": voice_quality(v),
            "note": LOW_QUALITY_NOTE if robotic_only else "",
            "sampleUrl": request.build_absolute_uri(f"/api/voices/{v.id}/sample"),
        }

    @extend_schema(responses={(200, "audio/wav"): bytes})
    def sample(self, request: Request, voice_id: str) -> FileResponse:
        """A short sample of the voice in its own language, spoken once and kept."""
        speech = registry.provider("speech")
        voice = next((v for v in speech.voices() if v.id == voice_id), None)
        if voice is None:
            raise NotFound("No such voice.")
        text = sample_text(voice.language)
        name = f"voices/{speech.name}/{voice_id}.{voice.language or 'en'}.wav"
        if not default_storage.exists(name):
            with workdir("sample") as into:
                result = speech.synthesize(
                    SpeechRequest(text=text, voice_id=voice_id, language=voice.language or "en"),
                    workdir=into,
                )
                default_storage.save(name, ContentFile(result.audio.path.read_bytes()))
        return FileResponse(default_storage.open(name, "rb"), content_type="audio/wav")
