"""Visual bible routes: generate the bible, characters and locations (CRUD), their variations."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from billing.decorators import billable
from projects.models import BibleEntry, BibleKind, Variation
from projects.stages import visual_bible as stage
from vidflow.api.serializers import StrictSerializer
from vidflow.storage import artifact_url

from .base import PROJECT_ID, AcceptedRunSerializer, StageViewSet, accepted
from .ideation import DeletedSerializer


class TraitsSerializer(StrictSerializer):
    """How an entry looks in every picture: its colour and a shape word."""

    color = serializers.RegexField(
        stage.COLOR.pattern,
        required=False,
        help_text="#rrggbb",
        error_messages={"invalid": "A colour is #rrggbb (six hex digits)."},
    )
    shape = serializers.RegexField(
        stage.SHAPE.pattern,
        required=False,
        help_text="a word or two: round, tall, angular, wide, …",
        error_messages={"invalid": "A shape is a word or two of letters (at most 32)."},
    )


class VariationSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    imageUrl = serializers.SerializerMethodField(help_text="Signed link, for the owner only.")
    prompt = serializers.CharField()
    createdAt = serializers.DateTimeField(source="created_at")

    def get_imageUrl(self, variation: Variation) -> str | None:
        return artifact_url(variation.image, user_id=self.context["owner_id"])


class EntrySerializer(serializers.Serializer):
    id = serializers.UUIDField()
    kind = serializers.ChoiceField(choices=BibleKind.choices)
    name = serializers.CharField()
    description = serializers.CharField()
    traits = TraitsSerializer()
    selectedVariationId = serializers.UUIDField(source="selected_variation_id", allow_null=True)
    variations = serializers.SerializerMethodField()
    stale = serializers.BooleanField(
        help_text="The script changed since the entry was made: check it still fits."
    )
    createdAt = serializers.DateTimeField(source="created_at")
    updatedAt = serializers.DateTimeField(source="updated_at")

    @extend_schema_field(VariationSerializer(many=True))
    def get_variations(self, entry: BibleEntry) -> Any:
        return VariationSerializer(entry.variations.all(), many=True, context=self.context).data


class EntryCreateSerializer(StrictSerializer):
    name = serializers.CharField(max_length=100)
    description = serializers.CharField(max_length=2000, required=False, allow_blank=True)
    traits = TraitsSerializer(required=False)


class EntryEditSerializer(StrictSerializer):
    name = serializers.CharField(max_length=100, required=False)
    description = serializers.CharField(max_length=2000, required=False, allow_blank=True)
    traits = TraitsSerializer(required=False)


class BibleGenerateSerializer(StrictSerializer):
    """Lower the most the run may draw (and so the credits held while it works)."""

    maxCharacters = serializers.IntegerField(min_value=0, max_value=20, required=False)
    maxLocations = serializers.IntegerField(min_value=0, max_value=20, required=False)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        errors = {}
        for field, cap in (
            ("maxCharacters", settings.VISUAL_BIBLE_MAX_CHARACTERS),
            ("maxLocations", settings.VISUAL_BIBLE_MAX_LOCATIONS),
        ):
            if attrs.get(field, 0) > cap:
                errors[field] = [f"At most {cap}."]
        if errors:
            raise serializers.ValidationError(errors)
        caps = stage.bible_caps(
            max_characters=attrs.get("maxCharacters"), max_locations=attrs.get("maxLocations")
        )
        if not sum(caps.values()):
            raise serializers.ValidationError("Nothing to draw: allow at least one entry.")
        return attrs


@extend_schema(tags=["visual bible"], parameters=[PROJECT_ID])
class VisualBibleViewSet(StageViewSet):
    serializer_class = BibleGenerateSerializer

    @extend_schema(request=BibleGenerateSerializer, responses=AcceptedRunSerializer)
    @billable
    def generate(self, request: Request, project_id: str) -> Response:
        """Extract characters and locations from the narration and draw a first variation of
        each. Charged up front for the most it may draw; what it does not draw is refunded when
        the run finishes."""
        body = BibleGenerateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        run = stage.bible_generate(
            project_id=self.project().pk,
            actor=self.user,
            max_characters=body.validated_data.get("maxCharacters"),
            max_locations=body.validated_data.get("maxLocations"),
        )
        return accepted(run)


class BibleEntryViewSet(StageViewSet):
    """Characters or locations (``kind``) of a project's visual bible."""

    kind: str
    serializer_class = EntrySerializer

    def _entry(self, entry: BibleEntry, *, status_code: int = status.HTTP_200_OK) -> Response:
        return Response(self._serializer(entry).data, status=status_code)

    def _serializer(self, entries: Any, *, many: bool = False) -> EntrySerializer:
        return EntrySerializer(entries, many=many, context={"owner_id": self.project().owner_id})

    @extend_schema(responses=EntrySerializer(many=True))
    def list(self, request: Request, project_id: str) -> Response:
        entries = BibleEntry.objects.filter(project=self.project(), kind=self.kind)
        return Response(self._serializer(entries.prefetch_related("variations"), many=True).data)

    @extend_schema(request=EntryCreateSerializer, responses={201: EntrySerializer})
    def create(self, request: Request, project_id: str) -> Response:
        body = EntryCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        entry = stage.entry_create(
            project_id=self.project().pk,
            actor=self.user,
            kind=self.kind,
            name=" ".join(data["name"].split()),
            description=data.get("description", ""),
            traits=data.get("traits"),
        )
        return self._entry(entry, status_code=status.HTTP_201_CREATED)

    @extend_schema(responses=EntrySerializer)
    def retrieve(self, request: Request, project_id: str, entry_id: str) -> Response:
        entry = stage.entry_get(project_id=self.project().pk, kind=self.kind, entry_id=entry_id)
        return self._entry(entry)

    @extend_schema(request=EntryEditSerializer, responses=EntrySerializer)
    def partial_update(self, request: Request, project_id: str, entry_id: str) -> Response:
        body = EntryEditSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        changes = dict(body.validated_data)
        if "name" in changes:
            changes["name"] = " ".join(changes["name"].split())
        entry = stage.entry_update(
            project_id=self.project().pk,
            actor=self.user,
            kind=self.kind,
            entry_id=entry_id,
            changes=changes,
        )
        return self._entry(entry)

    @extend_schema(responses=DeletedSerializer)
    def destroy(self, request: Request, project_id: str, entry_id: str) -> Response:
        stage.entry_delete(
            project_id=self.project().pk, actor=self.user, kind=self.kind, entry_id=entry_id
        )
        return Response({"id": entry_id, "deleted": True})

    @extend_schema(request=None, responses=AcceptedRunSerializer)
    @billable
    def generate_variation(self, request: Request, project_id: str, entry_id: str) -> Response:
        """Draw one more variation (selected only when it is the entry's first)."""
        run = stage.variation_generate(
            project_id=self.project().pk, actor=self.user, kind=self.kind, entry_id=entry_id
        )
        return accepted(run)

    @extend_schema(request=None, responses=EntrySerializer)
    def select_variation(
        self, request: Request, project_id: str, entry_id: str, variation_id: str
    ) -> Response:
        """Make a variation the reference for every later shot of this entry; the shots drawn
        with the previous one are marked stale."""
        entry = stage.variation_select(
            project_id=self.project().pk,
            actor=self.user,
            kind=self.kind,
            entry_id=entry_id,
            variation_id=variation_id,
        )
        return self._entry(entry)


@extend_schema(tags=["visual bible"], parameters=[PROJECT_ID])
class CharacterViewSet(BibleEntryViewSet):
    """The project's characters: each drawn in variations, one selected as the reference every
    shot of the character is drawn from."""

    kind = BibleKind.CHARACTER


@extend_schema(tags=["visual bible"], parameters=[PROJECT_ID])
class LocationViewSet(BibleEntryViewSet):
    """The project's locations: each drawn in variations, one selected as the reference every
    shot set there is drawn from."""

    kind = BibleKind.LOCATION
