"""Standard Webhooks signatures (https://www.standardwebhooks.com/).

Each request carries ``webhook-id`` (the message's id, the same on every attempt and
redelivery, so a receiver can drop duplicates), ``webhook-timestamp`` (this attempt's time, Unix
seconds) and ``webhook-signature``: ``v1,<base64 HMAC-SHA256>`` of ``{id}.{timestamp}.{body}``
keyed with the secret's bytes (the base64 after ``whsec_``). During a rotation both secrets
sign, separated by a space; a receiver accepts the request if any signature matches its secret.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

SECRET_PREFIX = "whsec_"  # noqa: S105 (a prefix, not a secret)


def secret_new() -> str:
    """A new endpoint secret: 32 random bytes, as Standard Webhooks spells them."""
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(32)).decode()


def signature(*, secret: str, message_id: str, timestamp: int, body: bytes) -> str:
    key = base64.b64decode(secret.removeprefix(SECRET_PREFIX))
    signed = f"{message_id}.{timestamp}.".encode() + body
    return "v1," + base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()


def signature_header(*, secrets_: list[str], message_id: str, timestamp: int, body: bytes) -> str:
    return " ".join(
        signature(secret=s, message_id=message_id, timestamp=timestamp, body=body) for s in secrets_
    )
