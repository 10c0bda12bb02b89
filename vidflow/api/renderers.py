"""The renderer that puts successful data into the envelope."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from rest_framework import renderers
from rest_framework.renderers import JSONRenderer

logger = logging.getLogger(__name__)


class EnvelopeJSONRenderer(JSONRenderer):
    """Wrap successful data as ``{"success": true, "data": ...}``; errors arrive wrapped."""

    def render(
        self,
        data: Any,
        accepted_media_type: str | None = None,
        renderer_context: Mapping[str, Any] | None = None,
    ) -> bytes:
        response = (renderer_context or {}).get("response")
        if response is not None and not getattr(response, "enveloped", False):
            data = {"success": True, "data": data}
        return super().render(data, accepted_media_type, renderer_context)


class BrowsableAPIRenderer(renderers.BrowsableAPIRenderer):
    """DRF's browsable API for our viewsets, which serve several routes each (one stage's
    reads and writes) without a model ``queryset`` or one ``serializer_class`` that fits them
    all. DRF builds its forms and filter form from those and fails (a 500) where they do not fit;
    here the page always shows the route's answer, with a form only where one can be built
    (the raw JSON form works for any write)."""

    def get_filter_form(self, data: Any, view: Any, request: Any) -> Any:
        # Imported here: DRF's settings load this module while rest_framework.views loads.
        from rest_framework.generics import GenericAPIView

        if getattr(view, "queryset", None) is None and (
            type(view).get_queryset is GenericAPIView.get_queryset
        ):
            return None  # nothing to filter: the route reads through a selector
        return super().get_filter_form(data, view, request)

    def get_rendered_html_form(self, data: Any, view: Any, method: str, request: Any) -> Any:
        try:
            return super().get_rendered_html_form(data, view, method, request)
        except Exception:  # the view's serializer is not this route's: no HTML form
            logger.debug("no %s form for %s", method, request.path, exc_info=True)
            return None

    def get_raw_data_form(self, data: Any, view: Any, method: str, request: Any) -> Any:
        try:
            return super().get_raw_data_form(data, view, method, request)
        except Exception:
            logger.debug("no raw %s form for %s", method, request.path, exc_info=True)
            return None
