"""Token values, plugged into django-oauth-toolkit by ``ACCESS_TOKEN_GENERATOR`` and
``REFRESH_TOKEN_GENERATOR``.

The prefixes make a leaked token recognizable (secret scanners, logs). With
``COMPLIANT_BCP_RFC9700_TOKEN_STORAGE`` the database keeps only ``sha256(token)``: the value is
shown once, in the token response, and looked up by its digest afterwards (through a unique
index: comparing digests, a timing difference could reveal something about a digest, never about
the 256-bit token behind it).
"""

from __future__ import annotations

import hashlib
import secrets
from typing import Any

ACCESS_PREFIX = "vfa_"
REFRESH_PREFIX = "vfr_"


def access_token_generator(request: Any, refresh_token: bool = False) -> str:
    return ACCESS_PREFIX + secrets.token_urlsafe(32)  # 256 random bits


def refresh_token_generator(request: Any, refresh_token: bool = False) -> str:
    return REFRESH_PREFIX + secrets.token_urlsafe(32)


def checksum(raw_token: str) -> str:
    """The digest django-oauth-toolkit stores and looks tokens up by (``token_checksum``)."""
    return hashlib.sha256(raw_token.encode("utf-8")).hexdigest()
