"""Authentication shared by every API route (``requireAuth``).

Bearer tokens (oauth_device) are tried first, then the Django session with CSRF enforced on unsafe
methods. Without credentials the answer is 401 with an RFC 6750 challenge, whichever way the client
meant to authenticate.
"""

from __future__ import annotations

from rest_framework.authentication import SessionAuthentication
from rest_framework.request import Request

BEARER_CHALLENGE = 'Bearer realm="vidflow"'


class CsrfSessionAuthentication(SessionAuthentication):
    """The browser session; DRF enforces CSRF for it on unsafe methods."""

    def authenticate_header(self, request: Request) -> str:
        return BEARER_CHALLENGE
