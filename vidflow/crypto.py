"""Sealing secrets we must keep usable (a YouTube refresh token), not just verifiable.

Fernet (AES-128-CBC + HMAC-SHA256) with a key derived from SECRET_KEY: a database dump alone
reveals nothing, and rotating SECRET_KEY makes old seals unreadable (the user reconnects).
"""

from __future__ import annotations

import base64
import hashlib

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings


def _fernet() -> Fernet:
    digest = hashlib.sha256(f"vidflow.seal:{settings.SECRET_KEY}".encode()).digest()
    return Fernet(base64.urlsafe_b64encode(digest))


def seal(text: str) -> str:
    return _fernet().encrypt(text.encode()).decode()


def unseal(token: str) -> str | None:
    """The sealed text, or None when it cannot be opened (tampered, or another SECRET_KEY)."""
    try:
        return _fernet().decrypt(token.encode()).decode()
    except (InvalidToken, ValueError):
        return None
