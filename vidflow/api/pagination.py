"""One list shape for every collection: ``{"results": [...], "next": url, "previous": url}``.

Every route that answers a list answers this object, never a bare array, and the schema says so
(drf-spectacular reads ``get_paginated_response_schema``). A client reads ``results`` and follows
``next`` until it is ``null``; that loop works for every list, however it is paged:

- collections that grow without bound (projects, channels, runs, ledger entries, purchases) are
  cursor-paged on their creation time (``CreatedCursorPagination``): stable while new rows
  arrive, one indexed query however deep the client pages;
- a project's parts (title ideas, outlier videos, chapters, shots, bible entries) and the short
  catalogues (voices, icons) come whole in one page (``WholeListPagination``: ``next`` and
  ``previous`` are ``null``), in their natural order (position, or best first).

``next``/``previous`` are built on ``PUBLIC_BASE_URL``, never on the request's ``Host`` header or
``X-Forwarded-Proto``, which a client (or a misconfigured proxy) chooses.
"""

from __future__ import annotations

from typing import Any
from urllib import parse

from django.conf import settings
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.pagination import BasePagination, Cursor, CursorPagination
from rest_framework.request import Request
from rest_framework.response import Response

from .serializers import QuerySerializer

MAX_PAGE_SIZE = 100


def list_response_schema(schema: dict[str, Any]) -> dict[str, Any]:
    return {
        "type": "object",
        "required": ["results", "next", "previous"],
        "properties": {
            "results": schema,
            # (an example of null: what a list's examples show, all of it in one page)
            "next": {"type": "string", "format": "uri", "nullable": True, "example": None},
            "previous": {"type": "string", "format": "uri", "nullable": True, "example": None},
        },
    }


def whole_list(data: Any, *, status: int = 200) -> Response:
    """A list in one page: the shape of every list, with no further page."""
    return Response({"results": data, "next": None, "previous": None}, status=status)


class WholeListPagination(BasePagination):
    """A list that comes whole (a project's parts, short catalogues): one page, no query
    parameters. Views answer with :func:`whole_list`; this class tells the schema the shape."""

    def paginate_queryset(self, queryset: Any, request: Request, view: Any = None) -> list[Any]:
        return list(queryset)

    def get_paginated_response(self, data: Any) -> Response:
        return whole_list(data)

    def get_paginated_response_schema(self, schema: dict[str, Any]) -> dict[str, Any]:
        return list_response_schema(schema)

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        return []


class PageQuerySerializer(QuerySerializer):
    pageSize = serializers.IntegerField(min_value=1, max_value=MAX_PAGE_SIZE, required=False)
    cursor = serializers.CharField(required=False, max_length=400)


class CreatedCursorPagination(CursorPagination):
    ordering = ("-created_at", "-id")
    page_size = 20
    page_size_query_param = "pageSize"
    max_page_size = MAX_PAGE_SIZE

    def paginate_queryset(self, queryset: Any, request: Request, view: Any = None) -> Any:
        query = PageQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)  # pageSize=abc or 0 or 101 is a 400, not ignored
        return super().paginate_queryset(queryset, request, view)

    def decode_cursor(self, request: Request) -> Cursor | None:
        try:
            return super().decode_cursor(request)
        except NotFound:  # a cursor is an opaque name of a page: an unknown one names none
            raise NotFound("No such page: use a next or previous link as it is.") from None

    def encode_cursor(self, cursor: Cursor) -> str:
        # DRF builds on request.build_absolute_uri() (the Host header); ours is PUBLIC_BASE_URL.
        url = super().encode_cursor(cursor)
        parts = parse.urlsplit(url)
        base = parse.urlsplit(settings.PUBLIC_BASE_URL)
        path = base.path.rstrip("/") + parts.path
        return parse.urlunsplit((base.scheme, base.netloc, path, parts.query, ""))

    def get_paginated_response(self, data: Any) -> Response:
        return Response(
            {"results": data, "next": self.get_next_link(), "previous": self.get_previous_link()}
        )

    def get_paginated_response_schema(self, schema: dict[str, Any]) -> dict[str, Any]:
        return list_response_schema(schema)

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        return [
            {
                "name": self.cursor_query_param,
                "required": False,
                "in": "query",
                "description": "Where a page starts: copy it from a next or previous link.",
                "schema": {"type": "string", "minLength": 1, "maxLength": 400},
            },
            {
                "name": self.page_size_query_param,
                "required": False,
                "in": "query",
                "description": f"Results per page (1 to {MAX_PAGE_SIZE}; {self.page_size} when "
                "left out).",
                "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PAGE_SIZE},
            },
        ]


__all__ = [
    "CreatedCursorPagination",
    "WholeListPagination",
    "list_response_schema",
    "whole_list",
]
