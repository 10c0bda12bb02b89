"""The visual bible stage's request and response shapes."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from projects.models import BibleEntry, BibleKind, Variation
from vidflow.api.serializers import StrictSerializer
from vidflow.storage import artifact_url

from . import services as stage


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
    icon = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=80,
        help_text="the offline pictures' icon for it (GET /api/icons?q=); blank: pick anew",
    )


class VariationSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    imageUrl = serializers.SerializerMethodField(help_text="Signed link, for the owner only.")
    prompt = serializers.CharField()
    createdAt = serializers.DateTimeField(source="created_at")

    def get_imageUrl(self, variation: Variation) -> str | None:
        return artifact_url(variation.image)


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

    @staticmethod
    def schema_rules() -> dict[str, Any]:
        """What ``validate`` checks, for the schema: each at most its setting, and not both 0
        (a field left out counts as its setting, which the settings forbid to be both 0)."""
        caps = {
            "maxCharacters": settings.VISUAL_BIBLE_MAX_CHARACTERS,
            "maxLocations": settings.VISUAL_BIBLE_MAX_LOCATIONS,
        }
        nothing = [
            {"required": [field], "properties": {field: {"enum": [0]}}} if cap else {}
            for field, cap in caps.items()
        ]
        return {
            "properties": {field: {"maximum": cap} for field, cap in caps.items()},
            "not": {"allOf": nothing},
        }

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
