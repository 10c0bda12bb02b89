"""Bearer tokens for the API (RFC 6750), the first half of ``requireAuth``.

- ``Authorization: Bearer vfa_...``: the token must be valid; a bad, expired or revoked one is
  401 INVALID_TOKEN with ``error="invalid_token"``, never a fall back to the session cookie.
- Another scheme, or no header: not ours; the session class decides.
- ``access_token`` in the query string or a form body is refused outright (RFC 9700 §4.3.2):
  URLs end up in logs and browser history.

Validation is django-oauth-toolkit's (lookup by sha256 digest, expiry, the application still
usable, RFC 8707 audience); only the header is ever read.
"""

from __future__ import annotations

from typing import Any

from oauth2_provider.settings import oauth2_settings
from oauthlib.common import Request as OAuthlibRequest
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.request import Request

from accounts.models import User
from vidflow.api.auth import bearer_challenge

from .services import token_activity_record

_ERROR_ATTR = "_bearer_error"


class InvalidToken(AuthenticationFailed):
    default_detail = "The access token is invalid, expired or revoked."
    default_code = "invalid_token"


def _refuse(request: Request, description: str, error: str = "invalid_token") -> InvalidToken:
    # Remembered for authenticate_header(), which DRF asks for the WWW-Authenticate challenge.
    setattr(request, _ERROR_ATTR, (error, description))
    return InvalidToken(description)


class BearerTokenAuthentication(BaseAuthentication):
    def authenticate(self, request: Request) -> tuple[User, Any] | None:
        django_request = request._request
        if "access_token" in django_request.GET or (
            django_request.content_type == "application/x-www-form-urlencoded"
            and "access_token" in django_request.POST
        ):
            raise _refuse(
                request,
                "Send the access token in the Authorization header, never in the URL or body.",
                error="invalid_request",
            )
        header = get_authorization_header(request).decode("latin-1")
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer":
            return None
        token = token.strip()
        if not token or " " in token:
            raise _refuse(request, "The Authorization header is malformed.")

        validator = oauth2_settings.OAUTH2_VALIDATOR_CLASS()
        core_request = OAuthlibRequest(
            django_request.build_absolute_uri(), http_method=django_request.method
        )
        if not validator.validate_bearer_token(token, [], core_request):
            error = getattr(core_request, "oauth2_error", None) or {}
            raise _refuse(
                request,
                str(error.get("error_description") or InvalidToken.default_detail),
            )
        user, access_token = core_request.user, core_request.access_token
        if user is None or not user.is_active:
            raise _refuse(request, "The account this token belongs to is inactive.")
        token_activity_record(access_token=access_token)
        return user, access_token

    def authenticate_header(self, request: Request) -> str:
        error = getattr(request, _ERROR_ATTR, None)
        if error is None:
            return bearer_challenge()
        return bearer_challenge(error=error[0], error_description=error[1])
