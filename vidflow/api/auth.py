"""Authentication shared by every API route (``requireAuth``).

Bearer tokens (``oauth_device.authentication.BearerTokenAuthentication``) are tried first, then
the Django session with CSRF enforced on unsafe methods. Without credentials the answer is 401 with
an RFC 6750 challenge, whichever way the client meant to authenticate.
"""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse
from rest_framework.authentication import SessionAuthentication
from rest_framework.request import Request

REALM = "vidflow"


def _quoted(value: str) -> str:
    """An RFC 7235 quoted-string: no quote, backslash or line break may break out of it."""
    cleaned = value.replace("\\", "\\\\").replace('"', '\\"')
    return '"' + cleaned.replace("\r", " ").replace("\n", " ") + '"'


def bearer_challenge(**params: str | None) -> str:
    """``Bearer realm="vidflow"`` plus any RFC 6750 §3 attributes given (error, scope, ...) and
    ``resource_metadata``, where a client finds how to get a token (RFC 9728 §5.1)."""
    metadata = settings.PUBLIC_BASE_URL.rstrip("/") + reverse("oauth-resource-metadata")
    attributes = [f"realm={_quoted(REALM)}"]
    attributes += [f"{name}={_quoted(value)}" for name, value in params.items() if value]
    attributes.append(f"resource_metadata={_quoted(metadata)}")
    return "Bearer " + ", ".join(attributes)


class CsrfSessionAuthentication(SessionAuthentication):
    """The browser session; DRF enforces CSRF for it on unsafe methods."""

    def authenticate_header(self, request: Request) -> str:
        return bearer_challenge()
