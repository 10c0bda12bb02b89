"""The API's own description: the OpenAPI schema and two readers for it, served from our static
files (drf-spectacular-sidecar), never from a CDN, so the docs work offline."""

from __future__ import annotations

from typing import Any

from drf_spectacular.views import (
    SpectacularAPIView,
    SpectacularRedocView,
    SpectacularSwaggerSplitView,
)
from rest_framework.response import Response

from .renderers import EnvelopeJSONRenderer


class SchemaView(SpectacularAPIView):
    """``GET /api/schema`` (YAML; ``?format=json`` for JSON). An unknown ``format`` or an
    ``Accept`` it cannot serve is a 404/406 in the envelope, as JSON, never a 500."""

    def handle_exception(self, exc: Exception) -> Response:
        response = super().handle_exception(exc)
        # The failed negotiation left no renderer (or the YAML one): errors are JSON envelopes.
        self.request.accepted_renderer = EnvelopeJSONRenderer()
        self.request.accepted_media_type = "application/json"
        return response

    def finalize_response(self, request: Any, response: Any, *args: Any, **kwargs: Any) -> Any:
        if getattr(response, "exception", False):
            request.accepted_renderer = EnvelopeJSONRenderer()
            request.accepted_media_type = "application/json"
        return super().finalize_response(request, response, *args, **kwargs)


class SwaggerView(SpectacularSwaggerSplitView):
    """``GET /api/docs``: Swagger UI from our own static files, its start-up script served as a
    file (``?script=``), so the page runs under the site's CSP (``vidflow.headers``)."""


class RedocView(SpectacularRedocView):
    """``GET /api/redoc``: Redoc from our own static files (our template: the stock one loads
    web fonts from Google)."""

    template_name = "api/redoc.html"
