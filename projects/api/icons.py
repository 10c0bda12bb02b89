"""The icon search behind the offline pictures: the creator swaps a shot's subject (or a bible
entry's icon) for one found here."""

from __future__ import annotations

from django.http import HttpResponse
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from vendors.offline.pictures import icon_index
from vidflow.api.pagination import WholeListPagination, whole_list
from vidflow.api.schema import examples
from vidflow.api.views import ApiViewSet
from vidflow.errors import NotFound, ValidationFailed


class IconSerializer(serializers.Serializer):
    name = serializers.CharField(help_text="what PATCH …/shots/{id} {subjects: [name]} takes")
    label = serializers.CharField(help_text="the Unicode CLDR short name")  # type: ignore[assignment]
    keywords = serializers.ListField(child=serializers.CharField())
    svgUrl = serializers.CharField()


_TEXT = r"[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]"
_SOME_WORD = rf"^{_TEXT}*[^\s\x00-\x1f\x7f-\x9f]{_TEXT}*$"  # no control character, not blank


@extend_schema(tags=["production"])
class IconsViewSet(ApiViewSet):
    """Icons of the offline pictures (Fluent Emoji Flat, MIT), searched by name and keyword."""

    serializer_class = IconSerializer
    pagination_class = WholeListPagination

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "q",
                {"type": "string", "minLength": 1, "maxLength": 80, "pattern": _SOME_WORD},
                description="words to look for (1 to 80 characters)",
                required=True,
            )
        ],
        responses=IconSerializer(many=True),
        examples=examples(
            response={
                "name": "rocket",
                "label": "rocket",
                "keywords": ["launch", "rockets", "space", "travel"],
                "svgUrl": "/api/icons/rocket.svg",
            }
        ),
    )
    def list(self, request: Request) -> Response:
        raw = str(request.query_params.get("q", ""))
        query = raw.strip()
        if not query or len(raw) > 80:
            raise ValidationFailed(
                "Search for a word or two.", details={"q": ["1 to 80 characters."]}
            )
        return whole_list(
            [
                {
                    "name": icon.name,
                    "label": icon.label,
                    "keywords": list(icon.keywords),
                    "svgUrl": f"/api/icons/{icon.name}.svg",
                }
                for icon in icon_index().search(query, limit=24)
            ]
        )

    @extend_schema(responses={(200, "image/svg+xml"): bytes})
    def svg(self, request: Request, name: str) -> HttpResponse:
        """One icon's picture (SVG), by the name ``GET /api/icons`` gives."""
        icon = icon_index().icons.get(name)
        if icon is None:
            raise NotFound("No such icon.")
        w, h = icon.size
        response = HttpResponse(
            f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h}">{icon.body}</svg>',
            content_type="image/svg+xml",
        )
        response["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'"
        response["Cache-Control"] = "private, max-age=86400"
        return response
