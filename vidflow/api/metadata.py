"""What ``OPTIONS`` answers on an API route: its name, its description and the media types it
reads and writes, in the envelope, with the ``Allow`` header DRF sets.

DRF's ``SimpleMetadata`` also describes the body of each ``POST``/``PUT`` by building the view's
serializer and, for ``PUT``, fetching the object; our routes resolve their objects in services,
not through ``get_object``, and several have no single serializer, so that introspection raised
(a 500). The bodies are described once, in ``/api/schema``; this answer points there.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rest_framework.metadata import BaseMetadata
from rest_framework.request import Request

if TYPE_CHECKING:  # rest_framework.views reads this class from the settings as it loads
    from rest_framework.views import APIView


class RouteMetadata(BaseMetadata):
    def determine_metadata(self, request: Request, view: APIView) -> dict[str, Any]:
        return {
            "name": view.get_view_name(),
            "description": view.get_view_description(),
            "renders": [renderer.media_type for renderer in view.renderer_classes],
            "parses": [parser.media_type for parser in view.parser_classes],
            "schema": "/api/schema",
        }
