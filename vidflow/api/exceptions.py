"""The errors services and views raise; the exception handler turns them into envelopes.

They are the framework-free ``vidflow.errors`` (re-exported here for the API layer's imports), plus
the one that needs the API's own vocabulary (an RFC 6750 challenge).
"""

from __future__ import annotations

from vidflow.errors import (
    AccountSuspended,
    AppError,
    Forbidden,
    IdempotencyConflict,
    InsufficientCredits,
    InvalidTransition,
    NotFound,
    ProviderUnavailable,
    RateLimited,
    ValidationFailed,
    VendorError,
    YoutubeNotConnected,
)

from .auth import bearer_challenge
from .error_codes import ErrorCode


class InsufficientScope(AppError):
    status_code = 403
    error_code = ErrorCode.INSUFFICIENT_SCOPE

    def __init__(self, scope: str) -> None:
        super().__init__(
            f"This token lacks the '{scope}' scope.",
            details={"requiredScope": scope},
            headers={"WWW-Authenticate": bearer_challenge(error="insufficient_scope", scope=scope)},
        )


__all__ = [
    "AccountSuspended",
    "AppError",
    "Forbidden",
    "IdempotencyConflict",
    "InsufficientCredits",
    "InsufficientScope",
    "InvalidTransition",
    "NotFound",
    "ProviderUnavailable",
    "RateLimited",
    "ValidationFailed",
    "VendorError",
    "YoutubeNotConnected",
]
