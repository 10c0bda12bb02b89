"""The password hasher of the test process: Django's PBKDF2 at 1,000 iterations, not 1,000,000.

Every ``user`` fixture hashes a password, and at the production cost (about 0.35 s of CPU each)
that alone was a third of the suite's CPU time. The hash keeps the ``pbkdf2_sha256`` format with
its iteration count inside, so the processes the tests start (gunicorn, Celery workers), which use
the production settings, still verify it. The production cost is not what the suite tests.
"""

from __future__ import annotations

from django.contrib.auth.hashers import PBKDF2PasswordHasher


class QuickPBKDF2PasswordHasher(PBKDF2PasswordHasher):
    iterations = 1_000


def use_quick_hasher() -> None:
    """Put it in place of Django's PBKDF2 hasher (same algorithm name, so it must replace it)."""
    from django.conf import settings
    from django.contrib.auth.hashers import get_hashers, get_hashers_by_algorithm

    settings.PASSWORD_HASHERS = [
        f"{__name__}.QuickPBKDF2PasswordHasher",
        *(path for path in settings.PASSWORD_HASHERS if not path.endswith(".PBKDF2PasswordHasher")),
    ]
    get_hashers.cache_clear()
    get_hashers_by_algorithm.cache_clear()
