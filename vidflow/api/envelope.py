"""The response envelope of every ``/api/`` route, and the one place errors become envelopes.

{"success": true, "data": ...}
{"success": false, "error": {"code": "...", "message": "...", "details": {...}}}
"""

from __future__ import annotations

import logging
from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.db import connections
from django.http import Http404, JsonResponse
from rest_framework import exceptions as drf
from rest_framework.response import Response

from vidflow.errors import AppError

from .error_codes import CODE_FOR_STATUS, ErrorCode

logger = logging.getLogger("vidflow.api")


def error_body(code: str, message: str, details: dict[str, Any] | None = None) -> dict[str, Any]:
    # A plain str: the schema's YAML renderer cannot represent the ErrorCode enum itself.
    return {
        "success": False,
        "error": {"code": str(code), "message": message, "details": details or {}},
    }


def error_json_response(
    status: int, code: str, message: str, details: dict[str, Any] | None = None
) -> JsonResponse:
    """An envelope for places outside DRF (middleware, Django's own 404/500)."""
    return JsonResponse(error_body(code, message, details), status=status)


class EnvelopeResponse(Response):
    """A response whose data is already an envelope; the renderer passes it through."""

    enveloped = True


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


def _validation_details(detail: Any) -> dict[str, Any]:
    """DRF's nested error detail → {camelField: [messages]} (nested objects kept nested)."""
    if isinstance(detail, dict):
        return {
            ("nonFieldErrors" if key == "non_field_errors" else _camel(str(key))): (
                _validation_details(value) if isinstance(value, dict) else _messages(value)
            )
            for key, value in detail.items()
        }
    return {"nonFieldErrors": _messages(detail)}


def _messages(value: Any) -> Any:
    if isinstance(value, list):
        return [_messages(v) if isinstance(v, dict | list) else str(v) for v in value]
    if isinstance(value, dict):
        return _validation_details(value)
    return [str(value)]


def _validation_message(details: dict[str, Any]) -> str:
    fields = [name for name in details if name != "nonFieldErrors"]
    if fields:
        return "Invalid input: " + ", ".join(fields) + "."
    first = details.get("nonFieldErrors") or ["Invalid input."]
    return str(first[0])


def set_rollback() -> None:
    """Roll back the request's transaction (ATOMIC_REQUESTS) after an error, as DRF does."""
    for db in connections.all():
        if db.settings_dict.get("ATOMIC_REQUESTS") and db.in_atomic_block:
            db.set_rollback(True)


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response:
    """Turn any exception raised in a DRF view into an envelope; never a traceback."""
    headers: dict[str, str] = {}
    details: dict[str, Any] = {}
    status: int
    code: str
    message: str

    if isinstance(exc, AppError):
        status, code, message = exc.status_code, str(exc.error_code), exc.message
        details, headers = exc.details, dict(exc.headers)
    elif isinstance(exc, drf.ValidationError):
        status, code = 400, ErrorCode.VALIDATION_ERROR
        details = _validation_details(exc.detail)
        message = _validation_message(details)
    elif isinstance(exc, drf.ParseError):
        status, code = 400, ErrorCode.VALIDATION_ERROR
        message = f"The request body could not be parsed: {exc.detail}"
    elif isinstance(exc, RequestDataTooBig):
        status, code = 400, ErrorCode.VALIDATION_ERROR
        message = "The request body is too large."
    elif isinstance(exc, SuspiciousOperation):
        status, code, message = 400, ErrorCode.VALIDATION_ERROR, "The request is malformed."
    elif isinstance(exc, drf.NotAuthenticated):
        status, code = exc.status_code, ErrorCode.UNAUTHENTICATED
        message = "Authentication required: a Bearer token or a signed-in session."
    elif isinstance(exc, drf.AuthenticationFailed):
        status, code, message = exc.status_code, ErrorCode.INVALID_TOKEN, str(exc.detail)
    elif isinstance(exc, Http404 | drf.NotFound):
        status, code, message = 404, ErrorCode.NOT_FOUND, "Not found."
    elif isinstance(exc, DjangoPermissionDenied | drf.PermissionDenied):
        status, code = 403, ErrorCode.FORBIDDEN
        message = str(getattr(exc, "detail", "")) or "You may not do this."
    elif isinstance(exc, drf.Throttled):
        status, code, message = 429, ErrorCode.RATE_LIMITED, "Too many requests."
        wait = getattr(exc, "wait", None)
        if wait:
            headers["Retry-After"] = str(max(1, int(wait)))
    elif isinstance(exc, drf.APIException):
        status = exc.status_code
        code = CODE_FOR_STATUS.get(status, ErrorCode.INTERNAL_ERROR)
        message = str(exc.detail)
    else:
        request = context.get("request")
        logger.exception(
            "Unhandled error on %s %s",
            getattr(request, "method", "?"),
            getattr(request, "path", "?"),
            exc_info=exc,
        )
        status, code = 500, ErrorCode.INTERNAL_ERROR
        message = "Something went wrong on our side; it has been logged."

    auth_header = getattr(exc, "auth_header", None)
    if auth_header and "WWW-Authenticate" not in headers:
        headers["WWW-Authenticate"] = auth_header

    set_rollback()
    return EnvelopeResponse(error_body(code, message, details), status=status, headers=headers)
