"""Keep the envelope on ``/api/`` responses that never reach a DRF view.

Django answers some requests itself: an unknown path (404), a body over the size limit (400), a
failed CSRF check on a plain Django view (403), an exception outside DRF (500). For ``/api/``
paths those answers are rewritten into the envelope; DRF responses are already enveloped and the
OAuth protocol endpoints answer JSON of their own (RFC 6749), so JSON responses pass untouched.
What Django answers for an OAuth protocol endpoint (a GET, a body over the limit, a crash) is
rewritten as an RFC 6749 error instead, since OAuth clients read those, not envelopes.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable

from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse, QueryDict
from rest_framework.response import Response

from vidflow.inputs import control_character_message, has_control_characters

from .envelope import error_json_response
from .error_codes import CODE_FOR_STATUS, ErrorCode

logger = logging.getLogger("vidflow.api")

_SERVER_ERROR = "Something went wrong on our side; it has been logged."
_MESSAGES = {
    400: "The request is malformed.",
    403: "You may not do this.",
    404: "Not found.",
    405: "This method is not allowed here.",
    413: "The request body is too large.",
}


_OAUTH_PROTOCOL_PATH = re.compile(r"^/api/oauth/(device/code|device/token|token|revoke)/?$")


def is_api_path(path: str) -> bool:
    return path == "/api" or path.startswith("/api/")


def is_oauth_protocol_path(path: str) -> bool:
    """The endpoints that answer as RFC 6749/8628/7009 say, not in the envelope."""
    return _OAUTH_PROTOCOL_PATH.match(path) is not None


def oauth_error_response(status: int) -> JsonResponse:
    """An RFC 6749 §5.2 error for what Django answered by itself on an OAuth endpoint."""
    if status >= 500:
        status, error, description = 500, "server_error", _SERVER_ERROR
    else:
        error = "invalid_request"
        description = _MESSAGES.get(status, "The request could not be processed.")
    return JsonResponse(
        {"error": error, "error_description": description},
        status=status,
        headers={"Cache-Control": "no-store"},
    )


class ApiErrorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not is_api_path(request.path) or response.status_code < 400:
            return response
        if isinstance(response, Response):
            return response
        if response.get("Content-Type", "").startswith("application/json"):
            return response
        status = response.status_code
        if is_oauth_protocol_path(request.path):
            converted: HttpResponse = oauth_error_response(status)
            if "Allow" in response:
                converted["Allow"] = response["Allow"]
            return converted
        if status >= 500:
            return error_json_response(500, ErrorCode.INTERNAL_ERROR, _SERVER_ERROR)
        code = CODE_FOR_STATUS.get(status, ErrorCode.VALIDATION_ERROR)
        message = _MESSAGES.get(status, "The request could not be processed.")
        if status == 403 and b"CSRF" in (response.content or b""):
            message = (
                "CSRF verification failed: send the X-CSRFToken header with the csrftoken cookie."
            )
        converted = error_json_response(status, code, message)
        if "Allow" in response:
            converted["Allow"] = response["Allow"]
        return converted

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not is_api_path(request.path):
            return None
        # Http404 and friends are answered by Django's own handlers, then converted above.
        if isinstance(exception, Http404 | PermissionDenied | SuspiciousOperation):
            return None
        logger.exception("Unhandled error on %s %s", request.method, request.path)
        if is_oauth_protocol_path(request.path):
            return oauth_error_response(500)
        return error_json_response(500, ErrorCode.INTERNAL_ERROR, _SERVER_ERROR)


_FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def _refused_input(request: HttpRequest, message: str) -> HttpResponse:
    """400 in the form the caller reads: the envelope, an RFC 6749 error, or a plain page."""
    if is_oauth_protocol_path(request.path):
        return JsonResponse(
            {"error": "invalid_request", "error_description": message},
            status=400,
            headers={"Cache-Control": "no-store"},
        )
    if is_api_path(request.path):
        return error_json_response(400, ErrorCode.VALIDATION_ERROR, message)
    return HttpResponse(message, status=400, content_type="text/plain; charset=utf-8")


class ControlCharacterMiddleware:
    """Refuse control characters (NUL first of all: PostgreSQL refuses it in text) in the path,
    the query string and form fields of every request, pages and OAuth endpoints included, as a
    400 before any view runs. JSON bodies are checked by the API's parser
    (``vidflow.api.parsers``)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        where = self._offending(request)
        if where is not None:
            return _refused_input(request, control_character_message(where))
        return self.get_response(request)

    @staticmethod
    def _offending(request: HttpRequest) -> str | None:
        if has_control_characters(request.path):
            return "the path"
        sources: list[tuple[str, QueryDict]] = [("query parameter", request.GET)]
        if request.method not in ("GET", "HEAD", "OPTIONS") and request.content_type in _FORM_TYPES:
            try:
                sources.append(("form field", request.POST))
            except Exception:  # a malformed or oversized body: the view answers it as before
                return None
        for kind, fields in sources:
            for name, values in fields.lists():
                if has_control_characters(name) or any(
                    has_control_characters(value) for value in values
                ):
                    return f"{kind} {name!r}"
        return None
