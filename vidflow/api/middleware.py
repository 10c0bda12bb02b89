"""Keep the envelope on ``/api/`` responses that never reach a DRF view.

Django answers some requests itself: an unknown path (404), a body over the size limit (400), a
failed CSRF check on a plain Django view (403), an exception outside DRF (500). For ``/api/``
paths those answers are rewritten into the envelope; DRF responses are already enveloped and the
OAuth protocol endpoints answer JSON of their own (RFC 6749), so JSON responses pass untouched.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.http import Http404, HttpRequest, HttpResponse
from rest_framework.response import Response

from .envelope import error_json_response
from .error_codes import CODE_FOR_STATUS, ErrorCode

logger = logging.getLogger("vidflow.api")

_MESSAGES = {
    400: "The request is malformed.",
    403: "You may not do this.",
    404: "Not found.",
    405: "This method is not allowed here.",
    413: "The request body is too large.",
}


def is_api_path(path: str) -> bool:
    return path == "/api" or path.startswith("/api/")


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
        if status >= 500:
            return error_json_response(
                500,
                ErrorCode.INTERNAL_ERROR,
                "Something went wrong on our side; it has been logged.",
            )
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
        return error_json_response(
            500, ErrorCode.INTERNAL_ERROR, "Something went wrong on our side; it has been logged."
        )
