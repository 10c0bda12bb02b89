"""RFC 8628 §6.1 user codes: typed by a person, so short, unambiguous and free of words.

No Django imports here: settings hand ``generate_user_code`` to django-oauth-toolkit directly.
"""

from __future__ import annotations

import re
import secrets

# 20 consonants: no vowels (no words spelled by accident), no 0/O or 1/I to confuse.
ALPHABET = "BCDFGHJKLMNPQRSTVWXZ"
HALF = 4
LENGTH = 2 * HALF  # 20**8 ≈ 2.6e10 codes: ample for a 10-minute life behind an entry rate limit

_SEPARATORS = re.compile(r"[\s\-_.]")


def generate_user_code() -> str:
    """A fresh code as shown to people: ``XXXX-XXXX``."""
    raw = "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))
    return f"{raw[:HALF]}-{raw[HALF:]}"


def normalize_user_code(entered: str | None) -> str | None:
    """What a person typed (any case, with or without the hyphen or spaces) in the stored form
    ``XXXX-XXXX``; ``None`` if it cannot be a code at all."""
    if not entered:
        return None
    value = _SEPARATORS.sub("", entered).upper()
    if len(value) != LENGTH or any(char not in ALPHABET for char in value):
        return None
    return f"{value[:HALF]}-{value[HALF:]}"
