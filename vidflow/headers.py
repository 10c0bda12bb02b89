"""Security headers on every response: pages, the log-in, ``/device``, ``/connected-apps``, the
admin, the API and its docs, and the errors Django answers itself.

Django's ``SecurityMiddleware`` already sends ``X-Content-Type-Options: nosniff``,
``Referrer-Policy: same-origin`` and ``Cross-Origin-Opener-Policy: same-origin``;
``XFrameOptionsMiddleware`` sends ``X-Frame-Options: DENY``. This adds the Content-Security-Policy:
only our own static scripts run (no inline script or ``on*`` handler anywhere, the admin, the
browsable API and Swagger UI included), no plugins, no foreign ``<base>``, forms post only here,
and no site may frame us. Pictures and media are left alone: artifact links may point at object
storage.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

CONTENT_SECURITY_POLICY = (
    "script-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; "
    "frame-ancestors 'none'"
)


class SecurityHeadersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        return response
