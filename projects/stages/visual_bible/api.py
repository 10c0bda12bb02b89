"""Visual bible routes: generate the bible, characters and locations (CRUD), their variations."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response

from billing.decorators import billable
from projects import examples as ex
from projects.api.base import (
    PROJECT_ID,
    AcceptedRunSerializer,
    StageViewSet,
    accepted,
)
from projects.models import BibleEntry, BibleKind
from projects.stages.production import uploads
from vidflow.api.pagination import WholeListPagination, whole_list
from vidflow.api.schema import examples
from vidflow.api.serializers import DeletedSerializer

from . import services as stage
from .serializers import (
    BibleGenerateSerializer,
    EntryCreateSerializer,
    EntryEditSerializer,
    EntrySerializer,
)


@extend_schema(tags=["visual bible"], parameters=[PROJECT_ID])
class VisualBibleViewSet(StageViewSet):
    serializer_class = BibleGenerateSerializer

    @extend_schema(
        request=BibleGenerateSerializer,
        responses=AcceptedRunSerializer,
        examples=examples(
            request={"maxCharacters": 2, "maxLocations": 1},
            response=ex.accepted("visual_bible.generate", charged=3),
        ),
    )
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
    pagination_class = WholeListPagination
    etag_reads = frozenset({"retrieve"})
    etag_writes = {"partial_update": "retrieve", "destroy": "retrieve"}

    def _entry(self, entry: BibleEntry, *, status_code: int = status.HTTP_200_OK) -> Response:
        return Response(self._serializer(entry).data, status=status_code)

    def _serializer(self, entries: Any, *, many: bool = False) -> EntrySerializer:
        return EntrySerializer(entries, many=many)

    @extend_schema(responses=EntrySerializer(many=True))
    def list(self, request: Request, project_id: str) -> Response:
        entries = BibleEntry.objects.filter(project=self.project(), kind=self.kind)
        return whole_list(self._serializer(entries.prefetch_related("variations"), many=True).data)

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

    @extend_schema(responses={200: DeletedSerializer})
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

    @extend_schema(
        request={
            "multipart/form-data": {
                "type": "object",
                "properties": {"file": {"type": "string", "format": "binary"}},
                "required": ["file"],
            }
        },
        responses=EntrySerializer,
    )
    def upload_variation(self, request: Request, project_id: str, entry_id: str) -> Response:
        """The creator's own picture (PNG, JPEG, WebP) as a new variation, selected as the
        reference for every later shot of this entry (free)."""
        project = self.project()
        length = int(request.META.get("CONTENT_LENGTH") or 0)
        with uploads.received_file(request.FILES, length) as path:
            uploads.reference_upload(
                project_id=project.pk, actor=self.user, kind=self.kind, entry_id=entry_id, path=path
            )
        return self._entry(
            stage.entry_get(project_id=project.pk, kind=self.kind, entry_id=entry_id)
        )


def _entry_examples(
    entry: dict[str, Any], create: dict[str, Any]
) -> dict[str, list[OpenApiExample]]:
    """Each route's examples for one kind of entry (characters and locations share handlers)."""
    return {
        "list": examples(response=entry),
        "create": examples(
            request=create,
            response={**entry, "selectedVariationId": None, "variations": []},
            status=201,
        ),
        "retrieve": examples(response=entry),
        "partial_update": examples(request={"description": entry["description"]}, response=entry),
        "destroy": examples(response={"id": entry["id"], "deleted": True}),
        "generate_variation": examples(response=ex.accepted("visual_bible.variation", charged=1)),
        "select_variation": examples(response=entry),
        "upload_variation": examples(response=entry),
    }


@extend_schema(tags=["visual bible"], parameters=[PROJECT_ID])
class CharacterViewSet(BibleEntryViewSet):
    """The project's characters: each drawn in variations, one selected as the reference every
    shot of the character is drawn from."""

    kind = BibleKind.CHARACTER
    examples_by_action = _entry_examples(ex.CHARACTER, ex.ENTRY_CREATE)


@extend_schema(tags=["visual bible"], parameters=[PROJECT_ID])
class LocationViewSet(BibleEntryViewSet):
    """The project's locations: each drawn in variations, one selected as the reference every
    shot set there is drawn from."""

    kind = BibleKind.LOCATION
    examples_by_action = _entry_examples(
        ex.LOCATION,
        {
            "name": ex.LOCATION["name"],
            "description": ex.LOCATION["description"],
            "traits": {"color": "#2b4a8a", "shape": "wide"},
        },
    )
